"""Stages 6-7 of the build (graph/build.py: "figures", "compare"): where sources disagree, found once per
build and published as data.

Comparing every figure with every other one is a whole-graph self-join: on the
1.5-million-triple graph no SPARQL engine here answers it in interactive time
(Oxigraph took minutes). The comparison rules are therefore applied in Python,
over the curated dataset and the statistical tables' figures, and each
disagreement becomes an ``mrkg:Discrepancy`` resource in its own named graph
(``graph/comparisons``) that links the records it compares. The named query
``source-discrepancies`` reads those resources. The rules:

* **same period**: two figures of the same measure, places (origin and
  destination, or area, or instrument with funding source and status) and
  reference period from different sources (the statistical source, or the
  document when none is named), compared in their base unit (US$ millions
  times 1,000,000 against US$), that differ by more than ``TOLERANCE`` of the
  larger value (the tolerance only absorbs float rounding in source files).
* **between**: a migrant stock of one source for a year that another source
  does not cover lies outside the range of that source's stocks for the
  nearest earlier and later years, each at most ``BRACKET_YEARS`` away (World
  Bank-KNOMAD 2017 against UN DESA 2015 and 2019). Stocks change slowly, so
  the bracket is a fair expectation; flows are not compared this way.
* **date**: two sources give dates that cannot both be true (signature, consent,
  entry into force, withdrawal or suspension of one party; the dates of an
  instrument; the start or end of a membership). These are found by the
  consolidation (graph/consolidate.py), which has to decide between the dates
  anyway; dates of different precision that agree (2003 and 2003-06-14) are not
  reported.
* **coded provision**: two versions of a coded dataset (GLOBALCIT citizenship law v1.0
  and v3.1) give different values (the flag, the code or the years of residence, where
  both give it) for the same state, mode and year. Both observations stay in the graph.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.loaders.datasets.figures import observation_path
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

TOLERANCE = Decimal("0.000001")
BRACKET_YEARS = 5
STOCK = str(iris.entity("measure", "migrant-stock"))
COMPARISONS_GRAPH = iris.graph("comparisons")


class Comparable(NamedTuple):
    """A figure reduced to what comparison needs. IRIs are plain strings: 140,000 rdflib terms
    would cost seconds of IRI validation for nothing (they come from iris.py already)."""

    node: str
    measure: str
    places: tuple  # (origin, destination, area, instrument, funding source, status), None where absent
    period: str
    year: int | None  # the calendar year, for a period that is exactly one
    value: Decimal  # in the base unit
    base: str
    source: str
    # As the graph states it, for the discrepancy table (graph/discrepancy_table.py): the value's lexical
    # form and datatype, the unit's and the document's IRIs.
    shown_value: str = ""
    shown_datatype: str = ""
    unit: str = ""
    document: str = ""


@dataclass(frozen=True)
class Discrepancy:
    comparison: str  # "same period", "between", "date" or "coded provision"
    a: str
    b: str  # for "between": the figure at the nearer end of the bracket
    other_end: str | None = None
    difference: Decimal | None = None  # a - b in the base unit (figures only)
    relative: Decimal | None = None  # |a - b| / max(|a|, |b|)
    date_property: str | None = None
    figures: tuple = field(default=(), compare=False, repr=False)  # the Comparables of a, b (and the other end)

    @property
    def node(self) -> URIRef:
        key = "|".join(str(part) for part in (self.comparison, self.a, self.b, self.other_end or "",
                                              self.date_property or ""))
        return iris.entity("discrepancy", hashlib.sha256(key.encode("utf-8")).hexdigest()[:20])


# ---------------------------------------------------------------------------
# Figures to compare
# ---------------------------------------------------------------------------


def _units(dataset: Dataset) -> dict[str, tuple[str, Decimal]]:
    """Each unit's base unit and multiplier (every unit states both, base units included)."""
    return {str(unit): (str(base), Decimal(str(dataset.value(unit, MRKG.unitMultiplier))))
            for unit, base in dataset.subject_objects(MRKG.baseUnit, unique=True)}


