"""What every loader module shares: located records and YAML list reading.

A loader module has a KIND, ``read(root, registry, problems)`` yielding
``Located`` records, and ``triples(located)`` yielding RDF triples. The build
puts each record's triples into the named graph the record is located in,
except a quad (a triple with a fourth element, its graph): shared entities
such as reference periods are described once, in the reference graph, so that
queries over the union of graphs do not see them once per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, Iterator, TypeVar

from pydantic import BaseModel
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import LineDict, Problems, line_of, read_yaml, validate
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, TIME

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Located(Generic[R]):
    """A validated record, the named graph it goes to and the document it cites."""

    graph: URIRef
    document: str | None
    record: R
    file: str
    line: int | None


def display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_yaml_list(
    path: Path, root: Path, section: str, model: type[R], kind: str,
    registry: Registry, problems: Problems, graph: URIRef, document: str | None,
    id_field: str | None = "id",
) -> Iterator[Located[R]]:
    """Read ``section:`` of a YAML file as a list of ``model`` records.

    Records are checked against the registry (context) and identifiers are
    defined in it, so duplicates across files are reported with both places.
    """
    shown = display(path, root)
    data = read_yaml(path, problems, expected=f"a mapping with the single key {section!r}")
    if data is None:
        return
    if not isinstance(data, LineDict) or set(data) != {section}:
        problems.add(shown, line_of(data), None, None,
                     f"top level has keys {sorted(data) if isinstance(data, dict) else type(data).__name__}",
                     f"a mapping with the single key {section!r}")
        return
    items = data[section]
    if not isinstance(items, list):
        problems.add(shown, line_of(data, section), None, section, "is not a list", "a list of records")
        return
    for raw in items:
        name = raw.get(id_field) if isinstance(raw, dict) and id_field else None
        label = str(name) if name is not None else None
        if not isinstance(raw, LineDict):
            problems.add(shown, line_of(items), None, None, "record is not a mapping", "a mapping of fields")
            continue
        record = validate(model, raw, Path(shown), label, problems, context={"registry": registry})
        if record is None:
            if id_field and isinstance(name, str):
                registry.refuse(kind, name, f"{shown}:{raw.line}")
            continue
        if id_field:
            where = f"{shown}:{raw.line}"
            first = registry.define(kind, getattr(record, id_field), where, record)
            if first is not None:
                problems.add(shown, raw.line, label, id_field,
                             f"duplicate identifier, first defined at {first}", "an identifier used once")
                continue
        yield Located(graph, document, record, shown, raw.line)


def curated_files(root: Path, name: str, registry: Registry, problems: Problems) -> Iterator[tuple[Path, str]]:
    """Files called ``name`` in ``curated/<document stem>/``; the folder must name a known document."""
    for path in sorted((root / "curated").glob(f"*/{name}")):
        stem = path.parent.name
        if not registry.has("document", stem):
            problems.add(display(path, root), None, None, None,
                         f"folder {stem!r} is not a document listed in documents.yaml",
                         "a folder named after a source document file (without .txt)")
            continue
        yield path, stem


def document_graph(stem: str) -> URIRef:
    return iris.document_graph(stem)


def cite(node: URIRef, stem: str, locator: str, quote: str | None = None) -> Iterator[tuple]:
    """The provenance triples every curated record carries."""
    yield node, DCTERMS.source, iris.document(stem)
    yield node, MRKG.locator, Literal(locator)
    if quote:
        yield node, MRKG.quote, Literal(quote)


def period_triples(period) -> Iterator[tuple]:
    """A reference period, as quads in the reference graph (the same period serves many sources)."""
    node = iris.entity("period", period.slug)
    shared = iris.REFERENCE_GRAPH
    yield node, RDF.type, TIME.ProperInterval, shared
    yield node, RDFS.label, Literal(period.label), shared
    yield node, MRKG.periodStart, Literal(period.start.isoformat(), datatype=XSD.date), shared
    yield node, MRKG.periodEnd, Literal(period.end.isoformat(), datatype=XSD.date), shared


def corridor_triples(origin: str, destination: str) -> Iterator[tuple]:
    """A corridor (the pair an observation with an origin and a destination is about), as quads in the
    reference graph: the same pair serves many sources."""
    node = iris.corridor(origin, destination)
    shared = iris.REFERENCE_GRAPH
    yield node, RDF.type, MRKG.Corridor, shared
    yield node, RDFS.label, Literal(f"{origin} to {destination}"), shared
    yield node, MRKG.corridorOrigin, iris.place(origin), shared
    yield node, MRKG.corridorDestination, iris.place(destination), shared


@lru_cache(maxsize=None)
def corridor_nquads(origin: str, destination: str) -> tuple[str, ...]:
    """``corridor_triples`` as N-Quads lines (without their newline), for the loaders that write text."""
    return tuple(" ".join(term.n3() for term in quad) + " ." for quad in corridor_triples(origin, destination))
