"""Resolvable IRIs: every IRI the graph mints resolves on the server, as a page or as RDF;
unknown IRIs are 404; values from the data are escaped; the base is configurable. Also the
landing page and VoID, whose counts must equal the store's."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from starlette.testclient import TestClient

from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import InlineEvaluator, OxigraphRunner
from mrkg.graph.store import open_read_only
from mrkg.queries.execute import OxigraphEngine
from mrkg.queries.library import get

BASE = "https://w3id.org/mrkg/"
BLR = BASE + "id/country/BLR"
TREATY = BASE + "id/instrument/cu-ces-treaty-1999"
RDF_FORMATS = [("text/turtle", "ttl", "turtle"), ("application/n-triples", "nt", "nt"),
               ("application/ld+json", "jsonld", "json-ld")]


@pytest.fixture(scope="module")
def engine(real_store):
    return OxigraphEngine.open(real_store)


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(InlineEvaluator.for_engine(engine))) as test_client:
        yield test_client


def facts_about(engine, iri):
    return {(URIRef(iri), row["p"], row["o"]) for row in engine.run(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows}


def minted_iris(engine) -> list[str]:
    """One IRI of each kind the graph mints: entities by kind, named graphs, ontology terms."""
    rows = engine.run(f"""SELECT ?kind (MIN(STR(?s)) AS ?iri) WHERE {{
        {{ ?s ?p ?o }} UNION {{ GRAPH ?s {{ }} }}
        FILTER(STRSTARTS(STR(?s), "{BASE}"))
        BIND(REPLACE(STRAFTER(STR(?s), "{BASE}"), "^((id|graph)/[^/]+|ontology).*$", "$1") AS ?kind)
    }} GROUP BY ?kind""").rows
    return [str(row["iri"]) for row in rows]


def test_every_kind_of_minted_iri_resolves(client, engine):
    iris = minted_iris(engine)
    kinds = {iri[len(BASE):].split("/")[0].split("#")[0] for iri in iris}
    assert {"id", "graph", "ontology"} <= kinds
    assert len(iris) >= 15  # country, instrument, participation, observation, ... and the graphs
    for iri in iris:
        path = "/" + iri[len(BASE):].split("#")[0]
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, (iri, response.text[:200])
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("accept, extension, rdflib_format", RDF_FORMATS)
def test_rdf_by_accept_and_by_extension(client, engine, accept, extension, rdflib_format):
    expected = facts_about(engine, BLR)
    by_accept = client.get("/id/country/BLR", headers={"Accept": accept})
    by_extension = client.get(f"/id/country/BLR.{extension}")
    for response in (by_accept, by_extension):
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == accept
        graph = Graph().parse(data=response.content, format=rdflib_format)
        assert {t for t in graph if t[0] == URIRef(BLR)} == expected
    assert "Accept" in by_accept.headers["vary"]


def test_rdf_carries_the_labels_of_what_it_points_to(client):
    graph = Graph().parse(data=client.get(f"/id/instrument/cu-ces-treaty-1999.ttl").content, format="turtle")
    pointed = {o for s, p, o in graph if s == URIRef(TREATY) and isinstance(o, URIRef)}
    labelled = {s for s in graph.subjects(RDFS.label, None)}
    assert pointed & labelled


def test_html_page_shows_label_facts_dates_sources_and_links(client, engine):
    # An entity without a profile page (profiles.py) gets the generic page of its statements.
    record = "/id/instrument-record/cu-ces-treaty-1999/000_e132173a8f0337db"
    page = client.get(record, headers={"Accept": "text/html"}).text
    assert re.search(r"<h2>Dates</h2>.*legislationDate.*1999-02-26", page, re.S)
    assert "<h2>Facts</h2>" in page and "<h2>Sources</h2>" in page
    assert 'href="/graph/document/000_e132173a8f0337db"' in page  # the source of the facts, linked locally
    assert f'href="{record}.ttl"' in page
    sources = page.split("<h2>Sources</h2>", 1)[1].split("</ul>", 1)[0]
    assert '<a href="/graph/document/000_e132173a8f0337db"' in sources and "_:" not in sources
    # A profile page keeps every statement, what refers to it and their sources at its foot.
    page = client.get("/id/instrument/cu-ces-treaty-1999", headers={"Accept": "text/html"}).text
    assert "<h1>Treaty on Customs Union and Common Economic Space</h1>" in page
    raw = page.split('<details id="raw-facts">', 1)[1]
    assert 'href="/id/country/RUS"' in page  # each participant links to its page
    assert "What refers to it</a>" in raw  # a query, not a dump of every inbound link
    sources = raw.split('<ul id="sources">', 1)[1].split("</ul>", 1)[0]
    assert '<a href="/graph/document/000_e132173a8f0337db"' in sources and "_:" not in sources
    assert 'href="/id/instrument/cu-ces-treaty-1999.ttl"' in page
    country = client.get("/id/country/KAZ", headers={"Accept": "text/html"}).text
    assert 'href="/queries/agreements-of?country=KAZ"' in country
    view = client.get("/queries/agreements-of?country=KAZ", headers={"Accept": "text/html"})
    assert view.status_code == 200 and "cu-ces-treaty-1999" in view.text


def test_named_graph_iri_resolves_with_its_size(client, engine):
    graph = BASE + "graph/reference"
    size = engine.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0]["n"]
    page = client.get("/graph/reference", headers={"Accept": "text/html"}).text
    assert f"holding {int(size)} statements" in page


def test_ontology_document_lists_its_terms_with_anchors(client):
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'id="Participation"' in page and 'id="Instrument"' in page
    graph = Graph().parse(data=client.get("/ontology.ttl").content, format="turtle")
    assert (URIRef(BASE + "ontology#Participation"), RDFS.label, None) in graph


@pytest.mark.parametrize("path", ["/id/country/XXX", "/id/nothing", "/graph/nowhere", "/id/country/BLR.exe",
                                  "/id/country/XXX.ttl", "/ontology%23Nothing"])
def test_unknown_iris_are_404(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "not an IRI of this dataset" in response.text


def test_unacceptable_type_is_406(client):
    assert client.get("/id/country/BLR", headers={"Accept": "image/png"}).status_code == 406


# -- escaping and a configurable base, on a small store made for it ------------------------

EVIL = '<script>alert("x")</script> & "quotes"'


@pytest.fixture(scope="module")
def crafted():
    base = "https://example.org/kg/"
    store = ox.Store()
    thing, graph = ox.NamedNode(base + "id/thing/one"), ox.NamedNode(base + "graph/main")
    label = ox.NamedNode(str(RDFS.label))
    store.add(ox.Quad(thing, label, ox.Literal(EVIL), graph))
    store.add(ox.Quad(thing, ox.NamedNode(base + "ontology#link"), ox.NamedNode("javascript:alert(1)"), graph))
    store.add(ox.Quad(thing, ox.NamedNode(base + "ontology#other"), ox.NamedNode(base + "id/thing/two"), graph))
    store.add(ox.Quad(ox.NamedNode(base + "id/thing/two"), label, ox.Literal("two"), graph))
    app = create_app(InlineEvaluator(OxigraphRunner(store), base=base), base=base)
    with TestClient(app) as test_client:
        yield test_client


def test_values_from_the_data_are_escaped_and_unsafe_iris_are_not_links(crafted):
    page = crafted.get("/id/thing/one", headers={"Accept": "text/html"}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page  # shown as text


def test_the_base_is_configurable(crafted):
    page = crafted.get("/id/thing/one", headers={"Accept": "text/html"}).text
    assert 'href="/id/thing/two"' in page  # a link under the base stays on this server
    graph = Graph().parse(data=crafted.get("/id/thing/one.nt").content, format="nt")
    assert (URIRef("https://example.org/kg/id/thing/one"), RDFS.label, Literal(EVIL)) in graph
    assert crafted.get("/id/country/BLR").status_code == 404


def test_sparql_html_results_are_escaped(crafted):
    response = crafted.get("/sparql", params={"query": "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
                                              "format": "html"})
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


# -- landing page and VoID --------------------------------------------------------------

def test_void_counts_equal_the_stores(client, real_store):
    store = open_read_only(real_store)
    per_graph = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        per_graph[quad.graph_name.value] = per_graph.get(quad.graph_name.value, 0) + 1
    distinct = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)}
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = Graph().parse(data=response.content, format="turtle")
    VOID = "http://rdfs.org/ns/void#"
    dataset = URIRef(BASE + "dataset")
    counted = {str(s): int(o) for s, o in void.subject_objects(URIRef(VOID + "triples"))}
    assert counted.pop(str(dataset)) == len(distinct)
    named = {str(s): str(o) for s, o in void.subject_objects(URIRef("http://www.w3.org/ns/sparql-service-description#name"))}
    assert {graph: counted[subset] for subset, graph in named.items()} == per_graph
    assert int(next(void.objects(dataset, URIRef(VOID + "distinctSubjects")))) == len({t[0] for t in distinct})


def test_landing_page_lists_the_graphs_and_links_the_services(client):
    page = client.get("/", headers={"Accept": "text/html"}).text
    for link in ('href="/sparql"', 'href="/queries"', 'href="/ontology"', 'href="/.well-known/void"',
                 'href="/graph/reference"'):
        assert link in page
    assert not re.search(r'(?:src|href)="https?://(?!w3id)', page)
    rdf = client.get("/", headers={"Accept": "text/turtle"})
    assert rdf.headers["content-type"].startswith("text/turtle") and b"void#Dataset" in rdf.content


def test_named_query_views_validate_parameters(client):
    bad = client.get("/queries/flows?origin=Belarus")
    assert bad.status_code == 400 and "ISO 3166" in bad.text and "usage" in bad.text
    assert client.get("/queries/nothing").status_code == 404
    csv_answer = client.get("/queries/members?organisation=ces&on=2013-01-01&format=csv")
    assert csv_answer.status_code == 200
    lines = csv_answer.text.splitlines()
    assert lines[0] == ",".join(get("members").columns)
    assert {line.split(",")[0] for line in lines[1:]} == {"BLR", "KAZ", "RUS"}
    assert client.get("/queries", headers={"Accept": "text/html"}).status_code == 200


def section_rows(html: str, query: str) -> list[list[str]]:
    """The cells of the page section that a named query fills (text, tags stripped)."""
    table = re.search(rf'<table class="section" data-query="{query}"[^>]*>(.*?)</table>', html, re.S)
    assert table, f"no section {query!r} on the page"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in rows]


def test_instrument_page_sections_are_the_named_queries_answers(client, engine):
    from mrkg.queries.execute import run_named
    from mrkg.queries.library import bind

    html = client.get("/id/instrument/cu-ces-treaty-1999", headers={"Accept": "text/html"}).text
    assert 'href="/queries/claims?agreement=cu-ces-treaty-1999"' in html  # each source's own record
    for query in ("parties",):
        named = get(query)
        expected = run_named(engine, named, bind(named, {"agreement": "cu-ces-treaty-1999"}))
        shown = section_rows(html, query)
        assert len(shown) == len(expected.rows) > 0
        first = expected.variables[0]
        assert [row[0] for row in shown] == [str(row[first] or "") for row in expected.rows]
    parties = section_rows(html, "parties")
    assert sorted(row[0] for row in parties) == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]  # one row per party
    assert any("[1999-09-26..2001-07-02]" in cell for row in parties for cell in row)


def test_country_page_lists_each_agreement_once_with_one_status(client):
    html = client.get("/id/country/BLR", headers={"Accept": "text/html"}).text
    rows = section_rows(html, "agreements-of")
    instruments = [row[0] for row in rows]
    assert len(instruments) > 10 and len(instruments) == len(set(instruments))
    assert 'href="/queries/agreements-of?country=BLR"' in html


def test_pages_of_other_kinds_have_no_query_sections(client):
    html = client.get("/id/measure/migrant-stock", headers={"Accept": "text/html"}).text
    assert 'class="section"' not in html
