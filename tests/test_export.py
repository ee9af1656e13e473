"""`mrkg export`: every artifact parses back to the store's content, counts are the store's, the
DCAT record lists true sizes and checksums, and the CSV cannot run formulas in a spreadsheet."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

import mrkg.cli
from mrkg.graph.store import current
from mrkg.publish.describe import DATASET, SPDX, VOID, dataset_jsonld, void_graph
from mrkg.publish.export import FILES, landing_page, validate_dcat
from mrkg.publish.tidy import safe_cell, write_observations
from mrkg.queries.execute import OxigraphEngine


@pytest.fixture(scope="module")
def exported(real_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(out),
                          "--base-url", "https://example.org/mrkg/0.2.0"]) == 0
    return out


@pytest.fixture(scope="module")
def store(real_store):
    return ox.Store.read_only(str(current(real_store).database))


def test_every_file_is_written(exported):
    assert {p.name for p in exported.iterdir()} == {name for name, *_ in FILES} | {"dcat.ttl", "SHA256SUMS"}


def test_quad_dumps_hold_exactly_the_store(exported, store, real_store):
    dump = current(real_store).dump
    assert (exported / "mrkg.nq").read_bytes() == dump.read_bytes()  # the build's sorted dump
    built = set(ox.parse(path=dump, format=ox.RdfFormat.N_QUADS))
    for name, fmt in (("mrkg.trig", ox.RdfFormat.TRIG), ("mrkg.jsonld", ox.RdfFormat.JSON_LD)):
        # the build's quads exactly, blank-node labels included (they are what makes releases reproducible)
        assert set(ox.parse(path=exported / name, format=fmt)) == built, name
    # The same values as the store: loaded again, Oxigraph writes the literals its canonical way ("7.0" as 7).
    loaded = ox.Store()
    loaded.extend(ox.parse(path=exported / "mrkg.trig", format=ox.RdfFormat.TRIG))
    quads = set(store)
    plain = {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    assert {q for q in loaded if q in plain} == plain  # the store relabels blank nodes: those compared by count
    assert len(loaded) == len(quads)
    assert {q.graph_name for q in loaded} == {q.graph_name for q in quads}


def test_triple_dumps_hold_the_union(exported, store):
    union = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    lines = (exported / "mrkg.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert len(lines) == len(union)
    for name, fmt in (("mrkg.nt", ox.RdfFormat.N_TRIPLES), ("mrkg.ttl", ox.RdfFormat.TURTLE)):
        assert len(set(ox.parse(path=exported / name, format=fmt))) == len(union), name
    jsonld = set(ox.parse(path=exported / "mrkg.jsonld", format=ox.RdfFormat.JSON_LD))
    assert len(jsonld) == len(store)


def _void_number(graph: Graph, term) -> int:
    return int(graph.value(DATASET, term))


def test_void_counts_equal_the_store(exported, store):
    void = Graph().parse(exported / "void.ttl", format="turtle")
    triples = {(q.subject, q.predicate, q.object) for q in store}
    assert _void_number(void, VOID.triples) == len(triples)
    assert _void_number(void, VOID.distinctSubjects) == len({s for s, _, _ in triples})
    assert _void_number(void, VOID.distinctObjects) == len({o for _, _, o in triples})
    assert _void_number(void, VOID.properties) == len({p for _, p, _ in triples})
    assert _void_number(void, VOID.entities) == len({s for s, _, _ in triples if isinstance(s, ox.NamedNode)})
    rdf_type = ox.NamedNode(str(RDF.type))
    assert _void_number(void, VOID.classes) == len({o for _, p, o in triples if p == rdf_type})
    per_graph = {}
    for quad in store:
        per_graph[quad.graph_name.value] = per_graph.get(quad.graph_name.value, 0) + 1
    subsets = {str(void.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))):
               int(void.value(s, VOID.triples)) for s in void.objects(DATASET, VOID.subset)}
    assert subsets == per_graph


def test_void_graph_counts_a_store_that_changed(store):
    # Computed, not written down: one more triple in a copy of the store changes the count.
    copy = ox.Store()
    copy.extend(store)
    before = _void_number(void_graph(OxigraphEngine(copy)), VOID.triples)
    copy.add(ox.Quad(ox.NamedNode("https://w3id.org/mrkg/id/country/KAZ"), ox.NamedNode("http://example.org/p"),
                     ox.Literal("x"), ox.NamedNode("https://w3id.org/mrkg/graph/reference")))
    assert _void_number(void_graph(OxigraphEngine(copy)), VOID.triples) == before + 1


def test_dcat_lists_true_sizes_and_checksums(exported):
    dcat = Graph().parse(exported / "dcat.ttl", format="turtle")
    seen = set()
    for node in dcat.objects(DATASET, DCAT.distribution):
        url = dcat.value(node, DCAT.downloadURL)
        if url is None:  # the SPARQL endpoint: a distribution through a data service
            assert dcat.value(node, DCAT.accessService) is not None
            continue
        path = exported / str(url).rsplit("/", 1)[1]
        assert str(url).startswith("https://example.org/mrkg/0.2.0/")
        assert int(dcat.value(node, DCAT.byteSize)) == path.stat().st_size
        checksum = dcat.value(node, SPDX.checksum)
        assert str(dcat.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        assert str(dcat.value(node, DCAT.mediaType)).startswith("http://www.iana.org/assignments/media-types/")
        seen.add(path.name)
    assert seen == {name for name, *_ in FILES}
    assert (None, RDF.type, DCAT.DataService) in dcat
    assert validate_dcat(dcat) == ""
    sums = dict(reversed(line.split("  ")) for line in (exported / "SHA256SUMS").read_text().splitlines())
    assert sums["dcat.ttl"] == hashlib.sha256((exported / "dcat.ttl").read_bytes()).hexdigest()


def test_dcat_shapes_catch_a_broken_record(exported):
    dcat = Graph().parse(exported / "dcat.ttl", format="turtle")
    node = next(dcat.objects(DATASET, DCAT.distribution))
    dcat.remove((node, DCAT.accessURL, None))
    assert "accessURL" in validate_dcat(dcat)


def test_schema_org_dataset_has_computed_coverage(exported, real_store):
    described = json.loads((exported / "dataset.jsonld").read_text(encoding="utf-8"))
    assert described["@type"] == "Dataset" and described["license"].startswith("https://creativecommons.org/")
    codes = {place["identifier"] for place in described["spatialCoverage"]}
    assert {"BLR", "KAZ", "RUS"} <= codes
    first, last = described["temporalCoverage"].split("/")
    assert first < last
    assert described == dataset_jsonld(OxigraphEngine.open(real_store),
                                       distributions=[{k: v for k, v in d.items() if k != "@type"}
                                                      for d in described["distribution"]])


def test_landing_page_escapes_data(exported):
    page = landing_page({"description": "<script>alert(1)</script>", "version": "1", "license": "https://x/\"",
                         "name": "</script><b>"}, [("a<b>.csv", "t&t")])
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page
    assert page.count("</script>") == 1  # data cannot close the JSON-LD block early
    assert "a&lt;b&gt;.csv" in page
    assert '<script type="application/ld+json">' in (exported / "index.html").read_text(encoding="utf-8")


def test_ontology_documentation_names_our_classes(exported):
    page = (exported / "ontology.html").read_text(encoding="utf-8")
    assert "Participation" in page and "https://w3id.org/mrkg/ontology" in page


@pytest.mark.parametrize("cell,expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-953", "-953"),
    ("+1.5", "+1.5"),
    ("-2e3", "-2e3"),
    ("Table 2, row Belarus", "Table 2, row Belarus"),
    ("", ""),
])
def test_csv_cells_are_neutralised_but_numbers_kept(cell, expected):
    assert safe_cell(cell) == expected


def test_observations_csv_is_tidy_and_safe(exported, store, tmp_path):
    rows = list(csv.DictReader((exported / "observations.csv").open(encoding="utf-8")))
    observations = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode("http://purl.org/linked-data/cube#Observation"))}
    assert {row["observation"] for row in rows} == observations
    flows = {(r["origin"], r["destination"], r["period"]): r["value"] for r in rows if r["measure"] == "net-migration"}
    assert flows[("BLR", "KAZ", "2013")] == "-953"  # a negative figure stays a number
    hostile = ox.Store()
    evil = ox.NamedNode("https://w3id.org/mrkg/id/observation/evil")
    graph = ox.NamedNode("https://w3id.org/mrkg/graph/reference")
    for predicate, value in (("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                              ox.NamedNode("http://purl.org/linked-data/cube#Observation")),
                             ("https://w3id.org/mrkg/ontology#locator", ox.Literal("=cmd|'/C calc'!A0")),
                             ("https://w3id.org/mrkg/ontology#quote", ox.Literal("@SUM(1+1)")),
                             ("http://purl.org/linked-data/sdmx/2009/measure#obsValue",
                              ox.Literal("-12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))):
        hostile.add(ox.Quad(evil, ox.NamedNode(predicate), value, graph))
    assert write_observations(hostile, tmp_path / "o.csv") == 1
    row = next(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    assert (row["locator"], row["quote"], row["value"]) == ("'=cmd|'/C calc'!A0", "'@SUM(1+1)", "-12")


def test_export_refuses_bad_targets(real_store, tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(a_file)]) == 2
    assert "is a file" in capsys.readouterr().err
    assert mrkg.cli.main(["--store", "http://127.0.0.1:9/sparql", "export", "--out", str(tmp_path / "o")]) == 2
    assert "embedded store" in capsys.readouterr().err
    assert mrkg.cli.main(["--store", str(tmp_path / "nothing"), "export", "--out", str(tmp_path / "o")]) == 2
    assert "run `mrkg build` first" in capsys.readouterr().err
