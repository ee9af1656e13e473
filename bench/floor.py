"""What the store itself costs, measured in the same run: the floor under every named query.

A named query on the embedded store pays for each index lookup it makes and for each cell of its
answer: the store decodes the cell's term (an IRI or a long literal is a read of its own on disk),
then ``run_named`` turns it into a Python value. No rewriting of the query text goes below
these costs, so the benchmark measures them on the built store (the same graph, the same
read-only, union-default-graph engine as ``mrkg query``) and the report uses them to say which
missed target is a property of the query and which is a property of the store:

* ``lookup_us``: one index lookup, from a scan of every figure's value and the same scan joined with
  one more pattern on the same subject (the difference, divided by the figures);
* ``decode_us``: one cell decoded by Oxigraph, from the scan fetched (serialised in Rust, no Python
  objects) against the scan counted;
* ``convert_us``: one cell made a Python value by ``run_named``'s engine, from the scan run through
  ``OxigraphEngine.run`` against the scan serialised.

Beside the store, each engine's own fixed cost per named query, paid on every run whatever the data:
``rdflib_prepare_ms``, the time rdflib takes to parse the query text and translate it to its algebra
(``prepareQuery``), and ``oxigraph_fixed_ms``, the time Oxigraph takes to answer the query, with its
example's parameters bound as ``mrkg query`` binds them, on an empty store (parsing, optimising and
planning: no data is read). For a query that touches a handful of records rdflib's parse is most of
its time, and the ratio of the two engines then measures rdflib's parser rather than either engine's
evaluation; Oxigraph's fixed cost is the least any run of the query takes on any graph.

An answer of ``cells`` cells cannot be handed over faster than ``cells * decode_us`` (its *answer
floor*), whatever the query: the store decodes every cell it returns. Converting comes on top
(``convert_us`` is for distinct terms: a term repeated in one answer is converted once).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

PREFIXES = """PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
"""
SCAN = "?figure sdmx-measure:obsValue ?value ."
JOINED = SCAN + " ?figure mrkg:measure ?measure ."
RUNS = 3


def _median_s(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(engine) -> dict:
    """The three unit costs on ``engine`` (an ``OxigraphEngine``), in microseconds."""
    import pyoxigraph as ox

    store = engine.store

    def count(pattern: str) -> int:
        answer = store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}",
                             use_default_graph_as_union=True)
        return int(next(iter(answer))[0].value)

    fetch = PREFIXES + f"SELECT ?figure ?value WHERE {{ {SCAN} }}"
    figures = count(SCAN)
    if not figures:
        raise ValueError("the graph has no figures (sdmx-measure:obsValue) to measure the store's costs on")
    if count(JOINED) != figures:
        raise ValueError("not every figure has exactly one mrkg:measure: the lookup cost would be wrong")
    cells = 2 * figures
    counted = _median_s(lambda: count(SCAN))
    joined = _median_s(lambda: count(JOINED))
    decoded = _median_s(lambda: store.query(fetch, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.TSV))
    converted = _median_s(lambda: engine.run(fetch))
    return {"figures": figures, "cells": cells,
            "lookup_us": round(max(joined - counted, 0.0) * 1e6 / figures, 3),
            "decode_us": round(max(decoded - counted, 0.0) * 1e6 / cells, 3),
            "convert_us": round(max(converted - decoded, 0.0) * 1e6 / cells, 3)}


def answer_floor_ms(costs: dict, rows: int, columns: int) -> float:
    """The least time the store takes to decode an answer of ``rows`` x ``columns`` cells."""
    return rows * columns * costs["decode_us"] / 1000


def rdflib_prepare_ms(texts: dict[str, str]) -> dict[str, float]:
    """Median milliseconds rdflib takes to parse and translate each query text (no data involved)."""
    from rdflib.plugins.sparql import prepareQuery

    return {name: round(_median_s(lambda: prepareQuery(text)) * 1000, 2) for name, text in texts.items()}


def oxigraph_fixed_ms(bound_texts: dict[str, str]) -> dict[str, float]:
    """Median milliseconds Oxigraph takes to answer each query text (parameters bound) on an empty store."""
    import pyoxigraph as ox

    empty = ox.Store()
    return {name: round(_median_s(lambda: list(empty.query(text, use_default_graph_as_union=True))) * 1000, 2)
            for name, text in bound_texts.items()}


def floor_child(store: str, texts: dict[str, str] | None = None, in_memory: bool = False,
                bound_texts: dict[str, str] | None = None) -> dict:
    """The unit costs on the built ``store`` (or on its graph loaded into memory), rdflib's parse time
    of each of ``texts`` and Oxigraph's fixed cost of each of ``bound_texts`` (a benchmark child: see
    ``children.run_in_child``)."""
    from mrkg.graph.allocator import allocator_of
    from mrkg.graph.remote import open_engine

    engine = open_engine(Path(store), in_memory=in_memory)
    return {**measure(engine), "rdflib_prepare_ms": rdflib_prepare_ms(texts or {}),
            "oxigraph_fixed_ms": oxigraph_fixed_ms(bound_texts or {}), "allocator": allocator_of()}
