"""The SPARQL 1.1 Protocol at /sparql, in process (Starlette's TestClient) over the curated store:
every method, every format, every refusal."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from starlette.testclient import TestClient

from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import TRUNCATED_HEADER, InlineEvaluator
from mrkg.queries.execute import OxigraphEngine

BLR = "https://w3id.org/mrkg/id/country/BLR"
SELECT = f"SELECT ?label WHERE {{ <{BLR}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
CONSTRUCT = f"CONSTRUCT {{ <{BLR}> ?p ?o }} WHERE {{ <{BLR}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{BLR}>"
ASK = f"ASK {{ <{BLR}> ?p ?o }}"
MAX_ROWS = 50


@pytest.fixture(scope="module")
def engine(real_store):
    return OxigraphEngine.open(real_store)


@pytest.fixture(scope="module")
def client(engine):
    app = create_app(InlineEvaluator.for_engine(engine, max_rows=MAX_ROWS), max_body=4096, max_rows=MAX_ROWS)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def belarus_facts(engine):
    return {(URIRef(BLR), row["p"], row["o"]) for row in engine.run(f"SELECT ?p ?o WHERE {{ <{BLR}> ?p ?o }}").rows}


def get(client, query, accept=None, **params):
    return client.get("/sparql", params={"query": query, **params}, headers={"Accept": accept} if accept else {})


# -- methods -------------------------------------------------------------------

def test_get_post_form_and_post_query_give_the_same_answer(client):
    by_get = get(client, SELECT)
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post("/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
    answers = [r.json() for r in (by_get, by_form, by_body)]
    assert answers[0] == answers[1] == answers[2]
    labels = {b["label"]["value"] for b in answers[0]["results"]["bindings"]}
    assert "Belarus" in labels


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/sparql", params={"query": ASK})
    assert response.status_code == 200
    assert response.content == b""


def test_post_with_another_content_type_is_415(client):
    response = client.post("/sparql", content=SELECT, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


# -- formats -------------------------------------------------------------------

def test_select_as_json(client):
    data = get(client, SELECT, "application/sparql-results+json").json()
    assert data["head"]["vars"] == ["label"]
    labels = [b["label"] for b in data["results"]["bindings"]]
    assert labels and all(label["type"] == "literal" for label in labels)
    assert "Belarus" in {label["value"] for label in labels}


@pytest.mark.parametrize("accept, fmt", [("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                                         ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
                                         ("application/sparql-results+json", ox.QueryResultsFormat.JSON)])
def test_select_in_each_parseable_results_format(client, accept, fmt):
    response = get(client, SELECT, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    solutions = list(ox.parse_query_results(response.content, format=fmt))
    assert "Belarus" in {s["label"].value for s in solutions}


def test_select_as_csv(client):
    response = get(client, SELECT, "text/csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["label"]
    assert ["Belarus"] in rows[1:]


@pytest.mark.parametrize("accept, fmt", [("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                                         ("application/sparql-results+xml", ox.QueryResultsFormat.XML)])
def test_ask_answers(client, accept, fmt):
    assert bool(ox.parse_query_results(get(client, ASK, accept).content, format=fmt)) is True
    no = get(client, "ASK { <http://example.org/nothing> ?p ?o }", accept)
    assert bool(ox.parse_query_results(no.content, format=fmt)) is False


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                                   ("application/ld+json", "json-ld")])
def test_graph_answers_in_each_rdf_format(client, belarus_facts, query, accept, rdflib_format):
    response = get(client, query, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert set(graph) == belarus_facts


def test_format_parameter_overrides_accept(client):
    response = get(client, SELECT, "application/sparql-results+json", format="csv")
    assert response.headers["content-type"].startswith("text/csv")


def test_html_table_for_browsers_escapes_values(client):
    response = get(client, SELECT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert response.headers["content-type"].startswith("text/html")
    assert "<td>Belarus" in response.text


@pytest.mark.parametrize("query, accept", [(SELECT, "text/turtle"), (SELECT, "image/png"),
                                           (CONSTRUCT, "application/sparql-results+json"),
                                           (CONSTRUCT, "text/csv")])
def test_unsupported_types_are_406(client, query, accept):
    response = get(client, query, accept)
    assert response.status_code == 406
    assert "can be written as" in response.text


def test_quality_values_choose_among_accepted_types(client):
    response = get(client, SELECT, "application/sparql-results+json;q=0.5, text/csv")
    assert response.headers["content-type"].startswith("text/csv")
    response = get(client, SELECT, "text/csv;q=0, */*")
    assert response.headers["content-type"].startswith("application/sparql-results+json")


# -- errors and refusals ----------------------------------------------------------

def test_syntax_error_is_400_with_the_parsers_message(client):
    response = get(client, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "syntax error" in response.text and "col" in response.text


@pytest.mark.parametrize("send", [
    lambda c: get(c, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"),
    lambda c: c.post("/sparql", data={"update": "DROP ALL"}),
    lambda c: c.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    lambda c: c.get("/sparql", params={"update": "LOAD <file:///etc/passwd>"}),
])
def test_updates_are_403(client, send):
    response = send(client)
    assert response.status_code == 403
    assert "read-only" in response.text


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/sparql", "/id/country/BLR", "/graph/reference", "/"])
def test_graph_store_writes_are_405(client, method, path):
    kwargs = {} if method == "delete" else {"content": "<http://x/a> <http://x/b> <http://x/c> ."}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 405


def test_post_to_an_iri_is_405(client):
    assert client.post("/id/country/BLR", content="x").status_code == 405


def test_service_and_outside_graphs_are_refused(client):
    service = get(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert service.status_code == 403 and "SERVICE" in service.text
    outside = get(client, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert outside.status_code == 403 and "not a graph here" in outside.text
    assert "root:" not in outside.text


REFERENCE = "https://w3id.org/mrkg/graph/reference"
ONTOLOGY = "https://w3id.org/mrkg/graph/ontology"
JSON = "application/sparql-results+json"
COUNT_LABELS = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }"


def _count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _labels_in(client, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }} }}"
    return _count(get(client, query, JSON))


def test_default_graph_uri_sets_the_default_graph(client):
    in_reference = _count(get(client, COUNT_LABELS, JSON, **{"default-graph-uri": REFERENCE}))
    in_ontology = _count(get(client, COUNT_LABELS, JSON, **{"default-graph-uri": ONTOLOGY}))
    both = client.get("/sparql", params=[("query", COUNT_LABELS), ("default-graph-uri", REFERENCE),
                                         ("default-graph-uri", ONTOLOGY)], headers={"Accept": JSON})
    everything = _count(get(client, COUNT_LABELS, JSON))
    assert in_reference == _labels_in(client, REFERENCE) > 0
    assert in_ontology == _labels_in(client, ONTOLOGY) > 0
    assert _count(both) == in_reference + in_ontology < everything


def test_protocol_dataset_overrides_from_and_names_graphs(client):
    query = COUNT_LABELS.replace("SELECT (COUNT(*) AS ?n)", f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}>")
    assert _count(get(client, query, JSON, **{"default-graph-uri": REFERENCE})) == _labels_in(client, REFERENCE)
    named = get(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON, **{"named-graph-uri": ONTOLOGY})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [ONTOLOGY]
    # named graphs only: the default graph is empty
    assert _count(get(client, COUNT_LABELS, JSON, **{"named-graph-uri": ONTOLOGY})) == 0


def test_protocol_dataset_outside_this_dataset_is_refused(client):
    for params in ({"default-graph-uri": "file:///etc/passwd"}, {"named-graph-uri": "http://127.0.0.1:9/g"},
                   {"default-graph-uri": ""}):
        response = get(client, SELECT, **params)
        assert response.status_code == 403, params
        assert "not a graph here" in response.text and "root:" not in response.text


def test_two_query_parameters_are_400(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_body_over_the_cap_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    response = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert "4096" in response.text


def test_row_cap_cuts_and_says_so(client):
    response = get(client, "SELECT * WHERE { ?s ?p ?o }")
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert TRUNCATED_HEADER.lower() in {k.lower() for k in response.headers}
    small = get(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert len(small.json()["results"]["bindings"]) == 3
    assert TRUNCATED_HEADER not in small.headers
    graph = get(client, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    lines = [line for line in graph.text.splitlines() if line.strip()]
    # the triples, then a comment saying the answer was cut
    assert len([line for line in lines if not line.startswith("#")]) == MAX_ROWS
    assert lines[-1].startswith("# the answer was cut to the first")
    assert TRUNCATED_HEADER in graph.headers


def test_from_a_graph_of_the_dataset_restricts_the_default_graph(client, engine):
    graph = "https://w3id.org/mrkg/graph/ontology"
    expected = engine.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0]["n"]
    response = get(client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == int(expected)
    union = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(union.json()["results"]["bindings"][0]["n"]["value"]) > int(expected)


# -- CORS, service description, query page --------------------------------------------

def test_cors_for_reads(client):
    response = client.get("/sparql", params={"query": ASK}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    refused = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                 "Access-Control-Request-Method": "DELETE"})
    assert refused.status_code == 400


def test_service_description_is_truthful(client, engine):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    sd = Graph().parse(data=response.content, format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    languages = {str(o) for o in sd.objects(None, URIRef(SD + "supportedLanguage"))}
    assert languages == {SD + "SPARQL11Query"}
    regimes = {str(o) for o in sd.objects(None, URIRef(SD + "defaultEntailmentRegime"))}
    assert regimes == {"http://www.w3.org/ns/entailment/Simple"}
    assert {str(o) for o in sd.objects(None, URIRef(SD + "feature"))} == {
        SD + "UnionDefaultGraph", "http://testserver/sparql#row-limit", "http://testserver/sparql#query-size-limit"}
    row_limit = URIRef("http://testserver/sparql#row-limit")
    assert sd.value(row_limit, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")).toPython() == MAX_ROWS
    names = {str(o) for o in sd.objects(None, URIRef(SD + "name"))}
    stored = {str(row["g"]) for row in engine.run("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }").rows}
    assert names == stored
    endpoint = next(sd.objects(None, URIRef(SD + "endpoint")))
    assert str(endpoint).endswith("/sparql")


def test_query_page_is_local_and_offers_the_named_queries(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert "agreements-binding" in page and "PREFIX mrkg: &lt;https://w3id.org/mrkg/ontology#&gt;" in page
    settings = json.loads(re.search(r'id="editor-settings">(.*?)</script>', page, re.S).group(1))
    examples = settings["examples"]
    assert {e["name"] for e in examples} >= {"flows", "agreements-binding", "members"}
    for example in examples:  # every example runs and answers
        answer = get(client, example["text"])
        assert answer.status_code == 200, (example["name"], answer.text)
    script = client.get("/static/editor.js")
    assert script.status_code == 200 and "textContent" in script.text and "innerHTML" not in script.text
