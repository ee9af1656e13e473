"""The embedded on-disk store: Oxigraph (pyoxigraph), swapped in atomically.

Layout of a store folder::

    current -> generations/<digest>      a symlink, replaced atomically
    generations/<digest>/oxigraph/      the Oxigraph database
    generations/<digest>/graph.nq       sorted N-Quads of exactly what was loaded
    generations/<digest>/build.json     digest, counts and sources of the build

    .lock                               held (flock) by the build that is loading

A build writes a new generation beside the current one and only then moves
the ``current`` link (``os.replace`` is atomic), so a failed or interrupted
build leaves the previous graph untouched and queryable.

A build killed while loading leaves its ``generations/.staging-*`` folder (hundreds of
megabytes for the full graph). The next build removes such leftovers, and only while it
holds ``.lock``: the kernel releases a ``flock`` when its process dies, even by kill -9, so a
staging folder found under the lock belongs to no running build. A second build that finds
the lock held stops with ``StoreBusy`` instead of waiting or touching the other's folder.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import queue
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox

STAGING_PREFIX = ".staging-"
LOCK_FILE = ".lock"


class StoreMissing(Exception):
    """Raised when a store folder holds no built graph yet."""


class StoreError(Exception):
    """The new graph could not be written (disk full, read-only store, …); nothing was swapped in."""


class StoreBusy(StoreError):
    """Another build holds the store's lock."""


def default_store_path() -> Path:
    return Path(os.environ.get("MRKG_STORE", "mrkg-store"))


def default_store() -> str:
    """``$MRKG_STORE`` or ``mrkg-store``, as given: a folder, or a SPARQL server's http(s) URL."""
    return os.environ.get("MRKG_STORE", "mrkg-store")


@dataclass(frozen=True)
class Generation:
    path: Path

    @property
    def database(self) -> Path:
        return self.path / "oxigraph"

    @property
    def dump(self) -> Path:
        return self.path / "graph.nq"

    @property
    def info(self) -> dict:
        return json.loads((self.path / "build.json").read_text(encoding="utf-8"))


def current(store: Path) -> Generation:
    link = Path(store) / "current"
    if not link.exists():
        raise StoreMissing(f"no graph has been built in {store}; run `mrkg build` first")
    return Generation(link.resolve())


def open_read_only(store: Path) -> ox.Store:
    return ox.Store.read_only(str(current(store).database))


def load_in_memory(dump: Path | str) -> ox.Store:
    """An in-memory Oxigraph store holding the N-Quads of ``dump`` (a generation's ``graph.nq``).

    For a process that answers many queries (the server's workers, a notebook): an index lookup in
    memory costs about a fifth of one in the on-disk database (1.2 against 5.6 µs on the full graph,
    ``mrkg bench``), for a load of about 7 s and 1 GB of memory per copy of the full graph. The on-disk
    database stays the store of record; this copy is never written back."""
    database = ox.Store()
    database.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return database


def store_digest(store: Path) -> str | None:
    """The digest of the graph currently served, or None when nothing is built."""
    try:
        return current(store).info["digest"]
    except StoreMissing:
        return None


def install(store: Path, nquads: bytes, digest: str, info: dict,
            progress: Callable[[str], None] = lambda message: None) -> Generation:
    """Load ``nquads`` into a new generation named ``digest`` and make it current, atomically
    (``install_stream`` for a dump made as a stream)."""
    return install_stream(store, [nquads], info, progress, digest=digest)


def install_stream(store: Path, dump: Iterable[bytes], info: dict,
                   progress: Callable[[str], None] = lambda message: None, digest: str | None = None) -> Generation:
    """Write the chunks of ``dump`` (sorted N-Quads, whole lines) to a new generation's
    graph.nq and bulk-load them into its database in the same pass, then make it current,
    atomically. Its name and ``build.json``'s ``digest`` are the SHA-256 of the dump unless
    ``digest`` is given; ``build.json`` is ``info`` plus the digest and the number of quads.

    Raises ``StoreError`` when the store cannot be written (the previous graph stays current)
    and ``StoreBusy`` when another build is loading into the same store."""
    store = Path(store)
    try:
        with build_lock(store):
            removed = remove_leftovers(store)
            if removed:
                progress(f"Removed {removed} leftover(s) of an interrupted build from {store}")
            return _install_locked(store, dump, info, digest)
    except StoreError:
        raise
    except OSError as error:
        raise StoreError(_cannot_write(store, error)) from error


