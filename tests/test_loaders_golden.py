"""Golden tests: each loader's triples on a tiny sources tree, compared with hand-written Turtle.

``tests/fixtures/mini_sources`` is a complete sources tree with a handful of records;
``tests/fixtures/golden/<loader>.ttl`` holds, written by hand, the triples each loader
must produce from it. A failure prints the triples only in the golden file and the
triples only in the loader's output, in N-Triples.

The loaders of the treaty tables, of the ICMW status table and of the labour agreements read
``tests/fixtures/treaty_sources`` instead: the mini tree plus short verbatim excerpts of
those tables. They are kept out of the mini tree, whose named-query tests expect exact
answers for Armenia, Belarus, Georgia and Kyrgyzstan, and GPTAD's excerpt must be a prefix
of the real table (a GPTAD row's id is its position).

Countries come from pycountry's full list, so they are checked by a few named triples
instead of a golden file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from mrkg.loaders import (LOADERS, countries, desta_treaties, gptad_treaties, huggo_treaties, icmw_status,
                          instrument_matches, labour_agreements, read_sources, treaty_provisions)
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_SOURCES = FIXTURES / "mini_sources"
TREATY_SOURCES = FIXTURES / "treaty_sources"
GOLDEN = FIXTURES / "golden"
TREATY_LOADERS = (huggo_treaties, desta_treaties, gptad_treaties, icmw_status, treaty_provisions, instrument_matches,
                  labour_agreements)

GOLDEN_LOADERS = [module for module in LOADERS if module is not countries]


def short_name(module) -> str:
    return module.__name__.rsplit(".", 1)[1]


@pytest.fixture(scope="module")
def mini():
    return read_sources(MINI_SOURCES)


@pytest.fixture(scope="module")
def treaty_tree():
    return read_sources(TREATY_SOURCES)


def tree_of(module, mini, treaty_tree):
    return treaty_tree if module in TREATY_LOADERS else mini


def loader_graph(sources, module) -> Graph:
    graph = Graph()
    for located in sources.of(module):
        for statement in module.triples(located):
            graph.add(statement[:3])
    return graph


def ntriples(graph: Graph) -> str:
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    return "\n".join(lines) if lines else "(none)"


def test_every_loader_but_countries_has_a_golden_file():
    expected = {f"{short_name(module)}.ttl" for module in GOLDEN_LOADERS}
    present = {path.name for path in GOLDEN.glob("*.ttl")}
    assert present == expected


@pytest.mark.parametrize("module", GOLDEN_LOADERS, ids=short_name)
def test_loader_output_matches_golden(mini, treaty_tree, module):
    output = loader_graph(tree_of(module, mini, treaty_tree), module)
    golden = Graph().parse(GOLDEN / f"{short_name(module)}.ttl", format="turtle")
    if not isomorphic(output, golden):
        _, only_golden, only_output = graph_diff(golden, output)
        pytest.fail(
            f"{module.__name__} on {(TREATY_SOURCES if module in TREATY_LOADERS else MINI_SOURCES).name} "
            f"differs from golden/{short_name(module)}.ttl\n"
            f"--- only in golden ({len(only_golden)}):\n{ntriples(only_golden)}\n"
            f"--- only in output ({len(only_output)}):\n{ntriples(only_output)}",
            pytrace=False,
        )


@pytest.mark.parametrize("module", LOADERS, ids=short_name)
def test_records_go_to_their_named_graph(mini, treaty_tree, module):
    """Reference data goes to the reference graph, curated records to their document's graph, and
    mrkg's own match decisions to graph/matches."""
    records = tree_of(module, mini, treaty_tree).of(module)
    assert records, f"the fixture tree has no {short_name(module)} record"
    curated = {"instruments", "memberships", "observations", "roles", "zones", "treaty_provisions",
               "huggo_treaties", "desta_treaties", "gptad_treaties", "icmw_status"}
    for located in records:
        if isinstance(located.record, labour_agreements.ProvisionScheme):  # the dataset's codes: reference data
            assert located.graph == iris.REFERENCE_GRAPH
        elif short_name(module) in curated | {"labour_agreements"}:
            assert located.graph == iris.document_graph(located.document)
        elif short_name(module) == "instrument_matches":
            assert located.graph == iris.MATCHES_GRAPH
        else:
            assert located.graph == iris.REFERENCE_GRAPH


# --------------------------------------------------------------------------
# Countries: a few named triples
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def country_graph(mini):
    return loader_graph(mini, countries)


def test_country_belarus_label(country_graph):
    assert (iris.country("BLR"), RDFS.label, Literal("Belarus", lang="en")) in country_graph


def test_country_belarus_type_and_codes(country_graph):
    blr = iris.country("BLR")
    assert (blr, RDF.type, MRKG.Country) in country_graph
    assert (blr, MRKG.iso3166Alpha3, Literal("BLR")) in country_graph
    assert (blr, MRKG.iso3166Alpha2, Literal("BY")) in country_graph
    assert (blr, MRKG.iso3166Numeric, Literal("112")) in country_graph


def test_country_belarus_wikidata(country_graph):
    blr = iris.country("BLR")
    assert (blr, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q184")) in country_graph
    assert len(list(country_graph.objects(blr, SKOS.exactMatch))) == 1


def test_country_without_wikidata_row_has_no_exact_match(country_graph):
    # France is in ISO 3166 but not in reference/countries_wikidata_owid.csv.
    fra = iris.country("FRA")
    assert (fra, RDF.type, MRKG.Country) in country_graph
    assert list(country_graph.objects(fra, SKOS.exactMatch)) == []


def test_country_historic_ussr_exists(country_graph):
    sun = iris.country("SUN")
    assert (sun, RDF.type, MRKG.Country) in country_graph
    assert (sun, MRKG.iso3166Alpha3, Literal("SUN")) in country_graph
    assert list(country_graph.objects(sun, SKOS.exactMatch)) == []
