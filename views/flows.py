"""The flows view: directed, weighted edges between countries for one measure, width by value."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rdflib import URIRef

from mrkg.views import sparql
from mrkg.views.agreements import ViewError
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

PALETTE = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7")
MAX_WIDTH = 12.0
DEFAULT_TOP = 50  # figures: about 40-50 countries, legible when the view opens


@dataclass
class Figure:
    """One bilateral figure, as text, with its value as a number."""

    origin: str
    origin_id: str
    origin_label: str
    destination: str
    destination_id: str
    destination_label: str
    value: float
    printed: str
    unit: str
    period: str
    start: str
    source_id: str
    source_label: str
    document: str
    locator: str
    observation: str


def figures(engine, measure: URIRef, year: int | None = None, source: URIRef | None = None,
            origin: URIRef | None = None, destination: URIRef | None = None) -> list[Figure]:
    """Every figure of ``measure`` between two countries, narrowed by the optional bindings.

    One narrow scan of the figures (``queries/views/flows.rq``), then each distinct period, unit,
    document, source and country looked up once: joining labels and identifiers per figure in SPARQL
    made a whole measure and year (11,297 figures of migrant stock in 2019) take about 10 s."""
    bindings = {"measure": measure, "source": source, "origin": origin, "destination": destination}
    countries = {iri: party for iri, party in sparql.parties(engine).items() if party["kind"] == "country"}
    periods = {row["periodIri"]: (sparql.text(row["period"]), sparql.text(row["start"]))
               for row in sparql.run(engine, "periods").rows}
    if year is None:
        rows = sparql.run(engine, "flows", bindings).rows
    else:  # one run per period starting in the year (xsd:date text: YYYY-MM-DD)
        rows = [row for iri, (_, start) in sorted(periods.items()) if start.startswith(f"{year:04d}-")
                for row in sparql.run(engine, "flows", {**bindings, "periodIri": iri}).rows]
    terms = _TermCache(engine)
    found = []
    for row in rows:
        value = _number(row["value"])
        ends = countries.get(str(row["origin"])), countries.get(str(row["destination"]))
        # A range or a qualified value printed as text has nothing to weigh an edge with; totals over
        # the world or a group of countries are not bilateral figures.
        if value is None or None in ends:
            continue
        period, start = periods.get(row["periodIri"], ("", ""))
        source_id, source_label = terms.get(row["source"])
        found.append(Figure(str(row["origin"]), ends[0]["id"], ends[0]["label"], str(row["destination"]),
                            ends[1]["id"], ends[1]["label"], value, sparql.text(row["value"]),
                            terms.get(row["unitIri"])[0], period, start, source_id or "(no statistical source)",
                            source_label or "no statistical source named", terms.get(row["documentIri"])[0],
                            sparql.text(row["locator"]), str(row["obs"])))
    return found


class _TermCache:
    """Identifier and label of the few distinct units, documents and sources, each asked once."""

    def __init__(self, engine):
        self.engine = engine
        self.known: dict[str, tuple[str, str]] = {}

    def get(self, term) -> tuple[str, str]:
        if term is None:
            return "", ""
        key = str(term)
        if key not in self.known:
            rows = sparql.run(self.engine, "term", {"term": term}).rows
            row = rows[0] if rows else {}
            self.known[key] = sparql.text(row.get("id")), sparql.text(row.get("label"))
        return self.known[key]


def _number(term) -> float | None:
    try:
        value = float(str(term))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def latest_per_pair(found: list[Figure]) -> list[Figure]:
    """The most recent figure for each origin, destination and source."""
    kept: dict[tuple[str, str, str], Figure] = {}
    for figure in sorted(found, key=lambda f: (f.start, f.observation)):
        kept[(figure.origin, figure.destination, figure.source_id)] = figure
    return list(kept.values())


def strongest(found: list[Figure], top: int | None, minimum: float | None) -> list[Figure]:
    chosen = [f for f in found if minimum is None or abs(f.value) >= minimum]
    chosen.sort(key=lambda f: (-abs(f.value), f.origin_id, f.destination_id, f.source_id))
    return chosen if top is None else chosen[:top]


def country_node(iri: str, code: str, label: str, kind: str = "country", graph: str | None = None) -> Node:
    facts = [Fact("country", label), Fact("ISO 3166 alpha-3", code)]
    if graph:
        facts.append(Fact("source", f"named graph {graph}"))
    return Node(id=f"country:{code}", label=label, kind=kind, iri=iri, size=14, facts=facts)


def _totals(view: ViewGraph, chosen: list[Figure]) -> None:
    """Each country's sums in the view, by direction and unit, added to its facts."""
    sums: dict[tuple[str, str, str], float] = {}
    for figure in chosen:
        for node_id, direction in ((f"country:{figure.origin_id}", "out"), (f"country:{figure.destination_id}", "in")):
            key = (node_id, direction, figure.unit)
            sums[key] = sums.get(key, 0.0) + figure.value
    for (node_id, direction, unit), total in sorted(sums.items()):
        name = "outgoing in this view" if direction == "out" else "incoming in this view"
        view.nodes[node_id].facts.insert(2, Fact(name, f"{total:,.10g} {unit}"))


