"""What every statistical table turns into: figures, then N-Quads lines.

A table module reads its file as it is and yields ``Figure`` tuples; nothing
here knows about spreadsheets. The figures of a whole table (up to ~80,000
cells) become N-Quads text directly, through pyoxigraph terms, instead of
rdflib objects: the same Data Cube triples the curated observations have,
at a fraction of the cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import merge
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.loaders.base import corridor_nquads
from mrkg.loaders.numbers import BOUNDS, NumberError, from_cell, parse_decimal
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.strict import MalformedCsv, Problems, csv_rows, read_text
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE, TIME


class Figure(NamedTuple):
    """One cell of a table: a value of a measure for places and a year, with its locator."""

    measure: str
    origin: str | None
    destination: str | None
    area: str | None
    year: int
    value: str  # a decimal numeral, exactly as the file stores it
    unit: str
    locator: str


UNKNOWN = "?"  # a place name that resolves to nothing; reported once per file, all names together


@dataclass
class TableReport:
    """What reading one file found: problems (line, column, message, expected), skipped cells by
    reason, and place names that resolve to nothing (with the first line they occur on)."""

    file: str
    problems: list[tuple[int | None, str | None, str, str | None]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    unknown_names: dict[str, int] = field(default_factory=dict)

    def place(self, places: PlaceNames, name: str, line: int) -> str | None:
        """The place id of a printed name, None for a row that is not a place, or UNKNOWN."""
        try:
            return places.resolve(name)
        except KeyError:
            self.unknown_names.setdefault(name, line)
            return UNKNOWN

    def all_problems(self) -> list[tuple[int | None, str | None, str, str | None]]:
        problems = list(self.problems)
        if self.unknown_names:
            names = "; ".join(f"{name!r} (line {line})" for name, line in sorted(self.unknown_names.items()))
            problems.append((None, None, f"{len(self.unknown_names)} place name(s) map to no country or area: {names}",
                             "names pycountry knows, or entries in sources/reference/place-names.yaml"))
        return problems

    def problem(self, line: int | None, column: str | None, message: str, expected: str | None = None) -> None:
        self.problems.append((line, column, message, expected))

    def value(self, line: int | None, column: str | None, cell: object) -> str | None:
        """The numeral of a spreadsheet number (see loaders/numbers.py), or None after reporting a
        NaN, an infinity or a value the store cannot compare."""
        try:
            return from_cell(cell)
        except NumberError as error:
            self.problem(line, column, str(error), f"a finite number with {BOUNDS}")
            return None

    def text_value(self, line: int | None, column: str | None, text: str) -> str | None:
        """A number printed in a text table, as printed, or None after reporting why it is not one."""
        try:
            parse_decimal(text)
            return text
        except NumberError as error:
            self.problem(line, column, str(error), f"ASCII digits with {BOUNDS}")
            return None

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] += count


def csv_table_rows(path: Path, report: TableReport, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV table, read as strictly as the curated CSVs (strict UTF-8, no control
    characters, no stray quote); a problem stops the reading and is reported with its line."""
    problems = Problems()
    text = read_text(path, problems)
    for problem in problems.items:
        report.problem(problem.line, None, problem.message, problem.expected)
    if text is None:
        return
    try:
        yield from csv_rows(text, delimiter)
    except MalformedCsv as error:
        report.problem(error.line, None, str(error), "RFC 4180 CSV (a quote only in a quoted cell, doubled)")


def is_number(cell: object) -> bool:
    """True for a spreadsheet cell holding a number (booleans are not numbers)."""
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def _iri(node) -> str:
    return f"<{node}>"


