"""The bilateral labour agreements (Chilton & Woda): date repairs, the USSR reading, the kind, strict
reading of the Stata files, the match table's ``bla`` key, and facts of the real files through the
named queries (``labour-agreements``, and the existing agreement queries that must show them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, SKOS

import mrkg
from mrkg.queries.execute import RdflibEngine, run_named
from mrkg.queries.library import bind, get
from mrkg.loaders import labour_agreements as la
from mrkg.loaders import read_sources
from mrkg.loaders.strict import InputError
from mrkg.loaders.types import PartialDate
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCES = Path(__file__).resolve().parents[1] / "sources"
REAL = SOURCES / "datasets" / "bilateral-labour-agreements"
TODAY = dt.date(2026, 1, 1)


def row(year, datesigned="", ratified=""):
    return {"year": year, "datesigned": datesigned, "ratified": ratified}


# ---------------------------------------------------------------------------
# Date repairs, each said on the record
# ---------------------------------------------------------------------------


def test_month_first_with_stray_spaces():
    dates = la.read_dates(row(1947, " 5/19/1947", "5/19/1947 "), TODAY)
    assert (dates.signed.text, dates.in_force.text, dates.repairs) == ("1947-05-19", "1947-05-19", [])


def test_an_impossible_year_is_left_out_and_the_year_column_gives_the_year():
    dates = la.read_dates(row(2007, "  5/2/2997"), TODAY)  # treatyID 659, Azerbaijan-Belarus
    assert dates.signed == PartialDate("2007")  # the year only: the day and month are not guessed
    assert dates.repairs == ["datesigned '5/2/2997' has an impossible year (2997) and is left out; the signature "
                             "is the year column's 2007 (the day and month are not kept: which digit is wrong is "
                             "not known)"]


def test_an_impossible_year_without_a_year_column_leaves_no_signature():
    dates = la.read_dates(row(9999, "5/2/2997"), TODAY)
    assert dates.signed is None and "no signature date is known" in dates.repairs[0]


def test_no_date_signed_takes_the_year_column():
    dates = la.read_dates(row(1990), TODAY)
    assert dates.signed == PartialDate("1990")
    assert dates.repairs == ["datesigned is empty; the signature is the year column's 1990"]


def test_year_9999_is_unknown():
    dates = la.read_dates(row(9999), TODAY)
    assert dates.signed is None
    assert dates.repairs == ["datesigned is empty and year is 9999 (unknown): no signature date is known"]


def test_ratified_before_signed_is_left_out():
    dates = la.read_dates(row(1978, "2/14/1978", "10/12/1968"), TODAY)  # treatyID 131, Argentina-Bolivia
    assert dates.signed == PartialDate("1978-02-14") and dates.in_force is None
    assert dates.repairs == ["ratified '10/12/1968' is before the signature 1978-02-14 and is left out (what the "
                             "date is, is not known)"]


def test_a_date_whose_year_differs_from_the_year_column_is_kept_with_a_note():
    dates = la.read_dates(row(2009, "4/12/2011"), TODAY)  # treatyID 612, Italy-Albania
    assert dates.signed == PartialDate("2011-04-12")
    assert dates.repairs == ["datesigned '4/12/2011' and the year column (2009) disagree; the full date is kept"]


@pytest.mark.parametrize("cells, column", [
    (row(1951, "1/26/1951, 4/24/1951"), "datesigned"),  # treatyID 77: two dates in one cell
    (row(2007, "5/29/2007", "5/29/2007 or sooner"), "ratified"),  # treatyID 722
    (row(2000, "2/30/2000"), "datesigned"),
])
def test_any_other_cell_is_an_error_naming_its_column(cells, column):
    with pytest.raises(la.DateCellError) as error:
        la.read_dates(cells, TODAY)
    assert error.value.args[0] == column


# ---------------------------------------------------------------------------
# The USSR, the kind
# ---------------------------------------------------------------------------

END = PartialDate("1991-12-26")


@pytest.mark.parametrize("state, signed, party", [
    ("RUS", "1991-07-09", "SUN"),  # treatyID 911, Belgium: before the USSR's end
    ("RUS", "1992-03-24", "RUS"),  # treatyID 647, Finland
    ("RUS", "1991", "RUS"),  # a year that may end after 26 December 1991: not certainly the USSR's
    ("EST", "1990", "EST"),  # only Russia stands for the USSR
    ("RUS", None, "RUS"),
])
def test_russia_before_the_end_of_the_ussr_is_the_ussr(state, signed, party):
    found, note = la.soviet_reading(state, PartialDate(signed) if signed else None, END)
    assert found == party and (note is not None) == (party == "SUN")


@pytest.mark.parametrize("title, kind", [
    ("Agreement Between the Government of the Russian Federation and ...", "agreement"),
    ("Protocol on Amending the Agreement between ...", "protocol"),
    ("Implementation Protocol of the Agreement Between ...", "protocol"),
    ("Migration Agreement between the Republic of Argentina and Ukraine", "agreement"),
    ("AGREEMENT BETWEEN THE GOVERNMENT OF THE ARGENTINE REPUBLlC ...", "agreement"),
    ("Arrangement on a Working Holiday Scheme ...", "arrangement"),
    ("Treaty Between the Government of the Republic of Finland ...", "treaty"),
    (None, "agreement"),  # no title: the dataset's own category
    ("Exchange of notes on seasonal workers", None),
])
def test_kind_from_the_title(title, kind):
    assert la.kind_of(title) == kind


# ---------------------------------------------------------------------------
# Strict reading of the Stata files (on a copy of the fixture tree)
# ---------------------------------------------------------------------------


def tree_with(tmp_path, change) -> Path:
    tree = tmp_path / "sources"
    shutil.copytree(FIXTURES / "treaty_sources", tree)
    path = tree / "datasets" / "bilateral-labour-agreements" / "BLAs_Formation_Data.dta"
    change(path)
    documents = tree / "documents.yaml"
    old = hashlib.sha256((FIXTURES / "treaty_sources" / path.relative_to(tree)).read_bytes()).hexdigest()
    documents.write_text(documents.read_text(encoding="utf-8").replace(
        old, hashlib.sha256(path.read_bytes()).hexdigest()), encoding="utf-8")
    return tree


def problems_of(tree: Path) -> list[str]:
    with pytest.raises(InputError) as error:
        read_sources(tree)
    return [str(problem) for problem in error.value.problems]


def test_a_file_that_is_not_stata_is_one_clear_error(tmp_path):
    tree = tree_with(tmp_path, lambda path: path.write_text("treatyID,countryA\n1,Russia\n"))
    found = problems_of(tree)
    assert any("BLAs_Formation_Data.dta" in p and "is not a Stata 118 file" in p for p in found), found


def test_a_missing_column_is_one_clear_error(tmp_path):
    def drop_ratified(path):
        frame = pd.read_stata(path)
        frame.drop(columns=["ratified"]).to_stata(path, write_index=False, version=118)

    found = problems_of(tree_with(tmp_path, drop_ratified))
    assert any("BLAs_Formation_Data.dta" in p and "missing ['ratified']" in p for p in found), found


def test_a_bad_date_names_file_row_treaty_and_column(tmp_path):
    def two_dates(path):
        frame = pd.read_stata(path)
        frame.loc[frame.treatyID == 1222, "datesigned"] = "10/16/2004, 10/17/2004"
        frame.to_stata(path, write_index=False, version=118)

    found = problems_of(tree_with(tmp_path, two_dates))
    assert any("BLAs_Formation_Data.dta" in p and "treatyID 1222" in p and "datesigned" in p
               and "'10/16/2004, 10/17/2004' is not a date" in p for p in found), found


def test_a_name_and_a_cow_code_of_different_states_is_an_error(tmp_path):
    def wrong_code(path):
        frame = pd.read_stata(path)
        frame.loc[frame.treatyID == 1224, "codeB"] = 702  # Tajikistan's code beside "Kyrgyzstan"
        frame.to_stata(path, write_index=False, version=118)

    found = problems_of(tree_with(tmp_path, wrong_code))
    assert any("treatyID 1224" in p and "resolves to KGZ, but its COW code 702 is TJK" in p for p in found), found


# ---------------------------------------------------------------------------
# The match table's bla key
# ---------------------------------------------------------------------------


def with_match(tmp_path, entry: str) -> Path:
    tree = tmp_path / "sources"
    shutil.copytree(FIXTURES / "treaty_sources", tree)
    matches = tree / "curated" / "matches.yaml"
    matches.write_text(matches.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")
    return tree


MATCH_1224 = ("  - bla: 1224\n    instrument: cu-ces-treaty-1999\n"
              "    reason: test of the mechanics only (the real match table does not make this match)\n")


def test_a_row_matched_to_a_curated_instrument_adds_its_records_to_it(tmp_path):
    sources = read_sources(with_match(tmp_path, MATCH_1224))
    matched = {located.record.treaty_id: located for located in sources.of(la)
               if isinstance(located.record, la.LabourAgreement)}[1224]
    assert matched.record.instrument == "cu-ces-treaty-1999" and not matched.record.describes
    assert not sources.registry.has("instrument", "bla-1224")
    triples = {t[:3] for t in la.triples(matched)}
    node = iris.instrument("cu-ces-treaty-1999")
    assert (node, SKOS.notation, Literal("BLA 1224")) in triples
    assert not [t for t in triples if t[0] == node and t[1] in (MRKG.instrumentType, DCTERMS.identifier)]
    record = iris.instrument_record("cu-ces-treaty-1999", la.FORMATION)
    assert (record, MRKG.recordOf, node) in triples


def test_a_matched_row_whose_dates_disagree_is_a_published_discrepancy(tmp_path):
    store = tmp_path / "store"
    mrkg.build(sources=with_match(tmp_path, MATCH_1224), store=store, tables=False)
    rows = mrkg.query("claims", store=store, agreement="cu-ces-treaty-1999", party="KGZ").strings()
    by_document = {r["document"]: r for r in rows}
    assert by_document["BLAs_Formation_Data.dta"]["signed"] == "1996-03-28"
    assert by_document["BLAs_Formation_Data.dta"]["disputed"]  # 1996-03-28 against the curated 1999-02-26
    discrepancies = mrkg.query("source-discrepancies", store=store).strings()
    assert any("1996-03-28" in " ".join(str(v) for v in r.values()) for r in discrepancies)


def test_a_match_naming_a_row_not_loaded_is_an_error(tmp_path):
    found = problems_of(with_match(tmp_path, "  - bla: 1\n    instrument: cu-ces-treaty-1999\n"
                                              "    reason: the United States and Canada, out of scope\n"))
    assert any("matches.yaml" in p and "BLA 1" in p and "not the treatyID of a loaded row" in p for p in found), found


# ---------------------------------------------------------------------------
# The real files
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_sources():
    return read_sources()


def agreements(sources):
    return {located.record.treaty_id: located.record for located in sources.of(la)
            if isinstance(located.record, la.LabourAgreement)}


def test_scope_is_the_73_rows_with_a_former_soviet_republic(real_sources):
    loaded = agreements(real_sources)
    assert len(loaded) == 73  # SOURCE.txt: "73 formation rows involve at least one of the 15 states"
    frame = pd.read_stata(REAL / "BLAs_Formation_Data.dta")
    independent = set(frame[frame.codeA.isin(la.COW_CODES) | frame.codeB.isin(la.COW_CODES)].treatyID)
    assert set(loaded) == independent
    skipped = real_sources.registry.detail(la.SKIPPED, "sources/datasets/bilateral-labour-agreements/"
                                                       "BLAs_Formation_Data.dta")
    assert skipped.counts == {"rows without a former Soviet republic (out of scope)": 1222 - 73}


def test_the_soviet_rows_are_the_ussrs(real_sources):
    loaded = agreements(real_sources)
    soviet = sorted(i for i, r in loaded.items() if "SUN" in {p.party for p in r.parties})
    assert soviet == [558, 646, 911]  # the three rows SOURCE.txt names as Soviet agreements
    assert {p.party for p in loaded[647].parties} == {"FIN", "RUS"}  # 24 March 1992: Russia


def test_real_repairs(real_sources):
    loaded = agreements(real_sources)
    assert loaded[659].signed == PartialDate("2007") and "5/2/2997" in loaded[659].note
    noted = sorted(i for i, r in loaded.items() if r.note and "datesigned" in r.note)
    assert noted == [463, 464, 506, 598, 605, 648, 649, 659, 1180]


def rows(store, name, **params):
    """The answer as strings, an entity column (the partner) as its code."""
    return [{k: (v.rsplit("/", 1)[1] if k == "partner" and v else v) for k, v in row.items()}
            for row in mrkg.query(name, store=store, **params).strings()]


def test_russia_tajikistan(real_store):
    found = rows(real_store, "labour-agreements", country="RUS", partner="TJK")
    assert [(r["instrument"], r["partner"], r["kind"], r["signed"], r["in_force"]) for r in found] == [
        ("bla-1222", "TJK", "agreement", "2004-10-16", "2006-01-16"),
        ("bla-1223", "TJK", "protocol", "2013-10-29", "2014-04-21"),
    ]
    first = found[0]
    assert first["title"].startswith("Agreement Between the Government of the Russian Federation and the "
                                     "Government of the Republic of Tajikistan on Employment")
    # SOURCE.txt: 1222 RUS-TJK 2004: prot_equal 1, social_security 1, remittances 1, perm_resid 0, quota 0
    provisions = first["provisions"].split("; ")
    for label in ("(9) Equal Treatment and Non-Discrimination of Migrant Workers",
                  "(15) Social Protection and Health-Care Benefits", "(19) Transfer of Savings and Remittances"):
        assert label in provisions
    assert "(20c) Pathway to Legal Permanent Residence" not in provisions and "BLA specifies quota" not in provisions
    assert first["sources"] == ("BLAs_Formation_Data.dta (treatyID 1222, row 1172); "
                                "BLAs_Coding_Data.dta (treatyID 1222, row 539)")


def test_russia_kyrgyzstan(real_store):
    found = rows(real_store, "labour-agreements", country="KGZ")
    assert [(r["instrument"], r["partner"], r["kind"], r["signed"], r["in_force"]) for r in found] == [
        ("bla-1224", "RUS", "agreement", "1996-03-28", "1998-01-15"),
        ("bla-1225", "RUS", "protocol", "2003-09-22", "2006-01-26"),
    ]
    assert "BLA specifies quota (Quota determined each year)" in found[0]["provisions"].split("; ")


def test_the_ussr_and_a_country_without_any(real_store):
    assert [r["partner"] for r in rows(real_store, "labour-agreements", country="SUN")] == ["FIN", "DDR", "BEL"]
    assert rows(real_store, "labour-agreements", country="TKM") == []  # SOURCE.txt: no Turkmenistan row


def test_the_agreement_queries_show_them(real_store):
    binding = rows(real_store, "agreements-binding", countries="RUS,TJK", on="2010-01-01")
    assert {"bla-1222"} <= {r["instrument"] for r in binding}
    assert "bla-1223" not in {r["instrument"] for r in binding}  # in force 2014-04-21
    parties = rows(real_store, "parties", agreement="bla-1224")
    assert [(r["party"], r["signed"], r["in_force"]) for r in parties] == [
        ("KGZ", "1996-03-28", "1998-01-15"), ("RUS", "1996-03-28", "1998-01-15")]
    instrument = rows(real_store, "instrument", id="bla-1223")[0]
    assert (instrument["type"], instrument["date"], instrument["policy_areas"]) == (
        "protocol", "2013-10-29", "labour-migration")


def test_untitled_rows_get_a_built_title(real_store):
    instrument = rows(real_store, "instrument", id="bla-644")[0]
    assert instrument["title"] == "Labour agreement between Belarus and the Russian Federation (1993)"


@pytest.mark.parametrize("params", [{"country": "RUS"}, {"country": "RUS", "partner": "TJK"}, {"country": "SUN"}])
def test_engine_parity_on_the_real_graph(real_store, params):
    engine = RdflibEngine.from_nquads((real_store / "current" / "graph.nq").read_bytes())
    named = get("labour-agreements")
    expected = mrkg.query("labour-agreements", store=real_store, **params).strings()
    assert expected and unordered(run_named(engine, named, bind(named, params)).strings()) == unordered(expected)


def unordered(rows):
    """The rows in a stable order (as tests/test_named_queries.py compares engines), with the provisions
    as a sorted list: their order in a GROUP_CONCAT is the engine's."""
    rows = [{**row, "provisions": sorted(set((row["provisions"] or "").split("; ")) - {""})} for row in rows]
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))