def flow_edge(figure: Figure, measure_label: str, width: float, category: str) -> Edge:
    facts = [Fact("measure", measure_label), Fact("value", f"{figure.printed} {figure.unit}"),
             Fact("period", figure.period), Fact("statistical source", f"{figure.source_label} ({figure.source_id})"),
             Fact("source", f"{figure.document}, {figure.locator}"), Fact("observation", figure.observation)]
    return Edge(source=f"country:{figure.origin_id}", target=f"country:{figure.destination_id}", category=category,
                facts=facts, width=width, directed=True, dashes=True if figure.value < 0 else None)


def widths(found: list[Figure]) -> dict[int, float]:
    """Edge width by the square root of the value, scaled within each unit (units are never compared)."""
    largest: dict[str, float] = {}
    for figure in found:
        largest[figure.unit] = max(largest.get(figure.unit, 0.0), abs(figure.value))
    return {id(f): 1.0 + (MAX_WIDTH - 1.0) * math.sqrt(abs(f.value) / largest[f.unit]) if largest[f.unit] else 1.0
            for f in found}


def add_flows(view: ViewGraph, chosen: list[Figure], measure_label: str, parties: dict[str, dict[str, str]],
              partner_kind: str = "country", centre: str | None = None) -> None:
    """Country nodes and one edge per figure; edge categories are the statistical sources."""
    sources = sorted({f.source_id for f in chosen})
    for index, source in enumerate(sources):
        view.edge_styles.setdefault(f"source:{source}", EdgeStyle(f"source: {source}", PALETTE[index % len(PALETTE)]))
    sized = widths(chosen)
    for figure in chosen:
        for iri, code, label in ((figure.origin, figure.origin_id, figure.origin_label),
                                 (figure.destination, figure.destination_id, figure.destination_label)):
            view.add_node(country_node(iri, code, label, "country" if code == centre else partner_kind,
                                       parties.get(iri, {}).get("graph")))
        view.add_edge(flow_edge(figure, measure_label, round(sized[id(figure)], 2), f"source:{figure.source_id}"))
    # Node size by weight: the sum of its edges' widths (square roots of the values, scaled within each unit).
    for edge in view.edges:
        for end in (edge.source, edge.target):
            view.nodes[end].value = round((view.nodes[end].value or 0.0) + edge.width, 2)
    if centre is None:
        _totals(view, chosen)
    if any(f.value < 0 for f in chosen):
        view.notes.append("Dashed edges carry a negative value: for a net flow, a net movement the other way.")


def measure_label(engine, measure: URIRef) -> str:
    rows = sparql.run(engine, "measure", {"measure": measure}).rows
    if not rows:
        raise ViewError(f"no measure <{measure}> in the graph; see `mrkg list measures`")
    return sparql.text(rows[0]["label"])


def build(engine, measure: URIRef, measure_id: str, year: int | None = None, source: URIRef | None = None,
          source_id: str | None = None, top: int | None = DEFAULT_TOP, minimum: float | None = None) -> ViewGraph:
    label = measure_label(engine, measure)
    found = figures(engine, measure, year, source)
    if not found:
        raise ViewError(f"no figures of {measure_id} between two countries"
                        + (f" for {year}" if year is not None else "") + (f" from {source_id}" if source_id else "")
                        + "; see `mrkg list measures` (bilateral measures include migrant-stock and remittances)")
    if year is None:
        found = latest_per_pair(found)
    chosen = strongest(found, top, minimum)
    if not chosen:
        raise ViewError(f"no figure of {measure_id} reaches --min {minimum:g}; the largest is "
                        f"{max(abs(f.value) for f in found):g}")
    units = sorted({f.unit for f in chosen})
    view = ViewGraph(title=f"Flows: {label}" + (f", {year}" if year is not None else ""))
    view.filters = [
        f"measure: {measure_id} ({', '.join(units)})",
        f"periods starting in {year}" if year is not None else "the most recent period for each pair and source",
        f"statistical source: {source_id}" if source_id else "all statistical sources, each with its own edges",
        f"the {len(chosen)} largest of {len(found)} figures by absolute value"
        + (f" (--top {top})" if top is not None and len(found) > top else ""),
    ]
    if minimum is not None:
        view.filters.append(f"absolute value at least {minimum:g}")
    view.filters.append("edge width: square root of the value, scaled within each unit; node size: the sum of its edges' widths")
    add_flows(view, chosen, label, sparql.parties(engine))
    return view
