"""The two engines in worker processes, each query bounded by a timeout.

Every query gets a time budget (its engine's timeout) for its repeated runs:
the runs that finish within it count, the median is over them, and a query
none of whose runs finished is *stopped* (its process is killed).

* ``RdflibWorker``: a worker process parses the N-Quads into an rdflib
  ``Dataset`` once (default graph = union of the named graphs, as the parity
  tests use it); for each query it ``os.fork()``s a child that shares the
  parsed dataset, runs the query and sends each run's time and the rows'
  summary through a pipe. The worker kills the child at the timeout, so the
  data are never reparsed. Peak memory: the worker's after parsing, and the
  highest of its query children (which counts the dataset pages they touch).
* ``OxigraphWorker``: a worker process opens the Oxigraph store read-only and
  runs the queries itself; at a timeout it is killed and the next query starts
  a new one (opening a store is cheap).
* ``OxigraphMemoryWorker``: as the Oxigraph worker, with the N-Quads bulk-loaded
  into an in-memory Oxigraph store (what ``mrkg serve --in-memory`` and
  ``mrkg.connect(in_memory=True)`` query); it loads again after a stopped query.
  Not forked per query: a forked child's first reads of the shared store were
  measured slower (copy-on-write), which would not be the server's cost.

The Oxigraph workers start with the allocator of the server's query workers (``mrkg.graph.allocator``:
mimalloc where the system has it); rdflib's runs on the system's, as rdflib is installed.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from mrkg.bench.children import peak_rss_mb
from mrkg.bench.measure import median_ms, summarize, timed_runs
from mrkg.bench.spawn import Child
from mrkg.graph.allocator import query_process_environment


def _collect(receive, started: float, timeout_s: float, kill: Callable[[], None]) -> dict:
    """Read ``run``/``rows``/``done``/``error`` messages until done, an error or the deadline."""
    runs: list[float] = []
    summary = error = None
    killed = False
    deadline = started + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not receive.poll(remaining):
            kill()
            killed = True
            break
        try:
            kind, value = receive.recv()
        except EOFError:
            error = "the query process ended without an answer"
            break
        if kind == "run":
            runs.append(value)
        elif kind == "rows":
            summary = value
        elif kind == "error":
            error = value
            break
        else:
            break
    stopped = killed and not runs
    return {"runs": len(runs), "ms": median_ms(runs), "stopped": stopped,
            "stopped_after_s": round(time.monotonic() - started, 3) if stopped else None,
            "summary": summary, "error": error}


def _run_and_report(engine, send, query, bindings, repeat: int, timeout_s: float) -> None:
    """Run a query, sending each run's time, the rows' summary and ``done`` (or the error)."""
    try:
        timed_runs(engine, query, bindings, repeat, timeout_s,
                   on_first=lambda result: send.send(("rows", summarize(result, query.columns))),
                   on_run=lambda ms: send.send(("run", ms)))
        send.send(("done", None))
    except Exception:  # noqa: BLE001 - a query error is a finding, reported to the parent
        send.send(("error", traceback.format_exc()))


# Small on purpose: the warm-up runs before every worker is ready, inside the time budget of the
# query that starts it (a scan of every typed subject took minutes on the x16 scale-up).
WARM_UP = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1"


def _warm_up(engine) -> None:
    """One small query before any timed one: the engine's one-time set-up is not measured."""
    engine.run(WARM_UP)


