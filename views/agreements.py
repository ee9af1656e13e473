"""The agreements view: countries and instruments, an edge per participation, styled by status on a date.

The status of each participation comes from the named query ``agreements-of`` (run for
every party at once), so the view and ``mrkg query agreements-of`` always agree. Each edge also
carries the participation's status periods (``queries/views/status-periods.rq``, the periods
agreements-of reads), so the page's date slider shows the status on any other day without a query.
By default the view keeps the instruments and parties with the most ties (``DEFAULT_TOP`` nodes); instruments
adopted within one organisation, or whose titles differ only by their parties, are grouped.
"""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mrkg.queries.library import QueryError
from mrkg.views import sparql
from mrkg.views.labels import short_title
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

DEFAULT_TOP = 40  # nodes: the instruments and parties with the most participations

def status_category(row: dict[str, str]) -> str | None:
    """The legend's style of an agreements-of row: by whether the instrument is in force for the party
    on the date (in force, uncertain), else by its status. None: not yet signed on the date."""
    status = row["status"]
    if row["in_force_on"] == "in force":
        return "in-force"
    if row["in_force_on"] == "uncertain":
        return "uncertain"
    if status == "not yet signed":
        return None  # not a tie yet on the date: left out, and the page says so
    if status in ("withdrawn", "terminated", "suspended"):
        return "withdrawn"
    if status in ("non-binding", "draft"):
        return status
    if status == "party (no dates recorded)":
        return "undated"
    return "signed-only"  # not yet in force, consented or signed with no entry into force recorded


STATUS_STYLES = {
    "in-force": EdgeStyle("in force", "#2e7d32"),
    "uncertain": EdgeStyle("in force or not: a deciding date known only within bounds", "#ef8a17", dashes=True),
    "signed-only": EdgeStyle("signed or consented only (not yet in force, or entry into force not recorded)", "#1f77b4",
                             dashes=True),
    "withdrawn": EdgeStyle("withdrawn, terminated or suspended", "#c62828", dashes=True),
    "non-binding": EdgeStyle("non-binding", "#8c8c8c"),
    "draft": EdgeStyle("draft", "#9467bd", dashes=True),
    "undated": EdgeStyle("party, no dates recorded", "#c7c7c7", dashes=True),
}


class ViewError(QueryError):
    """Bad view options or an empty selection; the message says what was expected."""


