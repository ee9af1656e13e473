"""Work done in child processes, so that each one's peak memory is its own.

Each child is a fresh interpreter (``mrkg.bench.spawn``: nothing inherited
from the benchmark process) that sends one answer through a socket and exits.
Peak memory is the child's own peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``), imports included.
"""

from __future__ import annotations

import io
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (ru_maxrss is in kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


class ChildFailed(RuntimeError):
    """A child process raised or died; the message holds its traceback or exit code."""


def run_in_child(function: Callable[..., dict], *args: Any, environment: Mapping[str, str] | None = None) -> dict:
    """Run ``function(*args)`` in a new process (with ``environment``, else this process's) and return
    the dict it returns, with its peak memory."""
    from mrkg.bench.spawn import Child

    child = Child(_answer, function.__module__, function.__qualname__, args, environment=environment)
    try:
        answer = child.connection.recv()
    except EOFError:
        child.join()
        raise ChildFailed(f"{function.__name__} died with exit code {child.exitcode}") from None
    child.join()
    if "error" in answer:
        raise ChildFailed(f"{function.__name__} failed:\n{answer['error']}")
    return answer


def _answer(connection, module: str, name: str, args: tuple) -> None:
    import importlib

    try:
        answer = getattr(importlib.import_module(module), name)(*args)
        answer["peak_rss_mb"] = peak_rss_mb()
    except BaseException:  # noqa: BLE001 - reported to the parent
        answer = {"error": traceback.format_exc()}
    connection.send(answer)


# ---------------------------------------------------------------------------
# The children
# ---------------------------------------------------------------------------

def build_child(sources: str | None, store: str) -> dict:
    """The real build into ``store``; stage seconds from BuildReport, the wall time of build() and its
    CPU time (user and system, every thread of the process: the bulk loader's threads too, and the child
    process the checks run in), and the peak memory of that child (``children_peak_rss_mb``)."""
    from mrkg.graph.build import build

    def cpu() -> float:
        return sum(usage.ru_utime + usage.ru_stime
                   for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))

    started, cpu_started = time.perf_counter(), cpu()
    with TreeMemory() as memory:
        report = build(sources, store)
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {"seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 2), "stages": dict(report.seconds),
            "quads": report.quads, "graphs": report.graphs, "records": report.records, "digest": report.digest,
            "children_peak_rss_mb": round(children, 1), "tree_peak_pss_mb": memory.peak_mb}


class TreeMemory:
    """The peak memory of this process and its children together, sampled every ``interval`` seconds
    while the block runs: the sum of their proportional set sizes (Linux's ``Pss``), which counts a page
    the build and its checks' child share (the child is forked) once, where adding their peak RSS counts
    it twice. ``peak_mb`` is None where /proc does not give it."""

    def __init__(self, interval: float = 0.05):
        import threading

        self.interval, self.peak_mb = interval, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="mrkg-bench-memory", daemon=True)

    def __enter__(self) -> "TreeMemory":
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        import os

        peak = 0
        while True:
            peak = max(peak, sum(_pss_kb(pid) for pid in _process_tree(os.getpid())))
            self.peak_mb = round(peak / 1024, 1)
            if self._stop.wait(self.interval):
                return


def _process_tree(pid: int) -> list[int]:
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [child for text in (task / "children").read_text().split() for child in _process_tree(int(text))]
    except OSError:  # the process ended while we looked
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def oxigraph_load_child(nquads: str, factor: int, database: str) -> dict:
    """Bulk-load the N-Quads (scaled up by ``factor``, streamed) into a fresh Oxigraph store.

    ``load_s`` times ``bulk_load`` and ``flush`` and, for a factor above 1, includes making the
    copies on the fly (``copy_s`` is the part of it spent in the scaler, on the loading thread);
    ``optimize_s`` times ``optimize``, as ``mrkg build`` runs it after loading.
    """
    import pyoxigraph as ox

    from mrkg.bench import scale

    store = ox.Store(database)
    counts = scale.Counts()
    copy_seconds = 0.0
    started = time.perf_counter()
    if factor == 1:
        store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    else:
        def timed(chunks):
            nonlocal copy_seconds
            iterator = iter(chunks)
            while True:
                began = time.perf_counter()
                try:
                    chunk = next(iterator)
                except StopIteration:
                    copy_seconds += time.perf_counter() - began
                    return
                copy_seconds += time.perf_counter() - began
                yield chunk

        reader = io.BufferedReader(scale.ChunkReader(timed(scale.scaled_chunks(nquads, factor, counts))),
                                   buffer_size=1 << 20)
        store.bulk_load(reader, format=ox.RdfFormat.N_QUADS)
    store.flush()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    optimize_seconds = time.perf_counter() - started
    stored = len(store)
    del store
    if factor == 1:
        counts = scale.count(nquads)
    return {"load_s": round(load_seconds, 3), "copy_s": round(copy_seconds, 3),
            "optimize_s": round(optimize_seconds, 3), "stored_quads": stored,
            "scalable_quads": counts.scalable, "fixed_quads": counts.fixed,
            "quads": counts.quads(factor), "database": str(Path(database))}
