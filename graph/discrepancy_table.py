"""Stage 8 of the build (graph/build.py, "tabulate"): the table of disagreements between figures, written
beside each discrepancy.

``source-discrepancies`` answers one row per discrepancy. Read from the records a discrepancy
links (two figures, their periods, units and documents, and for "between" the figure at the other
end of the range), a row costs about 36 index lookups, and the 6,665 rows of the two figure
comparisons cost 1.4 s on the on-disk store and 0.26 s in memory, most of it walking from record to
record and sorting on IRIs. So the build writes each figure discrepancy's columns on the
discrepancy itself (the measure, the places, each side's period label, value, unit code, source and
document name), and its position in the table's order (``mrkg:tablePosition``): the query reads one
resource per row and sorts on an integer. The values are those of the records, copied by the
stage that compared them; ``tests/test_discrepancy_table.py`` checks the copy against the records on
the whole graph.

Dates and coded provisions (a few dozen rows) are still read from their records by the query.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD

from mrkg.graph.compare import COMPARISONS_GRAPH, Comparable, Discrepancy
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG


class Side(NamedTuple):
    period: Literal | None
    value: Literal
    unit: Literal | None  # the unit's code
    source: URIRef  # the statistical source, or the document where none is named
    document: Literal | None  # the document's identifier (its file name)


class Row(NamedTuple):
    node: URIRef
    comparison: str
    measure: URIRef
    origin: URIRef | None
    destination: URIRef | None
    area: URIRef | None
    a: Side
    b: Side

    @property
    def order(self) -> tuple:
        """The table's order, as the query's ORDER BY would give it (an absent place first), the
        discrepancy's IRI last to break ties."""
        return (self.comparison, str(self.measure), str(self.origin or ""), str(self.destination or ""),
                str(self.area or ""), str(self.a.period or ""), str(self.a.source), str(self.b.source), str(self.node))


def rows(dataset: Dataset, found: Iterable[Discrepancy]) -> list[Row]:
    """The rows of the discrepancies between figures (those that carry their figures), in the table's order."""
    dataset = Dataset(store=dataset.store, default_union=True)  # labels and identifiers live in named graphs

    @lru_cache(maxsize=None)
    def value(node: str, prop: URIRef):
        return dataset.value(URIRef(node), prop)

    def period_label(figure: Comparable) -> Literal | None:
        label = value(figure.period, RDFS.label)
        if label is None and figure.year is not None and figure.period == str(iris.entity("period", str(figure.year))):
            return Literal(str(figure.year))  # a table's year: its label is in the table's lines, not the dataset
        return label

    def side(figure: Comparable, period: Literal | None) -> Side:
        datatype = URIRef(figure.shown_datatype) if figure.shown_datatype and figure.shown_datatype != str(XSD.string) else None
        return Side(period, Literal(figure.shown_value, datatype=datatype),
                    value(figure.unit, DCTERMS.identifier) if figure.unit else None, URIRef(figure.source),
                    value(figure.document, DCTERMS.identifier) if figure.document else None)

    out = []
    for d in found:
        if not d.figures:
            continue
        a, b, *other_end = d.figures
        period_b = period_label(b)
        if other_end:
            period_b = _both(period_b, period_label(other_end[0]))
        out.append(Row(d.node, d.comparison, URIRef(a.measure), *(URIRef(p) if p else None for p in a.places[:3]),
                       side(a, period_label(a)), side(b, period_b)))
    return sorted(out, key=lambda row: row.order)


def _both(near: Literal | None, far: Literal | None) -> Literal | None:
    """The bracket's two years, earlier first ("2015 and 2019")."""
    if near is None or far is None:
        return near if far is None else None
    first, second = sorted((str(near), str(far)))
    return Literal(f"{first} and {second}")


SIDES = {"a": (MRKG.periodLabelA, MRKG.valueA, MRKG.unitCodeA, MRKG.sourceA, MRKG.documentNameA),
         "b": (MRKG.periodLabelB, MRKG.valueB, MRKG.unitCodeB, MRKG.sourceB, MRKG.documentNameB)}


def quads(table: Iterable[Row]) -> Iterator[tuple]:
    graph = COMPARISONS_GRAPH
    for position, row in enumerate(table, start=1):
        node = row.node
        yield node, MRKG.tablePosition, Literal(position), graph
        yield node, MRKG.comparedMeasure, row.measure, graph
        for prop, place in ((MRKG.comparedOrigin, row.origin), (MRKG.comparedDestination, row.destination),
                            (MRKG.comparedArea, row.area)):
            if place is not None:
                yield node, prop, place, graph
        for name, side in (("a", row.a), ("b", row.b)):
            for prop, term in zip(SIDES[name], side):
                if term is not None:
                    yield node, prop, term, graph


def nquads(table: Iterable[Row]) -> Iterator[str]:
    """N-Quads lines (without newline) of the table, for the dump."""
    for quad in quads(table):
        yield " ".join(term.n3() for term in quad) + " ."