def _calendar_year(dataset: Dataset, period: URIRef) -> int | None:
    start, end = dataset.value(period, MRKG.periodStart), dataset.value(period, MRKG.periodEnd)
    if start is None or end is None:
        return None
    start, end = str(start), str(end)
    if start[4:] == "-01-01" and end[4:] == "-12-31" and start[:4] == end[:4]:
        return int(start[:4])
    return None


def _text(term) -> str | None:
    return None if term is None else str(term)


def curated_figures(dataset: Dataset) -> Iterator[Comparable]:
    """The curated observations (``dataset`` reads across its named graphs)."""
    units = _units(dataset)
    for node in sorted(dataset.subjects(RDF.type, QB.Observation, unique=True)):
        value = dataset.value(node, SDMX_MEASURE.obsValue)
        unit = _text(dataset.value(node, SDMX_ATTRIBUTE.unitMeasure))
        if value is None or unit not in units:
            continue
        base, multiplier = units[unit]
        period = dataset.value(node, SDMX_DIMENSION.refPeriod)
        document = dataset.value(node, DCTERMS.source)
        yield Comparable(
            str(node), _text(dataset.value(node, MRKG.measure)),
            tuple(_text(dataset.value(node, p)) for p in (MRKG.origin, MRKG.destination, SDMX_DIMENSION.refArea,
                                                          MRKG.refInstrument, MRKG.fundingSource, MRKG.figureStatus)),
            str(period), _calendar_year(dataset, period), Decimal(str(value)) * multiplier, base,
            _text(dataset.value(node, MRKG.statisticalSource) or document),
            str(value), _text(value.datatype) or "", unit, _text(document) or "")


def table_figures(tables: Iterable, units: dict[str, tuple[str, Decimal]]) -> Iterator[Comparable]:
    """The figures of the statistical tables, with the IRIs their N-Quads give them."""
    place = lru_cache(maxsize=None)(lambda code: None if code is None else str(iris.place(code)))
    observation = str(iris.entity("observation", ""))
    measure, unit_of, period = (str(iris.entity(kind, "")) for kind in ("measure", "unit", "period"))
    decimal = str(XSD.decimal)
    for table in tables:
        source = str(iris.entity("statistical-source", table.publisher))
        document = str(iris.document(table.stem))
        for f in table.figures:
            unit = unit_of + f.unit
            base, multiplier = units[unit]
            yield Comparable(
                observation + observation_path(table.module.ID, f), measure + f.measure,
                (place(f.origin), place(f.destination), place(f.area), None, None, None),
                period + str(f.year), f.year, Decimal(f.value) * multiplier, base, source,
                f.value, decimal, unit, document)


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


def _differ(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) > tolerance * max(abs(a), abs(b))


def _relative(a: Decimal, b: Decimal) -> Decimal:
    """|a - b| relative to the larger magnitude, to 6 decimal places (called only when a != b)."""
    return (abs(a - b) / max(abs(a), abs(b))).quantize(Decimal("0.000001"))


def same_period(figures: Iterable[Comparable], tolerance: Decimal = TOLERANCE) -> Iterator[Discrepancy]:
    groups: dict[tuple, list[Comparable]] = defaultdict(list)
    for figure in figures:
        groups[(figure.measure, figure.places, figure.period, figure.base)].append(figure)
    for group in groups.values():
        if len(group) < 2:
            continue
        for a, b in itertools.combinations(sorted(group, key=lambda f: str(f.node)), 2):
            if a.source != b.source and _differ(a.value, b.value, tolerance):
                yield Discrepancy("same period", a.node, b.node, difference=a.value - b.value,
                                  relative=_relative(a.value, b.value), figures=(a, b))


