"""Named queries: expected rows on small fixture graphs, documented facts on the real graph,
engine parity (Oxigraph vs rdflib), parameter errors, injection safety and the CLI.

``tests/fixtures/mini_sources`` is the colleague's tiny sources tree; ``tests/fixtures/query_sources``
is a copy of it with a few records added for queries the mini tree cannot exercise (a binding
agreement a party withdrew from, a national programme of Kazakhstan, a second statistical source
disagreeing with Belstat, and a one-year flow).
"""

from __future__ import annotations

import datetime as dt

import json
from pathlib import Path

import pytest

import mrkg
import mrkg.cli
from mrkg.queries.execute import RdflibEngine, run_named
from mrkg.queries.library import QueryError, bind, get, named_queries

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_SOURCES = FIXTURES / "mini_sources"
QUERY_SOURCES = FIXTURES / "query_sources"

DOC0 = "000_e132173a8f0337db.txt"
DOC3 = "003_7758bc43b281afd9.txt"
ID = "https://w3id.org/mrkg/id/"

ALL_QUERIES = ["agreements-binding", "agreements-of", "parties", "claims", "duplicate-candidates", "members", "flows",
               "source-discrepancies", "timeline", "programmes", "figures", "instrument", "instruments",
               "roles", "zones", "stock", "top-partners", "group-total", "search-index", "rules", "memberships",
               "instrument-figures", "observation", "document", "partner-years", "regime-between",
               "labour-agreements", "citizenship-law", "citizenship-history",
               "visa-requirement", "visa-free", "visa-changes", "visa-free-into"]


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("mini") / "store"
    mrkg.build(sources=MINI_SOURCES, store=store)
    return store


@pytest.fixture(scope="module")
def query_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("query") / "store"
    mrkg.build(sources=QUERY_SOURCES, store=store)
    return store


# real_store (the curated sources) and full_store (with the statistical tables) are in conftest.py.


def rows(store, name, **params):
    return mrkg.query(name, store=store, **params).strings()


def tail(iri):
    return None if iri is None else iri.rsplit("/", 1)[1]


def test_every_named_query_is_covered():
    assert sorted(named_queries()) == sorted(ALL_QUERIES)


# ---------------------------------------------------------------------------
# Expected rows on the mini fixture graph
# ---------------------------------------------------------------------------

CU_TITLE = "Treaty on Customs Union and Common Economic Space"
CIS_PROG = "cis-illegal-migration-programme-2009-2011"
CIS_PROG_TITLE = "Programme of cooperation of the CIS member states in combating illegal migration for 2009-2011"

CU_BLR = {"instrument": "cu-ces-treaty-1999", "title": CU_TITLE, "party": "BLR", "signed": "1999-02-26",
          "in_force": "1999-12-23", "in_force_basis": "recorded", "in_force_on": "in force",
          "consent": "ratification", "consent_date": "1999-11", "sources": f"{DOC0} (Table 1, row 1)"}
CU_KGZ = {"instrument": "cu-ces-treaty-1999", "title": CU_TITLE, "party": "KGZ", "signed": "1999-02-26",
          "in_force": "2000", "in_force_basis": "recorded", "in_force_on": "in force", "consent": None,
          "consent_date": None, "sources": f"{DOC0} (Table 1, row 1, dates printed after the table)"}


class TestAgreementsBinding:
    def test_before_entry_into_force(self, mini_store):
        assert rows(mini_store, "agreements-binding", countries="BLR", on="1999-12-22") == []

    def test_on_entry_into_force(self, mini_store):
        assert rows(mini_store, "agreements-binding", countries="BLR", on="1999-12-23") == [CU_BLR]

    def test_after_entry_into_force(self, mini_store):
        assert rows(mini_store, "agreements-binding", countries="BLR", on="2020-01-01") == [CU_BLR]

    def test_year_only_entry_into_force_is_uncertain_during_the_year(self, mini_store):
        # KGZ: in force "2000" -> uncertain during 2000, certainly bound from 2000-12-31.
        assert rows(mini_store, "agreements-binding", countries="KGZ", on="1999-12-31") == []
        assert rows(mini_store, "agreements-binding", countries="KGZ", on="1999-12-31", uncertain="yes") == []
        assert rows(mini_store, "agreements-binding", countries="KGZ", on="2000-01-01") == []
        assert rows(mini_store, "agreements-binding", countries="BLR,KGZ", on="2000-12-30") == []
        assert rows(mini_store, "agreements-binding", countries="BLR,KGZ", on="2000-12-30", uncertain="yes") == [
            CU_BLR, dict(CU_KGZ, in_force_on="uncertain")]
        assert rows(mini_store, "agreements-binding", countries="KGZ,BLR", on="2000-12-31") == [CU_BLR, CU_KGZ]

    def test_party_without_entry_into_force_is_never_bound(self, mini_store):
        # A non-binding programme and a country with no participation.
        assert rows(mini_store, "agreements-binding", countries="ARM", on="2020-01-01") == []
        assert rows(mini_store, "agreements-binding", countries="BLR,RUS", on="2020-01-01") == []

    def test_withdrawal_makes_party_not_bound(self, query_store):
        blr = {"instrument": "test-withdrawal-agreement-2001", "title": "Test agreement with a withdrawal",
               "party": "BLR", "signed": "2001-03-01", "in_force": "2001-05-01", "in_force_basis": "recorded",
               "in_force_on": "in force", "consent": None, "consent_date": None,
               "sources": f"{DOC0} (Table 1, row 2)"}
        geo = dict(blr, party="GEO")
        assert rows(query_store, "agreements-binding", countries="BLR,GEO", on="2005-06-29") == [blr, geo]
        assert rows(query_store, "agreements-binding", countries="BLR,GEO", on="2005-06-30") == []
        assert rows(query_store, "agreements-binding", countries="GEO", on="2005-06-30") == []
        assert [r["instrument"] for r in rows(query_store, "agreements-binding", countries="BLR",
                                               on="2005-06-30")] == ["cu-ces-treaty-1999",
                                                                     "test-withdrawal-agreement-2001"]


