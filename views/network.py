"""Network analytics over countries: degree, weighted degree, betweenness and PageRank; GraphML/GEXF export.

Two graphs of countries:

* ``agreements``: undirected; two countries are tied when both are parties to an instrument in
  force for both on the date (status from ``agreements-of``); the weight is the number of such
  instruments.
* ``flows``: directed, origin to destination, for one bilateral measure and one statistical source
  (figures of different sources are never mixed); the weight is the value of the most recent
  figure (or the one of the year asked for); only positive figures take part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mrkg.queries.execute import Result
from mrkg.views import agreements, flows, sparql
from mrkg.views.agreements import ViewError

COLUMNS = ["country", "label", "degree", "weighted_degree", "betweenness", "pagerank"]


@dataclass
class CountryGraph:
    graph: nx.Graph
    description: list[str] = field(default_factory=list)


def agreements_graph(engine, on: dt.date) -> CountryGraph:
    parties = sparql.parties(engine)
    bound: dict[str, set[str]] = {}
    for row in agreements.participations(engine, on):
        party = parties.get(row["country"])
        if row["in_force_on"] == "in force" and party is not None and party["kind"] == "country":
            bound.setdefault(row["instrument"], set()).add(row["country"])
    graph = nx.Graph()
    for members in bound.values():
        for iri in members:
            _add_country(graph, iri, parties[iri]["id"], parties[iri]["label"])
    for instrument, members in sorted(bound.items()):
        for a, b in combinations(sorted(members), 2):
            u, v = parties[a]["id"], parties[b]["id"]
            if graph.has_edge(u, v):
                graph[u][v]["weight"] += 1
                graph[u][v]["instruments"] += " " + instrument
            else:
                graph.add_edge(u, v, weight=1, instruments=instrument)
    if graph.number_of_nodes() == 0:
        raise ViewError(f"no country is party to an instrument in force on {on.isoformat()}")
    return CountryGraph(graph, [f"agreements in force on {on.isoformat()}: {graph.number_of_nodes()} countries, "
                                f"{graph.number_of_edges()} ties (weight: shared instruments)"])


def flows_graph(engine, measure: URIRef, measure_id: str, year: int | None, source: URIRef | None,
                source_id: str | None) -> CountryGraph:
    found = flows.figures(engine, measure, year, source)
    if not found:
        raise ViewError(f"no figures of {measure_id} between two countries"
                        + (f" for {year}" if year is not None else "") + (f" from {source_id}" if source_id else ""))
    counts: dict[str, int] = {}
    for figure in found:
        counts[figure.source_id] = counts.get(figure.source_id, 0) + 1
    chosen_source = source_id or min(counts, key=lambda s: (-counts[s], s))
    found = [f for f in found if f.source_id == chosen_source]
    if year is None:
        found = flows.latest_per_pair(found)
    positive = [f for f in found if f.value > 0]
    graph = nx.DiGraph()
    for figure in positive:
        _add_country(graph, figure.origin, figure.origin_id, figure.origin_label)
        _add_country(graph, figure.destination, figure.destination_id, figure.destination_label)
        graph.add_edge(figure.origin_id, figure.destination_id, weight=figure.value, unit=figure.unit,
                       period=figure.period, observation=figure.observation)
    description = [f"flows of {measure_id} from {chosen_source}"
                   + (f" (of {', '.join(sorted(counts))}: the source with the most figures; choose with --source)"
                      if source_id is None and len(counts) > 1 else "")
                   + (f", periods starting in {year}" if year is not None else ", most recent period per pair")
                   + f": {graph.number_of_nodes()} countries, {graph.number_of_edges()} directed edges "
                   f"(weight: the value; {len(found) - len(positive)} figures of zero or less left out)"]
    return CountryGraph(graph, description)


def _add_country(graph, iri: str, code: str, label: str) -> None:
    if code not in graph:
        graph.add_node(code, label=label, iri=iri)


def metrics(graph: nx.Graph) -> dict[str, dict[str, float]]:
    """Degree (edges, both directions for a directed graph), weighted degree, betweenness (normalised,
    by hops) and PageRank (by weight) of every node."""
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    pagerank = nx.pagerank(graph, weight="weight") if graph.number_of_edges() else \
        {node: 1.0 / len(graph) for node in graph}
    return {node: {"degree": graph.degree(node), "weighted_degree": graph.degree(node, weight="weight"),
                   "betweenness": betweenness[node], "pagerank": pagerank[node]} for node in graph}


def stats(country_graph: CountryGraph) -> Result:
    """The metrics as a Result (table, CSV or SPARQL JSON), highest PageRank first."""
    graph = country_graph.graph
    computed = metrics(graph)
    rows = []
    for node in sorted(graph, key=lambda n: (-computed[n]["pagerank"], n)):
        values = computed[node]
        weighted = values["weighted_degree"]
        rows.append({
            "country": Literal(node), "label": Literal(graph.nodes[node]["label"]),
            "degree": Literal(values["degree"], datatype=XSD.integer),
            "weighted_degree": Literal(int(weighted), datatype=XSD.integer) if float(weighted).is_integer()
            else Literal(f"{weighted:.6g}", datatype=XSD.decimal),
            "betweenness": Literal(f"{values['betweenness']:.6f}", datatype=XSD.decimal),
            "pagerank": Literal(f"{values['pagerank']:.6f}", datatype=XSD.decimal),
        })
    return Result(list(COLUMNS), rows)


def export(country_graph: CountryGraph, out: Path, fmt: str) -> Path:
    """Write the graph, with each node's metrics as attributes, as GraphML or GEXF."""
    graph = country_graph.graph.copy()
    for node, values in metrics(graph).items():
        graph.nodes[node].update({key: float(value) for key, value in values.items()})
    graph.graph["description"] = "; ".join(country_graph.description)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(graph, out)
    elif fmt == "gexf":
        nx.write_gexf(graph, out)
    else:
        raise ViewError(f"{fmt!r} is not an export format; use graphml or gexf")
    return out
