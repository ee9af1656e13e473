"""The SPARQL behind the views: ``queries/views/*.rq`` and the named queries they reuse.

Parameters arrive as validated RDF terms and are bound by the engine (a VALUES
block on Oxigraph), never pasted into query text.
"""

from __future__ import annotations

from typing import Any

from mrkg.queries.execute import Result
from mrkg.queries.library import QUERIES_DIR

VIEW_QUERIES = QUERIES_DIR / "views"


def run(engine, name: str, bindings: dict[str, Any] | None = None) -> Result:
    """Run ``queries/views/NAME.rq`` (or ``queries/NAME.rq`` for a named query) with ``bindings``."""
    path = VIEW_QUERIES / f"{name}.rq"
    if not path.is_file():
        path = QUERIES_DIR / f"{name}.rq"
    return engine.run(path.read_text(encoding="utf-8"), {k: v for k, v in (bindings or {}).items() if v is not None})


def text(term) -> str:
    """A result term as plain text ('' when unbound)."""
    return "" if term is None else str(term)


def parties(engine) -> dict[str, dict[str, str]]:
    """Countries and organisations by IRI: id, label, kind and the named graph of their label."""
    found: dict[str, dict[str, str]] = {}
    for row in run(engine, "parties").rows:
        found[str(row["party"])] = {"id": text(row["id"]), "label": text(row["label"]), "kind": text(row["kind"]),
                                    "graph": text(row["source_graph"])}
    return found
