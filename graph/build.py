"""The build, one public function per stage:

1. ``read_sources``  (mrkg.loaders)           files -> validated records, or InputError
2. ``read_tables``   (mrkg.loaders.datasets)  statistical tables -> checked figures, or InputError
3. ``to_dataset``    (assemble)               records -> rdflib Dataset, a named graph per source
4. ``consolidate``   (consolidate)            every source's records -> one statement per instrument,
                                              party and membership (graph/consolidated) + date conflicts
5. ``check``         (checks)                 SHACL shapes and violation queries, or CheckFailed; run
                                              in a child process beside stages 6-11, awaited before
                                              the new generation is made current
6. ``all_figures``   (compare, "figures")     dataset + tables -> every figure, reduced to what
                                              comparing and ranking need
7. ``discrepancies`` (compare)                figures -> where figures disagree
8. ``rows``          (discrepancy_table, "tabulate")  disagreements between figures -> the table's
                                              columns, written on each discrepancy
9. ``rankings``      (partner_rankings, "rank")  figures -> each place's partner countries ranked
                                              per measure, year, source and document
10. ``dump_lines``   (dump)                   the curated dataset, the figures, the comparisons and
                                              the rankings -> the dump's lines in order (the
                                              tables' figures and the derived lines are ordered
                                              here, their lines made as the load reads them)
11. ``install_stream`` (store, "load")        sorted merge of curated lines + figures + derived lines ->
                                              graph.nq, written and bulk-loaded chunk by chunk in one
                                              pass, into a new Oxigraph generation swapped in atomically,
                                              or StoreError (disk full, read-only) with nothing swapped
   or ``push``       (push)                   N-Quads -> a remote SPARQL server, graph by graph

Nothing reaches the store unless every earlier stage succeeded. The figures of
the statistical tables skip rdflib: they go from the table readers to N-Quads
text, which is what lets a 1.5-million-triple graph build in seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from mrkg.graph.assemble import to_dataset
from mrkg.graph.background import Background
from mrkg.graph import compare, consolidate, discrepancy_table, partner_rankings
from mrkg.graph.checks import CheckFailed, check
from mrkg.graph.dump import chunks, curated_lines, digest, sorted_lines
from mrkg.graph.store import default_store, install_stream
from mrkg.loaders import default_sources, labour_agreements, read_sources
from mrkg.loaders.datasets import read_tables


@dataclass(frozen=True)
class BuildReport:
    store: Path | str
    digest: str
    records: int
    quads: int
    graphs: int
    seconds: dict[str, float]
    figures: int = 0
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    discrepancies: dict[str, int] = field(default_factory=dict)
    possible_duplicates: int = 0


def dump_lines(dataset, tables, found, discrepancy_rows=(), rankings=()) -> Iterator[str]:
    """Every line of the dump, in order: the curated dataset serialised, and the tables' figures, the
    comparisons (with the discrepancy table) and the partner rankings ordered by subject now (a stage's
    time is its whole cost), their lines made when read."""
    return sorted_lines(curated_lines(dataset), tables, chain(compare.nquads(found), discrepancy_table.nquads(discrepancy_rows)),
                        [partner_rankings.sorted_blocks(rankings)])


def _passed(checking: Background) -> None:
    report = checking.result()
    if not report.ok:
        raise CheckFailed(report)


def _checked(chunks: Iterable[bytes], checking: Background) -> Iterator[bytes]:
    """The dump's chunks, stopped by the checks' failure as soon as it is known; after the last chunk,
    the checks' outcome is awaited, so the load makes its generation current only once they passed."""
    for chunk in chunks:
        if checking.done():
            _passed(checking)
        yield chunk
    _passed(checking)