class TestAgreementsOf:
    def test_year_precision_is_uncertain_within_the_year(self, mini_store):
        assert rows(mini_store, "agreements-of", country="KGZ", on="2000-06-01") == [
            {"instrument": "cu-ces-treaty-1999", "title": CU_TITLE, "kind": "international agreement",
             "signed": "1999-02-26", "consent": None, "consent_date": None, "in_force": "2000",
             "in_force_basis": "recorded", "withdrawn": None,
             "status": "uncertain (entry into force: 2000-01-01 to 2000-12-31)", "in_force_on": "uncertain",
             "sources": f"{DOC0} (Table 1, row 1, dates printed after the table)",
             "note": f"{DOC0}: Entry into force known only to the year."}]
        assert rows(mini_store, "agreements-of", country="KGZ", on="1999-12-31")[0]["status"] == "not yet in force"
        assert rows(mini_store, "agreements-of", country="KGZ", on="2000-12-31")[0]["status"] == "in force"

    def test_non_binding_programme(self, mini_store):
        assert rows(mini_store, "agreements-of", country="GEO", on="2009-08-18") == [
            {"instrument": CIS_PROG, "title": CIS_PROG_TITLE, "kind": "programme", "signed": "2008-11-14",
             "consent": None, "consent_date": None, "in_force": None, "in_force_basis": None,
             "withdrawn": "2009-08-18", "status": "non-binding",
             "in_force_on": "not in force", "sources": f"{DOC0} (CIS cooperation, paragraph 2)", "note": None}]

    def test_withdrawn_status(self, query_store):
        def status(on):
            return {r["instrument"]: r["status"] for r in rows(query_store, "agreements-of", country="GEO", on=on)}
        assert status("2005-06-29")["test-withdrawal-agreement-2001"] == "in force"
        assert status("2005-06-30")["test-withdrawal-agreement-2001"] == "withdrawn"
        assert status("2001-04-30")["test-withdrawal-agreement-2001"] == "not yet in force"


def test_parties(mini_store):
    assert rows(mini_store, "parties", agreement="cu-ces-treaty-1999") == [
        {"party": "BLR", "party_label": "Belarus", "signed": "1999-02-26", "consent": "ratification",
         "consent_date": "1999-11", "in_force": "1999-12-23", "in_force_basis": "recorded", "withdrawn": None,
         "suspended": None, "sources": f"{DOC0} (Table 1, row 1)", "note": None},
        {"party": "KGZ", "party_label": "Kyrgyzstan", "signed": "1999-02-26", "consent": None,
         "consent_date": None, "in_force": "2000", "in_force_basis": "recorded", "withdrawn": None,
         "suspended": None, "sources": f"{DOC0} (Table 1, row 1, dates printed after the table)",
         "note": f"{DOC0}: Entry into force known only to the year."},
    ]


def test_parties_with_withdrawal(mini_store):
    assert rows(mini_store, "parties", agreement=CIS_PROG) == [
        {"party": "ARM", "party_label": "Armenia", "signed": "2008-11-14", "consent": None, "consent_date": None,
         "in_force": None, "in_force_basis": None, "withdrawn": None, "suspended": None,
         "sources": f"{DOC0} (CIS cooperation, paragraph 2)", "note": None},
        {"party": "GEO", "party_label": "Georgia", "signed": "2008-11-14", "consent": None, "consent_date": None,
         "in_force": None, "in_force_basis": None, "withdrawn": "2009-08-18", "suspended": None,
         "sources": f"{DOC0} (CIS cooperation, paragraph 2)", "note": None},
    ]


def test_parties_unknown_instrument_is_empty(mini_store):
    assert rows(mini_store, "parties", agreement="no-such-instrument") == []


GEO_CIS = {"member": "GEO", "member_label": "Georgia", "from": "1993-12", "to": "2009-08", "status": "member",
           "sources": f"{DOC0} (CIS cooperation, paragraph 1)"}
BLR_CES = {"member": "BLR", "member_label": "Belarus", "from": "2012-01-01", "to": None, "status": "member",
           "sources": f"{DOC0} (Abstract)"}


class TestMembers:
    def test_day_precision(self, mini_store):
        assert rows(mini_store, "members", organisation="ces", on="2011-12-31") == []
        assert rows(mini_store, "members", organisation="ces", on="2012-01-01") == [BLR_CES]

    def test_month_precision_start_is_uncertain_during_the_month(self, mini_store):
        assert rows(mini_store, "members", organisation="cis", on="1993-11-30") == []
        assert rows(mini_store, "members", organisation="cis", on="1993-12-01") == [dict(GEO_CIS, status="uncertain")]
        assert rows(mini_store, "members", organisation="cis", on="1993-12-30") == [dict(GEO_CIS, status="uncertain")]
        assert rows(mini_store, "members", organisation="cis", on="1993-12-31") == [GEO_CIS]
        assert rows(mini_store, "members", organisation="cis", on="2000-01-01") == [GEO_CIS]

    def test_month_precision_end(self, mini_store):
        # Ended "2009-08": a member in July, perhaps during August, certainly not from its last day.
        assert rows(mini_store, "members", organisation="cis", on="2009-07-31") == [GEO_CIS]
        assert rows(mini_store, "members", organisation="cis", on="2009-08-01") == [dict(GEO_CIS, status="uncertain")]
        assert rows(mini_store, "members", organisation="cis", on="2009-08-31") == []
        assert rows(mini_store, "members", organisation="cis", on="2009-09-01") == []


