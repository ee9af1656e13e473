"""The agreements view: countries and instruments, an edge per participation, styled by status on a date.

The status of each participation comes from the named query ``agreements-of`` (run for
every party at once), so the view and ``mrkg query agreements-of`` always agree.
"""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mrkg.queries.library import QueryError
from mrkg.views import sparql
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

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


def instrument_node(meta: dict[str, str]) -> Node:
    facts = [Fact("instrument", meta["title"]), Fact("identifier", meta["instrument"]), Fact("class", meta["kind"])]
    for name, key in (("type", "type_label"), ("date", "date"), ("policy areas", "areas")):
        if meta.get(key):
            facts.append(Fact(name, meta[key]))
    if meta.get("sources"):
        facts.append(Fact("sources", meta["sources"]))
    return Node(id=f"instrument:{meta['instrument']}", label=_short(meta["title"]), kind="instrument",
                facts=facts, iri=meta["instrumentIri"], size=10)


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


def build(engine, on: dt.date, organisation=None, instrument_type=None, area=None,
          filter_text: list[str] | None = None) -> ViewGraph:
    """The agreements view on ``on``; ``organisation``, ``instrument_type`` and ``area`` are bound terms."""
    view = ViewGraph(title=f"Agreements on {on.isoformat()}", edge_styles=dict(STATUS_STYLES))
    view.filters = [f"status evaluated on {on.isoformat()}", *(filter_text or [])]
    selected = instruments(engine, organisation, instrument_type, area)
    parties = sparql.parties(engine)
    not_yet_signed = unknown = 0
    for row in participations(engine, on):
        meta = selected.get(row["instrument"])
        if meta is None:
            continue
        category = status_category(row)
        if category is None:
            not_yet_signed += 1
            continue
        party = parties.get(row["country"])
        if party is None:  # a party that is neither a country nor an organisation in the graph
            unknown += 1
            continue
        instrument = view.add_node(instrument_node(meta))
        member = view.add_node(party_node(row["country"], party))
        view.add_edge(participation_edge(row, category, member.id, instrument.id))
    if not_yet_signed:
        view.filters.append(f"{not_yet_signed} participation(s) signed after {on.isoformat()} left out")
    if unknown:
        view.filters.append(f"{unknown} participation(s) of parties with no country or organisation record left out")
    if not view.edges:
        raise ViewError("no participation matches these options; try another date or filter "
                        "(see `mrkg list instruments` and `mrkg list organisations`)")
    return view


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
