"""Stage 5 of the build (graph/build.py, "check"): checks the graph must pass before it is served.

Both run on the curated rdflib dataset plus the first figures of every
statistical table:

* SHACL shapes (``ontology/shapes.ttl``) with pyshacl;
* ``queries/checks/*-violation.rq``: SPARQL queries that must return no rows.

The violation queries run on Oxigraph, in memory (as ``check_store`` runs them on a
store): rdflib took 1.9 s for them on the curated graph, Oxigraph takes 0.03 s plus
0.45 s to load it. The ~140,000 table figures are not all checked here: pyshacl would
take many minutes, and even Oxigraph takes ~15 s for the violation queries on them (an
eighth of the build). Their cells are validated one by one when read
(``mrkg.loaders.datasets``) and their triples come from one function, whose
output the sample checks; ``check_store`` runs the violation queries on a whole
store for ``mrkg validate --store``-style audits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph

from mrkg.ontology import SHAPES_FILE
from mrkg.queries.library import CHECKS_DIR


@dataclass
class CheckReport:
    shape_violations: list[str] = field(default_factory=list)
    violation_rows: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.shape_violations and not any(self.violation_rows.values())

    def lines(self) -> list[str]:
        out = [f"SHACL: {v}" for v in self.shape_violations]
        for name, rows in sorted(self.violation_rows.items()):
            for row in rows:
                out.append(f"{name}: " + ", ".join(f"{k}={v}" for k, v in row.items()))
        return out


class CheckFailed(Exception):
    def __init__(self, report: CheckReport):
        self.report = report
        super().__init__("the graph fails its checks:\n" + "\n".join(report.lines()))


def union_graph(dataset: Dataset) -> Graph:
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    return union


def check_shapes(data: Graph, inplace: bool = False) -> list[str]:
    """The SHACL shapes' violations in ``data``. ``inplace``: pyshacl may work on ``data`` itself instead
    of a copy (for a graph made for the check alone: the copy cost 0.9 of 4.9 s on the curated graph)."""
    from pyshacl import validate

    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=False, inplace=inplace)
    if conforms:
        return []
    from rdflib.namespace import SH

    messages = []
    nested = set(results.objects(None, SH.detail))
    for result in results.subjects(predicate=None, object=SH.ValidationResult):
        if result in nested:
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        messages.append(f"{focus} {path}: {message}")
    return sorted(messages)


def violation_queries() -> dict[str, str]:
    return {path.name[: -len(".rq")]: path.read_text(encoding="utf-8")
            for path in sorted(Path(CHECKS_DIR).glob("*-violation.rq"))}


def run_violation_queries(data: Graph) -> dict[str, list[dict]]:
    """Each violation query's rows on ``data``, loaded into an in-memory Oxigraph store."""
    import pyoxigraph as ox

    from mrkg.queries.execute import OxigraphEngine, to_oxigraph

    store = ox.Store()
    default = ox.DefaultGraph()
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), default) for s, p, o in data])
    return _violations(OxigraphEngine(store))


def _violations(engine) -> dict[str, list[dict]]:
    """Each violation query's rows as strings, unbound cells left out."""
    return {name: [{k: v for k, v in row.items() if v is not None} for row in engine.run(text).strings()]
            for name, text in violation_queries().items()}


SAMPLE = 25  # figures per table whose triples go through SHACL


def check(dataset: Dataset, tables: Iterable = ()) -> CheckReport:
    data = union_graph(dataset)
    for table in tables:
        sample = "\n".join(table.sample_nquads(SAMPLE))
        for quad in Dataset().parse(data=sample, format="nquads").quads((None, None, None, None)):
            data.add(quad[:3])
    violations = run_violation_queries(data)  # before pyshacl, which may work on ``data`` itself
    return CheckReport(check_shapes(data, inplace=True), violations)


def check_store(store) -> CheckReport:
    """The violation queries on a pyoxigraph store: the whole graph, tables included."""
    from mrkg.queries.execute import OxigraphEngine

    return CheckReport([], _violations(OxigraphEngine(store)))
