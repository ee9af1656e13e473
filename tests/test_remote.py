"""The remote store (``--store http://...``) against a SPARQL 1.1 Protocol server on loopback.

The server here is a small, real SPARQL 1.1 Protocol implementation over an in-memory Oxigraph
store (query and update by form POST, ``default-graph-uri``/``named-graph-uri``, HTTP Basic auth
for updates), so the client, the push and the error paths are exercised over real HTTP.
Virtuoso itself is tested in ``test_virtuoso.py``.
"""

from __future__ import annotations

import base64
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

import mrkg
import mrkg.cli
from mrkg.graph.push import _batches, push
from mrkg.graph.remote import Client, RemoteEngine, RemoteError, remote_graphs
from mrkg.graph.store import current
from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import bind, named_queries

USER, PASSWORD = "loader", "s3cret"


class SparqlServer:
    """SPARQL 1.1 Protocol on 127.0.0.1: /sparql answers queries (and updates with Basic auth)."""

    def __init__(self, delay: float = 0.0, fail_update: int | None = None):
        self.store = ox.Store()
        self.delay = delay
        self.updates = 0
        self.fail_update = fail_update  # the number of the one update request that fails
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if outer.delay:
                    time.sleep(outer.delay)
                if "update" in form:
                    return outer.update(self, form["update"][0])
                return outer.query(self, form)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def query(self, handler, form):
        graphs = {key: [ox.NamedNode(g) for g in form.get(key, [])] for key in ("default-graph-uri", "named-graph-uri")}
        try:
            answer = self.store.query(form["query"][0], default_graph=graphs["default-graph-uri"] or None,
                                      named_graphs=graphs["named-graph-uri"] or None,
                                      use_default_graph_as_union=not graphs["default-graph-uri"])
        except SyntaxError as error:
            return self.send(handler, 400, "text/plain", str(error).encode())
        if isinstance(answer, ox.QueryTriples):
            return self.send(handler, 200, "application/n-triples", answer.serialize(format=ox.RdfFormat.N_TRIPLES))
        return self.send(handler, 200, "application/sparql-results+json",
                         answer.serialize(format=ox.QueryResultsFormat.JSON))

    def update(self, handler, text):
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            handler.send_header("Content-Length", "0")
            return handler.end_headers()
        self.updates += 1
        if self.updates == self.fail_update:
            return self.send(handler, 500, "text/plain", b"disk full (simulated)")
        self.store.update(text)
        return self.send(handler, 200, "text/plain", b"ok")

    @staticmethod
    def send(handler, status, content_type, body: bytes):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def graphs(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = SparqlServer()
    yield running
    running.close()


@pytest.fixture
def credentials(monkeypatch):
    monkeypatch.setenv("MRKG_SPARQL_USER", USER)
    monkeypatch.setenv("MRKG_SPARQL_PASSWORD", PASSWORD)


@pytest.fixture
def pushed(server, credentials, real_store):
    push(current(real_store).dump.read_bytes(), Client.from_environment(server.url))
    return server


def _canonical(result):
    return Counter(tuple((c, None if r[c] is None else repr(r[c])) for c in result.variables) for r in result.rows)


def test_push_copies_every_named_graph_exactly(pushed, real_store):
    local = ox.Store()
    local.bulk_load(current(real_store).dump.read_bytes(), format=ox.RdfFormat.N_QUADS)
    assert pushed.graphs() == {g.value for g in local.named_graphs()}
    for graph in local.named_graphs():
        ours = set(local.quads_for_pattern(None, None, None, graph))
        theirs = set(pushed.store.quads_for_pattern(None, None, None, graph))
        if graph.value.endswith("/ontology"):  # blank nodes are renamed by the server: compare sizes
            assert len(ours) == len(theirs)
        else:
            assert ours == theirs, graph.value


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_examples_answer_the_same_remotely(pushed, real_store, name):
    query = named_queries()[name]
    remote, local = RemoteEngine.open(pushed.url), OxigraphEngine.open(real_store)
    for example in query.examples:
        bindings = bind(query, example)
        assert _canonical(run_named(remote, query, bindings)) == _canonical(run_named(local, query, bindings))


def test_remote_queries_see_only_mrkg_graphs(pushed):
    pushed.store.add(ox.Quad(ox.NamedNode("http://example.org/other"), ox.NamedNode("http://example.org/p"),
                             ox.Literal("not ours"), ox.NamedNode("http://example.org/graph")))
    result = mrkg.sparql("SELECT ?o WHERE { ?s <http://example.org/p> ?o }", store=pushed.url)
    assert result.rows == []
    assert mrkg.sparql("ASK { ?s a <http://purl.org/linked-data/cube#Observation> }", store=pushed.url).boolean


def test_endpoint_passes_protocol_dataset_to_the_remote_store(pushed):
    from starlette.testclient import TestClient

    from mrkg.endpoint.app import create_app
    from mrkg.endpoint.evaluate import InlineEvaluator

    evaluator = InlineEvaluator.for_engine(RemoteEngine.open(pushed.url, timeout=30))
    client = TestClient(create_app(evaluator))
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    ontology, reference = "https://w3id.org/mrkg/graph/ontology", "https://w3id.org/mrkg/graph/reference"
    response = client.get("/sparql", params=[("query", query), ("named-graph-uri", ontology),
                                             ("named-graph-uri", reference)],
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [ontology, reference]
    refused = client.get("/sparql", params={"query": query, "default-graph-uri": "http://example.org/graph"})
    assert refused.status_code == 403


def test_construct_and_cli_query_on_a_remote_store(pushed, capsys):
    result = mrkg.sparql("CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/mrkg/ontology#iso3166Alpha3> 'KAZ' ; "
                         "?p ?o }", store=pushed.url)
    assert result.triples and all(str(s).endswith("/country/KAZ") for s, _, _ in result.triples)
    assert mrkg.cli.main(["--store", pushed.url, "query", "members", "organisation=ces", "on=2013-01-01",
                          "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("member,") and "KAZ" in out


def test_a_second_push_replaces_graphs_and_drops_stale_ones(pushed, credentials, real_store):
    stale = "https://w3id.org/mrkg/graph/document/withdrawn-source"
    pushed.store.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <http://example.org/a> <http://example.org/b> 1 }} }}")
    reference = "https://w3id.org/mrkg/graph/reference"
    pushed.store.update(f"INSERT DATA {{ GRAPH <{reference}> {{ <http://example.org/a> <http://example.org/b> 2 }} }}")
    report = push(current(real_store).dump.read_bytes(), Client.from_environment(pushed.url))
    assert report.dropped == (stale,)
    assert stale not in pushed.graphs()
    assert not any(pushed.store.quads_for_pattern(ox.NamedNode("http://example.org/a"), None, None))
    assert all(g.startswith("https://w3id.org/mrkg/graph/") for g in pushed.graphs())  # no staging graph left


def test_failed_push_leaves_no_staging_graph_and_names_the_error(credentials, real_store):
    dump = current(real_store).dump.read_bytes()
    graphs: dict[str, list] = {}
    for quad in ox.parse(dump, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    # Fail the first graph's MOVE, the request after its batches of INSERT DATA.
    failing = SparqlServer(fail_update=len(list(_batches(graphs[min(graphs)], 200))) + 1)
    try:
        with pytest.raises(RemoteError, match=r"HTTP 500.*disk full"):
            push(dump, Client.from_environment(failing.url), batch=200)
        assert failing.graphs() == set()  # the staging graph was dropped; nothing half-loaded is visible
    finally:
        failing.close()


def test_build_pushes_through_the_cli(server, credentials, capsys):
    assert mrkg.cli.main(["--store", server.url, "build", "--no-tables"]) == 0
    assert "Pushed" in capsys.readouterr().out
    assert "https://w3id.org/mrkg/graph/reference" in remote_graphs(Client.from_environment(server.url))


def test_push_without_credentials_is_refused_clearly(server, monkeypatch, real_store, capsys):
    monkeypatch.delenv("MRKG_SPARQL_USER", raising=False)
    with pytest.raises(RemoteError, match=r"refused the request without credentials .*MRKG_SPARQL_USER.*HTTP 401"):
        push(current(real_store).dump.read_bytes(), Client.from_environment(server.url))
    monkeypatch.setenv("MRKG_SPARQL_USER", USER)
    monkeypatch.setenv("MRKG_SPARQL_PASSWORD", "wrong")
    assert mrkg.cli.main(["--store", server.url, "build", "--no-tables"]) == 2
    assert f"refused the request as user '{USER}'" in capsys.readouterr().err


def test_empty_server_says_build_first(server, capsys):
    assert mrkg.cli.main(["--store", server.url, "query", "roles", "country=KAZ"]) == 2
    assert "holds no mrkg graphs" in capsys.readouterr().err


def test_unreachable_server_is_a_clear_error(capsys):
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens on this port now
    assert mrkg.cli.main(["--store", f"http://127.0.0.1:{port}/sparql", "sparql", "ASK {}"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the SPARQL server" in err and "Traceback" not in err


def test_slow_server_hits_the_client_timeout(pushed):
    engine = RemoteEngine(Client(pushed.url, timeout=0.5))
    engine.graphs()
    pushed.delay = 3
    with pytest.raises(RemoteError, match=r"gave no answer within 0.5 s"):
        engine.run("ASK { ?s ?p ?o }")


def test_server_errors_carry_an_excerpt_of_the_body(pushed):
    engine = RemoteEngine.open(pushed.url)
    engine.graphs()
    with pytest.raises(RemoteError, match=r"HTTP 400.*"):
        engine.client.query({"query": ["SELECT nonsense"]}, "application/sparql-results+json")


@pytest.mark.parametrize("text,message", [
    ("SELEC ?x WHERE { ?x ?y ?z }", "Expected"),
    ("DROP ALL", "SPARQL Update; mrkg only runs queries"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "SPARQL Update"),
])
def test_syntax_errors_and_updates_are_refused_before_sending(pushed, text, message, capsys):
    before = pushed.updates
    assert mrkg.cli.main(["--store", pushed.url, "sparql", text]) == 2
    assert message in capsys.readouterr().err
    assert pushed.updates == before


@pytest.mark.parametrize("url", ["http://", "ftp://example.org/sparql", "http://user:pw@127.0.0.1/sparql"])
def test_bad_endpoint_urls_are_refused(url):
    with pytest.raises(RemoteError):
        Client.from_environment(url if url.startswith("http") else url)