@contextmanager
def build_lock(store: Path) -> Iterator[None]:
    """Hold the store's build lock, or raise ``StoreBusy`` at once when another build holds it."""
    store.mkdir(parents=True, exist_ok=True)
    handle = os.open(store / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(f"another mrkg build is loading into {store} now; run this one when it has "
                            "finished. The store was not changed by this run.") from None
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def remove_leftovers(store: Path) -> int:
    """Remove what builds killed while loading left behind; call only under ``build_lock``."""
    removed = 0
    generations = store / "generations"
    if generations.is_dir():
        for path in generations.iterdir():
            if path.name.startswith(STAGING_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    for path in store.glob(".current-*"):  # a link a killed build made but never swapped in
        if path.is_symlink():
            path.unlink()
    return removed


def _install_locked(store: Path, dump: Iterable[bytes], info: dict, digest: str | None) -> Generation:
    generations = store / "generations"
    generations.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=generations))
    try:
        database = ox.Store(str(staging / "oxigraph"))
        written = write_and_load(dump, staging / "graph.nq", database)
        database.optimize()
        del database
        digest = digest or written.digest
        final = generations / digest
        if (final / "build.json").exists():
            shutil.rmtree(staging)  # the same graph is built already (and may be open): keep that one
        else:
            (staging / "build.json").write_text(json.dumps({**info, "quads": written.quads, "digest": digest},
                                                           indent=2, sort_keys=True) + "\n", encoding="utf-8")
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # frees the space a full disk needs back
        raise
    link = store / "current"
    previous = link.resolve() if link.exists() else None
    temporary = store / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path("generations") / digest, temporary)
    os.replace(temporary, link)
    # The previous generation is kept: a reader may still have it open.
    _remove_stale(generations, keep={final, previous})
    return Generation(final)


@dataclass(frozen=True)
class Written:
    digest: str  # SHA-256 of the file's bytes
    quads: int  # its lines


def write_and_load(dump: Iterable[bytes], path: Path, database: ox.Store) -> Written:
    """Write the chunks of ``dump`` to ``path`` while a second thread bulk-loads each into
    ``database`` (pyoxigraph releases the GIL while it loads, so making the next chunk and loading
    this one share the two cores). Loading chunk by chunk also bounds the loader's memory: one
    bulk load of 1.5 million quads needs about 1 GB, one of 200,000 about 220 MB, one of 50,000
    about 55 MB (the graph's first lines, measured alone)."""
    sha256 = hashlib.sha256()
    quads = 0
    with _BackgroundLoader(database) as loader, path.open("wb") as file:
        for chunk in dump:
            sha256.update(chunk)
            quads += chunk.count(b"\n")
            write_chunk(file, chunk)
            loader.put(chunk)
    return Written(sha256.hexdigest(), quads)


def write_chunk(file: BinaryIO, chunk: bytes) -> None:
    """One chunk of graph.nq (a seam the store-fault tests use to fail or pause the write)."""
    file.write(chunk)


class _BackgroundLoader:
    """Bulk-loads chunks of N-Quads on one thread, at most one chunk waiting: a failed load is
    raised in the writing thread at its next ``put`` or at the end, never lost."""

    def __init__(self, database: ox.Store):
        self._database = database
        self._waiting: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mrkg-bulk-load", daemon=True)

    def __enter__(self) -> "_BackgroundLoader":
        self._thread.start()
        return self

    def put(self, chunk: bytes) -> None:
        self._raise_error()
        self._waiting.put(chunk)

    def __exit__(self, *exc_info) -> None:
        self._waiting.put(None)
        self._thread.join()
        if exc_info[0] is None:
            self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (chunk := self._waiting.get()) is not None:
            if self._error is not None:
                continue  # drain: the writer stops at its next put
            try:
                self._database.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
            except BaseException as error:  # noqa: BLE001 - handed to the writing thread
                self._error = error


def _cannot_write(store: Path, error: OSError) -> str:
    try:
        kept = "the previous graph is still current" if store_digest(store) else "nothing was built"
    except (OSError, ValueError):
        kept = "the previous graph, if any, is still current"
    return (f"cannot write the new graph into {store}: {write_failure_reason(error)}. "
            f"The store was not changed ({kept}).")


def write_failure_reason(error: OSError) -> str:
    """Why a write failed, in words; Oxigraph's errors carry no errno, only their text."""
    text = str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in text:
        reason = "the disk is full (no space left on device)"
    elif error.errno == errno.EROFS or "Read-only file system" in text:
        reason = "the file system is read-only"
    elif error.errno in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        reason = "permission denied (the folder is not writable by this user)"
    else:
        reason = error.strerror or text
    return reason + (f" at {error.filename}" if error.filename else "")


def _remove_stale(generations: Path, keep: set) -> None:
    for path in generations.iterdir():
        if path.resolve() not in {k.resolve() for k in keep if k} and not path.name.startswith(STAGING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