RUS_BLR_1991 = {"origin": ID + "country/RUS", "destination": ID + "country/BLR",
                "measure": ID + "measure/migration-arrivals", "period": "1991–2011", "value": "710000",
                "unit": "person", "source": ID + "statistical-source/belstat", "document": DOC0,
                "locator": "Migration Flows to and from Belarus within the Context of the Customs Union, paragraph 1",
                "observation": "belstat-arrivals-rus-blr-1991-2011"}
MIA_RUS_BLR_1991 = dict(RUS_BLR_1991, value="700000", source=ID + "statistical-source/mia-belarus",
                        locator="Table 1, row 4", observation="mia-arrivals-rus-blr-1991-2011")
RUS_BLR_2005 = dict(RUS_BLR_1991, period="2005", value="30000", locator="Table 1, row 5",
                    observation="belstat-arrivals-rus-blr-2005")


KGZ_RUS_2005 = {"origin": f"{ID}country/KGZ", "destination": f"{ID}country/RUS",
                "measure": f"{ID}measure/labour-migrants", "period": "2005", "value": "400",
                "unit": "thousand-person", "source": None, "document": DOC0, "locator": "Test table",
                "observation": "test-labour-migrants-kgz-rus-2005"}


class TestFlows:
    def test_without_parameters(self, mini_store):
        # Area and instrument observations are not flows; a bilateral stock (labour migrants) is.
        assert rows(mini_store, "flows") == [KGZ_RUS_2005, RUS_BLR_1991]

    def test_origin_destination(self, mini_store):
        assert rows(mini_store, "flows", origin="RUS", destination="BLR") == [RUS_BLR_1991]
        assert rows(mini_store, "flows", origin="BLR", destination="RUS") == []
        assert rows(mini_store, "flows", measure="migration-arrivals", source="belstat") == [RUS_BLR_1991]
        assert rows(mini_store, "flows", source="mia-belarus") == []

    def test_from_to(self, mini_store):
        assert rows(mini_store, "flows", **{"from": "1991", "to": "2011"}) == [KGZ_RUS_2005, RUS_BLR_1991]
        assert rows(mini_store, "flows", **{"from": "1992"}) == [KGZ_RUS_2005]
        assert rows(mini_store, "flows", **{"to": "2010"}) == [KGZ_RUS_2005]

    def test_from_to_with_several_periods(self, query_store):
        assert rows(query_store, "flows", origin="RUS") == [RUS_BLR_1991, MIA_RUS_BLR_1991, RUS_BLR_2005]
        assert rows(query_store, "flows", **{"from": "2000"}) == [KGZ_RUS_2005, RUS_BLR_2005]
        assert rows(query_store, "flows", **{"to": "2010"}) == [KGZ_RUS_2005, RUS_BLR_2005]
        assert rows(query_store, "flows", **{"from": "1991", "to": "2011"}) == [
            KGZ_RUS_2005, RUS_BLR_1991, MIA_RUS_BLR_1991, RUS_BLR_2005]
        assert rows(query_store, "flows", source="mia-belarus") == [MIA_RUS_BLR_1991]


def test_source_discrepancies(mini_store, query_store):
    assert rows(mini_store, "source-discrepancies") == []
    expected = {"comparison": "same period", "measure": "migration-arrivals", "origin": "RUS", "destination": "BLR",
                "area": None, "period_a": "1991–2011", "value_a": "710000", "unit_a": "person", "source_a": "belstat",
                "document_a": DOC0, "period_b": "1991–2011", "value_b": "700000", "unit_b": "person",
                "source_b": "mia-belarus", "document_b": DOC0, "difference": "10000", "relative": "0.014085"}
    found = [{k: (tail(v) if k in IRI_COLUMNS else v) for k, v in row.items()}
             for row in rows(query_store, "source-discrepancies")]
    assert [row for row in found if row["comparison"] != CODED] == [expected]

    def figures(**params):
        return [row for row in rows(query_store, "source-discrepancies", **params) if row["comparison"] != CODED]
    assert figures(tolerance="0.02") == []
    assert len(figures(tolerance="0.01")) == 1
    assert len(rows(query_store, "source-discrepancies", place="BLR")) == 1
    assert rows(query_store, "source-discrepancies", measure="net-migration") == []
    # The GLOBALCIT excerpts (v1.0 and v3.1, 2020) disagree on KAZ and RUS, as SOURCE.txt lists.
    coded = {(row["area"], row["measure"], row["value_a"], row["value_b"], row["period_a"])
             for row in found if row["comparison"] == CODED}
    assert coded == {("KAZ", "A06b", "0", "3", "2020"), ("KAZ", "L05", "4", "1", "2020"),
                     ("KAZ", "dualcit_comb", "2", "0", "2020"), ("RUS", "A06c", "2", "3", "2020"),
                     ("RUS", "A06d", "1", "0", "2020")}
    assert {row["area"] for row in rows(query_store, "source-discrepancies", place="KAZ")} == {ID + "country/KAZ"}


