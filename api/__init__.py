"""mrkg: the Migration Regimes Knowledge Graph, as a Python API for notebooks.

    import mrkg
    mrkg.build()                                   # curated sources -> on-disk store
    result = mrkg.query("agreements-binding", countries="BLR,KAZ")
    result.rows                                    # list of dicts of rdflib terms
    result.values()                                # the same as plain strings
    result.to_dataframe()                          # with pandas installed

The store is ``$MRKG_STORE`` or ``./mrkg-store`` unless ``store=`` is given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mrkg.graph.build import BuildReport
from mrkg.graph.build import build as _build
from mrkg.graph.store import default_store_path
from mrkg.queries.execute import OxigraphEngine, Result, run_named
from mrkg.queries.library import NamedQuery, QueryError, bind, get, named_queries

__version__ = "0.2.0"


def build(sources: str | Path | None = None, store: str | Path | None = None, progress=lambda m: None,
          tables: bool = True) -> BuildReport:
    """Validate the sources and load them into the store (atomically); ``tables=False`` leaves out
    the third-party statistical tables."""
    return _build(sources, store, progress, tables)


def query(name: str, store: str | Path | None = None, on: str | dt.date | None = None, **params) -> Result:
    """Run a named query; parameters are given as keyword arguments (``countries="BLR,KAZ"``)."""
    named = get(name)
    values = {key: (value.isoformat() if isinstance(value, dt.date) else str(value))
              for key, value in params.items() if value is not None}
    if on is not None:
        values["on"] = on.isoformat() if isinstance(on, dt.date) else str(on)
    engine = OxigraphEngine.open(Path(store) if store else default_store_path())
    return run_named(engine, named, bind(named, values))


def sparql(text: str, store: str | Path | None = None) -> Result:
    """Run any SPARQL 1.1 query on the store (read-only)."""
    return OxigraphEngine.open(Path(store) if store else default_store_path()).run(text)


def queries() -> dict[str, NamedQuery]:
    """The named queries, by name."""
    return named_queries()


__all__ = ["build", "query", "sparql", "queries", "Result", "QueryError", "BuildReport", "__version__"]
