"""The SPARQL service description and the VoID description, both computed from the store.

The service description states only what this endpoint does: SPARQL 1.1 Query
(no update), the union default graph, simple entailment (plain pattern
matching: no RDFS or OWL inference), the result formats it writes, the
named graphs it holds, and its limits. A limit is an ``sd:Feature`` of the
service (the Service Description's extension point; no standard term states a
row cap) with its number as ``rdf:value``: ``<endpoint#row-limit>`` is the
one a cut answer links to. VoID and the schema.org Dataset come from
``mrkg.publish.describe``, so that the endpoint and the release describe the
dataset alike; their counts are queried, never written by hand.
"""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.endpoint import formats

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

RESULT_FORMAT_IRIS = {
    formats.JSON: FORMATS_NS.SPARQL_Results_JSON, formats.XML: FORMATS_NS.SPARQL_Results_XML,
    formats.CSV: FORMATS_NS.SPARQL_Results_CSV, formats.TSV: FORMATS_NS.SPARQL_Results_TSV,
    formats.TURTLE: FORMATS_NS.Turtle, formats.NTRIPLES: FORMATS_NS["N-Triples"], formats.JSONLD: FORMATS_NS["JSON-LD"],
    formats.RDFXML: FORMATS_NS.RDF_XML,
}
ROW_LIMIT = formats.ROW_LIMIT_FRAGMENT

GRAPH_SIZES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
               "SELECT ?graph (COUNT(*) AS ?triples) (SAMPLE(?l) AS ?label) WHERE { GRAPH ?graph { ?s ?p ?o } "
               "OPTIONAL { ?graph rdfs:label ?l } } GROUP BY ?graph ORDER BY ?graph")


class EngineView:
    """An evaluator seen as an engine (``.run(text, bindings) -> Result``), for describers
    written against the engine interface."""

    def __init__(self, evaluator):
        self.evaluator = evaluator

    def run(self, text, bindings=None):
        return self.evaluator.run(text, bindings)[0]


def graph_sizes(evaluator) -> list[dict]:
    result, _ = evaluator.run(GRAPH_SIZES)
    return [{"graph": row["graph"], "triples": int(row["triples"]), "label": row.get("label")}
            for row in result.rows]


def void_graph(evaluator, base: str, endpoint: str) -> Graph:
    """The release's VoID description (``mrkg.publish.describe``), counted on this endpoint's store."""
    from mrkg.publish.describe import void_graph as described

    return described(EngineView(evaluator), endpoint=endpoint)


def dataset_jsonld(evaluator, base: str, endpoint: str) -> str:
    """The schema.org Dataset block of the landing page, as the release describes it."""
    from mrkg.publish.describe import dataset_jsonld as described

    text = json.dumps(described(EngineView(evaluator), endpoint=endpoint))
    # Inside <script>, "</" would end the element: JSON allows it written as "<\/".
    return text.replace("</", "<\\/")


def service_description(endpoint: str, graphs: list[dict], max_rows: int | None, timeout: float | None,
                        base: str, max_query: int | None = None) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS_NS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for fmt, iri in RESULT_FORMAT_IRIS.items():
        graph.add((service, SD.resultFormat, iri))
    limits = []
    for fragment, value, unit, text in (
            (ROW_LIMIT, max_rows, "rows", f"answers are cut to their first {max_rows} rows or triples, said by the "
                                          "header MRKG-Truncated and, where the format allows, in the answer"),
            ("#time-limit", timeout, "seconds", f"a query is stopped after {timeout:g} s" if timeout else ""),
            ("#query-size-limit", max_query, "bytes",
             f"a query may be up to {max_query} bytes long (UTF-8), by GET or POST alike")):
        if not value:
            continue
        limits.append(text)
        feature = URIRef(endpoint + fragment)
        graph.add((service, SD.feature, feature))
        graph.add((feature, RDF.type, SD.Feature))
        graph.add((feature, RDF.value, Literal(value, datatype=XSD.decimal if isinstance(value, float)
                                               else XSD.integer)))
        graph.add((feature, RDFS.label, Literal(f"{fragment[1:].replace('-', ' ')} ({unit})", lang="en")))
        graph.add((feature, RDFS.comment, Literal(text[0].upper() + text[1:] + ".", lang="en")))
    graph.add((service, RDFS.comment, Literal(
        "Read-only SPARQL 1.1 Query endpoint over the Migration Regimes Knowledge Graph. No updates, no SERVICE, "
        "FROM/FROM NAMED only with graphs of this dataset" + ("; " + "; ".join(limits) if limits else "") + ".",
        lang="en")))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(base)))
    default = BNode("defaultGraph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    for index, size in enumerate(graphs):
        named = BNode(f"graph{index}")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, size["graph"]))
        description = BNode(f"graph{index}-description")
        graph.add((named, SD.graph, description))
        graph.add((description, RDF.type, SD.Graph))
        graph.add((description, VOID.triples, Literal(size["triples"], datatype=XSD.integer)))
    return graph