IRI_COLUMNS = {"measure", "origin", "destination", "area", "source_a", "source_b"}
CODED = "coded provision"


class TestTimeline:
    def test_blr(self, mini_store):
        cu = {"kind": "international agreement", "id": "cu-ces-treaty-1999", "title": CU_TITLE,
              "sources": f"{DOC0} (Table 1, row 1)"}
        law = {"event": "adopted", "kind": "national law", "sources": f"{DOC0} (Test record)"}
        assert rows(mini_store, "timeline", country="BLR") == [
            dict(law, date="1995", id="blr-refugee-law-1995", title="Law of the Republic of Belarus “On Refugees”"),
            dict(law, date="1999", id="blr-refugee-law-amendment-1999", title="Amendment of the law “On Refugees”"),
            dict(cu, date="1999-02-26", event="signed"),
            dict(cu, date="1999-11", event="consented to be bound"),
            dict(cu, date="1999-12-23", event="entered into force"),
            {"date": "2012-01-01", "event": "membership begins", "kind": "organisation", "id": "ces",
             "title": "Common Economic Space", "sources": f"{DOC0} (Abstract)"},
        ]

    def test_geo_month_dates_and_withdrawal(self, mini_store):
        cis = {"kind": "organisation", "id": "cis", "title": "Commonwealth of Independent States",
               "sources": f"{DOC0} (CIS cooperation, paragraph 1)"}
        prog = {"kind": "programme", "id": CIS_PROG, "title": CIS_PROG_TITLE,
                "sources": f"{DOC0} (CIS cooperation, paragraph 2)"}
        assert rows(mini_store, "timeline", country="GEO") == [
            dict(cis, date="1993-12", event="membership begins"),
            dict(prog, date="2008-11-14", event="signed"),
            dict(cis, date="2009-08", event="membership ends"),
            dict(prog, date="2009-08-18", event="withdrew"),
        ]

    def test_national_programme(self, query_store):
        assert rows(query_store, "timeline", country="KAZ") == [
            {"date": "2009-12-01", "event": "adopted", "kind": "programme", "id": "test-kaz-programme-2010",
             "title": "Test programme of Kazakhstan", "sources": f"{DOC0} (Table 1, row 3)"}]


CIS_PROG_ROW = {"programme": CIS_PROG, "title": CIS_PROG_TITLE, "jurisdiction": None, "period": "2009–2011",
                "measure": "programme-budget", "status": "planned", "funding_source": "national budget",
                "figure_period": "2009–2011", "value": "12.5", "unit": "usd-million",
                "sources": f"{DOC0} (CIS cooperation, paragraph 2)"}
KAZ_PROG_ROW = {"programme": "test-kaz-programme-2010", "title": "Test programme of Kazakhstan",
                "jurisdiction": "KAZ", "period": "2010–2012", "measure": "programme-budget", "status": "planned",
                "funding_source": "national budget", "figure_period": "2010–2012", "value": "3.5",
                "unit": "usd-million", "sources": f"{DOC0} (Table 1, row 3)"}


class TestProgrammes:
    def test_without_country(self, mini_store):
        assert rows(mini_store, "programmes") == [CIS_PROG_ROW]

    def test_with_country(self, mini_store, query_store):
        assert rows(mini_store, "programmes", country="KAZ") == []
        assert rows(query_store, "programmes", country="KAZ") == [KAZ_PROG_ROW]
        assert rows(query_store, "programmes", country="BLR") == []
        assert rows(query_store, "programmes") == [CIS_PROG_ROW, KAZ_PROG_ROW]


class TestSearchIndex:
    def names(self, store, kind, identifier):
        return {(r["name"], r["name_type"]) for r in rows(store, "search-index")
                if r["kind"] == kind and r["id"] == identifier}

    def test_every_name_of_an_organisation_in_every_language(self, mini_store):
        assert self.names(mini_store, "organisation", "cis") == {
            ("cis", "identifier"), ("Commonwealth of Independent States", "label"), ("CIS", "alternative label"),
            ("Содружество Независимых Государств", "alternative label")}

    def test_a_country_by_its_codes(self, mini_store):
        assert self.names(mini_store, "country", "KAZ") == {
            ("KAZ", "identifier"), ("KZ", "code"), ("398", "code"), ("Kazakhstan", "label"),
            ("Republic of Kazakhstan", "alternative label")}

    def test_each_row_carries_the_entity_and_its_english_label(self, mini_store):
        found = [r for r in rows(mini_store, "search-index") if r["id"] == "cu-ces-treaty-1999"]
        assert {(r["entity"], r["kind"], r["label"]) for r in found} == {
            (ID + "instrument/cu-ces-treaty-1999", "instrument", CU_TITLE)}
        assert {r["name"] for r in found} == {"cu-ces-treaty-1999", CU_TITLE,
                                              "Договор о Таможенном союзе и Едином экономическом пространстве"}

    def test_kinds_and_a_programme_only_as_a_programme(self, mini_store):
        found = rows(mini_store, "search-index")
        assert {r["kind"] for r in found} == {"country", "organisation", "instrument", "programme", "measure",
                                              "source"}
        assert {r["kind"] for r in found if r["id"] == CIS_PROG} == {"programme"}
        assert {r["id"] for r in found if r["kind"] == "measure"} == {
            "labour-migrants", "migration-arrivals", "programme-budget", "rules-of-stay-violations"}


