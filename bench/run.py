"""One benchmark run: build, then every named query on Oxigraph and rdflib at each scale.

``run_benchmark`` returns one JSON-ready dict (see ``docs/benchmarks.md`` for
every key). Order of work, so that no two measurements overlap:

1. the real ``build()`` of ``sources`` into a temporary store, in a child process;
2. ``mrkg view`` and the server's pages on the built store, each in a child (``bench/pages.py``), a
   command's start-up in fresh processes (``bench/startup.py``), then the store's own unit costs
   (``bench/floor.py``), in another child;
3. for each scale factor (x1 is always run; it is the graph itself):
   a. a child bulk-loads the graph (copies made on the fly) into a fresh Oxigraph store;
   b. every named query runs ``repeat`` times on that store, in a worker process, each bounded by
      ``oxigraph_timeout`` seconds;
   c. unless the scaled graph exceeds ``memory_max_quads``, a worker bulk-loads the same N-Quads
      into an in-memory Oxigraph store (``mrkg serve --in-memory``) and runs every query itself, each
      bounded by ``oxigraph_timeout`` seconds (a stopped query's worker loads the graph again);
   d. unless the scaled graph exceeds ``rdflib_max_triples``, an rdflib worker parses
      the same N-Quads and runs every query, each bounded by ``rdflib_timeout`` seconds.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mrkg.bench import children, floor, pages, scale
from mrkg.bench.machine import describe_machine
from mrkg.bench.measure import compare
from mrkg.bench.startup import startup_times
from mrkg.bench.workers import OxigraphMemoryWorker, OxigraphWorker, RdflibWorker
from mrkg.graph.allocator import query_process_environment
from mrkg.queries.execute import with_values
from mrkg.queries.library import NamedQuery, bind, named_queries

DUMP_STAGE, LOAD_STAGE = "dump", "load"


@dataclass(frozen=True)
class Planned:
    """A named query with the example parameters it is benchmarked with."""

    query: NamedQuery
    params: dict[str, str]
    skipped: str | None = None

    @property
    def parameterised(self) -> bool:
        return bool(self.params)


def plan(queries: dict[str, NamedQuery] | None = None) -> list[Planned]:
    """Each named query with its first example; one with required parameters and no example is skipped."""
    planned = []
    for query in (queries if queries is not None else named_queries()).values():
        if query.examples:
            planned.append(Planned(query, dict(query.examples[0])))
        elif any(p.required for p in query.params):
            planned.append(Planned(query, {}, skipped="no '# example:' line, and it has required parameters"))
        else:
            planned.append(Planned(query, {}))
    return planned


def stage_groups(stages: dict[str, float]) -> dict[str, float]:
    """Build stages grouped: everything before the dump (read, assemble, compare, ...), dump, load; and
    the checks, which run in a child process beside the others (graph/background.py), on their own."""
    return {"parse_validate": round(sum(s or 0.0 for n, s in stages.items()
                                        if n not in (DUMP_STAGE, LOAD_STAGE, *BESIDE_STAGES)), 3),
            "dump": round(stages.get(DUMP_STAGE, 0.0), 3), "load": round(stages.get(LOAD_STAGE, 0.0), 3),
            **{f"{name}_beside": round(stages.get(name) or 0.0, 3) for name in BESIDE_STAGES}}


BESIDE_STAGES = ("check",)


def _ratio(oxigraph_ms: float | None, rdflib_ms: float | None) -> float | None:
    if oxigraph_ms is None or rdflib_ms is None:
        return None
    return round(rdflib_ms / max(oxigraph_ms, 0.001), 1)


def _measure(worker, planned: list[Planned], repeat: int, timeout_s: float, label: str,
             progress: Callable[[str], None]) -> dict[str, dict]:
    measured = {}
    for item in planned:
        if item.skipped:
            continue
        progress(f"  {label}: {item.query.name}")
        measured[item.query.name] = worker.run(item.query, bind(item.query, item.params), repeat, timeout_s)
    return measured


def _memory_fields(oxigraph: dict, memory: dict | None, rdflib: dict | None) -> dict:
    """The in-memory store's time for a query, its ratio to rdflib, and whether it gave the on-disk rows."""
    if memory is None:
        return {}
    fields = {"memory_ms": memory["ms"], "memory_runs": memory["runs"]}
    if memory["stopped"]:
        fields["memory_stopped_after_s"] = memory["stopped_after_s"]
    if memory["error"]:
        fields["memory_error"] = memory["error"].strip().splitlines()[-1]
    if rdflib is not None and not rdflib["stopped"]:
        fields["memory_ratio"] = _ratio(memory["ms"], rdflib["ms"])
    elif rdflib is not None:
        fields["memory_ratio"] = _ratio(memory["ms"], rdflib["stopped_after_s"] * 1000)
        fields["memory_ratio_is_lower_bound"] = fields["memory_ratio"] is not None
    if oxigraph["summary"] and memory["summary"]:
        fields["memory_same_rows"] = compare(oxigraph["summary"], memory["summary"])["ok"]
    return fields


