"""The organisation view: its members over time, an edge per recorded membership."""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef

from mrkg.views import sparql
from mrkg.views.agreements import ViewError
from mrkg.views.model import Edge, EdgeStyle, Fact, Node, ViewGraph

MEMBERSHIP_STYLES = {
    "member": EdgeStyle("member on the date", "#2e7d32"),
    "uncertain": EdgeStyle("member or not on the date: a date known only to the month or year", "#ef8a17",
                           dashes=True),
    "not-yet": EdgeStyle("membership begins after the date", "#1f77b4", dashes=True),
    "ended": EdgeStyle("membership ended before the date", "#c62828", dashes=True),
    "undated": EdgeStyle("member, dates not recorded", "#c7c7c7", dashes=True),
}


def membership_category(row: dict[str, str], on: dt.date) -> str:
    """Like the named query ``members``, from the consolidated membership's bounds."""
    day = on.isoformat()
    if not row["from"] and not row["to"]:
        return "undated"
    if row["start_earliest"] and row["start_earliest"] > day:
        return "not-yet"
    if row["end_latest"] and row["end_latest"] <= day:
        return "ended"
    started = not row["from"] or (row["start_latest"] and row["start_latest"] <= day)
    ongoing = not row["to"] or (row["end_earliest"] and row["end_earliest"] > day)
    return "member" if started and ongoing else "uncertain"


def memberships(engine, organisation: URIRef | None = None, member: URIRef | None = None) -> list[dict[str, str]]:
    rows = sparql.run(engine, "memberships", {"organisation": organisation, "member": member}).rows
    return [{key: sparql.text(value) for key, value in row.items()} for row in rows]


def membership_edge(row: dict[str, str], on: dt.date, source: str, target: str) -> Edge:
    if row["from"] and row["to"]:
        period = f"{row['from']} – {row['to']}"
    elif row["from"] or row["to"]:
        period = f"from {row['from']}" if row["from"] else f"until {row['to']}"
    else:
        period = "dates not recorded"
    facts = [Fact("membership", period), Fact("sources", row["sources"])]
    return Edge(source=source, target=target, category=membership_category(row, on),
                facts=facts, label=period if period != "dates not recorded" else "")


def organisation_node(meta: dict[str, str]) -> Node:
    facts = [Fact("organisation", meta["label"]), Fact("identifier", meta["id"])]
    if meta.get("kind"):
        facts.append(Fact("kind", meta["kind"]))
    if meta.get("parent_label"):
        facts.append(Fact("part of", meta["parent_label"]))
    facts.append(Fact("source", f"named graph {meta['graph']}"))
    return Node(id=f"organisation:{meta['id']}", label=meta["label"], kind="organisation", facts=facts,
                iri=meta["organisation"], size=22)


def organisation_meta(engine, organisation: URIRef, identifier: str) -> dict[str, str]:
    rows = sparql.run(engine, "organisation", {"organisation": organisation}).rows
    if not rows:
        raise ViewError(f"no organisation {identifier!r} in the graph; see `mrkg list organisations`")
    return {key: sparql.text(value) for key, value in rows[0].items()}


def build(engine, organisation: URIRef, identifier: str, on: dt.date) -> ViewGraph:
    meta = organisation_meta(engine, organisation, identifier)
    rows = memberships(engine, organisation=organisation)
    if not rows:
        raise ViewError(f"the graph records no members of {identifier!r}; organisations with members have a "
                        "count in `mrkg list organisations`")
    view = ViewGraph(title=f"Members of {meta['label']} over time", edge_styles=dict(MEMBERSHIP_STYLES))
    view.filters = ["every member, its membership combined from every source, with its period",
                    f"edge style: membership on {on.isoformat()}"]
    centre = view.add_node(organisation_node(meta))
    parties = sparql.parties(engine)
    for row in rows:
        graph = parties.get(row["member"], {}).get("graph", "not recorded")
        member = view.add_node(Node(
            id=f"member:{row['member_id']}", label=row["member_label"], kind="country", iri=row["member"], size=14,
            facts=[Fact("member", row["member_label"]), Fact("identifier", row["member_id"]),
                   Fact("source", f"named graph {graph}")]))
        view.add_edge(membership_edge(row, on, member.id, centre.id))
    return view