def between(figures: Iterable[Comparable], tolerance: Decimal = TOLERANCE, measure: str = STOCK,
            years: int = BRACKET_YEARS) -> Iterator[Discrepancy]:
    series: dict[tuple, dict[str, dict[int, Comparable]]] = defaultdict(lambda: defaultdict(dict))
    for f in figures:
        if f.measure == measure and f.year is not None and f.places[0] is not None and f.places[1] is not None:
            series[(f.places, f.base)][f.source][f.year] = f
    for by_source in series.values():
        if len(by_source) < 2:
            continue
        for source_a, source_b in itertools.permutations(sorted(by_source), 2):
            other = by_source[source_b]
            for year, a in sorted(by_source[source_a].items()):
                if year in other:
                    continue
                earlier = [y for y in other if year - years <= y < year]
                later = [y for y in other if year < y <= year + years]
                if not earlier or not later:
                    continue
                b1, b2 = other[max(earlier)], other[min(later)]
                low, high = min(b1.value, b2.value), max(b1.value, b2.value)
                if a.value < low and _differ(a.value, low, tolerance):
                    near, far = (b1, b2) if b1.value == low else (b2, b1)
                elif a.value > high and _differ(a.value, high, tolerance):
                    near, far = (b1, b2) if b1.value == high else (b2, b1)
                else:
                    continue
                yield Discrepancy("between", a.node, near.node, other_end=far.node, difference=a.value - near.value,
                                  relative=_relative(a.value, near.value), figures=(a, near, far))


def all_figures(dataset: Dataset, tables: Iterable = ()) -> list[Comparable]:
    """Every figure of the curated dataset and the tables, reduced to what comparing and ranking need."""
    dataset = Dataset(store=dataset.store, default_union=True)  # the records live in named graphs
    return list(curated_figures(dataset)) + list(table_figures(tables, _units(dataset)))


def discrepancies(dataset: Dataset, tables: Iterable = (), tolerance: Decimal = TOLERANCE,
                  figures: list[Comparable] | None = None) -> list[Discrepancy]:
    """Every disagreement between sources in the curated dataset and the tables, in a stable order;
    ``figures``: those of ``all_figures(dataset, tables)``, where the caller has them already."""
    tables = list(tables)
    if figures is None:
        figures = all_figures(dataset, tables)
    found = [*same_period(figures, tolerance), *between(figures, tolerance), *provision_discrepancies(tables)]
    return sorted(found, key=lambda d: str(d.node))


def provision_discrepancies(tables: Iterable) -> Iterator[Discrepancy]:
    """Provisions of the same state, mode and year whose versions disagree on a value both give;
    record A is the earlier version."""
    groups: dict[tuple, list] = defaultdict(list)
    for table in tables:
        for provision in getattr(table, "provisions", ()):
            groups[(provision.state, provision.mode, provision.year)].append((table.module, provision))
    for group in groups.values():
        ordered = sorted(group, key=lambda item: tuple(int(part) for part in item[1].version.split(".")))
        for (module_a, a), (module_b, b) in itertools.combinations(ordered, 2):
            values_a, values_b = a.values(), b.values()
            if a.version != b.version and any(values_a[k] != values_b[k] for k in values_a.keys() & values_b.keys()):
                yield Discrepancy("coded provision", str(module_a.provision_iri(a)), str(module_b.provision_iri(b)))


def nquads(found: Iterable[Discrepancy]) -> Iterator[str]:
    """N-Quads lines (without newline) of the discrepancies, for the dump."""
    for quad in quads(found):
        yield " ".join(term.n3() for term in quad) + " ."


def quads(found: Iterable[Discrepancy]) -> Iterator[tuple]:
    """The discrepancies as quads of the comparisons graph."""
    graph = COMPARISONS_GRAPH
    for index, d in enumerate(found):
        if index == 0:
            yield graph, RDFS.label, Literal("Disagreements between sources, found by the comparison rules of "
                                             "mrkg build", lang="en"), iris.REFERENCE_GRAPH
        node = d.node
        yield node, RDF.type, MRKG.Discrepancy, graph
        yield node, MRKG.comparison, Literal(d.comparison), graph
        yield node, MRKG.recordA, URIRef(d.a), graph
        yield node, MRKG.recordB, URIRef(d.b), graph
        if d.other_end is not None:
            yield node, MRKG.bracketEnd, URIRef(d.other_end), graph
        if d.difference is not None:
            yield node, MRKG.difference, Literal(_plain(d.difference), datatype=XSD.decimal), graph
            yield node, MRKG.relativeDifference, Literal(_plain(d.relative), datatype=XSD.decimal), graph
        if d.date_property is not None:
            yield node, MRKG.dateProperty, URIRef(d.date_property), graph


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text if text not in ("-0",) else "0"
