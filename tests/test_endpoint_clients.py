"""The clients researchers use, with their default settings, against a real `mrkg serve` on
loopback: SPARQLWrapper in every format it offers, rdflib's SPARQLStore (SELECT and CONSTRUCT on
one store), pandas reading CSV results, and a plain curl-like request. Then what such clients
cannot see in a header: a cut answer says so in its body, and the row cap is in the service
description; gzip, conditional requests, and GET and POST taking the same query sizes.

The server runs once for the module with a small row cap (``MAX_ROWS``) so that an unbounded
query is cut. Every assertion is on a status, a header, a count or a text, never on a duration."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import urllib.parse
import warnings
import xml.dom.minidom

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from test_endpoint_abuse import Server

MAX_ROWS = 40
ONTOLOGY = "https://w3id.org/mrkg/ontology#"
AGREEMENT = URIRef(ONTOLOGY + "InternationalAgreement")
BELARUS = URIRef("https://w3id.org/mrkg/id/country/BLR")
SELECT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
          "SELECT ?label WHERE { <https://w3id.org/mrkg/id/country/BLR> rdfs:label ?label } LIMIT 1")
ASK = f"ASK {{ ?s a <{AGREEMENT}> }}"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{AGREEMENT}> }} WHERE {{ ?s a <{AGREEMENT}> }} LIMIT 5"
DESCRIBE = f"DESCRIBE <{BELARUS}>"
COUNTS = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 10"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(real_store):
    running = Server(real_store, options=["--max-rows", str(MAX_ROWS), "--workers", "2", "--per-client", "4"])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def endpoint(server):
    return f"http://127.0.0.1:{server.port}/sparql"


def wrapper(endpoint, query, return_format=None):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    if return_format is not None:
        client.setReturnFormat(return_format)
    client.setQuery(query)
    return client


def raw(server, path, headers=None, method="GET", body=None):
    """(status, headers, body bytes) of one request, the body as sent (not decompressed)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def sparql_path(query, **params):
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


# -- SPARQLWrapper --------------------------------------------------------------

@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_and_ask_in_each_results_format(endpoint, return_format):
    """SPARQLWrapper sends format=, output= and results= (TSV twice, with the media type); each
    format answers SELECT and ASK."""
    for query, expected in ((SELECT, "Belarus"), (ASK, "true")):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper only warns of a wrong type
            converted = wrapper(endpoint, query, return_format).query().convert()
        if return_format == "json":
            text = json.dumps(converted)
            key = "boolean" if query is ASK else "results"
            assert key in converted
        elif return_format == "xml":
            assert isinstance(converted, xml.dom.minidom.Document)
            text = converted.toxml()
        else:
            text = converted.decode("utf-8")
        assert expected in text, (return_format, query)