# ---------------------------------------------------------------------------
# Documented facts on the real graph (document 000 Table 1, document 003 Table 2)
# ---------------------------------------------------------------------------

BLR_KAZ_2020 = {"blr-kaz-legal-status-treaty-1996", "cis-coordinated-migration-policy-decision-2007",
                "cu-ces-treaty-1999", "education-equal-access-agreement-1998",
                "migrant-workers-legal-status-agreement-2010"}


class TestRealGraph:
    # The treaty tables add the trade agreements binding both (from their own documents): the
    # curated answer is the part of the result that cites document 000.

    def test_binding_blr_kaz_2020(self, real_store):
        result = [r for r in rows(real_store, "agreements-binding", countries="BLR,KAZ", on="2020-01-01")
                  if DOC0 in r["sources"]]
        assert {r["instrument"] for r in result} == BLR_KAZ_2020
        for instrument in BLR_KAZ_2020:
            mine = [r for r in result if r["instrument"] == instrument]
            assert {r["party"] for r in mine} == {"BLR", "KAZ"}

    def test_binding_blr_kaz_2000(self, real_store):
        result = rows(real_store, "agreements-binding", countries="BLR,KAZ", on="2000-01-01")
        assert {r["instrument"] for r in result if DOC0 in r["sources"]} == BLR_KAZ_2020 - {
            "cis-coordinated-migration-policy-decision-2007", "migrant-workers-legal-status-agreement-2010"}

    def test_binding_blr_rus_2020(self, real_store):
        result = rows(real_store, "agreements-binding", countries="BLR,RUS", on="2020-01-01")
        instruments = {r["instrument"] for r in result}
        assert "cu-ces-treaty-1999" in instruments  # every reading of Russia's two dates is before 2020
        assert "blr-rus-equal-rights-treaty-1998" in instruments
        assert {r["in_force"] for r in result if r["instrument"] == "blr-rus-equal-rights-treaty-1998"} == {
            "2009-02-04"}

    def test_binding_blr_rus_2010_reads_russias_entry_into_force_as_a_range(self, real_store):
        result = rows(real_store, "agreements-binding", countries="BLR,RUS", on="2010-01-01")
        rus = [r for r in result if r["instrument"] == "cu-ces-treaty-1999" and r["party"] == "RUS"]
        assert [(r["in_force"], r["in_force_on"]) for r in rus] == [("[1999-09-26..2001-07-02]", "in force")]
        assert "deepening-integration-treaty-1996" in {r["instrument"] for r in result}

    def test_binding_blr_rus_2000_is_uncertain_for_the_1999_treaty(self, real_store):
        certain = rows(real_store, "agreements-binding", countries="BLR,RUS", on="2000-01-01")
        assert "cu-ces-treaty-1999" not in {r["instrument"] for r in certain}
        either = rows(real_store, "agreements-binding", countries="BLR,RUS", on="2000-01-01", uncertain="yes")
        assert {(r["party"], r["in_force_on"]) for r in either if r["instrument"] == "cu-ces-treaty-1999"} == {
            ("BLR", "in force"), ("RUS", "uncertain")}

    def test_parties_education_agreement(self, real_store):
        result = rows(real_store, "parties", agreement="education-equal-access-agreement-1998")
        in_force = {r["party"]: r["in_force"] for r in result}
        assert in_force["TJK"] == "2000-02-15"
        assert in_force and all(v == "1999-09-15" for k, v in in_force.items() if k != "TJK")

    def test_flows_blr_kaz_net_migration(self, real_store):
        result = rows(real_store, "flows", origin="BLR", destination="KAZ", measure="net-migration")
        assert [(r["period"], r["value"]) for r in result] == [
            ("2013", "-953"), ("2014", "-1404"), ("2015", "-430"), ("2016", "-244"), ("2017", "-166")]
        assert {tail(r["source"]) for r in result} == {"demographic-yearbook-kazakhstan"}
        assert {tail(r["measure"]) for r in result} == {"net-migration"}
        assert {tail(r["origin"]) for r in result} == {"BLR"}
        assert {tail(r["destination"]) for r in result} == {"KAZ"}

    def test_source_discrepancies_belstat_rosstat(self, real_store):
        pairs = {(tail(r["source_a"]), r["value_a"], tail(r["source_b"]), r["value_b"])
                 for r in rows(real_store, "source-discrepancies")}
        assert {("belstat", "710000", "rosstat", "660000"), ("belstat", "470000", "rosstat", "615000"),
                ("belstat", "240000", "rosstat", "45000")} <= pairs

    def test_timeline_kaz(self, real_store):
        result = rows(real_store, "timeline", country="KAZ")
        dates = [r["date"] for r in result]
        assert dates == sorted(dates)
        assert any(r["id"] == "kaz-law-on-migration-2011" and r["event"] == "adopted"
                   and r["date"] == "2011-07-22" for r in result)

    def test_members_ces(self, real_store):
        assert [r["member"] for r in rows(real_store, "members", organisation="ces", on="2013-01-01")] == [
            "BLR", "KAZ", "RUS"]
        assert rows(real_store, "members", organisation="ces", on="2011-01-01") == []

    def test_programmes_kaz_nurly_kosh(self, real_store):
        result = rows(real_store, "programmes", country="KAZ")
        assert {r["jurisdiction"] for r in result} == {"KAZ"}
        assert any(r["programme"] == "nurly-kosh" and r["status"] == "planned" and r["value"] == "75000"
                   and r["unit"] == "family" for r in result)