def date_term(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def participations(engine, on: dt.date, country: URIRef | None = None) -> list[dict[str, str]]:
    """agreements-of's rows (all parties, or one), as text, with the party IRI."""
    rows = sparql.run(engine, "agreements-of", {"on": date_term(on), "country": country}).rows
    return [{key: sparql.text(value) for key, value in row.items()} for row in rows]


def instruments(engine, organisation=None, instrument_type=None, area=None) -> dict[str, dict[str, str]]:
    """Instrument metadata by identifier, narrowed by the optional filters."""
    rows = sparql.run(engine, "instruments", {"organisation": organisation, "type": instrument_type, "area": area})
    return {sparql.text(row["instrument"]): {key: sparql.text(value) for key, value in row.items()}
            for row in rows.rows}


def instrument_node(meta: dict[str, str], parties: dict[str, str] | None = None) -> Node:
    """The node of an instrument, labelled by its short title (``parties``: code -> name of its parties)."""
    facts = [Fact("instrument", meta["title"]), Fact("identifier", meta["instrument"]), Fact("class", meta["kind"])]
    for name, key in (("type", "type_label"), ("date", "date"), ("policy areas", "areas")):
        if meta.get(key):
            facts.append(Fact(name, meta[key]))
    if meta.get("sources"):
        facts.append(Fact("sources", meta["sources"]))
    return Node(id=f"instrument:{meta['instrument']}", label=short_title(meta["title"], parties or {}).label,
                kind="instrument", facts=facts, iri=meta["instrumentIri"], size=10)


def party_node(iri: str, party: dict[str, str]) -> Node:
    kind = party["kind"] if party["kind"] in ("country", "organisation") else "country"
    facts = [Fact(kind, party["label"]), Fact("identifier", party["id"]),
             Fact("source", f"named graph {party['graph']}")]
    return Node(id=f"{kind}:{party['id']}", label=party["label"], kind=kind, facts=facts, iri=iri, size=16)


def participation_edge(row: dict[str, str], category: str, source: str, target: str) -> Edge:
    facts = [Fact("status on the date", row["status"])]
    for name, key in (("signed", "signed"), ("consent", "consent"), ("consent date", "consent_date"),
                      ("in force", "in_force"), ("in force (basis)", "in_force_basis"), ("withdrawn", "withdrawn")):
        if row.get(key):
            facts.append(Fact(name, row[key]))
    facts.append(Fact("sources", row["sources"]))
    return Edge(source=source, target=target, category=category, facts=facts)


def status_periods(engine) -> dict[tuple[str, str], list[tuple[str, str, str | None, str]]]:
    """Each participation's status periods by (instrument identifier, party IRI): (from, until, legend
    category, status), in order."""
    found: dict[tuple[str, str], list[tuple[str, str, str | None, str]]] = {}
    for row in sparql.run(engine, "status-periods").rows:
        text = {key: sparql.text(value) for key, value in row.items()}
        found.setdefault((text["instrument"], text["party"]), []).append(
            (text["from"], text["until"], status_category(text), text["status"]))
    return found


def party_names(periods: dict[tuple[str, str], list], parties: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Every instrument's parties (code -> name), for short titles: all of them, whichever the view shows."""
    names: dict[str, dict[str, str]] = {}
    for instrument, party in periods:
        if party in parties:
            names.setdefault(instrument, {})[parties[party]["id"]] = parties[party]["label"]
    return names


def _top_nodes(rows: list[dict[str, str]], top: int | None) -> list[dict[str, str]]:
    """The participations among the ``top`` nodes with the most ties (instruments by their parties,
    parties by their instruments, every participation recorded whatever its date; ties broken by
    kind and identifier); every participation when ``top`` is None."""
    if top is None:
        return rows
    degree: dict[tuple[str, str], int] = {}
    for row in rows:
        for end in (("instrument", row["instrument"]), ("party", row["country"])):
            degree[end] = degree.get(end, 0) + 1
    kept = set(sorted(degree, key=lambda end: (-degree[end], end))[:top])
    return [row for row in rows if ("instrument", row["instrument"]) in kept and ("party", row["country"]) in kept]


def _group(view: ViewGraph, selected: dict[str, dict[str, str]], families: dict[str, str | None]) -> None:
    """Put instruments adopted within one organisation, or of one family (titles that differ only by
    their parties), into a group of two or more that the page collapses into one node."""
    members: dict[tuple[str, str], list[Node]] = {}
    for node in view.nodes.values():
        if node.kind != "instrument":
            continue
        identifier = node.id.split(":", 1)[1]
        meta = selected[identifier]
        if meta.get("adopted_within"):
            key = (f"cluster:organisation:{meta['adopted_within']}", f"adopted within {meta['adopted_within_label']}")
        elif families.get(identifier):
            key = (f"cluster:family:{families[identifier]}", str(families[identifier]))
        else:
            continue
        members.setdefault(key, []).append(node)
    for (cluster, label), nodes in sorted(members.items()):
        if len(nodes) > 1:
            view.clusters[cluster] = f"{label} ({len(nodes)})"
            for node in nodes:
                node.cluster = cluster


def build(engine, on: dt.date, organisation=None, instrument_type=None, area=None,
          filter_text: list[str] | None = None, top: int | None = None) -> ViewGraph:
    """The agreements view on ``on``; ``organisation``, ``instrument_type`` and ``area`` are bound terms;
    ``top``: keep the nodes with the most ties (None: all)."""
    view = ViewGraph(title=f"Agreements on {on.isoformat()}", edge_styles=dict(STATUS_STYLES))
    view.filters = [f"status evaluated on {on.isoformat()}; the slider shows it on any other day",
                    *(filter_text or [])]
    selected = instruments(engine, organisation, instrument_type, area)
    parties = sparql.parties(engine)
    rows, unknown = _selected_participations(engine, on, selected, parties)
    kept = _top_nodes(rows, top)
    if len(kept) < len(rows):
        view.filters.append(f"the {top} instruments and parties with the most participations and the "
                            f"{len(kept)} participations among them, of {len(rows)} (--top {top}; --all for "
                            "every one; ties broken by identifier)")
    rows = kept
    periods = status_periods(engine)
    names = party_names(periods, parties)
    families: dict[str, str | None] = {}
    later = 0
    for row in rows:
        meta, party = selected[row["instrument"]], parties[row["country"]]
        instrument = view.add_node(instrument_node(meta, names.get(row["instrument"], {})))
        families[row["instrument"]] = short_title(meta["title"], names.get(row["instrument"], {})).family
        member = view.add_node(party_node(row["country"], party))
        timeline = periods.get((row["instrument"], row["country"]), [])
        category = status_category(row)
        if category is None:  # not signed yet on the date: drawn once the slider passes its signature
            later += 1
        drawn = category or next((period[2] for period in timeline if period[2]), "signed-only")
        edge = view.add_edge(participation_edge(row, drawn, member.id, instrument.id))
        edge.periods, edge.hidden = timeline, category is None
    if later:
        view.filters.append(f"{later} participation(s) signed after {on.isoformat()} hidden on that date")
    if unknown:
        view.filters.append(f"{unknown} participation(s) of parties with no country or organisation record left out")
    if not any(not edge.hidden for edge in view.edges):
        raise ViewError("no participation matches these options; try another date or filter "
                        "(see `mrkg list instruments` and `mrkg list organisations`)")
    _size_by_degree(view)
    _group(view, selected, families)
    if view.clusters:
        view.filters.append("grouped (click a group to open it): instruments adopted within one organisation, "
                            "and instruments whose titles differ only by their parties")
    view.timeline = _timeline(view, on)
    view.filters.append("node size: number of parties (instruments) or of instruments (countries) in the view")
    return view


def _selected_participations(engine, on: dt.date, selected: dict[str, dict[str, str]],
                             parties: dict[str, dict[str, str]]) -> tuple[list[dict[str, str]], int]:
    """agreements-of's rows of the selected instruments, and how many were left out because their party
    is neither a country nor an organisation in the graph."""
    rows, unknown = [], 0
    for row in participations(engine, on):
        if row["instrument"] not in selected:
            continue
        if row["country"] not in parties:
            unknown += 1
            continue
        rows.append(row)
    return rows, unknown


def _timeline(view: ViewGraph, on: dt.date) -> dict[str, str]:
    """The slider's range: from the first status change of any edge (or the date) to the last one, or today."""
    bounds = sorted({day for edge in view.edges for period in edge.periods or [] for day in period[:2] if day})
    return {"on": on.isoformat(), "first": min([*bounds[:1], on.isoformat()]),
            "last": max([*bounds[-1:], on.isoformat(), dt.date.today().isoformat()])}


def _size_by_degree(view: ViewGraph) -> None:
    degree: dict[str, int] = {}
    for edge in view.edges:
        for end in (edge.source, edge.target):
            degree[end] = degree.get(end, 0) + 1
    for node_id, node in view.nodes.items():
        node.value = degree.get(node_id, 0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
