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

Memory is bounded the same way as time: each worker runs under an address-space
limit on its data segment (``RLIMIT_DATA``: heap and private anonymous memory,
which is where a query's intermediate values live; file mappings of the store
do not count). A query that needs more makes the engine's allocation fail, the
worker aborts, and the client is told so (``QueryMemoryExceeded``, a 503) while
a fresh worker takes its place. The limit is for the whole worker, so the room
left for one query is the limit less the worker's own size (about 150 MB on the
full graph). A kernel limit was preferred to watching the resident size from
outside: it acts at the allocation, before the machine is short of memory, and
needs no polling.

With ``in_memory`` each worker loads the generation's N-Quads into an in-memory store instead of
opening the database: queries run several times faster (an index lookup costs a fifth), for seconds
of start-up per worker and the graph's size in memory per worker. The memory limit then counts from
the loaded worker's size, so a query has the same room either way.

Each worker starts with mimalloc preloaded where the system has it (``mrkg.graph.allocator``):
Oxigraph's many small allocations made queries 1.65 times faster in memory than under glibc's
allocator (geometric mean over the named queries). ``Pool.allocators`` says which the workers got.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from mrkg.endpoint.evaluate import QueryRequest, Reply, error_reply
from mrkg.endpoint.limits import DEFAULT_MEMORY_LIMIT
from mrkg.graph.allocator import allocator_of, query_process_starting
from mrkg.ontology.iris import BASE

log = logging.getLogger("mrkg.endpoint")

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


class QueryTimeout(Exception):
    """The query passed the time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class QueryMemoryExceeded(Exception):
    """The query needed more memory than a worker may use; its worker was replaced."""


_OUT_OF_MEMORY = "out-of-memory"


def data_segment_bytes() -> int:
    """This process's data segment now (``VmData``: what ``RLIMIT_DATA`` counts), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_memory(limit: int | None, above: int = 0) -> None:
    """Cap this process's data segment at ``above`` plus ``limit`` bytes (None: no cap)."""
    if limit is None:
        return
    limit += above
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def drop_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; True if it worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:
            return True
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def _serve(connection, database: str, max_rows: int | None, base: str, memory_limit: int | None = None,
           in_memory: bool = False) -> None:
    """A worker's life: isolate, open the store (``in_memory``: load the N-Quads file ``database`` into
    memory), answer requests until the pipe closes."""
    isolated = drop_network()  # before any thread exists: a namespace belongs to a thread
    # An allocation failure aborts the worker; its stack trace would only fill the server's log.
    os.environ["RUST_BACKTRACE"] = "0"
    import pyoxigraph as ox

    from mrkg.endpoint.evaluate import OxigraphRunner, answer
    from mrkg.endpoint.profiles import sections_on
    from mrkg.queries.library import QueryError

    if in_memory:
        from mrkg.graph.store import load_in_memory

        runner = OxigraphRunner(load_in_memory(database))
    else:
        runner = OxigraphRunner(ox.Store.read_only(database))
    graphs = runner.graphs()
    # In memory the graph is part of the data segment: the query's room comes on top of it.
    limit_memory(memory_limit, above=data_segment_bytes() if in_memory else 0)
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
                text, bindings, rows, first = payload
                reply = runner.run(text, bindings, max_rows=rows, first=first)
            elif kind == "sections":
                profile, identifier, options, rows = payload
                reply = sections_on(runner, profile, identifier, options, rows)
            elif kind == "graphs":
                reply = graphs
            else:
                reply = error_reply(500, f"unknown request {kind!r}")
        except MemoryError:
            # Python's own allocations hit the cap: say so, and end this worker (it is replaced), since
            # whatever the query left behind may keep it near the limit.
            connection.send(_OUT_OF_MEMORY)
            return
        except RecursionError:
            reply = error_reply(400, "the query is nested too deeply to be evaluated") if kind == "answer" \
                else ValueError("nested too deeply")
        except QueryError as error:  # a page's option its query refuses (a malformed date): the client's to fix
            reply = error
        except Exception as error:  # report, keep serving: a worker dies only when killed
            logging.getLogger("mrkg.endpoint").exception("worker failed")
            reply = (error if kind in ("run", "sections")
                     else error_reply(500, f"the query could not be evaluated: {error}"))
        connection.send(reply)


@dataclass(eq=False)  # compared and hashed by identity: the pool keeps them in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: object
    isolated: bool


