"""Third-party statistical tables, loaded whole: one module per kind of table.

A table module has ``ID`` (the prefix of its observations' IRIs), ``FILES``
(the stems of the ``kind: dataset`` entries of documents.yaml it reads) and
``figures(path, stem, places, report)``, an iterator of ``Figure`` tuples
that reads the file as it is: orientation, missing-value marks, multipliers
and rows that are not countries are each module's business, stated in its
docstring. A table of coded values instead of figures (citizenship_law) has
``provisions(path, stem, places, report)`` and ``nquads(provisions, stem, title)``
in place of ``figures``; a table of observations that are not figures (the visa
requirements of ``passport_index``) has ``requirements(path, stem, known_places,
report)`` instead and becomes its own table object (``passport_index.VisaTable``).
To add a table, copy the file into ``sources/datasets/`` with its
SOURCE.txt, list it in documents.yaml, write the module and append it here.

Unlike curated records, figures never become rdflib objects: at about 1.5
million triples that would dominate the build. They are checked here against
the measures and units they use, then written as N-Quads (``figures.nquads``; for the
dump in order, figure by figure: ``figures.sorted_blocks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from mrkg.loaders import Sources, documents, workbooks
from mrkg.loaders.datasets import (citizenship_law, knomad, passport_index, undesa_stock, undesa_totals,
                                   wb_matrices, wdi)
from mrkg.loaders.datasets.figures import Figure, TableReport, by_subject, nquads, sorted_blocks
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.strict import Problems

TABLES = (undesa_stock, undesa_totals, wb_matrices, wdi, knomad, citizenship_law, passport_index)


@dataclass
class Table:
    """The figures (or coded provisions) read from one dataset file, with what was skipped and why."""

    module: object
    stem: str
    file: str
    publisher: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    provisions: list = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.figures) + len(self.provisions)

    @property
    def graph_name(self) -> str:
        """What names the table's named graph (one per file)."""
        return self.stem

    def nquads(self):
        if hasattr(self.module, "provisions"):
            return self.module.nquads(self.provisions, self.stem, self.title)
        return nquads(self.figures, self.module.ID, self.stem, self.publisher, self.title)

    def sorted_nquads(self):
        """The lines of ``nquads``, each once, in order (see figures.sorted_nquads)."""
        return chain.from_iterable(lines for _, lines in self.sorted_blocks())

    def sorted_blocks(self):
        """(``"<subject> "``, sorted lines) subject by subject, in order: a table of figures made as
        they are read (see figures.sorted_blocks); the coded provisions (~68,000 lines) sorted whole."""
        if hasattr(self.module, "provisions"):
            return by_subject(sorted(set(self.nquads())))
        return sorted_blocks(self.figures, self.module.ID, self.stem, self.publisher, self.title)

    def sample_nquads(self, size: int):
        """The N-Quads of the first ``size`` figures or provisions, for the SHACL check."""
        if hasattr(self.module, "provisions"):
            return self.module.nquads(self.provisions[:size], self.stem, self.title)
        return nquads(self.figures[:size], self.module.ID, self.stem, self.publisher, self.title)


def read_tables(sources: Sources, tables=TABLES) -> list[Table]:
    """Read every table whose file is listed in documents.yaml; raise InputError listing all problems."""
    problems = Problems()
    registry = sources.registry
    places = PlaceNames.from_registry(registry)
    listed = {located.record.stem: located.record for located in sources.of(documents)}
    read: list[Table] = []
    for module in tables:
        for stem in module.FILES:
            document = listed.get(stem)
            if document is None:
                continue  # a sources tree without this table (the test fixtures)
            path = sources.root / document.path
            shown = f"sources/{document.path}"
            if not path.is_file():
                problems.add(shown, None, None, None, "file is missing", "the copy listed in documents.yaml")
                continue
            if not workbooks.check_file(path, shown, problems):
                continue
            report = TableReport(shown)
            if hasattr(module, "provisions"):
                provisions = list(module.provisions(path, stem, places, report))
                for line, column, message, expected in report.all_problems():
                    problems.add(shown, line, None, column, message, expected)
                read.append(Table(module, stem, shown, document.publisher, document.title, [],
                                  dict(sorted(report.skipped.items())), provisions))
                continue
            if hasattr(module, "requirements"):
                read.append(_read_requirements(module, path, stem, shown, registry, report, problems))
                continue
            try:
                figures = list(module.figures(path, stem, places, report))
            except workbooks.unreadable_errors() as error:
                if path.suffix.lower() == ".csv":
                    raise  # a CSV is read by our own code: an error there is a bug, not a damaged file
                problems.add(shown, None, None, None, f"the workbook cannot be read ({type(error).__name__}: {error})",
                             workbooks.EXPECTED[path.suffix.lower()] + ", undamaged")
                continue
            _check_figures(figures, registry, report)
            for line, column, message, expected in report.all_problems():
                problems.add(shown, line, None, column, message, expected)
            read.append(Table(module, stem, shown, document.publisher, document.title, figures,
                              dict(sorted(report.skipped.items()))))
    problems.raise_if_any()
    return read


def _read_requirements(module, path: Path, stem: str, shown: str, registry, report: TableReport,
                       problems: Problems):
    """A table of requirements (not figures): read, its problems added to ``problems``."""
    known = {}

    def known_place(place: str) -> bool:
        if place not in known:
            known[place] = registry.has("country", place) or registry.has("area", place)
        return known[place]

    requirements = list(module.requirements(path, stem, known_place, report))
    for line, column, message, expected in report.all_problems():
        problems.add(shown, line, None, column, message, expected)
    return module.VisaTable(stem, shown, requirements, dict(sorted(report.skipped.items())))


def _check_figures(figures: list[Figure], registry, report: TableReport) -> None:
    """Every figure fits its measure (kind, unit, sign), and no cell is read twice."""
    fitting: dict[tuple, str | None] = {}
    seen: set[tuple] = set()
    for figure in figures:
        shape = (figure.measure, figure.unit, figure.area is None)
        if shape not in fitting:
            fitting[shape] = _misfit(registry, *shape)
        if fitting[shape]:
            report.problem(None, None, f"{figure.locator}: {fitting[shape]}", "figures that fit reference/measures.yaml")
            continue
        if figure.value.startswith("-") and registry.detail("measure", figure.measure).non_negative:
            report.problem(None, None, f"{figure.locator}: negative count {figure.value}", "a value >= 0")
        key = (figure.measure, figure.origin, figure.destination, figure.area, figure.year)
        if key in seen:
            report.problem(None, None, f"{figure.locator}: a second figure for the same cell {key}",
                           "one figure per measure, places and year")
        seen.add(key)


def _misfit(registry, measure_id: str, unit: str, bilateral: bool) -> str | None:
    measure = registry.detail("measure", measure_id)
    if measure is None:
        return f"unknown measure {measure_id!r}"
    if unit not in measure.units:
        return f"unit {unit!r} does not fit measure {measure_id!r} (allowed: {', '.join(measure.units)})"
    if (measure.kind == "bilateral") != bilateral or measure.kind == "instrument":
        return f"measure {measure_id!r} is a {measure.kind} measure"
    return None


__all__ = ["TABLES", "Table", "read_tables", "Figure"]
