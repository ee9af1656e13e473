"""The memory allocator of the processes mrkg starts to answer queries.

Oxigraph (Rust, through pyoxigraph) allocates and frees many small blocks while it plans and
evaluates a query. Under glibc's allocator that costs a large part of a short query's time, and
more in a process that holds a large heap: with the full graph loaded into memory, Oxigraph took
6.0 ms to plan ``instrument``, against 2.1 ms in a fresh process. With mimalloc preloaded the named
queries ran 1.65 times faster in memory (geometric mean over every named query, none slower) and
1.1-1.4 times on disk, where the store's own reads dominate (docs/benchmarks.md). The build is not
faster with it, so only query processes use it.

A process cannot change its own allocator once it runs, so the processes mrkg starts to answer
queries (the server's workers, the benchmark's query children) are started with mimalloc preloaded
(``LD_PRELOAD``) where the system has it: Debian and Ubuntu's ``libmimalloc2.0``. Where it is
missing, or with ``MRKG_ALLOCATOR=system``, they use the system's allocator: answers are the same
either way, only slower. A process of your own (``mrkg query``, the Python API) can be started the
same way: ``LD_PRELOAD=libmimalloc.so.2 mrkg query ...``.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator, Mapping

SWITCH = "MRKG_ALLOCATOR"  # "system": start query processes with the system's allocator
MIMALLOC = "mimalloc"
SYSTEM = "system"

# os.environ is the process's; starting a child with a changed one must not race another start.
_environ_lock = threading.Lock()


@lru_cache(maxsize=1)
def mimalloc_library() -> str | None:
    """The name the dynamic loader finds mimalloc by (e.g. ``libmimalloc.so.2``), None where it has
    none, or where a library cannot be preloaded this way (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.util.find_library("mimalloc")


def query_allocator(environ: Mapping[str, str] = os.environ) -> str:
    """The allocator a query process started from ``environ`` gets: ``mimalloc`` or ``system``."""
    if environ.get(SWITCH, "").strip().lower() == SYSTEM or mimalloc_library() is None:
        return SYSTEM
    return MIMALLOC


def query_process_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``environ`` for a process that answers queries: mimalloc added in front of ``LD_PRELOAD``
    (see the module's docstring), or unchanged where it is not to be used."""
    changed = dict(environ)
    if query_allocator(environ) == SYSTEM:
        return changed
    library = mimalloc_library()
    preloaded = changed.get("LD_PRELOAD", "").split()
    if library not in preloaded:
        changed["LD_PRELOAD"] = " ".join([library, *preloaded])
    return changed


@contextmanager
def query_process_starting() -> Iterator[None]:
    """Within this block, a child process started by inheriting ``os.environ`` (as
    ``multiprocessing``'s spawn does) starts with the query processes' allocator."""
    with _environ_lock:
        before = os.environ.get("LD_PRELOAD")
        wanted = query_process_environment().get("LD_PRELOAD")
        if wanted is not None:
            os.environ["LD_PRELOAD"] = wanted
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("LD_PRELOAD", None)
            else:
                os.environ["LD_PRELOAD"] = before


def allocator_of(pid: int | str = "self") -> str:
    """The allocator process ``pid`` runs with: ``mimalloc`` when the library is mapped into it,
    else ``system`` (also where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
            return MIMALLOC if any("libmimalloc" in line for line in maps) else SYSTEM
    except OSError:
        return SYSTEM
