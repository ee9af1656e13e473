"""Published figures of the full statistical tables, through the named queries on the whole graph.

Every expected value was read by hand from the copied file named in the test (row and column given),
and the tests that check a sum or a ranking recompute it from the file as well, so a wrong reading
of the file and a wrong query both show. The graph is built once per session (``full_store``).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

import mrkg

pytestmark = pytest.mark.slow

DATASETS = Path(__file__).resolve().parents[1] / "sources" / "datasets"
UN_FILE = DATASETS / "undesa-ims2019" / "UN_MigrantStockByOriginAndDestination_2019_clean.csv"
WB_FILE = "WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx"
UN_VINTAGE = "2019 revision (POP/DB/MIG/Stock/Rev.2019)"


def rows(store, name, **params):
    return mrkg.query(name, store=store, **params).strings()


def un_row(year: str, destination: str) -> dict[str, str]:
    """One row of the UN DESA matrix as {origin name: cell}."""
    with UN_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Year"] == year and row["Dest"] == destination:
                return row
    raise AssertionError(f"no row {year}, {destination} in {UN_FILE.name}")


def test_un_desa_stock_ukraine_in_russia_2019(full_store):
    # UN_MigrantStockByOriginAndDestination_2019_clean.csv line 1615 (2019, Russian Federation), column Ukraine
    assert un_row("2019", "Russian Federation")["Ukraine"] == "3269248"
    result = [r for r in rows(full_store, "stock", origin="UKR", destination="RUS", year="2019")
              if r["dataset"] == UN_FILE.name]
    assert [(r["value"], r["unit"], r["source"], r["period"], r["vintage"], r["locator"]) for r in result] == [
        ("3269248", "person", "un-desa", "2019", UN_VINTAGE, "line 1615 (2019, Russian Federation), column Ukraine")]


def test_world_bank_stock_kazakhstan_in_russia_2017(full_store):
    # WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx, sheet Bilateral_Migration_2017, row 100 (Kazakhstan:
    # an origin), column Russian Federation (a destination)
    result = [r for r in rows(full_store, "stock", origin="KAZ", destination="RUS", year="2017")
              if r["dataset"] == WB_FILE]
    assert [(r["value"], r["unit"], r["source"], r["vintage"]) for r in result] == [
        ("2562079", "person", "knomad", "2017 (April 2018 version)")]
    reverse = [r for r in rows(full_store, "stock", origin="RUS", destination="KAZ", year="2017")
               if r["dataset"] == WB_FILE]
    assert [r["value"] for r in reverse] != ["2562079"]  # the matrix is not read transposed


def _figures(store, **where):
    query = """
    PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
    PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
    PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
    PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?value ?unit ?origin ?destination ?document WHERE {
      ?obs mrkg:measure <https://w3id.org/mrkg/id/measure/remittances> ;
           sdmx-dimension:refPeriod <https://w3id.org/mrkg/id/period/%(year)s> ;
           mrkg:destination ?destination ; mrkg:origin ?origin ;
           sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure/dcterms:identifier ?unit ;
           dcterms:source/dcterms:identifier ?document .
      FILTER(?destination = <https://w3id.org/mrkg/id/country/%(country)s>)
    }""" % where
    return [{k: (None if v is None else str(v)) for k, v in row.items()}
            for row in mrkg.sparql(query, store=store).strings()]


def test_remittances_to_tajikistan_2022_in_both_units(full_store):
    # remittance-inflows.xlsx row 189 (Tajikistan), column 2022: 5345.546873545998 (US$ million);
    # personal-remittances-received.xls, sheet Data, row 239 (Tajikistan), column 2022: 3200000000 (US$)
    by_document = {r["document"]: (r["value"], r["unit"], r["origin"].rsplit("/", 1)[1])
                   for r in _figures(full_store, year=2022, country="TJK")}
    assert by_document["remittance-inflows.xlsx"] == ("5345.546873545998", "usd-million", "world")
    assert by_document["personal-remittances-received.xls"] == ("3200000000", "usd", "world")


def test_top_partners_of_russia_2019_un_desa(full_store):
    # line 1615 (2019, Russian Federation): the largest origin columns
    row = un_row("2019", "Russian Federation")
    cells = sorted(((int(v), k) for k, v in row.items() if k not in ("Year", "Dest") and v.isdigit()), reverse=True)
    assert cells[:3] == [(3269248, "Ukraine"), (2559711, "Kazakhstan"), (1146535, "Uzbekistan")]
    result = [r for r in rows(full_store, "top-partners", country="RUS", measure="migrant-stock", year="2019", n="5")
              if r["source"].rsplit("/", 1)[1] == "un-desa"]  # top-partners gives the source's IRI
    assert [(r["partner"], r["value"]) for r in result] == [
        ("UKR", "3269248"), ("KAZ", "2559711"), ("UZB", "1146535"), ("AZE", "767159"), ("BLR", "764120")]
    assert [int(v) for v, _ in cells[:5]] == [int(r["value"]) for r in result]
    assert {r["unit"] for r in result} == {"person"}


def test_top_partners_out_of_kazakhstan_2017_world_bank(full_store):
    """direction=out: the partners are destinations; Russia first for Kazakhstan's emigrants (row 100)."""
    result = [r for r in rows(full_store, "top-partners", country="KAZ", measure="migrant-stock", year="2017",
                              direction="out", n="1") if r["dataset"] == WB_FILE]
    assert [(r["partner"], r["value"]) for r in result] == [("RUS", "2562079")]


def test_group_total_in_russia_2019(full_store):
    # line 1615 (2019, Russian Federation), columns Armenia 527163, Belarus 764120, Kazakhstan 2559711,
    # Kyrgyzstan 591211: 4442205
    row = un_row("2019", "Russian Federation")
    members = {"ARM": "Armenia", "BLR": "Belarus", "KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan"}
    assert sum(int(row[name]) for name in members.values()) == 4442205
    result = [r for r in rows(full_store, "group-total", measure="migrant-stock", destination="RUS", year="2019",
                              members="ARM,BLR,KAZ,KGZ") if r["dataset"] == UN_FILE.name]
    assert len(result) == 1
    assert (Decimal(result[0]["total"]), result[0]["unit"], result[0]["counted"]) == (Decimal(4442205), "person", "4")
    assert set(result[0]["members_counted"].split(",")) == set(members)