def _children_peak_mb() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(children / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# ---------------------------------------------------------------------------
# rdflib
# ---------------------------------------------------------------------------

class RdflibWorker:
    """A parsed rdflib dataset in its own process; ``run`` one query at a time, then ``close``."""

    def __init__(self, nquads: Path | str):
        # The plain baseline: rdflib as installed, on the system's allocator. (Under mimalloc its forked
        # query children ran up to four times slower: `figures` 2.9 -> 11.5 s in the 22:38 run.)
        self._process = Child(_rdflib_main, str(nquads))
        self._connection = self._process.connection
        self.loaded = self._receive()  # parse_s and peak_rss_mb after parsing

    def _receive(self) -> dict:
        try:
            answer = self._connection.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the rdflib worker died (exit code {self._process.exitcode})") from None
        if "worker_error" in answer:
            raise RuntimeError(f"the rdflib worker failed:\n{answer['worker_error']}")
        return answer

    def run(self, query, bindings: dict[str, Any], repeat: int, timeout_s: float) -> dict:
        """Time ``query``: ``{runs, ms, stopped, stopped_after_s, summary, error}``."""
        self._connection.send({"op": "query", "query": query, "bindings": bindings, "repeat": repeat,
                               "timeout": timeout_s})
        return self._receive()

    def close(self) -> dict:
        """Stop the worker; returns the peak memory of its query children."""
        self._connection.send({"op": "stop"})
        answer = self._receive()
        self._process.join(timeout=30)
        return answer

    def __enter__(self) -> "RdflibWorker":
        return self

    def __exit__(self, *exc) -> None:
        self._process.kill()


def _rdflib_main(connection, nquads: str) -> None:
    try:
        from rdflib import Dataset

        from mrkg.queries.execute import RdflibEngine

        started = time.perf_counter()
        dataset = Dataset(default_union=True)
        dataset.parse(nquads, format="nquads")
        parse_seconds = time.perf_counter() - started
        engine = RdflibEngine(dataset)
        _warm_up(engine)  # so that no query child pays for rdflib's SPARQL parser set-up
        connection.send({"parse_s": round(parse_seconds, 3), "peak_rss_mb": peak_rss_mb()})
    except BaseException:  # noqa: BLE001 - reported to the parent
        connection.send({"worker_error": traceback.format_exc()})
        return
    while True:
        message = connection.recv()
        if message["op"] == "stop":
            connection.send({"query_peak_rss_mb": _children_peak_mb()})
            return
        connection.send(_fork_and_time(engine, message["query"], message["bindings"], message["repeat"],
                                       message["timeout"]))


def _fork_and_time(engine, query, bindings, repeat: int, timeout_s: float) -> dict:
    receive, send = multiprocessing.Pipe(duplex=False)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running any of the worker's cleanup
        try:
            receive.close()
            _run_and_report(engine, send, query, bindings, repeat, timeout_s)
        finally:
            os._exit(0)
    send.close()
    try:
        return _collect(receive, started, timeout_s, lambda: os.kill(pid, signal.SIGKILL))
    finally:
        os.waitpid(pid, 0)
        receive.close()


# ---------------------------------------------------------------------------
# Oxigraph
# ---------------------------------------------------------------------------

class OxigraphWorker:
    """The Oxigraph store opened read-only in its own process, restarted after a query is stopped."""

    def __init__(self, database: Path | str, in_memory_factor: int | None = None):
        self._args = (str(database), in_memory_factor)
        self._process = None
        self._connection = None
        self.peak_rss_mb = 0.0
        self.loaded: dict | None = None  # the first start's load_s and peak_rss_mb

    def start(self, timeout_s: float) -> dict | None:
        """Start the worker before the first query; its load seconds and peak memory, or None when it
        was not ready within ``timeout_s``."""
        return self.loaded if self._start(timeout_s) else None

    def _start(self, timeout_s: float) -> bool:
        """Start the worker; False when it is not ready within ``timeout_s`` (then it is killed).
        Reopening a large store after a killed query can take minutes: that counts against the
        query's own time budget instead of stalling the whole benchmark."""
        self._process = Child(_oxigraph_main, *self._args, environment=query_process_environment())
        self._connection = self._process.connection
        if not self._connection.poll(max(timeout_s, 0)):
            self._kill()
            return False
        ready = self._connection.recv()
        if "worker_error" in ready:
            raise RuntimeError(f"the Oxigraph worker failed:\n{ready['worker_error']}")
        if self.loaded is None:
            self.loaded = {"load_s": ready["load_s"], "peak_rss_mb": ready["peak_rss_mb"]}
        return True

    def _kill(self) -> None:
        self._process.kill()
        self._process = None

    def run(self, query, bindings: dict[str, Any], repeat: int, timeout_s: float) -> dict:
        started = time.monotonic()
        if self._process is None and not self._start(timeout_s):
            return {"runs": 0, "ms": None, "stopped": True,
                    "stopped_after_s": round(time.monotonic() - started, 3), "summary": None,
                    "error": None}
        self._connection.send({"op": "query", "query": query, "bindings": bindings, "repeat": repeat,
                               "timeout": timeout_s})
        answer = _collect(self._connection, started, timeout_s, self._kill)
        if self._process is not None and not self._process.is_alive():
            self._process.join()
            self._process = None
        return answer

    def close(self) -> dict:
        if self._process is not None:
            self._connection.send({"op": "stop"})
            self.peak_rss_mb = max(self.peak_rss_mb, self._connection.recv()["peak_rss_mb"])
            self._process.join(timeout=30)
            self._process = None
        return {"query_peak_rss_mb": self.peak_rss_mb or None}

    def __enter__(self) -> "OxigraphWorker":
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None and self._process.is_alive():
            self._kill()


class OxigraphMemoryWorker(OxigraphWorker):
    """The N-Quads (``factor`` copies, made on the fly) in an in-memory Oxigraph store in its own
    process; ``start`` it first (``loaded``: load_s, peak_rss_mb)."""

    def __init__(self, nquads: Path | str, factor: int = 1):
        super().__init__(nquads, in_memory_factor=factor)


def _oxigraph_main(connection, database: str, in_memory_factor: int | None = None) -> None:
    """Open ``database`` read-only, or with ``in_memory_factor`` load that many copies of the N-Quads
    file ``database`` into memory; then answer queries."""
    try:
        import pyoxigraph as ox

        from mrkg.queries.execute import OxigraphEngine

        started = time.perf_counter()
        if in_memory_factor is None:
            store = ox.Store.read_only(database)
        elif in_memory_factor == 1:
            from mrkg.graph.store import load_in_memory

            store = load_in_memory(database)
        else:
            from mrkg.bench import scale

            store = ox.Store()
            store.bulk_load(scale.open_scaled(database, in_memory_factor), format=ox.RdfFormat.N_QUADS)
        load_seconds = time.perf_counter() - started
        engine = OxigraphEngine(store)
        _warm_up(engine)
        connection.send({"ready": True, "load_s": round(load_seconds, 3), "peak_rss_mb": peak_rss_mb()})
    except BaseException:  # noqa: BLE001 - reported to the parent
        connection.send({"worker_error": traceback.format_exc()})
        return
    while True:
        message = connection.recv()
        if message["op"] == "stop":
            connection.send({"peak_rss_mb": peak_rss_mb()})
            return
        _run_and_report(engine, connection, message["query"], message["bindings"], message["repeat"],
                        message["timeout"])
