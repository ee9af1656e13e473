"""Stage 3 of the build (graph/build.py, "assemble"): validated records -> one rdflib Dataset with a named
graph per source.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from mrkg.loaders import LOADERS, Sources
from mrkg.ontology import ONTOLOGY_FILE, iris
from mrkg.ontology.namespace import ONTOLOGY_NS


def ontology_graph() -> Graph:
    """The ontology with canonical blank-node labels, so dumps are byte-identical."""
    return to_canonical_graph(Graph().parse(ONTOLOGY_FILE, format="turtle"))


def class_hierarchy_entailments(ontology: Graph) -> Graph:
    """The ``rdfs:subClassOf`` links RDFS entails for the ontology's own classes but it does not state.

    Every class is its own subclass (rule rdfs10) and subclassing is transitive (rdfs11). With
    these in the store, "a kind of instrument" is one triple pattern, ``?class rdfs:subClassOf
    mrkg:Instrument``, instead of the property path ``rdfs:subClassOf*``: Virtuoso 7 evaluates
    such paths wrongly over a dataset named by ``default-graph-uri`` (it keeps one row per
    class; openlink/virtuoso-opensource#127), and every engine answers a plain pattern faster.
    """
    entailed = Graph()
    classes = {term for term in ontology.subjects(RDF.type, OWL.Class)
               if isinstance(term, URIRef) and term.startswith(ONTOLOGY_NS)}
    for cls in sorted(classes):
        for superclass in ontology.transitive_objects(cls, RDFS.subClassOf):
            if isinstance(superclass, URIRef) and (cls, RDFS.subClassOf, superclass) not in ontology:
                entailed.add((cls, RDFS.subClassOf, superclass))
    return entailed


def add_ontology(dataset: Dataset) -> None:
    """The ontology and its class-hierarchy entailments, each in its named graph: the named
    queries need both."""
    ontology = ontology_graph()
    for graph, triples in ((iris.ONTOLOGY_GRAPH, ontology),
                           (iris.ENTAILMENTS_GRAPH, class_hierarchy_entailments(ontology))):
        target = dataset.graph(graph)
        for triple in triples:
            target.add(triple)


def to_dataset(sources: Sources, with_ontology: bool = True) -> Dataset:
    dataset = Dataset()
    if with_ontology:
        add_ontology(dataset)
    for module in LOADERS:
        for located in sources.of(module):
            home = dataset.graph(located.graph)
            for statement in module.triples(located):
                if len(statement) == 4:  # a quad: a shared entity with a graph of its own
                    dataset.graph(statement[3]).add(statement[:3])
                else:
                    home.add(statement)
    _describe_fixed_graphs(dataset)
    return dataset


def _describe_fixed_graphs(dataset: Dataset) -> None:
    reference = dataset.graph(iris.REFERENCE_GRAPH)
    for graph, title in (
        (iris.REFERENCE_GRAPH, "Reference data: countries (ISO 3166 via pycountry, Wikidata links via OWID), "
                               "organisations, documents, measures, units, areas and statistical sources"),
        (iris.ONTOLOGY_GRAPH, "The mrkg ontology"),
        (iris.ENTAILMENTS_GRAPH, "The class hierarchy of the mrkg ontology closed under RDFS entailment: "
                                 "the rdfs:subClassOf links (reflexive and transitive) the ontology implies "
                                 "but does not state"),
        (iris.CONSOLIDATED_GRAPH, "The consolidated layer: one statement per instrument, per party of an "
                                  "instrument and per membership, combined from every source's records by the "
                                  "rules of graph/consolidate.py, each listing its sources"),
        (iris.MATCHES_GRAPH, "mrkg's reviewed decisions on instruments that may be the same (curated/matches.yaml): "
                             "close matches, not merged, and reviewed differences"),
    ):
        reference.add((graph, RDF.type, PROV.Entity))
        reference.add((graph, RDFS.label, Literal(title, lang="en")))
        reference.add((graph, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
        reference.add((graph, PROV.wasAttributedTo, URIRef(iris.BASE)))
