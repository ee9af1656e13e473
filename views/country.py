"""The country view: the ego network of one country on a date.

Its instruments (styled by status, from ``agreements-of``), the organisations it is a
member of, its programmes and its largest partners for one bilateral measure.
"""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef

from mrkg.views import agreements, flows, organisation, sparql
from mrkg.views.agreements import ViewError
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

PROGRAMME_STYLE = EdgeStyle("programme of the country", "#b07aa1")


def _partners(engine, view: ViewGraph, country: URIRef, code: str, measure: URIRef, measure_id: str,
              year: int | None, source: URIRef | None, source_id: str | None, top: int) -> None:
    found = (flows.figures(engine, measure, year, source, destination=country)
             + flows.figures(engine, measure, year, source, origin=country))
    if not found:
        view.filters.append(f"largest partners: no figures of {measure_id}"
                            + (f" for {year}" if year is not None else "") + " involve this country")
        return
    if source_id is None:
        # Figures of different sources are never ranked together: take the source with the most figures.
        counts: dict[str, int] = {}
        for figure in found:
            counts[figure.source_id] = counts.get(figure.source_id, 0) + 1
        source_id = min(counts, key=lambda s: (-counts[s], s))
        found = [f for f in found if f.source_id == source_id]
    if year is None:
        found = flows.latest_per_pair(found)
    incoming = flows.strongest([f for f in found if f.destination == str(country)], top, None)
    outgoing = flows.strongest([f for f in found if f.origin == str(country)], top, None)
    label = flows.measure_label(engine, measure)
    flows.add_flows(view, incoming + outgoing, label, sparql.parties(engine), partner_kind="partner", centre=code)
    view.filters.append(f"largest partners: the top {top} origins and top {top} destinations by {measure_id}, "
                        + (f"periods starting in {year}" if year is not None else "most recent period per pair")
                        + f", source {source_id}")


def build(engine, country: URIRef, code: str, on: dt.date, measure: URIRef, measure_id: str,
          year: int | None = None, source: URIRef | None = None, source_id: str | None = None,
          top: int = 5) -> ViewGraph:
    party = sparql.parties(engine).get(str(country))
    if party is None or party["kind"] != "country":
        raise ViewError(f"the graph has no country {code}; see `mrkg list countries`")
    view = ViewGraph(title=f"{party['label']} ({code}) on {on.isoformat()}")
    view.edge_styles.update(agreements.STATUS_STYLES)
    view.edge_styles.update(organisation.MEMBERSHIP_STYLES)
    view.edge_styles["programme"] = PROGRAMME_STYLE
    view.filters = [f"instrument statuses and memberships evaluated on {on.isoformat()}"]
    centre = view.add_node(agreements.party_node(str(country), party))
    centre.size = 26

    metadata = agreements.instruments(engine)
    names = agreements.party_names(agreements.status_periods(engine), sparql.parties(engine))
    skipped = 0
    for row in agreements.participations(engine, on, country):
        category = agreements.status_category(row)
        meta = metadata.get(row["instrument"])
        if category is None or meta is None:
            skipped += 1
            continue
        instrument = view.add_node(agreements.instrument_node(meta, names.get(row["instrument"], {})))
        view.add_edge(agreements.participation_edge(row, category, centre.id, instrument.id))
    if skipped:
        view.filters.append(f"{skipped} participation(s) signed after {on.isoformat()} left out")

    parties = sparql.parties(engine)
    for row in organisation.memberships(engine, member=country):
        body = view.add_node(Node(
            id=f"organisation:{row['organisation_id']}", label=row["organisation_label"], kind="organisation",
            iri=row["organisation"], size=16,
            facts=[Fact("organisation", row["organisation_label"]), Fact("identifier", row["organisation_id"]),
                   Fact("source", f"named graph {parties.get(row['organisation'], {}).get('graph', 'not recorded')}")]))
        view.add_edge(organisation.membership_edge(row, on, centre.id, body.id))

    for row in sparql.run(engine, "programmes", {"country": country}).rows:
        text = {key: sparql.text(value) for key, value in row.items()}
        facts = [Fact("programme", text["title"]), Fact("identifier", text["programme"])]
        if text["period"]:
            facts.append(Fact("period", text["period"]))
        facts.append(Fact("sources", text["sources"]))
        programme = view.add_node(Node(id=f"programme:{text['programme']}", label=agreements._short(text["title"]),
                                       kind="programme", iri=text["programmeIri"], facts=facts, size=12))
        view.add_edge(Edge(source=centre.id, target=programme.id, category="programme",
                           facts=[Fact("jurisdiction", code), Fact("sources", text["sources"])]))

    _partners(engine, view, country, code, measure, measure_id, year, source, source_id, top)
    if len(view.nodes) == 1:
        raise ViewError(f"the graph records no instrument, membership, programme or {measure_id} figure for {code}")
    return view
