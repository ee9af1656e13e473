"""A real `mrkg serve` on loopback: bounded concurrent clients while a slow query is stopped at
the time limit; server-side request attempts (SERVICE to a loopback canary, FROM <file://...>,
LOAD) refused with zero hits on the canary and no file content in any response; every write
refused with the store unchanged. Plus the worker pool itself: killing, replacing, isolation."""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pyoxigraph as ox
import pytest

from mrkg.endpoint.evaluate import OxigraphRunner
from mrkg.endpoint.limits import DEFAULT_MEMORY_LIMIT
from mrkg.endpoint.workers import Pool, PoolBusy, QueryTimeout
from mrkg.graph.store import current, open_read_only, store_digest

TIMEOUT = 3  # seconds the server lets a query run
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 10^12 rows on the curated graph
QUICK = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/mrkg/ontology#InternationalAgreement> }"
pytestmark = pytest.mark.slow


class Canary:
    """A loopback HTTP server that records every request it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append((self.command, self.path))
                body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"LEAKED"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


def content_digest(store_path) -> str:
    """SHA-256 of the store's quads, sorted: changes if anything was written."""
    store = open_read_only(store_path)
    lines = sorted(str(quad) for quad in store.quads_for_pattern(None, None, None, None))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


class Server:
    def __init__(self, store):
        command = [sys.executable, "-c", "import sys; from mrkg.cli import main; sys.exit(main())",
                   "--store", str(store), "serve", "--port", "0", "--timeout", str(TIMEOUT),
                   "--workers", "2", "--max-rows", "1000"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stderr], daemon=True).start()
        deadline = time.monotonic() + 180
        self.url = None
        while self.url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if "Serving the SPARQL endpoint at " in line:
                self.url = line.split(" at ", 1)[1].split()[0].rsplit("/sparql", 1)[0]
        if self.url is None:
            self.process.kill()
            raise RuntimeError("mrkg serve did not start")

    def request(self, path="/sparql", method="GET", data=None, headers=None, source=None, **params):
        """``source``: the loopback address to send from, i.e. which client this is (the server
        shares its workers per client address)."""
        if source is not None:
            parsed = urllib.parse.urlsplit(self.url)
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120,
                                                    source_address=(source, 0))
            try:
                connection.request(method, path + ("?" + urllib.parse.urlencode(params) if params else ""),
                                   body=data, headers=headers or {})
                response = connection.getresponse()
                return response.status, response.read().decode("utf-8")
            finally:
                connection.close()
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def server(real_store):
    running = Server(real_store)
    yield running
    running.stop()


def test_slow_query_is_stopped_while_quick_clients_keep_being_answered(server):
    expected = json.loads(server.request(query=QUICK)[1])
    finished: dict[str, list] = {"slow": [], "quick": []}

    def slow_client():
        status, body = server.request(query=SLOW)
        finished["slow"].append((time.monotonic(), status, body))

    def quick_client(source):
        for _ in range(4):
            status, body = server.request(query=QUICK, source=source)
            finished["quick"].append((time.monotonic(), status, json.loads(body) if status == 200 else body))

    slow = threading.Thread(target=slow_client)
    slow.start()
    time.sleep(0.5)  # the slow query holds a worker by now
    # Three other clients (addresses): one client may only have so many requests in progress.
    quick = [threading.Thread(target=quick_client, args=(f"127.0.0.{n}",)) for n in (2, 3, 4)]
    for thread in quick:
        thread.start()
    for thread in [slow, *quick]:
        thread.join(300)
    [(slow_done, slow_status, slow_body)] = finished["slow"]
    assert slow_status == 503
    assert f"stopped at the time limit of {TIMEOUT} s" in slow_body
    assert len(finished["quick"]) == 12
    assert all(status == 200 and body == expected for _, status, body in finished["quick"])
    # Other clients were answered while the slow query ran, not after it was stopped.
    assert any(done < slow_done for done, _, _ in finished["quick"])
    # The killed worker is replaced: the server goes on answering.
    status, body = server.request(query=QUICK)
    assert status == 200 and json.loads(body) == expected