class Pool:
    """``size`` worker processes over the Oxigraph database at ``database`` (with ``in_memory``: the
    N-Quads file at ``database``, loaded into memory by each worker)."""

    def __init__(self, database: Path, size: int = 2, timeout: float = 30.0, max_rows: int | None = 10_000,
                 base: str = BASE, memory_limit: int | None = DEFAULT_MEMORY_LIMIT, idle_wait: float | None = None,
                 in_memory: bool = False, start_timeout: float = 600.0):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.database = str(database)
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.base = base
        self.memory_limit = memory_limit
        self.in_memory = in_memory
        # A worker loading the full graph into memory takes seconds; on a loaded machine, minutes.
        self.start_timeout = start_timeout
        # Waiting for a free worker: the server's admission (``admission``) already lets at most
        # ``size`` requests in at a time, so a wait here is for a killed worker's replacement to start.
        self.idle_wait = timeout + 30 if idle_wait is None else idle_wait
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.killed = 0  # workers killed at the time limit, for the log and the tests
        self.out_of_memory = 0  # workers ended at the memory limit
        # Started together, then awaited: loading into memory takes seconds per worker.
        started = [self._start() for _ in range(size)]
        try:
            for process, ours in started:
                self._idle.put(self._ready(process, ours))
        except RuntimeError:
            for process, _ in started:
                process.kill()
                process.join(5)
            self.close()
            raise

    @property
    def isolated(self) -> bool:
        """Whether every worker runs without network access."""
        with self._lock:
            return all(worker.isolated for worker in self._workers)

    @property
    def allocators(self) -> set[str]:
        """The memory allocators the workers run with (``mrkg.graph.allocator``): {"mimalloc"} where
        the system has it."""
        return {allocator_of(pid) for pid in self.pids()}

    def pids(self) -> set[int]:
        with self._lock:
            return {worker.process.pid for worker in self._workers}

    def _spawn(self) -> _Worker:
        return self._ready(*self._start())

    def _start(self):
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self.database, self.max_rows, self.base,
                                                                      self.memory_limit, self.in_memory),
                                        name="mrkg-query-worker", daemon=True)
        with query_process_starting():
            process.start()
        theirs.close()
        return process, ours

    def _ready(self, process, ours) -> _Worker:
        """Wait for a started worker's word that it is ready; kill it if it fails to start."""
        try:
            if not ours.poll(self.start_timeout):
                raise EOFError(f"no word within {self.start_timeout:g} s")
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
                replacement = self._spawn()
            except Exception:  # pragma: no cover - logged; the pool runs one worker short
                log.exception("could not start a replacement query worker")
                return
            if self._closed:  # closed while the replacement started (loading a graph into memory takes seconds)
                replacement.process.kill()
                replacement.process.join(5)
                replacement.connection.close()
                with self._lock:
                    self._workers.discard(replacement)
                return
            self._idle.put(replacement)

        threading.Thread(target=respawn, name="mrkg-respawn", daemon=True).start()

    def call(self, kind: str, payload, timeout: float | None = None):
        """Send one request to a free worker and wait for its reply, at most ``timeout`` seconds
        each for a free worker and for the answer."""
        limit = self.timeout if timeout is None else timeout
        wait = self.idle_wait if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy(f"every query worker stayed busy for {wait:g} s") from None
        try:
            worker.connection.send((kind, payload))
            if not worker.connection.poll(limit):
                self.killed += 1
                self._replace(worker)
                raise QueryTimeout(f"the query was stopped at the time limit of {limit:g} s")
            reply = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            self._replace(worker)
            if worker.process.exitcode == -signal.SIGABRT and self.memory_limit is not None:
                self._out_of_memory()  # the engine's allocation failed at the cap: it aborts
            raise RuntimeError(f"the query worker died ({error or 'no answer'})") from None
        if isinstance(reply, str) and reply == _OUT_OF_MEMORY:
            self._replace(worker)
            self._out_of_memory()
        self._idle.put(worker)
        return reply

    def _out_of_memory(self):
        self.out_of_memory += 1
        raise QueryMemoryExceeded(f"the query needed more memory than the {self.memory_limit // 2**20} MiB a "
                                  "query worker may use; it was stopped and the worker replaced")

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
        except (QueryTimeout, QueryMemoryExceeded) as error:
            return error_reply(503, f"{error}; narrow the query (more specific patterns, LIMIT) "
                                    "or run it locally with `mrkg sparql`")
        except PoolBusy as error:
            return error_reply(503, f"the server is busy: {error}; try again shortly")
        except RuntimeError as error:
            return error_reply(500, str(error))

    def run(self, text: str, bindings=None, max_rows: int | None = None, first=None):
        reply = self.pool.call("run", (text, bindings, max_rows, first))
        if isinstance(reply, Exception):
            raise reply
        return reply

    def sections(self, profile, identifier: str, options: dict[str, str], max_rows: int | None) -> list[dict]:
        """A profile page's sections, evaluated in one worker (on its threads, see ``profiles.PAGE_THREADS``):
        the page takes one worker as it takes one admission slot, and its answers cross the pipe once.
        The time limit is the page's."""
        reply = self.pool.call("sections", (profile, identifier, options, max_rows))
        if isinstance(reply, Exception):
            raise reply
        return reply
