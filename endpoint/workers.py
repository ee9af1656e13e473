"""Worker processes that evaluate queries and are killed at the time limit.

pyoxigraph cannot interrupt a running query from another thread, so each query
runs in one of a fixed number of worker processes, each holding the store open
read-only. When a query passes the time limit its worker is killed (the query
stops using CPU at once) and a fresh worker takes its place in the background;
the other workers keep answering. Waiting for a free worker is bounded by the
same limit.

Each worker first moves itself into a new, empty network namespace where the
system allows it (root, or unprivileged user namespaces), so even a query that
slipped past the checks could not reach the network: ``Pool.isolated`` says
whether it did.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from mrkg.endpoint.evaluate import QueryRequest, Reply, error_reply
from mrkg.ontology.iris import BASE

log = logging.getLogger("mrkg.endpoint")

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


class QueryTimeout(Exception):
    """The query passed the time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


def drop_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; True if it worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:
            return True
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def _serve(connection, database: str, max_rows: int | None, base: str) -> None:
    """A worker's life: isolate, open the store, answer requests until the pipe closes."""
    isolated = drop_network()  # before any thread exists: a namespace belongs to a thread
    import pyoxigraph as ox

    from mrkg.endpoint.evaluate import OxigraphRunner, answer

    runner = OxigraphRunner(ox.Store.read_only(database))
    graphs = runner.graphs()
    connection.send(("ready", isolated, os.getpid()))
    while True:
        try:
            kind, payload = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if kind == "answer":
                reply = answer(runner, graphs, payload, max_rows, base)
            elif kind == "run":
                text, bindings, rows = payload
                reply = runner.run(text, bindings, max_rows=rows)
            elif kind == "graphs":
                reply = graphs
            else:
                reply = error_reply(500, f"unknown request {kind!r}")
        except Exception as error:  # report, keep serving: a worker dies only when killed
            logging.getLogger("mrkg.endpoint").exception("worker failed")
            reply = error if kind == "run" else error_reply(500, f"the query could not be evaluated: {error}")
        connection.send(reply)


@dataclass(eq=False)  # compared and hashed by identity: the pool keeps them in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: object
    isolated: bool


class Pool:
    """``size`` worker processes over the Oxigraph database at ``database``."""

    def __init__(self, database: Path, size: int = 2, timeout: float = 30.0, max_rows: int | None = 10_000,
                 base: str = BASE):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.database = str(database)
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.base = base
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.killed = 0  # workers killed at the time limit, for the log and the tests
        for _ in range(size):
            self._idle.put(self._spawn())

    @property
    def isolated(self) -> bool:
        """Whether every worker runs without network access."""
        with self._lock:
            return all(worker.isolated for worker in self._workers)

    def pids(self) -> set[int]:
        with self._lock:
            return {worker.process.pid for worker in self._workers}

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self.database, self.max_rows, self.base),
                                        name="mrkg-query-worker", daemon=True)
        process.start()
        theirs.close()
        try:
            if not ours.poll(120):
                raise EOFError("no word within 120 s")
            status, isolated, _ = ours.recv()
        except (EOFError, OSError) as error:
            process.kill()
            process.join(5)
            raise RuntimeError(f"a query worker failed to start on {self.database} "
                               f"(exit code {process.exitcode}): {error or 'it closed its pipe'}") from None
        if not isolated:
            log.warning("query worker %s could not drop network access; the query checks still refuse "
                        "SERVICE", process.pid)
        worker = _Worker(process, ours, isolated)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        with self._lock:
            self._workers.discard(worker)
        if self._closed:
            return

        def respawn():
            try:
                self._idle.put(self._spawn())
            except Exception:  # pragma: no cover - logged; the pool runs one worker short
                log.exception("could not start a replacement query worker")

        threading.Thread(target=respawn, name="mrkg-respawn", daemon=True).start()

    def call(self, kind: str, payload, timeout: float | None = None):
        """Send one request to a free worker and wait for its reply, at most ``timeout`` seconds
        each for a free worker and for the answer."""
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise PoolBusy(f"every query worker stayed busy for {limit:g} s") from None
        try:
            worker.connection.send((kind, payload))
            if not worker.connection.poll(limit):
                self.killed += 1
                self._replace(worker)
                raise QueryTimeout(f"the query was stopped at the time limit of {limit:g} s")
            reply = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            self._replace(worker)
            raise RuntimeError(f"the query worker died ({error or 'no answer'})") from None
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.process.kill()
            worker.process.join(5)
            worker.connection.close()


class PoolEvaluator:
    """The server's evaluator: the protocol requests and the pages' own queries, in the pool."""

    def __init__(self, pool: Pool):
        self.pool = pool
        self._graphs = frozenset(pool.call("graphs", None))

    def graphs(self) -> frozenset[str]:
        return self._graphs

    def answer(self, request: QueryRequest) -> Reply:
        try:
            return self.pool.call("answer", request)
        except QueryTimeout as error:
            return error_reply(503, f"{error}; narrow the query (more specific patterns, LIMIT) "
                                    "or run it locally with `mrkg sparql`")
        except PoolBusy as error:
            return error_reply(503, f"the server is busy: {error}; try again shortly")
        except RuntimeError as error:
            return error_reply(500, str(error))

    def run(self, text: str, bindings=None, max_rows: int | None = None):
        reply = self.pool.call("run", (text, bindings, max_rows))
        if isinstance(reply, Exception):
            raise reply
        return reply
