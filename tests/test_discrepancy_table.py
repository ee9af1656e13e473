"""The discrepancy table (graph/discrepancy_table.py): the columns the build writes on each discrepancy
between figures, on hand-made figures and, on the whole graph, against what the compared records state."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS

import mrkg
from mrkg.graph.compare import Comparable, Discrepancy
from mrkg.graph.discrepancy_table import Side, quads, rows
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

FROM_RECORDS = Path(__file__).parent / "fixtures" / "discrepancy-rows-from-records.rq"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
UNIT, DOCUMENT_A, DOCUMENT_B = (str(iris.entity("unit", "person")), str(iris.document("un-desa-stock")),
                                str(iris.document("knomad-stock")))
UN, KNOMAD = (str(iris.entity("statistical-source", s)) for s in ("un-desa", "knomad"))
PLACE = {code: str(iris.place(code)) for code in ("KAZ", "RUS", "UZB")}


def figure(node, year, value, source, document, origin="KAZ", destination="RUS"):
    return Comparable(node, "https://w3id.org/mrkg/id/measure/migrant-stock",
                      (PLACE[origin], PLACE[destination], None, None, None, None),
                      str(iris.entity("period", str(year))), year, Decimal(value), "person", source,
                      value, DECIMAL, UNIT, document)


@pytest.fixture
def described():
    """What the curated dataset says of the unit and the documents (the years' labels are the tables')."""
    data = Dataset()
    graph = data.graph(URIRef("https://example.org/g"))
    graph.add((URIRef(UNIT), DCTERMS.identifier, Literal("person")))
    graph.add((URIRef(DOCUMENT_A), DCTERMS.identifier, Literal("un.csv")))
    graph.add((URIRef(DOCUMENT_B), DCTERMS.identifier, Literal("knomad.xlsx")))
    return data


def between(a, near, far):
    return Discrepancy("between", a.node, near.node, other_end=far.node, difference=a.value - near.value,
                       relative=Decimal("0.1"), figures=(a, near, far))


def test_a_between_row_names_both_ends_of_the_range_earlier_first(described):
    a = figure("https://example.org/kn2017", 2017, "120", KNOMAD, DOCUMENT_B)
    near = figure("https://example.org/un2019", 2019, "100", UN, DOCUMENT_A)
    far = figure("https://example.org/un2015", 2015, "90", UN, DOCUMENT_A)
    [row] = rows(described, [between(a, near, far)])
    assert (row.comparison, row.measure, row.origin, row.destination, row.area) == (
        "between", URIRef(a.measure), URIRef(PLACE["KAZ"]), URIRef(PLACE["RUS"]), None)
    assert row.a == Side(Literal("2017"), Literal("120", datatype=URIRef(DECIMAL)), Literal("person"),
                         URIRef(KNOMAD), Literal("knomad.xlsx"))
    # record B is the nearer end (2019); the label gives the range
    assert row.b == Side(Literal("2015 and 2019"), Literal("100", datatype=URIRef(DECIMAL)), Literal("person"),
                         URIRef(UN), Literal("un.csv"))


def test_rows_come_in_the_tables_order_and_carry_their_position(described):
    def pair(node, origin, year):
        a = figure(node + "-a", year, "10", KNOMAD, DOCUMENT_B, origin=origin)
        b = figure(node + "-b", year, "20", UN, DOCUMENT_A, origin=origin)
        return Discrepancy("same period", a.node, b.node, difference=Decimal(-10), relative=Decimal("0.5"),
                           figures=(a, b))

    found = [pair("https://example.org/uzb", "UZB", 2015), pair("https://example.org/kaz17", "KAZ", 2017),
             pair("https://example.org/kaz15", "KAZ", 2015),
             Discrepancy("date", "https://example.org/r1", "https://example.org/r2", date_property=str(RDFS.label))]
    table = rows(described, found)
    # by origin, then period; the date (no figures) is not the table's
    assert [(row.origin.rsplit("/", 1)[1], str(row.a.period)) for row in table] == [
        ("KAZ", "2015"), ("KAZ", "2017"), ("UZB", "2015")]
    positions = {s: o for s, p, o, _ in quads(table) if p == MRKG.tablePosition}
    assert [positions[row.node].toPython() for row in table] == [1, 2, 3]


def test_a_figure_whose_identifiers_are_unknown_gets_no_such_column(described):
    a = figure("https://example.org/a", 2017, "1", KNOMAD, "https://example.org/undescribed-document")
    b = figure("https://example.org/b", 2017, "2", UN, DOCUMENT_A)
    [row] = rows(described, [Discrepancy("same period", a.node, b.node, difference=Decimal(-1),
                                         relative=Decimal("0.5"), figures=(a, b))])
    assert row.a.document is None and row.b.document == Literal("un.csv")
    written = {p for s, p, o, _ in quads([row])}
    assert MRKG.documentNameB in written and MRKG.documentNameA not in written


def _key(row: dict) -> tuple:
    return tuple(str(row[c] or "") for c in ("comparison", "measure", "origin", "destination", "area",
                                             "period_a", "source_a", "source_b"))


@pytest.mark.slow
def test_every_figure_row_is_what_its_records_state(full_store):
    columns = ("comparison", "measure", "origin", "destination", "area", "period_a", "value_a", "unit_a",
               "source_a", "document_a", "period_b", "value_b", "unit_b", "source_b", "document_b",
               "difference", "relative")
    from_records = mrkg.sparql(FROM_RECORDS.read_text(encoding="utf-8"), store=full_store).rows
    table = [row for row in mrkg.query("source-discrepancies", store=full_store).rows
             if str(row["comparison"]) in ("same period", "between")]
    assert len(from_records) > 6000
    assert sorted(tuple(map(str, (row[c] for c in columns))) for row in table) == \
        sorted(tuple(map(str, (row[c] for c in columns))) for row in from_records)
    # and in the order the query's ORDER BY keys give (an absent place first)
    assert [_key(row) for row in table] == sorted(_key(row) for row in table)