# ---------------------------------------------------------------------------
# Expected rows of the format-v2 queries on the query fixture
# ---------------------------------------------------------------------------


def test_figures_by_place_and_year_keeps_qualifier_and_range(query_store):
    result = [{k: tail(v) if k in {"measure", "origin", "destination", "source"} else v for k, v in row.items()}
              for row in rows(query_store, "figures", place="KGZ", year="2005")]
    assert result == [{"measure": "labour-migrants", "origin": "KGZ", "destination": "RUS", "area": None,
                       "instrument": None, "period": "2005", "value": "400", "qualifier": "range",
                       "upper": "450", "unit": "thousand-person", "source": None, "document": DOC0,
                       "locator": "Test table"}]


def test_figures_place_matches_origin_destination_or_area(query_store):
    ids = {(tail(r["measure"]), r["value"]) for r in rows(query_store, "figures", place="BLR")}
    assert ("rules-of-stay-violations", "14500") in ids  # area
    assert ("migration-arrivals", "710000") in ids  # destination
    assert all(tail(r["origin"]) == "BLR" or tail(r["destination"]) == "BLR" or tail(r["area"]) == "BLR"
               for r in rows(query_store, "figures", place="BLR"))


def test_figures_without_parameters_returns_every_observation(query_store):
    assert len(rows(query_store, "figures")) == 7


def test_instrument_lists_links_and_multi_valued_cells(query_store):
    [row] = rows(query_store, "instrument", id="blr-labour-licensing")
    assert row["class"].endswith("#PolicyMeasure") and row["type"] == "scheme"
    assert (row["jurisdiction"], row["part_of"], row["responsible"], row["funded_by"]) == (
        "BLR", CIS_PROG, "mia-belarus", "cis")
    [amendment] = rows(query_store, "instrument", id="blr-refugee-law-amendment-1999")
    assert (amendment["amends"], amendment["date"], amendment["type"]) == ("blr-refugee-law-1995", "1999", "amendment")
    [programme] = rows(query_store, "instrument", id=CIS_PROG)
    assert sorted(programme["policy_areas"].split()) == ["irregular-migration", "migration-policy-coordination"]
    assert (programme["covers"], programme["target_group"], programme["responsible"]) == (
        "ARM", "irregular migrants", "cis-executive-committee")


def test_instruments_filters_combine(query_store):
    assert {r["instrument"] for r in rows(query_store, "instruments", country="BLR", area="asylum")} == {
        "blr-refugee-law-1995"}
    assert {r["instrument"] for r in rows(query_store, "instruments", organisation="cis-executive-committee")} == {
        CIS_PROG}
    # cis funds the licensing measure and adopted the programme; only the measure is a policy measure.
    assert {r["instrument"] for r in rows(query_store, "instruments", organisation="cis", **{"class": "policy-measure"})} == {
        "blr-labour-licensing"}
    # ARM is covered by the programme and a party to it: listed once.
    assert [r["instrument"] for r in rows(query_store, "instruments", country="ARM")] == [CIS_PROG]


def test_instruments_rejects_unknown_area_and_class(query_store):
    with pytest.raises(QueryError, match="not a known policy area"):
        mrkg.query("instruments", store=query_store, area="asylm")
    with pytest.raises(QueryError, match="not a known instrument class"):
        mrkg.query("instruments", store=query_store, **{"class": "treaty"})


def test_roles_and_zones(query_store):
    assert [(tail(r["country"]), r["role"], r["period"], tail(r["scope"])) for r in rows(query_store, "roles")] == [
        ("KAZ", "receiving", "2008", "world"), ("KAZ", "transit", "2008", None)]
    assert [(tail(r["zone"]), r["region_label"]) for r in rows(query_store, "zones", programme=CIS_PROG)] == [
        ("test-north-zone", "Akmola"), ("test-north-zone", "Pavlodar")]


# ---------------------------------------------------------------------------
# Engine parity: Oxigraph vs rdflib
# ---------------------------------------------------------------------------