def _query_entry(item: Planned, oxigraph: dict | None, rdflib: dict | None, rdflib_reason: str | None,
                 memory: dict | None = None) -> dict:
    entry = {"name": item.query.name, "params": item.params,
             "kind": "parameterised" if item.parameterised else "whole-graph", "columns": len(item.query.columns)}
    if item.skipped:
        return {**entry, "skipped": item.skipped, "rows": None, "oxigraph_ms": None, "rdflib_ms": None,
                "ratio": None, "parity": None}
    summary = oxigraph["summary"] or (rdflib or {}).get("summary") or {}
    entry.update({"rows": summary.get("rows"), "distinct_terms": summary.get("distinct_terms"),
                  "oxigraph_ms": oxigraph["ms"], "oxigraph_runs": oxigraph["runs"]})
    if oxigraph["stopped"]:
        entry["oxigraph_stopped_after_s"] = oxigraph["stopped_after_s"]
    if oxigraph["error"]:
        entry["oxigraph_error"] = oxigraph["error"].strip().splitlines()[-1]
    entry.update(_memory_fields(oxigraph, memory, rdflib))
    if rdflib is None:
        return {**entry, "rdflib_ms": None, "ratio": None, "rdflib_not_run": rdflib_reason, "parity": None}
    entry.update({"rdflib_ms": rdflib["ms"], "rdflib_runs": rdflib["runs"],
                  "ratio": _ratio(oxigraph["ms"], rdflib["ms"])})
    if rdflib["stopped"]:
        entry.update({"rdflib_stopped_after_s": rdflib["stopped_after_s"],
                      "ratio": _ratio(oxigraph["ms"], rdflib["stopped_after_s"] * 1000),
                      "ratio_is_lower_bound": True})
        if entry["ratio"] is None:
            del entry["ratio_is_lower_bound"]
    if rdflib["error"]:
        entry["rdflib_error"] = rdflib["error"].strip().splitlines()[-1]
    both = oxigraph["summary"] and rdflib["summary"]
    entry["parity"] = compare(oxigraph["summary"], rdflib["summary"]) if both else None
    return entry


