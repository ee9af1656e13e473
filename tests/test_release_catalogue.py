"""A release that catalogues accept: the DCAT record against SEMIC's official DCAT-AP 3 shapes
(vendored), the Frictionless data package of observations.csv, reproducible gzip dumps, a
citation naming the version, and ontology documentation with one title, the right IRI and every
term defined."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

import mrkg
import mrkg.cli
import mrkg.publish.export as export_module
from mrkg.ontology.namespace import ONTOLOGY_IRI
from mrkg.publish.conformance import OFFICIAL_SHAPES, STANDARDS, findings, violations
from mrkg.publish.describe import CATALOG, DATASET
from mrkg.publish.ontology_docs import documented_terms, ontology_graph, vocabularies_html
from mrkg.publish.tidy import HEADER

ROOT = Path(__file__).resolve().parent.parent
EU_CC_BY = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")


@pytest.fixture(scope="module")
def exported(real_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("catalogue")
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(out),
                          "--base-url", "https://example.org/mrkg/0.2.0"]) == 0
    return out


@pytest.fixture(scope="module")
def record(exported):
    return Graph().parse(exported / "dcat.ttl", format="turtle")


def test_the_official_shapes_are_vendored_with_their_licence():
    names = {path.name for path in OFFICIAL_SHAPES}
    assert names == {"3.0.1-shapes.ttl", "3.0.1-range.ttl", "3.0.1-mdr-vocabularies.shape.ttl",
                     "3.0.0-dcat-ap-SHACL.ttl"}
    assert all(path.is_file() and path.parent == STANDARDS for path in OFFICIAL_SHAPES)
    note = (STANDARDS / "SOURCE.txt").read_text(encoding="utf-8")
    assert "CC-BY 4.0" in note and "SEMICeu/DCAT-AP" in note and "7c531da7f154794da620fd0e57a3e8afe0286c0f" in note
    for path in OFFICIAL_SHAPES:  # unchanged copies: the note's checksums are the files'
        assert hashlib.sha256(path.read_bytes()).hexdigest() in note, path.name
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "standards/dcat-ap-3/*.ttl" in package_data["mrkg.publish"]


@pytest.mark.parametrize("shapes", OFFICIAL_SHAPES, ids=lambda path: path.name)
def test_the_record_has_no_violation_of_each_official_shapes_file(record, shapes):
    assert [str(finding) for finding in violations(record, (shapes,))] == []


def test_the_only_warnings_left_are_the_ones_the_project_cannot_fill(record):
    # With the recommended-properties shapes too. What is left, and why (see the README):
    # the publisher is not an EU corporate body; its type (adms publisher type) is not known;
    # the countries have no geometry (bbox, centroid) in the sources.
    left = {(f.shapes, f.path) for f in findings(record, OFFICIAL_SHAPES + (STANDARDS / "3.0.1-shapes_recommended.ttl",))}
    assert left == {("3.0.1-mdr-vocabularies.shape.ttl", str(DCTERMS.publisher)),
                    ("3.0.1-shapes_recommended.ttl", str(DCTERMS.type)),
                    ("3.0.1-shapes_recommended.ttl", str(DCAT.bbox)),
                    ("3.0.1-shapes_recommended.ttl", "http://www.w3.org/ns/dcat#centroid")}


def test_values_come_from_the_eu_authority_tables(record):
    spatial = set(record.objects(DATASET, DCTERMS.spatial))
    assert URIRef("http://publications.europa.eu/resource/authority/country/BLR") in spatial
    assert all(str(place).startswith("http://publications.europa.eu/resource/authority/country/") and
               (place, RDF.type, DCTERMS.Location) in record for place in spatial)
    assert record.value(DATASET, DCTERMS.license) == EU_CC_BY
    formats = {str(record.value(node, DCTERMS.format)) for node in record.objects(DATASET, DCAT.distribution)}
    assert "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS" in formats
    assert str(record.value(DATASET, DCTERMS.accrualPeriodicity)).endswith("/frequency/IRREG")
    contact = record.value(DATASET, DCAT.contactPoint)
    assert str(record.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasURL"))) == "https://w3id.org/mrkg/"


def _untype_spatial(graph: Graph) -> str:
    for place in list(graph.objects(DATASET, DCTERMS.spatial)):
        graph.remove((place, RDF.type, None))
    return str(DCTERMS.spatial)


def _licence_not_from_the_eu_table(graph: Graph) -> str:
    for node in list(graph.subjects(DCTERMS.license, EU_CC_BY)):
        graph.remove((node, DCTERMS.license, EU_CC_BY))
        graph.add((node, DCTERMS.license, URIRef("https://example.org/my-licence")))
    return str(DCTERMS.license)


def _country_not_in_the_country_table(graph: Graph) -> str:
    place = URIRef("https://w3id.org/mrkg/id/country/KAZ")
    graph.add((DATASET, DCTERMS.spatial, place))
    graph.add((place, RDF.type, DCTERMS.Location))
    return str(DCTERMS.spatial)


def test_a_source_whose_licence_is_not_confirmed_is_named_with_its_citation(record):
    statements = list(record.objects(DATASET, DCTERMS.rights))
    assert len(statements) == 1  # the two files of the labour agreements data share one statement
    assert (statements[0], RDF.type, DCTERMS.RightsStatement) in record
    text = str(record.value(statements[0], RDFS.label))
    assert text.startswith("Source data BLAs_Coding_Data.dta, BLAs_Formation_Data.dta: Licence not confirmed.")
    assert "Cite: Chilton, A. and Woda, B. (2022)" in text


@pytest.mark.parametrize("breaking,shapes,severity", [
    (_untype_spatial, "3.0.1-range.ttl", "Violation"),
    (_untype_spatial, "3.0.0-dcat-ap-SHACL.ttl", "Violation"),
    (_licence_not_from_the_eu_table, "3.0.1-range.ttl", "Violation"),
    # the EU-vocabulary shapes only warn about a country outside the table
    (_country_not_in_the_country_table, "3.0.1-mdr-vocabularies.shape.ttl", "Warning"),
])
def test_a_broken_record_is_caught_naming_the_shape(record, breaking, shapes, severity):
    broken = Graph()
    for triple in record:
        broken.add(triple)
    path = breaking(broken)
    found = [f for f in findings(broken, (STANDARDS / shapes,)) if f.path == path]
    assert found and {f.severity for f in found} == {severity}
    assert all(f.shape and f.shapes == shapes for f in found)


def test_an_export_whose_record_has_a_violation_fails_with_one_clear_error(real_store, tmp_path, capsys,
                                                                           monkeypatch):
    real = export_module.dcat_graph

    def broken(*args, **kwargs):
        graph = real(*args, **kwargs)
        _untype_spatial(graph)
        return graph

    monkeypatch.setattr(export_module, "dcat_graph", broken)
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "does not conform to SEMIC's DCAT-AP 3 shapes" in err and "Traceback" not in err
    assert "3.0.1-range.ttl: Violation of shape" in err and str(DCTERMS.spatial) in err
    assert not (tmp_path / "out" / "dcat.ttl").exists()


def test_the_data_package_describes_every_column(exported):
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    resource, = package["resources"]
    assert resource["path"] == "observations.csv" and package["licenses"][0]["path"].startswith("https://creativecommons")
    fields = resource["schema"]["fields"]
    with (exported / "observations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [field["name"] for field in fields] == rows[0] == HEADER
    assert all(field["description"] for field in fields)
    for index, field in enumerate(fields):
        if field["type"] == "number":  # every cell of a number column is a number (or empty)
            assert all(row[index] == "" or Decimal(row[index]) is not None for row in rows[1:]), field["name"]
    data = (exported / "observations.csv").read_bytes()
    assert resource["bytes"] == len(data) and resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert package["version"] == mrkg.__version__
    assert package["sources"] and all(source["title"] and source["path"].startswith("https://w3id.org/mrkg/")
                                      for source in package["sources"])


@pytest.mark.parametrize("name", ["mrkg.nq", "mrkg.nt"])
def test_gzip_dumps_hold_the_plain_dumps_and_no_time_or_name(exported, record, name):
    packed = (exported / (name + ".gz")).read_bytes()
    assert gzip.decompress(packed) == (exported / name).read_bytes()
    assert packed[4:8] == b"\x00\x00\x00\x00"  # MTIME 0
    assert packed[3] & 0x08 == 0  # no FNAME field
    listed = (exported / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(packed).hexdigest()}  {name}.gz" in listed
    node = URIRef(f"https://example.org/mrkg/0.2.0/{name}.gz#distribution")
    assert (DATASET, DCAT.distribution, node) in record
    assert str(record.value(node, DCAT.compressFormat)).endswith("/application/gzip")


def test_citations_name_the_version(exported):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert mrkg.__version__ == version
    assert str(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]) == version
    described = json.loads((exported / "dataset.jsonld").read_text(encoding="utf-8"))
    assert f"version {version}" in described["citation"] and described["version"] == version


def test_the_ontology_documentation_has_one_title_and_the_ontology_iri(exported):
    page = (exported / "ontology.html").read_text(encoding="utf-8")
    title = str(ontology_graph().value(ONTOLOGY_IRI, DCTERMS.title))
    assert f"<title>{title}</title>" in page and f"<h1>{title}</h1>" in page
    metadata = page[page.index('id="metadata"'):]
    assert metadata[metadata.index("<strong>IRI</strong>"):].split("</code>")[0].endswith(f"<code>{ONTOLOGY_IRI}")
    assert 'href="vocabularies.html"' in page


def test_every_term_has_a_definition_and_is_documented(exported):
    terms = documented_terms(ontology_graph())
    assert len(terms) > 100
    assert {t.iri for t in terms.values() if not t.definition or not t.label} == set()
    ontology_page = (exported / "ontology.html").read_text(encoding="utf-8")
    vocabularies_page = (exported / "vocabularies.html").read_text(encoding="utf-8")
    graph = ontology_graph()
    in_vocabularies = {str(s) for s in graph.subjects(SKOS.inScheme, None)} | {
        str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if s != ONTOLOGY_IRI}
    missing = [iri for iri in terms
               if f"<code>{iri}</code>" not in (vocabularies_page if iri in in_vocabularies else ontology_page)]
    assert missing == []
    for label in ("instrument types", "policy areas", "consent types"):
        assert f"<h2>{label}</h2>" in vocabularies_page


def test_the_vocabularies_page_escapes_data():
    graph = ontology_graph()
    scheme = URIRef("https://w3id.org/mrkg/ontology#policyAreas")
    graph.add((URIRef("https://w3id.org/mrkg/ontology#Evil"), SKOS.inScheme, scheme))
    graph.add((URIRef("https://w3id.org/mrkg/ontology#Evil"), RDFS.label, Literal("<script>alert(1)</script>")))
    graph.add((URIRef("https://w3id.org/mrkg/ontology#Evil"), SKOS.definition, Literal("a & b")))
    page = vocabularies_html(graph)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a &amp; b" in page