PARITY = [
    ("stock", {"origin": "RUS", "destination": "BLR"}),
    ("top-partners", {"country": "BLR", "measure": "migration-arrivals", "year": "2005"}),
    ("top-partners", {"country": "RUS", "measure": "migration-arrivals", "year": "1991", "direction": "out",
                      "source": "mia-belarus", "n": "1"}),
    ("group-total", {"measure": "migration-arrivals", "destination": "BLR", "year": "2005", "members": "RUS,KAZ"}),
    ("agreements-binding", {"countries": "BLR,GEO", "on": "2005-06-29"}),
    ("agreements-binding", {"countries": "BLR,KGZ", "on": "2000-12-31"}),
    ("agreements-binding", {"countries": "BLR", "on": "2010-01-01"}),
    ("agreements-of", {"country": "GEO", "on": "2005-06-30"}),
    ("agreements-of", {"country": "KGZ", "on": "2000-06-01"}),
    ("agreements-binding", {"countries": "BLR,KGZ", "on": "2000-06-01", "uncertain": "yes"}),
    ("parties", {"agreement": "cu-ces-treaty-1999"}),
    ("claims", {"agreement": "cu-ces-treaty-1999"}),
    ("claims", {"agreement": "cu-ces-treaty-1999", "party": "KGZ"}),
    ("duplicate-candidates", {}),
    ("parties", {"agreement": CIS_PROG}),
    ("members", {"organisation": "cis", "on": "2000-01-01"}),
    ("members", {"organisation": "ces", "on": "2012-01-01"}),
    ("flows", {}),
    ("flows", {"origin": "RUS", "destination": "BLR", "from": "2000"}),
    ("flows", {"source": "mia-belarus"}),
    ("timeline", {"country": "GEO"}),
    ("timeline", {"country": "KAZ"}),
    ("programmes", {}),
    ("programmes", {"country": "KAZ"}),
    ("figures", {}),
    ("figures", {"place": "RUS", "year": "2005"}),
    ("figures", {"measure": "migration-arrivals", "source": "belstat"}),
    ("figures", {"place": "BLR", "source": "belstat"}),
    ("instrument", {"id": CIS_PROG}),
    ("instrument", {"id": "blr-labour-licensing"}),
    ("instruments", {}),
    ("instruments", {"country": "BLR", "area": "asylum"}),
    ("instruments", {"organisation": "cis", "class": "policy-measure"}),
    ("instruments", {"country": "KAZ"}),
    ("instruments", {"area": "asylum"}),
    ("roles", {}),
    ("roles", {"country": "KAZ"}),
    ("zones", {"programme": CIS_PROG}),
    ("search-index", {}),
    ("rules", {"agreement": "cu-ces-treaty-1999"}),
    ("memberships", {}),
    ("memberships", {"organisation": "cis"}),
    ("memberships", {"country": "KAZ"}),
    ("instrument-figures", {"agreement": CIS_PROG}),
    ("observation", {"id": "belstat-arrivals-rus-blr-1991-2011"}),
    ("document", {"id": "000_e132173a8f0337db"}),
    ("partner-years", {"country": "BLR"}),
    ("partner-years", {"country": "RUS", "direction": "out"}),
    ("regime-between", {"countries": "BLR,KGZ", "on": "2000-12-31"}),
    ("regime-between", {"countries": "GEO,BLR", "on": "2005-06-29"}),
    # the query sources hold no labour agreement: an empty answer here; the parity on the real graph's
    # agreements is in tests/test_labour_agreements.py
    ("labour-agreements", {"country": "RUS"}),
    ("citizenship-law", {"country": "KAZ"}),
    ("citizenship-law", {"country": "RUS", "year": "2020", "all": "yes"}),
    ("citizenship-history", {"country": "RUS", "mode": "A06b"}),
    ("visa-requirement", {"passport": "RUS", "destination": "UKR"}),
    ("visa-free", {"passport": "TJK"}),
    ("visa-free", {"passport": "TJK", "on": "2024-06-01"}),
    ("visa-changes", {"passport": "RUS", "from": "2022-06-01", "to": "2023-06-01"}),
    ("visa-free-into", {"destination": "KAZ", "on": "2024-06-01"}),
]


@pytest.fixture(scope="module")
def rdflib_engine(query_store):
    return RdflibEngine.from_nquads((query_store / "current" / "graph.nq").read_bytes())


def _sorted(values):
    return sorted(values, key=lambda row: json.dumps(row, sort_keys=True))


@pytest.mark.parametrize("name,params", PARITY, ids=[f"{n}-{i}" for i, (n, _) in enumerate(PARITY)])
def test_engine_parity(query_store, rdflib_engine, name, params):
    oxigraph = mrkg.query(name, store=query_store, **params).strings()
    named = get(name)
    baseline = run_named(rdflib_engine, named, bind(named, params)).strings()
    assert _sorted(oxigraph) == _sorted(baseline)


@pytest.fixture(scope="module")
def in_memory(query_store):
    return mrkg.connect(query_store, in_memory=True)


@pytest.mark.parametrize("name,params", [*PARITY, ("source-discrepancies", {})],
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate([*PARITY, ("source-discrepancies", {})])])
def test_the_graph_in_memory_answers_as_the_store_on_disk(query_store, in_memory, name, params):
    on_disk = mrkg.query(name, store=query_store, **params)
    answered = in_memory.query(name, **params)
    assert answered.strings() == on_disk.strings() and answered.kinds == on_disk.kinds
    if params.get("on"):  # the date also goes through the connection's own keyword
        assert in_memory.query(name, **{**params, "on": dt.date.fromisoformat(params["on"])}).strings() \
            == on_disk.strings()


def test_a_connection_runs_sparql_and_refuses_updates(query_store, in_memory):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(in_memory.sparql(text).rows[0]["n"]) == int(mrkg.sparql(text, store=query_store).rows[0]["n"]) > 0
    with pytest.raises(SyntaxError):
        in_memory.sparql("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(ValueError, match="remote SPARQL server"):
        mrkg.connect("http://127.0.0.1:9/sparql", in_memory=True)


def test_parity_covers_every_query_but_discrepancies():
    assert {n for n, _ in PARITY} == set(ALL_QUERIES) - {"source-discrepancies"}


# ---------------------------------------------------------------------------
# Parameter errors and injection
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,params,expected", [
    ("nope", {}, "no named query 'nope'"),
    ("agreements-binding", {"countries": "BLR", "colour": "red"}, "takes no parameter colour"),
    ("agreements-binding", {}, "needs countries="),
    ("agreements-of", {"country": "XYZ"}, "'XYZ' is not an ISO 3166 alpha-3 country code"),
    ("agreements-binding", {"countries": "BLR,XYZ"}, "'XYZ' is not an ISO 3166"),
    ("regime-between", {"countries": "RUS"}, "needs two different country codes"),
    ("regime-between", {"countries": "RUS,rus"}, "needs two different country codes"),
    ("regime-between", {"countries": "RUS,TJK,KAZ"}, "needs two different country codes"),
    ("agreements-binding", {"countries": "BLR", "on": "2020-13-01"}, "2020-13-01"),
    ("flows", {"from": "20x0"}, "is not a year"),
    ("flows", {"to": "99"}, "is not a year"),
])
def test_parameter_errors(mini_store, name, params, expected):
    with pytest.raises(QueryError) as error:
        mrkg.query(name, store=mini_store, **params)
    assert expected in str(error.value)


