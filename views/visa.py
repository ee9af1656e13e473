"""The visa view: directed edges passport state -> destination where the holder needs nothing
before travel (visa free, with days where given, or visa on arrival), among a set of states, on the
latest snapshot of the visa tables scraped on or before a date.

One run of the named query ``visa-free`` per state (about 200 rows each), so the view shows
exactly what the query answers; edges to states outside the set are left out."""

from __future__ import annotations

from mrkg.loaders.treaty_tables import POST_SOVIET
from mrkg.queries.library import bind, get
from mrkg.views import sparql
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

DEFAULT_STATES = tuple(sorted(POST_SOVIET))
EDGE_STYLES = {
    "visa-free": EdgeStyle("visa free (days where the source gives them)", "#59a14f"),
    "visa-on-arrival": EdgeStyle("visa on arrival", "#f28e2b", dashes=True),
}


def build(engine, states: tuple[str, ...] = DEFAULT_STATES, on: str | None = None) -> ViewGraph:
    """The view of ``states`` (ISO 3166 alpha-3 codes) on ``on`` (YYYY-MM-DD; None: the latest snapshot)."""
    query = get("visa-free")
    countries = {party["id"]: party for party in sparql.parties(engine).values() if party["kind"] == "country"}
    view = ViewGraph(title=f"Visa-free entry among {len(states)} states" + (f" on {on}" if on else ""),
                     edge_styles=dict(EDGE_STYLES))
    view.filters.append(f"snapshot: the latest scraped on or before {on}" if on else "snapshot: the latest")
    view.notes.append("Passport Index Dataset (ilyankou/passport-index-dataset), scrape dates, not dates of legal "
                      "change; e-visas and eTAs are not visa free.")
    for code in states:
        label = countries.get(code, {}).get("label", code)
        view.add_node(Node(id=code, label=code, kind="country", facts=[Fact("country", label)],
                           iri=f"https://w3id.org/mrkg/id/country/{code}"))
    snapshots = set()
    for code in states:
        params = {"passport": code, **({"on": on} if on else {})}
        for row in sparql.run(engine, "visa-free", bind(query, params)).rows:
            destination = sparql.text(row["destination"]).rsplit("/", 1)[1]
            if destination not in view.nodes:
                continue
            days = sparql.text(row.get("days"))
            category = sparql.text(row["code"])
            snapshots.add(sparql.text(row["date"]))
            view.add_edge(Edge(
                source=code, target=destination, category=category, directed=True,
                label=f"{days} days" if days else ("VOA" if category == "visa-on-arrival" else "free"),
                facts=[Fact("passport", code), Fact("destination", destination),
                       Fact("requirement", sparql.text(row["requirement"])), Fact("days", days or "not given"),
                       Fact("snapshot", sparql.text(row["date"])),
                       Fact("source", f"{sparql.text(row['dataset'])}, {sparql.text(row['locator'])}")]))
    if snapshots:
        view.filters.append("scraped " + ", ".join(sorted(snapshots)))
    return view