def test_server_side_requests_are_refused_with_no_hit_and_no_file_content(server, canary, tmp_path):
    secret = f"MRKG-CANARY-SECRET-{uuid.uuid4()}"
    data = tmp_path / "secret.ttl"
    data.write_text(f'<http://example.org/s> <http://example.org/p> "{secret}" .\n', encoding="utf-8")
    file_iri = data.resolve().as_uri()
    attempts = [
        ("GET", f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}"),
        ("GET", f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE SILENT <{canary.url}/a> {{ ?s ?p ?o }} }} }}"),
        ("POST", f"ASK {{ service <{canary.url}/b> {{ ?s ?p ?o }} }}"),
        ("GET", f"SELECT * FROM <{canary.url}/data.ttl> WHERE {{ ?s ?p ?o }}"),
        ("GET", f"SELECT * FROM NAMED <{canary.url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("GET", f"SELECT * FROM <{file_iri}> WHERE {{ ?s ?p ?o }}"),
        ("POST", f"SELECT * FROM NAMED <{file_iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("GET", f"LOAD <{canary.url}/data.ttl>"),
        ("GET", f"LOAD <{file_iri}>"),
        ("POST", f"LOAD <{file_iri}> INTO GRAPH <http://example.org/g>"),
    ]
    for method, text in attempts:
        if method == "GET":
            status, body = server.request(query=text)
        else:
            status, body = server.request(method="POST", data=text.encode("utf-8"),
                                          headers={"Content-Type": "application/sparql-query"})
        assert status == 403, (text, status, body)
        assert secret not in body and "LEAKED" not in body
    for text in (f"LOAD <{file_iri}>", f"LOAD <{canary.url}/x>"):
        form = urllib.parse.urlencode({"update": text}).encode()
        status, body = server.request(method="POST", data=form,
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 403 and secret not in body
    # DESCRIBE of an outside IRI is answered from the store alone: nothing about it.
    status, body = server.request(query=f"DESCRIBE <{file_iri}>", format="nt")
    assert status == 200 and secret not in body
    assert canary.hits == []


def test_every_write_is_refused_and_the_store_is_unchanged(server, real_store):
    before = content_digest(real_store), store_digest(real_store)
    triple = b"<http://example.org/a> <http://example.org/b> <http://example.org/c> ."
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    form = "application/x-www-form-urlencoded"
    attempts = [
        dict(query=update),
        dict(update=update),
        dict(method="POST", data=urllib.parse.urlencode({"update": update}).encode(), headers={"Content-Type": form}),
        dict(method="POST", data=urllib.parse.urlencode({"query": update}).encode(), headers={"Content-Type": form}),
        dict(method="POST", data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}),
        dict(method="POST", data=b"CLEAR DEFAULT", headers={"Content-Type": "application/sparql-query"}),
    ]
    for path in ("/sparql", "/sparql?graph=http://example.org/g", "/sparql?default", "/graph/reference",
                 "/id/country/BLR", "/rdf-graph-store?default"):
        for method in ("PUT", "POST", "DELETE", "PATCH"):
            attempts.append(dict(path=path, method=method, data=None if method == "DELETE" else triple,
                                 headers={"Content-Type": "text/turtle"}))
    for attempt in attempts:
        status, body = server.request(**attempt)
        assert status in (403, 405, 415), (attempt, status, body)
    assert server.request(query="ASK { <http://example.org/a> ?p ?o }",
                          format="json")[1].replace(" ", "").count('"boolean":false') == 1
    assert (content_digest(real_store), store_digest(real_store)) == before


# -- the pool itself -----------------------------------------------------------------

@pytest.fixture(scope="module")
def database(real_store):
    return current(real_store).database


def test_pool_kills_a_query_at_the_limit_and_replaces_the_worker(database):
    pool = Pool(database, size=1, timeout=2)
    try:
        [first] = pool.pids()
        with pytest.raises(QueryTimeout):
            pool.call("run", (SLOW, None, None, None))
        assert pool.killed == 1
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)  # the worker that ran it is gone (and reaped)
        deadline = time.monotonic() + 120
        while not pool.pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        [second] = pool.pids()
        assert second != first
        result, truncated = pool.call("run", (QUICK, None, None, None))
        assert int(result.rows[0]["n"]) > 0 and not truncated
    finally:
        pool.close()


def test_a_profile_page_is_evaluated_in_one_worker_with_the_answers_of_the_server_process(database):
    from mrkg.endpoint.evaluate import InlineEvaluator
    from mrkg.endpoint.profiles import PROFILES
    from mrkg.endpoint.workers import PoolEvaluator
    from mrkg.queries.library import QueryError

    pool = Pool(database, size=1, timeout=60)
    try:
        pooled = PoolEvaluator(pool)
        here = InlineEvaluator(OxigraphRunner(ox.Store.read_only(str(database))), max_rows=None)
        for kind, identifier in (("country", "RUS"), ("organisation", "eaeu"), ("instrument", "icmw")):
            answered = pooled.sections(PROFILES[kind], identifier, {"on": "2010-01-01"}, 5)
            assert answered == here.sections(PROFILES[kind], identifier, {"on": "2010-01-01"}, 5)
            assert sum(len(section["rows"]) for section in answered) > 0
        assert any(section["truncated"] for section in answered)  # the row cap holds in the worker
        with pytest.raises(QueryError, match="2010-13-45"):
            pooled.sections(PROFILES["country"], "KAZ", {"on": "2010-13-45"}, None)
        assert len(pool.pids()) == 1 and pool.killed == 0  # a refused option is an answer, not a failure
    finally:
        pool.close()


