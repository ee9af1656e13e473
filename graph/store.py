"""The embedded on-disk store: Oxigraph (pyoxigraph), swapped in atomically.

Layout of a store folder::

    current -> generations/<digest>      a symlink, replaced atomically
    generations/<digest>/oxigraph/      the Oxigraph database
    generations/<digest>/graph.nq       sorted N-Quads of exactly what was loaded
    generations/<digest>/build.json     digest, counts and sources of the build

A build writes a new generation beside the current one and only then moves
the ``current`` link (``os.replace`` is atomic), so a failed or interrupted
build leaves the previous graph untouched and queryable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


class StoreMissing(Exception):
    """Raised when a store folder holds no built graph yet."""


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


def store_digest(store: Path) -> str | None:
    """The digest of the graph currently served, or None when nothing is built."""
    try:
        return current(store).info["digest"]
    except StoreMissing:
        return None


def install(store: Path, nquads: bytes, digest: str, info: dict) -> Generation:
    """Load ``nquads`` into a new generation and make it current, atomically."""
    store = Path(store)
    generations = store / "generations"
    generations.mkdir(parents=True, exist_ok=True)
    final = generations / digest
    if not (final / "build.json").exists():
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=generations))
        try:
            database = ox.Store(str(staging / "oxigraph"))
            database.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
            database.flush()
            database.optimize()
            del database
            (staging / "graph.nq").write_bytes(nquads)
            (staging / "build.json").write_text(json.dumps({**info, "digest": digest}, indent=2, sort_keys=True) + "\n",
                                                encoding="utf-8")
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
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


def _remove_stale(generations: Path, keep: set) -> None:
    for path in generations.iterdir():
        if path.resolve() not in {k.resolve() for k in keep if k} and not path.name.startswith(".staging-"):
            shutil.rmtree(path, ignore_errors=True)