_TYPE = _iri(RDF.type)
_P = {name: _iri(term) for name, term in {
    "dataSet": QB.dataSet, "measure": MRKG.measure, "period": SDMX_DIMENSION.refPeriod,
    "origin": MRKG.origin, "destination": MRKG.destination, "area": SDMX_DIMENSION.refArea,
    "value": SDMX_MEASURE.obsValue, "unit": SDMX_ATTRIBUTE.unitMeasure,
    "source": MRKG.statisticalSource, "document": DCTERMS.source, "locator": MRKG.locator,
    "label": RDFS.label, "start": MRKG.periodStart, "end": MRKG.periodEnd, "structure": QB.structure,
    "corridor": MRKG.corridor,
}.items()}
_OBSERVATION = _iri(QB.Observation)
_DECIMAL = ox.NamedNode(str(XSD.decimal))
_DATE = ox.NamedNode(str(XSD.date))


def _literal(text: str, datatype=None) -> str:
    return str(ox.Literal(text, datatype=datatype)) if datatype is not None else str(ox.Literal(text))


@lru_cache(maxsize=None)
def _place(code: str) -> str:
    return _iri(iris.place(code))


@lru_cache(maxsize=None)
def _corridor(origin: str, destination: str) -> str:
    return _iri(iris.corridor(origin, destination))


def corridors(figures: Iterable[Figure]) -> list[str]:
    """The reference graph's lines for the corridors of ``figures`` (those with an origin and a
    destination), each corridor once."""
    pairs = {(f.origin, f.destination) for f in figures if f.area is None}
    return [line for pair in sorted(pairs) for line in corridor_nquads(*pair)]


def _escaped(text: str) -> str:
    """An N-Triples string literal (ECHAR escapes for the characters that need them)."""
    if any(c in text for c in '\\"\n\r'):
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


def observation_path(table_id: str, figure: Figure) -> str:
    """The part of a table figure's IRI after ``id/observation/``: table, measure, places, year."""
    places = (figure.origin, figure.destination) if figure.area is None else (figure.area,)
    return f"{table_id}/{figure.measure}/{'/'.join(places)}/{figure.year}"


def nquads(figures: Iterable[Figure], table_id: str, stem: str, publisher: str, title: str) -> Iterator[str]:
    """N-Quads lines (without their newline) for a table's figures, in the document's named graph;
    the years' reference periods and the figures' corridors go to the reference graph. Lines are
    formatted directly (values are validated numerals, the rest IRIs from iris.py), which keeps 1.5
    million lines to seconds."""
    lines = _TableLines(table_id, stem, publisher, title)
    yield from lines.dataset()
    figures = list(figures)
    years: set[int] = set()
    for figure in figures:
        years.add(figure.year)
        yield from lines.figure(figure)
    yield from lines.periods(years)
    yield from corridors(figures)


def sorted_nquads(figures: Iterable[Figure], table_id: str, stem: str, publisher: str,
                  title: str) -> Iterator[str]:
    """The lines of ``nquads``, each once, in code-point (= UTF-8 byte) order."""
    return chain.from_iterable(lines for _, lines in sorted_blocks(figures, table_id, stem, publisher, title))


def sorted_blocks(figures: Iterable[Figure], table_id: str, stem: str, publisher: str,
                  title: str) -> Iterator[tuple[str, list[str]]]:
    """The lines of ``nquads`` subject by subject: (``"<subject> "``, its sorted lines), in order of
    subject, generated figure by figure so that a table's lines are never all in memory at once.

    Every line of a figure starts with ``<its IRI> ``, and an IRI holds neither ``>`` nor a space,
    so ordering the figures by IRI orders their lines; figures sharing an IRI are merged."""
    lines = _TableLines(table_id, stem, publisher, title)
    figures = list(figures)
    fixed = by_subject(sorted(set(lines.dataset()) | set(lines.periods({figure.year for figure in figures}))
                              | set(corridors(figures))))
    keyed = sorted((lines.node(figure) + " ", index) for index, figure in enumerate(figures))

    def in_order() -> Iterator[tuple[str, list[str]]]:
        for key, group in groupby(keyed, key=itemgetter(0)):
            group = [figures[index] for _, index in group]
            if len(group) == 1:
                yield key, sorted(lines.figure(group[0]))
            else:
                yield key, sorted({line for figure in group for line in lines.figure(figure)})

    return merge(fixed, in_order(), key=itemgetter(0))