def test_a_named_ranking_is_cut_in_the_worker_as_in_the_server_process(full_store):
    from mrkg.endpoint.evaluate import CappedView, InlineEvaluator
    from mrkg.endpoint.workers import PoolEvaluator
    from mrkg.queries.execute import FirstPerGroup, run_named
    from mrkg.queries.library import bind, get

    query = get("top-partners")
    bindings = bind(query, {"country": "RUS", "measure": "migrant-stock", "year": "2019", "n": "5"})
    first = FirstPerGroup(query.limit.group, 5)
    database = current(full_store).database
    pool = Pool(database, size=1, timeout=60)
    try:
        # Without n bound, the text keeps every member of the ranking (run_named binds it, below): the cut is the worker's.
        unlimited = {name: value for name, value in bindings.items() if name != "n"}
        whole, _ = pool.call("run", (query.text, unlimited, None, None))
        cut, _ = pool.call("run", (query.text, unlimited, None, first))
        groups = {tuple(str(row[column]) for column in first.group) for row in whole.rows}
        assert len(whole.rows) > 5 * len(groups) == len(cut.rows)  # the worker sends only the rows kept
        view = CappedView(PoolEvaluator(pool), 10_000)
        here = InlineEvaluator(OxigraphRunner(ox.Store.read_only(str(database))), max_rows=None)
        assert run_named(view, query, bindings).rows == run_named(CappedView(here, None), query, bindings).rows
    finally:
        pool.close()


def test_a_busy_pool_says_so(database):
    pool = Pool(database, size=1, timeout=3)
    try:
        outcome = []
        slow = threading.Thread(target=lambda: outcome.append(pytest.raises(QueryTimeout, pool.call, "run",
                                                                            (SLOW, None, None, None))))
        slow.start()
        while not pool._idle.empty():
            time.sleep(0.05)
        with pytest.raises(PoolBusy):
            pool.call("graphs", None, timeout=0.5)
        slow.join(60)
    finally:
        pool.close()


def _data_limit(pid: int) -> int:
    with open(f"/proc/{pid}/limits", encoding="ascii") as limits:
        line = next(line for line in limits if line.startswith("Max data size"))
    return int(line.split()[3])


def test_an_in_memory_pool_answers_as_the_database_does(real_store, database):
    on_disk = Pool(database, size=1, timeout=30)
    in_memory = Pool(current(real_store).dump, size=2, timeout=2, in_memory=True)
    try:
        for text in (QUICK, "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
                            "ORDER BY ?s ?label"):
            expected, _ = on_disk.call("run", (text, None, None, None))
            answered, _ = in_memory.call("run", (text, None, None, None))
            assert [{k: str(v) for k, v in row.items()} for row in answered.rows] == \
                [{k: str(v) for k, v in row.items()} for row in expected.rows]
            assert len(expected.rows) > 0
        assert in_memory.call("graphs", None) == on_disk.call("graphs", None)
        # The query's room (the memory limit) comes on top of the graph the worker holds.
        [disk_worker] = on_disk.pids()
        assert _data_limit(disk_worker) == DEFAULT_MEMORY_LIMIT
        assert all(_data_limit(pid) > DEFAULT_MEMORY_LIMIT for pid in in_memory.pids())
        # A worker stopped at the time limit is replaced by one that loads the graph again.
        with pytest.raises(QueryTimeout):
            in_memory.call("run", (SLOW, None, None, None))
        result, _ = in_memory.call("run", (QUICK, None, None, None))
        assert int(result.rows[0]["n"]) > 0
    finally:
        on_disk.close()
        in_memory.close()


def test_a_pool_that_cannot_start_says_why_and_leaves_no_worker(tmp_path):
    import multiprocessing

    before = set(multiprocessing.active_children())
    missing = tmp_path / "graph.nq"
    with pytest.raises(RuntimeError, match="a query worker failed to start on .*graph.nq"):
        Pool(missing, size=2, in_memory=True)
    assert not [p for p in set(multiprocessing.active_children()) - before if p.name == "mrkg-query-worker"]


def _can_drop_network() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import sys; from mrkg.endpoint.workers import drop_network; "
                                                  "sys.exit(0 if drop_network() else 1)"])
    return probe.returncode == 0


def test_workers_have_no_network_even_for_a_query_past_the_checks(database, canary):
    if not _can_drop_network():
        pytest.skip("this system does not allow a new network namespace; the query checks still refuse SERVICE")
    service = f"SELECT ?x WHERE {{ SERVICE <{canary.url}/isolated> {{ ?x ?p ?o }} }}"
    pool = Pool(database, size=1, timeout=30)
    try:
        assert pool.isolated
        # "run" is the pages' own trusted path: no checks. The engine tries, the namespace stops it.
        outcome = pool.call("run", (service, None, None, None))
        assert isinstance(outcome, Exception)
    finally:
        pool.close()
    assert not [hit for hit in canary.hits if hit[1] == "/isolated"]
    # The same query in this (not isolated) process does reach the canary: the test can fail.
    leaked, _ = OxigraphRunner(ox.Store()).run(service.replace("/isolated", "/control"))
    assert [str(row["x"]) for row in leaked.rows] == ["LEAKED"]
    assert any(hit[1] == "/control" for hit in canary.hits)
    canary.hits.clear()
