"""Timing a named query on one engine, and summarising its rows for the parity check.

Both engines are timed the same way: ``run_named`` (the path ``mrkg query``
takes, results converted to rdflib terms) with the same bound parameters,
``repeat`` times, reporting the median. Runs stop early once the query has
used its time budget (at least one run always completes).
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD

from mrkg.queries.execute import Result, run_named

#: Rows kept per query for showing a parity mismatch; above it only the count and digest are compared.
SAMPLE_ROWS = 2000


def comparable(term: Any) -> str | None:
    """A result term as the parity check compares it: its lexical form, but an xsd:decimal by its
    value. Oxigraph stores a decimal as a number and gives back its canonical form ("1.2"), rdflib
    keeps the form the data wrote ("1.20", a source's own precision): the same value, so the same
    answer. Every other term (integers, dates, strings) must match letter for letter."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        try:
            return format(Decimal(str(term)).normalize(), "f")
        except InvalidOperation:
            return str(term)
    return str(term)


def summarize(result: Result, columns: tuple[str, ...] | list[str]) -> dict:
    """The rows as a multiset of value tuples: count, digest and (when small) the sorted rows; and the
    number of distinct terms in the columns (each is converted once: see ``floor.convert_us``)."""
    keys = sorted(json.dumps([comparable(row.get(c)) for c in columns], ensure_ascii=False) for row in result.rows)
    digest = hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()
    distinct = len({row.get(c) for row in result.rows for c in columns} - {None})
    return {"rows": len(keys), "digest": digest, "sample": keys if len(keys) <= SAMPLE_ROWS else None,
            "distinct_terms": distinct}


def compare(oxigraph: dict, rdflib: dict) -> dict:
    """Parity of two summaries: ``ok`` and, when they differ, what differs."""
    if oxigraph["rows"] == rdflib["rows"] and oxigraph["digest"] == rdflib["digest"]:
        return {"ok": True}
    found = {"ok": False, "oxigraph_rows": oxigraph["rows"], "rdflib_rows": rdflib["rows"]}
    if oxigraph["sample"] is not None and rdflib["sample"] is not None:
        ox, rd = Counter(oxigraph["sample"]), Counter(rdflib["sample"])
        found["only_oxigraph"] = sorted((ox - rd).elements())[:5]
        found["only_rdflib"] = sorted((rd - ox).elements())[:5]
    return found


def timed_runs(engine, query, bindings: dict[str, Any], repeat: int, budget_s: float,
               on_first=None, on_run=None) -> list[float]:
    """Milliseconds of up to ``repeat`` runs; no new run starts when it would likely end past the budget.

    ``on_run(ms)`` is called after each run and ``on_first(result)`` after the first, outside the timing.
    """
    runs: list[float] = []
    began = time.perf_counter()
    for index in range(repeat):
        started = time.perf_counter()
        result = run_named(engine, query, bindings)
        runs.append((time.perf_counter() - started) * 1000)
        if on_run is not None:
            on_run(runs[-1])
        if index == 0 and on_first is not None:
            on_first(result)
        del result
        if time.perf_counter() - began + runs[-1] / 1000 > budget_s:
            break
    return runs


def median_ms(runs: list[float]) -> float | None:
    return round(statistics.median(runs), 3) if runs else None
