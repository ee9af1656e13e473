"""mrkg: the Migration Regimes Knowledge Graph, as a Python API for notebooks.

    import mrkg
    mrkg.build()                                   # curated sources -> on-disk store
    result = mrkg.query("agreements-binding", countries="BLR,KAZ")
    result.rows                                    # list of dicts of rdflib terms
    result.values()                                # Python values: numbers, codes (+ IRIs), dates (+ start/end)
    result.strings()                               # lexical forms and full IRIs
    result.to_dataframe()                          # with pandas installed

    graph = mrkg.connect(in_memory=True)           # many queries: open once (in memory: ~5x faster
    graph.query("regime-between", countries="RUS,TJK", on="2020-01-01")   # queries, after a ~7 s load)

The store is ``$MRKG_STORE`` or ``./mrkg-store`` unless ``store=`` is given; an http(s) URL
names a remote SPARQL 1.1 server (see the README, "Running on your own SPARQL server").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from mrkg.graph.remote import open_engine
from mrkg.queries.execute import Result, run_named
from mrkg.queries.library import NamedQuery, QueryError, bind, get, named_queries

if TYPE_CHECKING:
    from mrkg.graph.build import BuildReport

__version__ = "0.2.0"


def __getattr__(name: str):
    # The build pipeline (loaders, SHACL, rdflib's SPARQL engine) is imported when it is used: a query
    # from the command line or a notebook does not pay for it (docs/benchmarks.md, "start-up").
    if name == "BuildReport":
        from mrkg.graph.build import BuildReport

        return BuildReport
    raise AttributeError(f"module 'mrkg' has no attribute {name!r}")


def build(sources: str | Path | None = None, store: str | Path | None = None, progress=lambda m: None,
          tables: bool = True, update_url: str | None = None) -> BuildReport:
    """Validate the sources and load them into the store (atomically); ``tables=False`` leaves out
    the third-party statistical tables. A ``store`` URL pushes to that SPARQL server."""
    from mrkg.graph.build import build as build_graph

    return build_graph(sources, store, progress, tables, update_url)


class Connection:
    """A store opened once, for many queries (``connect``)."""

    def __init__(self, engine):
        self.engine = engine

    def query(self, name: str, on: str | dt.date | None = None, **params) -> Result:
        """Run a named query; parameters are given as keyword arguments (``countries="BLR,KAZ"``)."""
        named = get(name)
        values = {key: (value.isoformat() if isinstance(value, dt.date) else str(value))
                  for key, value in params.items() if value is not None}
        if on is not None:
            values["on"] = on.isoformat() if isinstance(on, dt.date) else str(on)
        return run_named(self.engine, named, bind(named, values))

    def sparql(self, text: str) -> Result:
        """Run any SPARQL 1.1 query (read-only)."""
        return self.engine.run(text)


def connect(store: str | Path | None = None, in_memory: bool = False) -> Connection:
    """Open the store once for many queries. ``in_memory=True`` copies the embedded store's graph into
    memory first (about 7 s and 1 GB for the full graph): each query is then several times faster."""
    return Connection(open_engine(store, in_memory=in_memory))


def query(name: str, store: str | Path | None = None, on: str | dt.date | None = None, **params) -> Result:
    """Run a named query; parameters are given as keyword arguments (``countries="BLR,KAZ"``)."""
    return connect(store).query(name, on=on, **params)


def sparql(text: str, store: str | Path | None = None) -> Result:
    """Run any SPARQL 1.1 query on the store (read-only)."""
    return connect(store).sparql(text)


def queries() -> dict[str, NamedQuery]:
    """The named queries, by name."""
    return named_queries()


__all__ = ["build", "connect", "Connection", "query", "sparql", "queries", "Result", "QueryError", "BuildReport", "__version__"]
