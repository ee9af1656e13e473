"""The ontology file is the source of truth: the closed namespace matches it, every term is documented."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from mrkg.ontology import ONTOLOGY_FILE
from mrkg.ontology.namespace import MRKG, ONTOLOGY_IRI, ONTOLOGY_NS

GRAPH = Graph().parse(ONTOLOGY_FILE, format="turtle")
TERMS = sorted({str(s) for s in GRAPH.subjects() if str(s).startswith(ONTOLOGY_NS)})


def test_namespace_class_matches_turtle_both_ways():
    declared = {str(MRKG[name]) for name in MRKG.__annotations__}
    assert declared == set(TERMS)


def test_typo_fails_instead_of_minting_an_iri():
    with pytest.raises(AttributeError):
        MRKG.Instrumnet  # noqa: B018


def test_ontology_has_a_version_iri():
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in GRAPH
    assert GRAPH.value(ONTOLOGY_IRI, OWL.versionIRI) is not None


@pytest.mark.parametrize("term", TERMS)
def test_every_term_has_label_and_definition(term):
    node = URIRef(term)
    assert GRAPH.value(node, RDFS.label) is not None, f"{term} has no rdfs:label"
    assert GRAPH.value(node, SKOS.definition) is not None, f"{term} has no skos:definition"


def test_class_hierarchy_entailments_are_the_unstated_rdfs_closure():
    from rdflib import Namespace

    from mrkg.graph.assemble import class_hierarchy_entailments

    ns = Namespace(ONTOLOGY_NS)
    external = URIRef("https://schema.org/Legislation")
    ontology = Graph()
    for cls in (ns.A, ns.B, ns.C):
        ontology.add((cls, RDF.type, OWL.Class))
    ontology.add((ns.A, RDFS.subClassOf, external))
    ontology.add((ns.B, RDFS.subClassOf, ns.A))
    ontology.add((ns.C, RDFS.subClassOf, ns.B))
    expected = {(ns.A, ns.A), (ns.B, ns.B), (ns.C, ns.C),  # reflexive (rdfs10)
                (ns.B, external), (ns.C, ns.A), (ns.C, external)}  # transitive (rdfs11), unstated
    entailed = class_hierarchy_entailments(ontology)
    assert {(s, o) for s, p, o in entailed} == expected
    assert set(entailed.predicates()) == {RDFS.subClassOf}
