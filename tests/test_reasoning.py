"""The OWL consistency check (HermiT through owlready2) on the curated graph."""

from __future__ import annotations

import os
import shutil

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from mrkg.graph import reasoning
from mrkg.graph.assemble import to_dataset
from mrkg.graph.reasoning import check_consistency, reasoner_input
from mrkg.loaders import read_sources
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB

TREATY = URIRef("https://w3id.org/mrkg/id/instrument/cu-ces-treaty-1999")


def require_java() -> None:
    """HermiT needs Java: skip on a developer machine without it, but never in CI."""
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is required in CI for the HermiT reasoner")
        else:
            pytest.skip("no Java runtime: HermiT reasoner test skipped")


@pytest.fixture(scope="module")
def sources():
    return read_sources()


@pytest.fixture
def dataset(sources):
    return to_dataset(sources)


@pytest.mark.java
def test_curated_graph_is_consistent(dataset):
    require_java()
    report = check_consistency(dataset)
    assert report.status == "consistent", report.detail
    assert report.individuals > 50
    assert report.seconds > 0


@pytest.mark.java
def test_disjoint_classes_make_the_graph_inconsistent(dataset):
    require_java()
    assert any(dataset.quads((TREATY, RDF.type, MRKG.InternationalAgreement, None)))
    dataset.graph(iris.REFERENCE_GRAPH).add((TREATY, RDF.type, MRKG.DraftInstrument))
    report = check_consistency(dataset)
    assert report.status == "inconsistent"
    assert "inconsistent" in report.detail


@pytest.mark.java
def test_year_and_month_precision_dates_do_not_stop_hermit(dataset):
    require_java()
    # Imported here: pytest probes module globals, and XSD warns on unknown names.
    from rdflib.namespace import XSD

    participation = next(quad[0] for quad in dataset.quads((None, RDF.type, MRKG.Participation, None)))
    graph = dataset.graph(iris.REFERENCE_GRAPH)
    graph.add((participation, MRKG.consentDate, Literal("1999", datatype=XSD.gYear)))
    graph.add((participation, MRKG.withdrawalDate, Literal("2001-05", datatype=XSD.gYearMonth)))
    assert check_consistency(dataset).status == "consistent"


def test_observations_are_kept_out_of_the_reasoner(dataset):
    assert any(dataset.quads((None, RDF.type, QB.Observation, None)))
    graph = reasoner_input(dataset)
    assert not any(graph.subjects(RDF.type, QB.Observation))
    assert not any(graph.subjects(RDF.type, QB.DataSet))
    assert (TREATY, RDF.type, MRKG.InternationalAgreement) in graph
    assert any(graph.subjects(RDF.type, MRKG.Participation))
    assert (None, RDF.type, MRKG.Country) in graph
    assert (MRKG.DraftInstrument, None, None) in graph  # the ontology is there too


@pytest.mark.java
def test_a_run_over_the_time_limit_is_stopped(dataset):
    require_java()
    report = check_consistency(dataset, timeout=0.001)
    assert report.status == "timeout"
    assert "0.001" in report.detail


def test_without_java_the_check_is_skipped(dataset, monkeypatch):
    monkeypatch.setattr(reasoning.shutil, "which", lambda name: None)
    report = check_consistency(dataset)
    assert report.status == "skipped"
    assert "Java" in report.detail
