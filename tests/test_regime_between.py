"""regime-between on the real graph: one answer for a pair of states on a date, every part as the
dedicated named queries give it (agreements-binding, labour-agreements, visa-requirement, stock),
each row citing its source."""

from __future__ import annotations

import pytest

import mrkg

RUS_TJK_AGREEMENTS = {"cis-coordinated-migration-policy-decision-2007", "cu-ces-treaty-1999",
                      "deepening-integration-treaty-1996", "education-equal-access-agreement-1998",
                      "huggo-ciscam-1998o", "huggo-cmmnis-2011o", "huggo-rus-tjk-rss-1992o"}


def _rows(store, **params):
    return mrkg.query("regime-between", store=store, **params).strings()


def _of(rows, aspect):
    return [row for row in rows if row["aspect"] == aspect]


@pytest.fixture(scope="module")
def rus_tjk_2024(full_store):
    return _rows(full_store, countries="RUS,TJK", on="2024-01-01")


def test_the_pair_in_either_order_gives_the_same_answer(full_store, rus_tjk_2024):
    assert _rows(full_store, countries="TJK,RUS", on="2024-01-01") == rus_tjk_2024


def test_agreements_in_force_for_both_one_row_per_country(rus_tjk_2024):
    for country, partner in (("RUS", "TJK"), ("TJK", "RUS")):
        rows = [row for row in _of(rus_tjk_2024, "agreement") if row["country"] == country]
        assert {row["item"] for row in rows} == RUS_TJK_AGREEMENTS
        assert {row["partner"] for row in rows} == {partner}
    tjk_cu = [row for row in _of(rus_tjk_2024, "agreement")
              if row["country"] == "TJK" and row["item"] == "cu-ces-treaty-1999"]
    assert [row["date"] for row in tjk_cu] == ["1999-12-23"]


def test_agreements_match_agreements_binding(full_store, rus_tjk_2024):
    binding = mrkg.query("agreements-binding", store=full_store, countries="RUS,TJK", on="2024-01-01").strings()
    labour = {row["instrument"] for row in mrkg.query("labour-agreements", store=full_store,
                                                      country="RUS", partner="TJK").strings()}
    assert ({(row["instrument"], row["party"], row["in_force"]) for row in binding if row["instrument"] not in labour}
            == {(row["item"], row["country"], row["date"]) for row in _of(rus_tjk_2024, "agreement")})


def test_labour_agreements_with_their_status_on_the_date(rus_tjk_2024):
    rows = _of(rus_tjk_2024, "labour agreement")
    assert sorted((row["country"], row["item"], row["date"]) for row in rows) == [
        ("RUS", "bla-1222", "2006-01-16"), ("RUS", "bla-1223", "2014-04-21"),
        ("TJK", "bla-1222", "2006-01-16"), ("TJK", "bla-1223", "2014-04-21")]
    assert all(row["label"].endswith("(entry into force; on the date: in force)") for row in rows)
    assert all("BLAs_Formation_Data.dta (treatyID 122" in row["source"] for row in rows)


def test_visa_both_ways_on_the_latest_snapshot_before_the_date(rus_tjk_2024):
    rows = {(row["country"], row["partner"]): row for row in _of(rus_tjk_2024, "visa")}
    assert set(rows) == {("RUS", "TJK"), ("TJK", "RUS")}
    assert {key: (row["item"], row["date"], row["value"], row["unit"]) for key, row in rows.items()} == {
        ("RUS", "TJK"): ("visa-free", "2023-01-11", None, None),
        ("TJK", "RUS"): ("visa-free", "2023-01-11", "90", "days")}
    assert rows[("TJK", "RUS")]["source"] == "passport-index-tidy-iso3-2023-01-11.csv"


def test_visa_follows_the_date(full_store):
    covid = _of(_rows(full_store, countries="RUS,TJK", on="2021-06-01"), "visa")
    assert {(row["country"], row["item"], row["date"]) for row in covid} == {
        ("RUS", "visa-free", "2021-01-25"), ("TJK", "covid-ban", "2021-01-25")}
    assert _of(_rows(full_store, countries="RUS,TJK", on="2015-01-01"), "visa") == []


def test_latest_migrant_stock_per_source_both_ways(full_store, rus_tjk_2024):
    rows = {(row["country"], row["source"].split(":")[0], row["date"], row["value"])
            for row in _of(rus_tjk_2024, "migrant stock")}
    assert rows == {("RUS", "knomad", "2017", "241702"), ("RUS", "un-desa", "2019", "233297"),
                    ("TJK", "knomad", "2017", "466837"), ("TJK", "un-desa", "2019", "466399")}
    earlier = {(row["country"], row["date"], row["value"])
               for row in _of(_rows(full_store, countries="RUS,TJK", on="2016-06-30"), "migrant stock")}
    assert earlier == {("RUS", "2015", "234154"), ("TJK", "2015", "466508")}


def test_every_row_cites_its_source(rus_tjk_2024):
    assert rus_tjk_2024 and all(row["source"] for row in rus_tjk_2024)
    assert {row["aspect"] for row in rus_tjk_2024} == {"agreement", "labour agreement", "visa", "migrant stock"}


def test_a_labour_agreement_not_yet_in_force_is_listed_any_other_is_not(full_store):
    rows = _rows(full_store, countries="RUS,TJK", on="2010-01-01")
    labour = {(row["country"], row["item"]): row["label"] for row in _of(rows, "labour agreement")}
    assert set(labour) == {("RUS", "bla-1222"), ("RUS", "bla-1223"), ("TJK", "bla-1222"), ("TJK", "bla-1223")}
    assert labour[("RUS", "bla-1223")].endswith("(entry into force; on the date: not in force)")
    assert labour[("RUS", "bla-1222")].endswith("(entry into force; on the date: in force)")
    # huggo-cmmnis-2011o binds both from 2011 (it is listed in 2024): not an agreement of 2010.
    assert {row["item"] for row in _of(rows, "agreement")} == RUS_TJK_AGREEMENTS - {"huggo-cmmnis-2011o"}