def build(sources: Path | str | None = None, store: Path | str | None = None,
          progress: Callable[[str], None] = lambda message: None, tables: bool = True,
          update_url: str | None = None) -> BuildReport:
    """Build the graph into ``store``; ``tables=False`` leaves the statistical tables out
    (the curated graph alone builds in seconds). A ``store`` URL is a remote SPARQL server's
    query endpoint: the graph is pushed there (to ``update_url`` when updates go elsewhere)."""
    from mrkg.graph.remote import Client, is_remote

    sources = Path(sources) if sources is not None else default_sources()
    store = str(store) if store is not None else default_store()
    client = Client.from_environment(store, update_url) if is_remote(store) else None
    store = store if client else Path(store)
    timings: dict[str, float] = {}

    def stage(name: str, message: str, function, *args, **kwargs):
        progress(message)
        started = time.perf_counter()
        result = function(*args, **kwargs)
        timings[name] = round(time.perf_counter() - started, 3)
        return result

    records = stage("read", f"Reading and validating sources in {sources} …", read_sources, sources)
    tables = stage("read-tables", "Reading the statistical tables …", read_tables, records) if tables else []
    figures = sum(len(table.figures) for table in tables)
    dataset = stage("assemble", f"Assembling {records.count()} records into RDF …", to_dataset, records)
    consolidated = stage("consolidate", "Consolidating every source's records …", consolidate.consolidate, dataset)
    consolidate.add_to(dataset, consolidated)
    # The checks run in a child process beside the stages after them (graph/background.py); the load
    # waits for them before its generation is made current, and a failure leaves nothing stored.
    progress("Checking SHACL shapes and violation queries (beside the next stages) …")
    checking = Background(check, dataset, tables)
    try:
        comparables = stage("figures", "Reading every figure …", compare.all_figures, dataset, tables)
        found = stage("compare", "Comparing sources …", compare.discrepancies, dataset, tables,
                      figures=comparables)
        found = sorted(found + consolidated.discrepancies, key=lambda d: str(d.node))
        rows = stage("tabulate", "Tabulating the disagreements between figures …", discrepancy_table.rows, dataset, found)
        rankings = stage("rank", "Ranking each place's partner countries …", partner_rankings.rankings, dataset,
                         comparables)
        del comparables
        counted = dict(sorted(Counter(d.comparison for d in found).items()))
        graphs = len({quad[3] for quad in dataset.quads((None, None, None, None))} |
                     {table.graph_name for table in tables if table.records} | ({compare.COMPARISONS_GRAPH} if found else set())
                     | ({partner_rankings.RANKINGS_GRAPH} if rankings else set()))
        lines = stage("dump", f"Serialising sorted N-Quads ({figures} table figures included) …",
                      dump_lines, dataset, tables, found, rows, rankings)
        del dataset  # about 150 MB that the load can use
        skipped = {table.file: table.skipped for table in tables}
        for file in records.registry.ids(labour_agreements.SKIPPED):  # rows and cells the labour loader left out
            skipped[file] = dict(sorted(records.registry.detail(labour_agreements.SKIPPED, file).counts.items()))
        info = {"sources": str(sources), "records": records.count(), "figures": figures,
                "graphs": graphs, "skipped": skipped, "discrepancies": counted,
                "possible_duplicates": consolidated.possible_duplicates}
        if client:
            from mrkg.graph.push import push

            nquads = b"".join(chunks(lines))
            graph_digest, quads = digest(nquads), nquads.count(b"\n")
            stage("check-wait", "Waiting for the checks …", _passed, checking)
            stage("push", f"Pushing {quads} quads to the SPARQL server at {store} …", push, nquads, client, progress)
        else:
            generation = stage("load", f"Loading them into the Oxigraph store at {store} as they are written …",
                               install_stream, store, _checked(chunks(lines), checking), info, progress)
            graph_digest, quads = generation.info["digest"], generation.info["quads"]
    finally:
        checking.cancel()
    timings["check"] = checking.seconds
    return BuildReport(store, graph_digest, records.count(), quads, graphs, timings, figures, skipped, counted,
                       consolidated.possible_duplicates)
