"""The comparison rules of graph/compare.py: on hand-made figures, and their published results on the
whole graph (``full_store``) through ``source-discrepancies``, checked against the copied files."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import URIRef

import mrkg
from mrkg.graph import compare
from mrkg.graph.compare import Comparable, between, same_period

STOCK = compare.STOCK
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")  # not rdflib.XSD: pytest probes module-level names
REMITTANCES = "measure/remittances"
KAZ_RUS = ("KAZ", "RUS", None, None, None, None)
WORLD_TJK = ("world", "TJK", None, None, None, None)


def fig(node, value, *, source, year=2017, measure=STOCK, places=KAZ_RUS, base="person", period=None):
    return Comparable(node, measure, places, period or f"period/{year}", year, Decimal(value), base, source)


# ---------------------------------------------------------------------------
# same period
# ---------------------------------------------------------------------------


class TestSamePeriod:
    def test_across_units_in_base_unit(self):
        # KNOMAD prints US$ millions; the figure arrives here already times 1,000,000
        knomad = fig("a-knomad", Decimal("5345.546873545998") * 1_000_000, source="knomad", year=2022,
                     measure=REMITTANCES, places=WORLD_TJK, base="usd")
        wdi = fig("b-wdi", "3200000000", source="wdi", year=2022, measure=REMITTANCES, places=WORLD_TJK, base="usd")
        found = list(same_period([wdi, knomad]))
        assert len(found) == 1
        d = found[0]
        assert (d.comparison, d.a, d.b) == ("same period", "a-knomad", "b-wdi")  # ordered by node
        assert d.difference == Decimal("2145546873.545998")
        assert d.relative == (Decimal("2145546873.545998") / Decimal("5345546873.545998")).quantize(Decimal("0.000001"))

    def test_equal_values_in_different_units_agree(self):
        a = fig("a", Decimal("1.5") * 1_000_000, source="knomad", base="usd", measure=REMITTANCES)
        b = fig("b", "1500000", source="wdi", base="usd", measure=REMITTANCES)
        assert list(same_period([a, b])) == []

    def test_tolerance_absorbs_rounding_only(self):
        a = fig("a", "1000000000", source="un-desa")
        assert list(same_period([a, fig("b", "1000000999", source="knomad")])) == []  # < 1e-6 relative
        assert len(list(same_period([a, fig("b", "1000001001", source="knomad")]))) == 1  # > 1e-6
        assert list(same_period([a, fig("b", "1040000000", source="knomad")], tolerance=Decimal("0.05"))) == []

    def test_same_source_not_compared(self):
        assert list(same_period([fig("a", "100", source="un-desa"), fig("b", "200", source="un-desa")])) == []

    def test_only_the_same_cell_is_compared(self):
        a = fig("a", "100", source="un-desa")
        others = [fig("b", "200", source="knomad", year=2019),  # another period
                  fig("c", "200", source="knomad", places=("RUS", "KAZ", None, None, None, None)),  # reversed
                  fig("d", "200", source="knomad", measure=REMITTANCES),  # another measure
                  fig("e", "200", source="knomad", base="usd")]  # another base unit
        assert list(same_period([a, *others])) == []


# ---------------------------------------------------------------------------
# between
# ---------------------------------------------------------------------------


def un(year, value):
    return fig(f"un/{year}", value, source="un-desa", year=year)


class TestBetween:
    def test_outside_the_bracket_is_reported_against_the_nearer_end(self):
        # the real KAZ -> RUS figures: World Bank 2017 above UN DESA 2015 and 2019
        wb = fig("wb/2017", "2562079", source="knomad")
        found = list(between([wb, un(2015, "2560269"), un(2019, "2559711")]))
        assert len(found) == 1
        d = found[0]
        assert (d.comparison, d.a, d.b, d.other_end) == ("between", "wb/2017", "un/2015", "un/2019")
        assert d.difference == Decimal(1810)

    def test_below_the_bracket(self):
        found = list(between([fig("wb/2017", "90", source="knomad"), un(2015, "100"), un(2019, "120")]))
        assert [(d.b, d.other_end, d.difference) for d in found] == [("un/2015", "un/2019", Decimal(-10))]

    def test_inside_or_on_the_range_not_reported(self):
        for value in ("100", "110", "120"):
            assert list(between([fig("wb/2017", value, source="knomad"), un(2015, "100"), un(2019, "120")])) == []
        # a range given in either order (falling stocks)
        assert list(between([fig("wb/2017", "110", source="knomad"), un(2015, "120"), un(2019, "100")])) == []

    def test_nearest_years_form_the_bracket(self):
        # 2010 would put 2017's 130 inside the range; the nearest earlier year is 2015
        found = list(between([fig("wb/2017", "130", source="knomad"), un(2010, "200"), un(2015, "100"),
                              un(2019, "120")]))
        assert [(d.b, d.other_end) for d in found] == [("un/2019", "un/2015")]

    def test_more_than_five_years_away_not_compared(self):
        assert list(between([fig("wb/2017", "999", source="knomad"), un(2010, "100"), un(2019, "120")])) == []
        assert list(between([fig("wb/2017", "999", source="knomad"), un(2015, "100"), un(2023, "120")])) == []
        assert len(list(between([fig("wb/2017", "999", source="knomad"), un(2012, "100"), un(2022, "120")]))) == 1

    def test_needs_both_ends(self):
        assert list(between([fig("wb/2017", "999", source="knomad"), un(2015, "100")])) == []

    def test_same_source_and_flows_not_compared(self):
        own = [fig("x/2015", "100", source="knomad", year=2015), fig("x/2019", "120", source="knomad", year=2019)]
        assert list(between([fig("wb/2017", "999", source="knomad"), *own])) == []
        flows = [fig(f"f/{y}", v, source=s, year=y, measure=REMITTANCES) for y, v, s in
                 ((2015, "100", "un-desa"), (2017, "999", "knomad"), (2019, "120", "un-desa"))]
        assert list(between(flows)) == []

    def test_area_figures_not_compared(self):
        area = ("world", None, "RUS", None, None, None)
        figures = [fig(f"a/{y}", v, source=s, year=y, places=area) for y, v, s in
                   ((2015, "100", "un-desa"), (2017, "999", "knomad"), (2019, "120", "un-desa"))]
        assert list(between(figures)) == []


# ---------------------------------------------------------------------------
# Published on the whole graph
# ---------------------------------------------------------------------------

DATASETS = Path(__file__).resolve().parents[1] / "sources" / "datasets"
UN_FILE = DATASETS / "undesa-ims2019" / "UN_MigrantStockByOriginAndDestination_2019_clean.csv"


def _last(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("/", 1)[1]


@pytest.mark.slow
def test_tajikistan_2022_wdi_against_knomad(full_store):
    # remittance-inflows.xlsx row 189, column 2022: 5345.546873545998 (US$ million);
    # personal-remittances-received.xls, sheet Data, row 239, column 2022: 3200000000 (US$)
    result = [r for r in mrkg.query("source-discrepancies", store=full_store, measure="remittances",
                                    place="TJK").strings()
              if r["period_a"] == "2022" and {_last(r["source_a"]), _last(r["source_b"])} == {"knomad", "wdi"}]
    assert len(result) == 1, result
    row = result[0]
    assert (row["comparison"], _last(row["destination"]), _last(row["origin"])) == ("same period", "TJK", "world")
    published = {(_last(row["source_a"]), row["unit_a"]): row["value_a"], (_last(row["source_b"]), row["unit_b"]): row["value_b"]}
    assert published == {("knomad", "usd-million"): "5345.546873545998", ("wdi", "usd"): "3200000000"}
    multiplier = {"usd-million": Decimal(1_000_000), "usd": Decimal(1)}
    expected = Decimal(row["value_a"]) * multiplier[row["unit_a"]] - Decimal(row["value_b"]) * multiplier[row["unit_b"]]
    assert Decimal(row["difference"]) == expected
    assert abs(expected) == Decimal("2145546873.545998")
    assert Decimal(row["relative"]) == (abs(expected) / Decimal("5345546873.545998")).quantize(Decimal("0.000001"))


@pytest.mark.slow
def test_kazakhstan_in_russia_world_bank_between_un_desa(full_store):
    # UN_MigrantStockByOriginAndDestination_2019_clean.csv, column Kazakhstan: line 1378 (2015, Russian
    # Federation) 2560269, line 1615 (2019) 2559711; WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx row 100
    # (Kazakhstan), column Russian Federation: 2562079, above both
    with UN_FILE.open(encoding="utf-8", newline="") as handle:
        un = {(r["Year"], r["Dest"]): r["Kazakhstan"] for r in csv.DictReader(handle)}
    assert (un["2015", "Russian Federation"], un["2019", "Russian Federation"]) == ("2560269", "2559711")
    result = [r for r in mrkg.query("source-discrepancies", store=full_store, measure="migrant-stock",
                                    place="KAZ").strings()
              if r["comparison"] == "between" and _last(r["origin"]) == "KAZ" and _last(r["destination"]) == "RUS"]
    assert len(result) == 1, result
    row = result[0]
    assert (row["period_a"], row["value_a"], _last(row["source_a"])) == ("2017", "2562079", "knomad")
    assert (row["period_b"], row["value_b"], _last(row["source_b"])) == ("2015 and 2019", "2560269", "un-desa")
    assert Decimal(row["difference"]) == Decimal(2562079 - 2560269)