def run_scale(nquads: Path, factor: int, planned: list[Planned], work: Path, repeat: int,
              rdflib_max_triples: int, rdflib_timeout: float, oxigraph_timeout: float,
              progress: Callable[[str], None], memory_max_quads: int = 10_000_000) -> dict:
    progress(f"Scale x{factor}: loading into a fresh Oxigraph store …")
    database = work / f"oxigraph-x{factor}"
    loaded = children.run_in_child(children.oxigraph_load_child, str(nquads), factor, str(database))
    result = {"factor": factor, "quads": loaded["quads"], "stored_quads": loaded["stored_quads"],
              "scalable_quads": loaded["scalable_quads"], "fixed_quads": loaded["fixed_quads"],
              "oxigraph_load": {k: loaded[k] for k in ("load_s", "copy_s", "optimize_s", "peak_rss_mb")}}
    progress(f"Scale x{factor}: {loaded['quads']} quads; running the queries on Oxigraph …")
    with OxigraphWorker(database) as worker:
        oxigraph = _measure(worker, planned, repeat, oxigraph_timeout, "oxigraph", progress)
        result["oxigraph_load"]["query_peak_rss_mb"] = worker.close()["query_peak_rss_mb"]
    shutil.rmtree(database, ignore_errors=True)

    memory = {}
    if loaded["quads"] > memory_max_quads:
        result["memory"] = {"run": False,
                            "reason": f"{loaded['quads']} quads is more than --memory-max-quads {memory_max_quads}"}
    else:
        progress(f"Scale x{factor}: loading into an in-memory Oxigraph store, then the queries …")
        with OxigraphMemoryWorker(nquads, factor) as worker:
            # The load has its own budget: at x4 it takes about as long as the on-disk bulk load.
            loaded_in_memory = worker.start(max(oxigraph_timeout, 600.0))
            if loaded_in_memory is None:
                result["memory"] = {"run": False, "reason": "the in-memory load did not finish within "
                                                            f"{max(oxigraph_timeout, 600.0):g} s"}
            else:
                memory = _measure(worker, planned, repeat, oxigraph_timeout, "in memory", progress)
                result["memory"] = {"run": True, **loaded_in_memory, **worker.close()}

    rdflib, reason = {}, None
    if loaded["quads"] > rdflib_max_triples:
        reason = f"{loaded['quads']} triples is more than --rdflib-max-triples {rdflib_max_triples}"
        result["rdflib"] = {"run": False, "reason": reason}
    else:
        source = nquads
        if factor > 1:
            source = work / f"graph-x{factor}.nq"
            scale.write_scaled(nquads, factor, source)
        progress(f"Scale x{factor}: parsing the N-Quads with rdflib, then the queries (timeout "
                 f"{rdflib_timeout:g} s each) …")
        with RdflibWorker(source) as worker:
            parsed = worker.loaded
            rdflib = _measure(worker, planned, repeat, rdflib_timeout, "rdflib", progress)
            query_peak = worker.close()["query_peak_rss_mb"]
        if source != nquads:
            source.unlink()
        result["rdflib"] = {"run": True, "parse_s": parsed["parse_s"], "peak_rss_mb": parsed["peak_rss_mb"],
                            "query_peak_rss_mb": query_peak}
        result["load_ratio"] = _ratio(result["oxigraph_load"]["load_s"], parsed["parse_s"])
    result["queries"] = [_query_entry(item, oxigraph.get(item.query.name),
                                      rdflib.get(item.query.name) if rdflib else None, reason,
                                      memory.get(item.query.name)) for item in planned]
    return result


