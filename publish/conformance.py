"""The DCAT record against SEMIC's official DCAT-AP 3 shapes (vendored in standards/dcat-ap-3/,
see its SOURCE.txt): one finding per SHACL result, naming the shapes file, the shape, the node,
the property and the value, so that a failed export says what to fix.

Each shapes file is run on its own (they are separate profiles: base constraints, class ranges,
EU vocabularies, the 3.0.0 template), on the record graph only, never on the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import SH

STANDARDS = Path(__file__).resolve().parent / "standards" / "dcat-ap-3"
OFFICIAL_SHAPES = tuple(STANDARDS / name for name in (
    "3.0.1-shapes.ttl", "3.0.1-range.ttl", "3.0.1-mdr-vocabularies.shape.ttl", "3.0.0-dcat-ap-SHACL.ttl"))


@dataclass(frozen=True)
class Finding:
    shapes: str  # the shapes file
    severity: str  # Violation, Warning or Info
    shape: str
    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" value {self.value}" if self.value else ""
        return f"{self.shapes}: {self.severity} of shape {self.shape}: {where}{value}: {self.message}"


@lru_cache(maxsize=None)
def _shapes(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _text(graph: Graph, node, term) -> str:
    value = graph.value(node, term)
    return "" if value is None else str(value)


def _shape_name(report: Graph, shapes: Graph, result) -> str:
    """The shape's IRI; for a blank property shape, the node shape that holds it and its path."""
    shape = report.value(result, SH.sourceShape)
    if shape is None:
        return ""
    if isinstance(shape, BNode):
        owner = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.node, shape), None)
        path = shapes.value(shape, SH.path)
        if owner is not None:
            return f"{owner} (property {path})" if path is not None else str(owner)
    return str(shape)


def findings(record: Graph, shapes_files: tuple[Path, ...] = OFFICIAL_SHAPES) -> list[Finding]:
    """Every SHACL result of ``record`` against each shapes file, sorted."""
    from pyshacl import validate

    found = []
    for path in shapes_files:
        shapes = _shapes(Path(path))
        _conforms, report, _text_report = validate(record, shacl_graph=shapes, inference="none",
                                                   allow_warnings=True, allow_infos=True)
        # Top-level results only: pyshacl also writes the nested results of sh:node as sh:detail,
        # with the inner shape's severity (a Violation under a shape that only warns).
        for result in report.objects(None, SH.result):
            found.append(Finding(
                shapes=Path(path).name,
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                shape=_shape_name(report, shapes, result),
                focus=_text(report, result, SH.focusNode),
                path=_text(report, result, SH.resultPath),
                value=_text(report, result, SH.value),
                message=_text(report, result, SH.resultMessage)))
    return sorted(set(found), key=lambda f: (f.shapes, f.severity, f.shape, f.focus, f.path, f.value, f.message))


def violations(record: Graph, shapes_files: tuple[Path, ...] = OFFICIAL_SHAPES) -> list[Finding]:
    return [finding for finding in findings(record, shapes_files) if finding.severity == "Violation"]