def test_error_messages_are_helpful(mini_store):
    with pytest.raises(QueryError) as error:
        mrkg.query("nope", store=mini_store)
    assert "agreements-binding" in str(error.value)  # lists the known queries
    with pytest.raises(QueryError) as error:
        mrkg.query("agreements-binding", store=mini_store)
    assert "usage: mrkg query agreements-binding" in str(error.value)


def test_injection_in_countries_is_rejected(mini_store):
    with pytest.raises(QueryError):
        mrkg.query("agreements-binding", countries='BLR,KAZ") } #', store=mini_store)


@pytest.mark.parametrize("value", ['KAZ" } #', "KAZ> } #", "KAZ . ?s ?p ?o"])
def test_injection_in_country_is_rejected(mini_store, value):
    with pytest.raises(QueryError):
        mrkg.query("agreements-of", country=value, store=mini_store)


def test_country_is_bound_as_a_term_not_pasted(mini_store):
    from rdflib import URIRef

    named = get("agreements-of")
    before = named.text
    bindings = bind(named, {"country": "KAZ", "on": "2020-01-01"})
    assert bindings["country"] == URIRef(ID + "country/KAZ")
    mrkg.query("agreements-of", country="KAZ", store=mini_store)
    assert get("agreements-of").text == before
    countries = bind(get("agreements-binding"), {"countries": "kaz, BLR"})["countries"]
    assert str(countries) == " BLR KAZ "


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def test_cli_query_json(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "query", "agreements-binding", "countries=BLR",
                          "on=2020-01-01", "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, None)
    data = json.loads(out)
    assert [c for c in data["columns"] if c in get("agreements-binding").columns] == list(
        get("agreements-binding").columns)
    assert data["rows"][0]["instrument"] == "cu-ces-treaty-1999"


def test_cli_query_sparql_json(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "query", "agreements-binding", "countries=BLR",
                          "on=2020-01-01", "--format", "sparql-json"])
    data = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert data["head"]["vars"] == list(get("agreements-binding").columns)
    assert data["results"]["bindings"][0]["instrument"]["value"] == "cu-ces-treaty-1999"


def test_cli_query_json_real(real_store, capsys):
    code = mrkg.cli.main(["--store", str(real_store), "query", "agreements-binding", "countries=BLR,KAZ",
                          "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert "instrument" in data["columns"]
    assert data["rows"]


def test_cli_query_csv(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "query", "agreements-binding", "countries=BLR,KAZ",
                          "--format", "csv"])
    out = capsys.readouterr().out
    assert code in (0, None)
    header = out.splitlines()[0].split(",")
    # Each date column is followed by its start, end and precision (docs/queries.md).
    assert [c for c in header if c in get("agreements-binding").columns] == list(get("agreements-binding").columns)
    assert header[header.index("signed") + 1:header.index("signed") + 4] == [
        "signed_start", "signed_end", "signed_precision"]


def test_cli_unknown_query(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "query", "nope"])
    captured = capsys.readouterr()
    assert code == 2
    assert "nope" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_cli_list_countries(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "list", "countries"])
    assert code in (0, None)
    assert "BLR" in capsys.readouterr().out


def test_cli_describe(mini_store, capsys):
    code = mrkg.cli.main(["--store", str(mini_store), "describe", "cu-ces-treaty-1999"])
    out = capsys.readouterr().out
    assert code in (0, None)
    assert "cu-ces-treaty-1999" in out
    assert "rows)" in out and "property" in out
    code = mrkg.cli.main(["--store", str(mini_store), "describe", "cu-ces-treaty-1999", "--format", "csv"])
    out = capsys.readouterr().out
    assert code in (0, None)
    assert out.splitlines()[1].startswith("property,value")
    assert CU_TITLE in out


def test_cli_queries(capsys):
    code = mrkg.cli.main(["queries"])
    out = capsys.readouterr().out
    assert code in (0, None)
    for name in ALL_QUERIES:
        assert name in out


@pytest.mark.parametrize("cell,expected", [
    ("KGZ,KAZ,ARM", "ARM,KAZ,KGZ"), ("undp eu", "eu undp"), ("labour, asylum", "asylum, labour"), ("RUS", "RUS")])
def test_a_list_of_codes_comes_in_alphabetical_order(cell, expected):
    from rdflib import Literal

    from mrkg.queries.execute import sorted_codes

    assert sorted_codes(Literal(cell)) == Literal(expected)
    assert sorted_codes(None) is None


def test_group_totals_list_the_members_counted_in_alphabetical_order(full_store):
    result = mrkg.query("group-total", store=full_store, measure="migrant-stock", destination="RUS", year="2019",
                        members="KGZ,KAZ,BLR,ARM").strings()
    assert [row["members_counted"] for row in result] == ["ARM,BLR,KAZ,KGZ"]
