"""The build, one public function per stage:

1. ``read_sources``  (mrkg.loaders)  files -> validated records, or InputError
2. ``to_dataset``    (assemble)      records -> rdflib Dataset, a named graph per source
3. ``check``         (checks)        SHACL shapes and violation queries, or CheckFailed
4. ``sorted_nquads`` (dump)          dataset -> deterministic N-Quads
5. ``install``       (store)         N-Quads -> new Oxigraph generation, swapped in atomically

Nothing reaches the store unless every earlier stage succeeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mrkg.graph.assemble import to_dataset
from mrkg.graph.checks import CheckFailed, check
from mrkg.graph.dump import digest, sorted_nquads
from mrkg.graph.store import default_store_path, install
from mrkg.loaders import default_sources, read_sources


@dataclass(frozen=True)
class BuildReport:
    store: Path
    digest: str
    records: int
    quads: int
    graphs: int
    seconds: dict[str, float]


def build(sources: Path | str | None = None, store: Path | str | None = None,
          progress: Callable[[str], None] = lambda message: None) -> BuildReport:
    sources = Path(sources) if sources is not None else default_sources()
    store = Path(store) if store is not None else default_store_path()
    timings: dict[str, float] = {}

    def stage(name: str, message: str, function, *args):
        progress(message)
        started = time.perf_counter()
        result = function(*args)
        timings[name] = round(time.perf_counter() - started, 3)
        return result

    records = stage("read", f"Reading and validating sources in {sources} …", read_sources, sources)
    dataset = stage("assemble", f"Assembling {records.count()} records into RDF …", to_dataset, records)
    report = stage("check", "Checking SHACL shapes and violation queries …", check, dataset)
    if not report.ok:
        raise CheckFailed(report)
    nquads = stage("dump", "Serialising sorted N-Quads …", sorted_nquads, dataset)
    graph_digest = digest(nquads)
    quads = nquads.count(b"\n")
    graphs = len({quad[3] for quad in dataset.quads((None, None, None, None))})
    info = {"sources": str(sources), "records": records.count(), "quads": quads, "graphs": graphs}
    stage("load", f"Loading {quads} quads into the Oxigraph store at {store} …", install, store, nquads,
          graph_digest, info)
    return BuildReport(store, graph_digest, records.count(), quads, graphs, timings)
