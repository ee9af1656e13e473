"""Stage 2: validated records -> one rdflib Dataset with a named graph per source."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from mrkg.loaders import LOADERS, Sources
from mrkg.ontology import ONTOLOGY_FILE, iris


def ontology_graph() -> Graph:
    """The ontology with canonical blank-node labels, so dumps are byte-identical."""
    return to_canonical_graph(Graph().parse(ONTOLOGY_FILE, format="turtle"))


def to_dataset(sources: Sources, with_ontology: bool = True) -> Dataset:
    dataset = Dataset()
    if with_ontology:
        target = dataset.graph(iris.ONTOLOGY_GRAPH)
        for triple in ontology_graph():
            target.add(triple)
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
    ):
        reference.add((graph, RDF.type, PROV.Entity))
        reference.add((graph, RDFS.label, Literal(title, lang="en")))
        reference.add((graph, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
        reference.add((graph, PROV.wasAttributedTo, URIRef(iris.BASE)))
