"""mrkg: the Migration Regimes Knowledge Graph, as a Python API for notebooks.

    import mrkg
    mrkg.build()                                   # curated sources -> on-disk store
    result = mrkg.query("agreements-binding", countries="BLR,KAZ")
    result.rows                                    # list of dicts of rdflib terms
    result.values()                                # Python values: numbers, codes (+ IRIs), dates (+ start/end)
    result.strings()                               # lexical forms and full IRIs
    result.to_dataframe()                          # with pandas installed

The store is ``$MRKG_STORE`` or ``./mrkg-store`` unless ``store=`` is given; an http(s) URL
names a remote SPARQL 1.1 server (see the README, "Running on your own SPARQL server").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mrkg.graph.build import BuildReport
from mrkg.graph.build import build as _build
from mrkg.graph.remote import open_engine
from mrkg.queries.execute import Result, run_named
from mrkg.queries.library import NamedQuery, QueryError, bind, get, named_queries

__version__ = "0.2.0"


def build(sources: str | Path | None = None, store: str | Path | None = None, progress=lambda m: None,
          tables: bool = True, update_url: str | None = None) -> BuildReport:
    """Validate the sources and load them into the store (atomically); ``tables=False`` leaves out
    the third-party statistical tables. A ``store`` URL pushes to that SPARQL server."""
    return _build(sources, store, progress, tables, update_url)


def query(name: str, store: str | Path | None = None, on: str | dt.date | None = None, **params) -> Result:
    """Run a named query; parameters are given as keyword arguments (``countries="BLR,KAZ"``)."""
    named = get(name)
    values = {key: (value.isoformat() if isinstance(value, dt.date) else str(value))
              for key, value in params.items() if value is not None}
    if on is not None:
        values["on"] = on.isoformat() if isinstance(on, dt.date) else str(on)
    return run_named(open_engine(store), named, bind(named, values))


def sparql(text: str, store: str | Path | None = None) -> Result:
    """Run any SPARQL 1.1 query on the store (read-only)."""
    return open_engine(store).run(text)


def queries() -> dict[str, NamedQuery]:
    """The named queries, by name."""
    return named_queries()


__all__ = ["build", "query", "sparql", "queries", "Result", "QueryError", "BuildReport", "__version__"]
