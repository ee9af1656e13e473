"""The named queries behind the profile pages (rules, memberships, instrument-figures, observation,
document): expected rows on the curated graph."""

from __future__ import annotations

import pytest

import mrkg
from mrkg.queries.library import QueryError, bind, get

DOC0 = "000_e132173a8f0337db.txt"


def rows(store, name, **params):
    return mrkg.query(name, store=store, **params).values()


def test_rules_cite_the_treatys_own_articles(real_store):
    found = rows(real_store, "rules", agreement="icmw")
    assert [(r["rule_kind"], r["locator"], r["delay_months"], r["first_day_of_next_month"], r["document"])
            for r in found] == [("denunciation takes effect", "Article 89(2)", 12, True, "un-icmw-text"),
                                ("entry into force for a later party", "Article 87(2)", 3, True, "un-icmw-text")]
    assert found[1]["applies_after"] == "after the treaty's entry into force"
    assert found[1]["quote"].startswith("For each State ratifying or acceding to the present Convention")
    assert rows(real_store, "rules", agreement="cu-ces-treaty-1999") == []


def test_memberships_keep_every_period_whatever_the_date(real_store):
    eaeu = rows(real_store, "memberships", organisation="eaeu")
    assert [(r["member"], r["from"]) for r in eaeu] == [("BLR", "2015-01-01"), ("KAZ", "2015-01-01"),
                                                        ("RUS", "2015-01-01"), ("ARM", "2015-01-02"),
                                                        ("KGZ", "2015-08-12")]
    assert all(r["body"] == "eaeu" and r["body_label"] == "Eurasian Economic Union" and r["to"] is None for r in eaeu)
    kaz = rows(real_store, "memberships", country="KAZ")
    assert [(r["body"], r["from"]) for r in kaz] == [("ces", "2012-01-01"), ("cis", None), ("customs-union", None),
                                                     ("eaeu", "2015-01-01")]
    assert kaz[0]["sources"] == f"{DOC0} (Abstract)"


def test_instrument_figures_are_planned_and_reported_with_their_citation(real_store):
    nurly = rows(real_store, "instrument-figures", agreement="nurly-kosh")
    assert len(nurly) == 10
    budget_2009 = {r["funding_source"]: r["value"] for r in nurly
                   if r["measure"] == "programme-budget" and r["period"] == "2009"}
    assert {k: str(v) for k, v in budget_2009.items()} == {"local budgets": "25.8", "national budget": "17551.5",
                                                           "other sources": "7207.2"}
    assert {r["status"] for r in nurly} == {"planned"}
    hotline = rows(real_store, "instrument-figures", agreement="la-strada-hotline")
    assert [(r["measure"], r["status"], r["period"], int(r["value"]), r["observation"]) for r in hotline] == [
        ("hotline-callers", "reported", "2018", 5500, "la-strada-hotline-callers-2018"),
        ("programme-beneficiaries", "reported", "2018", 287, "la-strada-hotline-assisted-2018")]


def test_observation_reads_as_a_citation(real_store):
    [row] = rows(real_store, "observation", id="dyk-net-blr-kaz-2013")
    assert (row["measure"], row["origin"], row["destination"], row["period"], int(row["value"]), row["unit"],
            row["source"], row["document"], row["locator"]) == (
        "net-migration", "BLR", "KAZ", "2013", -953, "persons", "demographic-yearbook-kazakhstan",
        "003_7758bc43b281afd9.txt", "Table 2, row Belarus, column 2013")
    assert row["quote"] == "Belarus\t-953\t-1404\t-430\t-244\t-166"
    assert row["title"].startswith("Affecting International Migration Trends")


def test_document_reads_as_a_citation(real_store):
    [row] = rows(real_store, "document", id="000_e132173a8f0337db")
    assert row["file"] == DOC0
    assert row["title"] == "Migration Flows to and from Belarus within the Context of the Customs Union (policy brief)"
    assert row["sha256"] == "e079900c373b1dc0f1b0f2b33c15c573cbdc90e6273758b72858edbfee709e13"


def test_partner_years_give_the_latest_year_per_measure_and_source(real_store):
    found = rows(real_store, "partner-years", country="KAZ")
    assert ("net-migration", "demographic-yearbook-kazakhstan", 2017) in [(r["measure"], r["source"], r["year"])
                                                                          for r in found]
    net = next(r for r in found if r["measure"] == "net-migration")
    figures = mrkg.query("figures", store=real_store, measure="net-migration", place="KAZ").values()
    # Every figure between KAZ (destination) and a partner country, of that source, counts; none is later.
    counted = [f for f in figures if f["destination"] == "KAZ" and f["source"] == "demographic-yearbook-kazakhstan"
               and f["origin"] is not None and len(f["origin"]) == 3]
    assert net["figures"] == len(counted) and max(f["period_start"].year for f in counted) == net["year"]


@pytest.mark.parametrize("name,value", [("observation", "../etc"), ("observation", "a b"), ("document", "x/y"),
                                        ("document", "<evil>")])
def test_local_names_are_validated(name, value):
    with pytest.raises(QueryError, match="identifier"):
        bind(get(name), {"id": value})