def by_subject(sorted_lines: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """Sorted N-Quads lines grouped by subject: (``"<subject> "``, the lines), in order. The lines
    of a subject are consecutive in sorted order, since no subject term holds a space."""
    for key, group in groupby(sorted_lines, key=lambda line: line[: line.index(" ") + 1]):
        yield key, list(group)


class _TableLines:
    """The N-Quads lines of one table, in three parts: its qb:DataSet, each figure, the years."""

    def __init__(self, table_id: str, stem: str, publisher: str, title: str):
        self.table_id, self.title = table_id, title
        self.graph = _iri(iris.document_graph(stem))
        self.reference = _iri(iris.REFERENCE_GRAPH)
        self.dataset_iri = _iri(iris.entity("dataset", stem))
        self.document = _iri(iris.document(stem))
        self.observation_base = str(iris.entity("observation", ""))
        self.measure_iris: dict[str, str] = {}
        self.unit_iris: dict[str, str] = {}
        self.decimal = f"^^<{XSD.decimal}>"
        self.tail = f" {self.graph} ."
        source = _iri(iris.entity("statistical-source", publisher))
        self.constant = (f" {_P['dataSet']} {self.dataset_iri}{self.tail}", f" {_P['source']} {source}{self.tail}",
                         f" {_P['document']} {self.document}{self.tail}", f" {_TYPE} {_OBSERVATION}{self.tail}")

    def dataset(self) -> list[str]:
        dataset, graph = self.dataset_iri, self.graph
        return [f"{dataset} {_TYPE} {_iri(QB.DataSet)} {graph} .",
                f"{dataset} {_P['structure']} {_iri(MRKG.observationStructure)} {graph} .",
                f"{dataset} {_P['label']} {str(ox.Literal(self.title, language='en'))} {graph} .",
                f"{dataset} {_P['document']} {self.document} {graph} ."]

    def node(self, f: Figure) -> str:
        return f"<{self.observation_base}{observation_path(self.table_id, f)}>"

    def figure(self, f: Figure) -> list[str]:
        node, tail = self.node(f), self.tail
        measure = self.measure_iris.get(f.measure) or self.measure_iris.setdefault(
            f.measure, _iri(iris.entity("measure", f.measure)))
        unit = self.unit_iris.get(f.unit) or self.unit_iris.setdefault(f.unit, _iri(iris.entity("unit", f.unit)))
        lines = [node + suffix for suffix in self.constant]
        lines.append(f"{node} {_P['measure']} {measure}{tail}")
        lines.append(f"{node} {_P['period']} <{iris.BASE}id/period/{f.year}>{tail}")
        if f.area is None:
            lines.append(f"{node} {_P['origin']} {_place(f.origin)}{tail}")
            lines.append(f"{node} {_P['destination']} {_place(f.destination)}{tail}")
            lines.append(f"{node} {_P['corridor']} {_corridor(f.origin, f.destination)}{tail}")
        else:
            lines.append(f"{node} {_P['area']} {_place(f.area)}{tail}")
        lines.append(f'{node} {_P["value"]} "{f.value}"{self.decimal}{tail}')
        lines.append(f"{node} {_P['unit']} {unit}{tail}")
        lines.append(f"{node} {_P['locator']} {_escaped(f.locator)}{tail}")
        return lines

    def periods(self, years: Iterable[int]) -> list[str]:
        lines, reference = [], self.reference
        for year in sorted(years):
            period = _iri(iris.entity("period", str(year)))
            lines.append(f"{period} {_TYPE} {_iri(TIME.ProperInterval)} {reference} .")
            lines.append(f"{period} {_P['label']} {_literal(str(year))} {reference} .")
            start, end = _literal(f"{year}-01-01", _DATE), _literal(f"{year}-12-31", _DATE)
            lines.append(f"{period} {_P['start']} {start} {reference} .")
            lines.append(f"{period} {_P['end']} {end} {reference} .")
        return lines