@pytest.mark.parametrize("return_format", [None, "xml", "rdf+xml", "turtle", "n3", "json-ld"])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_construct_and_describe_in_each_graph_format(endpoint, query, return_format):
    """None is SPARQLWrapper's default (XML, i.e. RDF/XML for a graph)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = wrapper(endpoint, query, return_format).query()
        converted = result.convert()
    if isinstance(converted, Graph):
        graph = converted
    else:
        rdflib_format = {"turtle": "turtle", "n3": "n3", "json-ld": "json-ld"}[return_format]
        graph = Graph().parse(data=converted, format=rdflib_format)
    if query is CONSTRUCT:
        assert len(graph) == 5 and set(graph.objects(None, RDF.type)) == {AGREEMENT}
    else:
        assert (BELARUS, RDFS.label, Literal("Belarus", lang="en")) in graph
    expected = {None: "application/rdf+xml", "xml": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
                "turtle": "text/turtle", "n3": "text/turtle", "json-ld": "application/ld+json"}[return_format]
    assert result.info()["content-type"].startswith(expected)


def test_n_triples_and_curl_defaults(server):
    """N-Triples by Accept; curl's own defaults (Accept: */*) get SPARQL JSON for a SELECT and
    Turtle for a CONSTRUCT."""
    status, headers, body = raw(server, sparql_path(CONSTRUCT), {"Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=body, format="nt")) == 5
    curl = {"Accept": "*/*", "User-Agent": "curl/8.5.0"}
    status, headers, body = raw(server, sparql_path(SELECT), curl)
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["label"]["value"] == "Belarus"
    status, headers, body = raw(server, sparql_path(CONSTRUCT), curl)
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) == 5


def test_entity_iris_are_offered_in_rdf_xml(server):
    status, headers, body = raw(server, "/id/country/BLR", {"Accept": "application/rdf+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert (BELARUS, RDFS.label, Literal("Belarus", lang="en")) in Graph().parse(data=body, format="xml")
    status, headers, _ = raw(server, "/id/country/BLR.rdf")
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")


def test_format_parameters_that_disagree_are_refused(server):
    status, _, body = raw(server, sparql_path(SELECT, format="json", output="csv"))
    assert status == 406 and b"json" in body and b"csv" in body


# -- rdflib's SPARQLStore and pandas --------------------------------------------

def test_rdflib_sparqlstore_select_and_construct_on_one_store(endpoint):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(endpoint)  # default settings: returnFormat "xml", GET
    rows = list(store.query(SELECT))
    assert [str(row[0]) for row in rows] == ["Belarus"]
    constructed = store.query(CONSTRUCT)
    assert len(constructed.graph) == 5
    assert bool(store.query(ASK)) is True


def test_pandas_reads_csv_results_as_numbers(server, endpoint):
    import pandas as pd

    frame = pd.read_csv(endpoint + "?" + urllib.parse.urlencode({"query": COUNTS, "format": "csv"}))
    assert list(frame.columns) == ["class", "n"]
    assert pd.api.types.is_integer_dtype(frame["n"])
    assert frame["n"].sum() > 0


# -- truncation ----------------------------------------------------------------

def test_a_cut_answer_says_so_in_its_body(server, endpoint):
    row_limit = endpoint + "#row-limit"
    status, headers, body = raw(server, sparql_path(EVERYTHING), {"Accept": "application/sparql-results+json"})
    document = json.loads(body)
    assert status == 200 and len(document["results"]["bindings"]) == MAX_ROWS
    assert document["head"]["link"] == [row_limit]
    assert f"first {MAX_ROWS} rows" in document["truncated"]

    _, _, body = raw(server, sparql_path(EVERYTHING), {"Accept": "application/sparql-results+xml"})
    head = xml.dom.minidom.parseString(body).getElementsByTagName("head")[0]
    assert [link.getAttribute("href") for link in head.getElementsByTagName("link")] == [row_limit]

    _, _, body = raw(server, sparql_path("CONSTRUCT WHERE { ?s ?p ?o }"), {"Accept": "text/turtle"})
    assert body.decode("utf-8").rstrip().splitlines()[-1].startswith(f"# the answer was cut to the first {MAX_ROWS}")
    assert len(Graph().parse(data=body, format="turtle")) == MAX_ROWS

    _, _, body = raw(server, sparql_path(EVERYTHING), {"Accept": "text/html"})
    assert f"the answer was cut to the first {MAX_ROWS} rows" in body.decode("utf-8")

    # CSV has no place for a note: its first line stays the header
    _, headers, body = raw(server, sparql_path(EVERYTHING, format="csv"))
    lines = body.decode("utf-8").splitlines()
    assert sorted(lines[0].split(",")) == ["o", "p", "s"] and len(lines) == MAX_ROWS + 1 and "MRKG-Truncated" in headers

    # an answer within the cap carries no note
    _, _, body = raw(server, sparql_path(SELECT), {"Accept": "application/sparql-results+json"})
    assert "truncated" not in json.loads(body) and "link" not in json.loads(body)["head"]


def test_the_row_cap_is_in_the_service_description(server, endpoint):
    status, _, body = raw(server, "/sparql", {"Accept": "text/turtle"})
    assert status == 200
    description = Graph().parse(data=body, format="turtle")
    limit = URIRef(endpoint + "#row-limit")
    assert (URIRef(endpoint), URIRef("http://www.w3.org/ns/sparql-service-description#feature"), limit) in description
    assert description.value(limit, RDF.value).toPython() == MAX_ROWS


# -- gzip and conditional requests ---------------------------------------------

def test_large_answers_are_gzipped_for_clients_that_accept_it(server):
    path = sparql_path(EVERYTHING)
    status, headers, body = raw(server, path, {"Accept": "application/sparql-results+json",
                                               "Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(body))["results"]["bindings"]) == MAX_ROWS
    assert headers["X-Content-Type-Options"] == "nosniff"  # the security headers survive compression
    _, plain_headers, plain = raw(server, path, {"Accept": "application/sparql-results+json"})
    assert "Content-Encoding" not in plain_headers and len(json.loads(plain)["results"]["bindings"]) == MAX_ROWS
    # a small answer is sent as it is
    _, small_headers, _ = raw(server, sparql_path(ASK), {"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small_headers
    # VoID too
    _, void_headers, void = raw(server, "/.well-known/void", {"Accept-Encoding": "gzip"})
    assert void_headers["Content-Encoding"] == "gzip" and len(Graph().parse(data=gzip.decompress(void), format="turtle"))


@pytest.mark.parametrize("path, accept", [("/", "text/html"), ("/.well-known/void", "text/turtle"),
                                          ("/sparql", "text/turtle"), ("/id/country/BLR", "text/html"),
                                          ("/id/country/BLR", "application/rdf+xml"), ("/queries", "text/html")])
def test_pages_void_and_the_service_description_answer_conditional_requests(server, path, accept):
    status, headers, body = raw(server, path, {"Accept": accept})
    assert status == 200 and body
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, again, body = raw(server, path, {"Accept": accept, "If-None-Match": etag})
    assert status == 304 and body == b"" and again["ETag"] == etag
    status, _, body = raw(server, path, {"Accept": accept, "If-Modified-Since": modified})
    assert status == 304 and body == b""
    status, _, body = raw(server, path, {"Accept": accept, "If-None-Match": 'W/"another"'})
    assert status == 200 and body


def test_the_etag_differs_by_format(server):
    _, html, _ = raw(server, "/id/country/BLR", {"Accept": "text/html"})
    _, turtle, _ = raw(server, "/id/country/BLR", {"Accept": "text/turtle"})
    assert html["ETag"] != turtle["ETag"]
    status, _, _ = raw(server, "/id/country/BLR", {"Accept": "text/turtle", "If-None-Match": html["ETag"]})
    assert status == 200


# -- query sizes -----------------------------------------------------------------

def big_query(size: int) -> str:
    """A query of ``size`` bytes: a long VALUES list of country IRIs, as a researcher's would be."""
    head = "SELECT ?c WHERE { VALUES ?c { "
    tail = "} ?c ?p ?o } LIMIT 1"
    iris, length, number = [], len(head) + len(tail), 0
    while length < size - 60:
        iri = f"<https://w3id.org/mrkg/id/country/X{number:05d}> "
        iris.append(iri)
        length += len(iri)
        number += 1
    text = head + "".join(iris) + tail
    return text + " #" + "x" * (size - len(text) - 2)


def test_get_and_post_take_the_same_query_sizes(server, endpoint):
    """Up to the bound the service description states (64 KiB by default), by GET, form POST and
    direct POST alike; one byte more is 413 all three ways."""
    _, _, body = raw(server, "/sparql", {"Accept": "text/turtle"})
    bound = Graph().parse(data=body, format="turtle").value(URIRef(endpoint + "#query-size-limit"), RDF.value)
    assert bound is not None and bound.toPython() == 64 * 1024
    accepted, refused = big_query(bound.toPython()), big_query(bound.toPython() + 1)
    assert len(accepted.encode()) == bound.toPython()
    for query, expected in ((accepted, 200), (refused, 413)):
        answers = [raw(server, sparql_path(query))[0],
                   raw(server, "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, "POST",
                       urllib.parse.urlencode({"query": query}))[0],
                   raw(server, "/sparql", {"Content-Type": "application/sparql-query"}, "POST",
                       query.encode("utf-8"))[0]]
        assert answers == [expected] * 3, (len(query), answers)
