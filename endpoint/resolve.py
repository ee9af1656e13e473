"""Resolvable IRIs: what the graph says about one IRI, for a page or an RDF document.

An IRI under the base (``https://w3id.org/mrkg/`` unless configured) is served
at the same path on this server: ``{base}id/country/BLR`` at ``/id/country/BLR``.
The facts come with the named graph (the source) each is stated in; the RDF
representation is the IRI's own statements plus the labels of what they point to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from mrkg.ontology.namespace import PREFIXES

INBOUND_CAP = 200

_PROLOGUE = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
FACTS = _PROLOGUE + """SELECT ?property ?value ?graph (SAMPLE(?vl) AS ?value_label) (SAMPLE(?pl) AS ?property_label)
       (SAMPLE(?gl) AS ?graph_label) WHERE {
  GRAPH ?graph { ?entity ?property ?value }
  OPTIONAL { ?value rdfs:label ?vl FILTER(LANG(?vl) IN ("en", "")) }
  OPTIONAL { ?property rdfs:label ?pl FILTER(LANG(?pl) IN ("en", "")) }
  OPTIONAL { ?graph rdfs:label ?gl }
} GROUP BY ?property ?value ?graph ORDER BY ?property ?value ?graph"""
INBOUND = _PROLOGUE + """SELECT ?subject ?property ?graph (SAMPLE(?sl) AS ?subject_label)
       (SAMPLE(?pl) AS ?property_label) (SAMPLE(?gl) AS ?graph_label) WHERE {
  GRAPH ?graph { ?subject ?property ?entity }
  OPTIONAL { ?graph rdfs:label ?gl }
  OPTIONAL { ?subject rdfs:label ?sl FILTER(LANG(?sl) IN ("en", "")) }
  OPTIONAL { ?property rdfs:label ?pl FILTER(LANG(?pl) IN ("en", "")) }
} GROUP BY ?subject ?property ?graph ORDER BY ?property ?subject"""
# What refers to an entity, as a query a page links to (the entity's IRI replaces ?entity; it is a valid
# IRI, checked before any page is made).
INBOUND_LINKS = _PROLOGUE + """SELECT ?subject ?property ?graph WHERE {
  GRAPH ?graph { ?subject ?property ?entity }
} LIMIT 1000"""
GRAPH_SIZE = "SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?entity { ?s ?p ?o } }"
TERMS = _PROLOGUE + """SELECT ?term (SAMPLE(?tl) AS ?label) (SAMPLE(?tc) AS ?comment) (SAMPLE(?tt) AS ?type) WHERE {
  GRAPH ?ontology {
    ?term ?p ?o .
    OPTIONAL { ?term rdfs:label ?tl FILTER(LANG(?tl) IN ("en", "")) }
    OPTIONAL { ?term rdfs:comment ?tc FILTER(LANG(?tc) IN ("en", "")) }
    OPTIONAL { ?term a ?tt }
  }
  FILTER(STRSTARTS(STR(?term), ?namespace))
} GROUP BY ?term ORDER BY ?term"""

LABELS = (str(RDFS.label), "http://www.w3.org/2004/02/skos/core#prefLabel", "http://purl.org/dc/terms/title",
          "http://schema.org/name", "https://schema.org/name")
DATE_TYPES = {str(XSD.date), str(XSD.dateTime), str(XSD.gYear), str(XSD.gYearMonth)}

# Named queries that take an entity of a kind as a parameter: the "views" linked from its page.
VIEW_PARAMS = {
    "country": ("country", "countries", "place"),
    "area": ("place",),
    "organisation": ("organisation",),
    "instrument": ("instrument",),
    "measure": ("measure",),
    "statistical-source": ("source",),
}


@dataclass
class Description:
    iri: str
    facts: list[dict] = field(default_factory=list)
    inbound: list[dict] = field(default_factory=list)
    inbound_truncated: bool = False
    graph_triples: int | None = None  # set when the IRI names a graph of the dataset
    terms: list[dict] = field(default_factory=list)  # set for the ontology document

    @property
    def known(self) -> bool:
        return bool(self.facts or self.inbound or self.graph_triples is not None or self.terms)

    @property
    def label(self) -> str:
        for wanted in LABELS:
            for fact in self.facts:
                if str(fact["property"]) == wanted and isinstance(fact["value"], Literal):
                    if fact["value"].language in (None, "en"):
                        return str(fact["value"])
        return self.iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or self.iri

    @property
    def types(self) -> list[dict]:
        return [f for f in self.facts if str(f["property"]) == str(RDF.type)]

    @property
    def dates(self) -> list[dict]:
        return [f for f in self.facts if isinstance(f["value"], Literal) and str(f["value"].datatype) in DATE_TYPES]

    @property
    def sources(self) -> list[tuple[URIRef, str | None]]:
        """The named graphs the facts come from, with their labels."""
        seen: dict[URIRef, str | None] = {}
        for fact in self.facts + self.inbound:
            graph = URIRef(str(fact["graph"]))
            label = fact.get("graph_label")
            if graph not in seen or (seen[graph] is None and label is not None):
                seen[graph] = None if label is None else str(label)
        return sorted(seen.items())


def describe(evaluator, iri: str, ontology: tuple[str, str] | None = None, inbound_wanted: bool = True) -> Description:
    """Everything shown for ``iri``: its statements, what points to it, its size as a graph,
    and for the ontology document (``ontology`` = its namespace and graph) the terms it defines.
    Without ``inbound_wanted`` (a profile page, whose sections say what refers to the entity, or an RDF
    document, which holds the IRI's own statements only) what points to it is looked up only when
    the IRI has no statements of its own, to tell whether it is known: that lookup groups every
    statement pointing to it (about 140,000 figures point to a country)."""
    entity = {"entity": URIRef(iri)}
    facts, _ = evaluator.run(FACTS, entity)
    inbound, truncated = [], False
    if inbound_wanted or not facts.rows:
        found, truncated = evaluator.run(INBOUND, entity, max_rows=INBOUND_CAP)
        inbound = found.rows
    description = Description(iri, facts.rows, inbound, truncated)
    if iri in evaluator.graphs():
        size, _ = evaluator.run(GRAPH_SIZE, entity)
        description.graph_triples = int(size.rows[0]["triples"]) if size.rows else 0
    if ontology:
        namespace, graph = ontology
        terms, _ = evaluator.run(TERMS, {"namespace": Literal(namespace), "ontology": URIRef(graph)})
        description.terms = terms.rows
    return description


def triples(description: Description) -> list[tuple]:
    """The RDF representation: the IRI's statements (once, whatever graph states them), the labels
    of the resources they point to, and for the ontology document each term's label and comment."""
    subject = URIRef(description.iri)
    out: dict[tuple, None] = {}
    for fact in description.facts:
        out[(subject, fact["property"], fact["value"])] = None
        if fact.get("value_label") is not None and isinstance(fact["value"], URIRef):
            out[(fact["value"], RDFS.label, fact["value_label"])] = None
    for term in description.terms:
        if term.get("type") is not None:
            out[(term["term"], RDF.type, term["type"])] = None
        for key, prop in (("label", RDFS.label), ("comment", RDFS.comment)):
            if term.get(key) is not None:
                out[(term["term"], prop, term[key])] = None
    return list(out)


def compact(iri: str) -> str:
    """``prefix:local`` for the project's well-known namespaces, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