def run_benchmark(sources: Path | str | None = None, scales: tuple[int, ...] = (1, 4, 16), repeat: int = 5,
                  rdflib_max_triples: int = 3_000_000, rdflib_timeout: float = 60.0,
                  oxigraph_timeout: float = 120.0, queries: dict[str, NamedQuery] | None = None,
                  progress: Callable[[str], None] = lambda message: None, memory_max_quads: int = 10_000_000) -> dict:
    """Run the whole benchmark and return its result (never asserts a target)."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    factors = sorted({1, *scales})
    if factors[0] < 1:
        raise ValueError(f"scale factors are positive whole numbers, got {scales}")
    planned = plan(queries)
    began = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="mrkg-bench-") as folder:
        work = Path(folder)
        progress("Building the graph (real build, in a child process) …")
        built = children.run_in_child(children.build_child, None if sources is None else str(sources),
                                      str(work / "store"))
        from mrkg.graph.store import current

        nquads = current(work / "store").dump
        progress("Timing mrkg view and the server's pages on the built store …")
        waits = views_and_pages(work / "store", repeat)
        waits_in_memory = None
        if built["quads"] <= memory_max_quads:
            progress("… and with the graph in memory (mrkg serve --in-memory) …")
            waits_in_memory = views_and_pages(work / "store", repeat, in_memory=True)
        progress("Timing a command's start-up (Python, rdflib's import, mrkg's import, a one-row query) …")
        try:
            startup = startup_times(work / "store", repeat)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as failed:
            startup = {"error": str(failed)}
        progress("Measuring the store's own costs (index lookup, decoding and converting a cell) …")
        try:
            measured = [item for item in planned if not item.skipped]
            texts = {item.query.name: item.query.text for item in measured}
            bound = {item.query.name: with_values(item.query.text, bind(item.query, item.params)) for item in measured}
            store_costs = children.run_in_child(floor.floor_child, str(work / "store"), texts, False, bound,
                                                environment=query_process_environment())
        except children.ChildFailed as failed:
            store_costs = {"error": str(failed)}
        store_costs_in_memory = None
        if built["quads"] <= memory_max_quads:
            try:
                store_costs_in_memory = children.run_in_child(floor.floor_child, str(work / "store"), {}, True,
                                                              environment=query_process_environment())
            except children.ChildFailed as failed:
                store_costs_in_memory = {"error": str(failed)}
        runs = [run_scale(nquads, factor, planned, work, repeat, rdflib_max_triples, rdflib_timeout,
                          oxigraph_timeout, progress, memory_max_quads) for factor in factors]
    real = runs[0]
    result = {
        "benchmark": "mrkg bench",
        "started": started.isoformat(timespec="seconds"),
        "sources": str(sources) if sources is not None else "shipped",
        "settings": {"scales": factors, "repeat": repeat, "rdflib_max_triples": rdflib_max_triples,
                     "rdflib_timeout_s": rdflib_timeout, "oxigraph_timeout_s": oxigraph_timeout,
                     "memory_max_quads": memory_max_quads},
        "machine": describe_machine(),
        "triples": built["quads"],
        "quads": built["quads"],
        "graphs": built["graphs"],
        "records": built["records"],
        "digest": built["digest"],
        "build_seconds": built["seconds"],
        "build_cpu_seconds": built["cpu_seconds"],
        "build_stages": stage_groups(built["stages"]),
        "build_stage_seconds": built["stages"],
        "peak_rss_mb": built["peak_rss_mb"],
        "checks_peak_rss_mb": built.get("children_peak_rss_mb"),
        "build_tree_peak_pss_mb": built.get("tree_peak_pss_mb"),
        "parse": {"rdflib_s": real["rdflib"].get("parse_s"), "rdflib_peak_rss_mb": real["rdflib"].get("peak_rss_mb"),
                  "oxigraph_s": real["oxigraph_load"]["load_s"],
                  "oxigraph_peak_rss_mb": real["oxigraph_load"]["peak_rss_mb"], "ratio": real.get("load_ratio")},
        "queries": real["queries"],
        "waits": waits,
        "waits_in_memory": waits_in_memory,
        "memory_load": real.get("memory"),
        "store_costs": store_costs,
        "store_costs_in_memory": store_costs_in_memory,
        "startup": startup,
        "scales": runs,
    }
    result["parity"] = parity_summary(runs)
    from mrkg.bench.report import check_targets, missed_causes

    result["targets"] = check_targets(result)
    result["misses"] = missed_causes(result)
    result["seconds"] = round(time.perf_counter() - began, 1)
    return result


def views_and_pages(store: Path, repeat: int, in_memory: bool = False) -> dict:
    """``mrkg view`` timed as the command runs (this process's allocator), and the server's pages as its
    query workers answer them (``mrkg.graph.allocator``), each in a child of its own."""
    waits: dict = {}
    for part, environment in (("views", None), ("pages", query_process_environment())):
        try:
            answer = children.run_in_child(pages.pages_child, str(store), repeat, in_memory, part,
                                           environment=environment)
            waits[part] = answer[part]
            waits[f"{part}_allocator"] = answer["allocator"]
        except children.ChildFailed as failed:
            waits["error"] = "; ".join(filter(None, [waits.get("error"), str(failed)]))
            waits[part] = []
    return waits


def parity_summary(runs: list[dict]) -> dict:
    """Every query at every scale where both engines answered: same rows, or the mismatches."""
    checked, mismatches = 0, []
    for run in runs:
        for entry in run["queries"]:
            if entry.get("parity") is None:
                continue
            checked += 1
            if not entry["parity"]["ok"]:
                mismatches.append({"scale": run["factor"], "name": entry["name"], **entry["parity"]})
    return {"ok": not mismatches, "checked": checked, "mismatches": mismatches}
