"""Plausibility rules: implausible input is refused with its own message, the store left untouched,
and what is merely uncertain is accepted.

Same method as tests/test_bad_input.py (read its docstring for how to read a Case): a good graph is
built once for this module; each case copies the real sources, mutates one record, builds into the
same store and checks the problem's file, line, field and message and the unchanged store digest.
Benign variants are only read and validated (``read_sources``), which is all that could refuse them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from mrkg.loaders import plausibility, read_sources
from mrkg.loaders.types import parse_date_or_range
from test_bad_input import (  # noqa: F401 - `good` is the module-scoped fixture of the good store
    APPEND, I000, M000, O003, SOURCES, Case, GoodStore, _assert_str_names_everything, _bad_sources,
    _build_expecting_error, _find, _mutate, _param, _store_state, good,
)

I001 = "curated/001_f684bc29916a82b9/instruments.yaml"
I003 = "curated/003_7758bc43b281afd9/instruments.yaml"
O004 = "curated/004_6de2da95848553ca/observations.csv"
HUGGO = "datasets/manytrade-treaties/HUGGO_MEM_additional.csv"
ICMW = "datasets/un-icmw-ratification/hr_status_icmw.csv"

KAZ_1998 = "{party: KAZ, signed: 1998-11-24, in_force: 1999-09-15"  # education-equal-access-agreement-1998
BLR_1998 = "{party: BLR, signed: 1998-11-24, in_force: 1999-09-15"
RECORD_1998 = "  - id: education-equal-access-agreement-1998"
CES_BLR = "{organisation: ces, member: BLR, from: 2012-01-01,"
KAZ_LAW = "    date: 2011-07-22\n    jurisdiction"  # kaz-law-on-migration-2011
ARM_KAZ_2013 = "dyk-net-arm-kaz-2013,net-migration,ARM,KAZ,,,,,2013,"
# HUGGO: Azerbaijan in the CIS agreement of 1994, a treaty the match table names (so it is loaded
# whatever its parties are)
AZE_CIS = "CMMNIS_1994O,CMMNIS_1994O,Commonwealth Of Independent States (CIS),15.04.1994,AZE,"


CASES = [
    # --- dates within the stated range -------------------------------------------------------------
    Case("year-zero", I000, "    date: 1999-02-26\n    place: Moscow", "    date: 0000-02-26\n    place: Moscow",
         I000, "    date: 0000-02-26", "date", "'0000-02-26' has year 0, which does not exist"),
    Case("before-1900", I000, "    date: 1999-02-26\n    place: Moscow", "    date: 1850-02-26\n    place: Moscow",
         I000, "    date: 1850-02-26", "date", "'1850-02-26' is before 1900"),
    Case("year-zero-in-period-range", O003, ARM_KAZ_2013, ARM_KAZ_2013.replace(",2013,", ",0000/2013,"),
         O003, "dyk-net-arm-kaz-2013,", "period", "has year 0"),
    Case("no-such-day-in-a-date", I000, "    date: 1999-02-26\n    place: Moscow",
         "    date: 1999-02-29\n    place: Moscow",
         I000, "    date: 1999-02-29", "date", "no such day, 1999-02 has no day 29 (it has 28 days)"),
    Case("no-such-day-in-a-period", O003, ARM_KAZ_2013, ARM_KAZ_2013.replace(",2013,", ",2011-02-30,"),
         O003, "dyk-net-arm-kaz-2013,", "period", "'2011-02-30' is an impossible date: no such day"),
    Case("party-date-after-build-date", I000, KAZ_1998, KAZ_1998.replace("1999-09-15", "2099-09-15"),
         I000, RECORD_1998, "parties.1.in_force", "in_force 2099-09-15 is after the build date"),
    Case("instrument-date-after-build-date", I003, KAZ_LAW, KAZ_LAW.replace("2011-07-22", "2099"),
         I003, "  - id: kaz-law-on-migration-2011", "date", "date 2099 is after the build date"),
    Case("reported-figure-in-the-future", O003, ARM_KAZ_2013, ARM_KAZ_2013.replace(",2013,", ",2099,"),
         O003, "dyk-net-arm-kaz-2013,", "period", "period 2099 is after the build date"),
    Case("membership-after-build-date", M000, CES_BLR, CES_BLR.replace("2012-01-01", "2099-01-01"),
         M000, CES_BLR.replace("2012-01-01", "2099-01-01"), "start", "start 2099-01-01 is after the build date"),
    Case("treaty-table-consent-after-build-date", ICMW, "AZ,Azerbaijan,1,1999,", "AZ,Azerbaijan,1,2099,",
         ICMW, "AZ,Azerbaijan", "party.consent_date", "consent_date 2099 is after the build date"),
    # --- chronology of a participation ----------------------------------------------------------------
    Case("consent-before-signature", I000, KAZ_1998,
         KAZ_1998.replace("signed: 1998-11-24,", "signed: 1998-11-24, consent: ratification, consent_date: 1998-06-01,"),
         I000, "consent_date: 1998-06-01,",
         "parties.1", "consent 1998-06-01 is before signature 1998-11-24"),
    Case("denunciation-before-entry-into-force", I000, KAZ_1998, KAZ_1998 + ", denounced: 1999-01-10",
         I000, KAZ_1998 + ", denounced", "parties.1", "denunciation 1999-01-10 is before entry into force 1999-09-15"),
    Case("suspension-before-signature", I000, KAZ_1998, KAZ_1998 + ", suspended: 1998-01-10",
         I000, KAZ_1998 + ", suspended", "parties.1", "suspension 1998-01-10 is before signature 1998-11-24"),
    Case("suspension-end-before-suspension", I000, KAZ_1998,
         KAZ_1998 + ", suspended: 2005-01-10, suspension_ended: 2004-01-10",
         I000, KAZ_1998 + ", suspended", "parties.1", "suspension end 2004-01-10 is before suspension 2005-01-10"),
    Case("party-signature-before-instrument-date", I000, KAZ_1998, KAZ_1998.replace("signed: 1998-11-24", "signed: 1998-11-01"),
         I000, RECORD_1998, None, "signature 1998-11-01 for KAZ is before signature 1998-11-24"),
    Case("termination-before-adoption", I003, KAZ_LAW, "    date: 2011-07-22\n    termination: 2010-01-01\n    jurisdiction",
         I003, "  - id: kaz-law-on-migration-2011", None, "termination 2010-01-01 is before signature or adoption 2011-07-22"),
    # --- a party that existed on the date and that can be a party ----------------------------------------
    Case("ussr-after-dissolution", I000, KAZ_1998, KAZ_1998.replace("KAZ", "SUN"),
         I000, KAZ_1998.replace("KAZ", "SUN"), "parties.1",
         "signature 1998-11-24 for SUN is after Union of Soviet Socialist Republics ceased to exist on 1991-12-26"),
    Case("state-before-independence", M000, CES_BLR.replace("BLR", "KAZ"),
         CES_BLR.replace("BLR", "KAZ").replace("2012-01-01", "1991-06-01"),
         M000, CES_BLR.replace("BLR", "KAZ").replace("2012-01-01", "1991-06-01"), None,
         "membership from 1991-06-01 for KAZ is before Kazakhstan became independent on 1991-12-16"),
    Case("withdrawn-iso-code-after-withdrawal", I000, KAZ_1998, KAZ_1998.replace("KAZ", "CSK"),
         I000, KAZ_1998.replace("KAZ", "CSK"), "parties.1",
         "signature 1998-11-24 for CSK is after ISO 3166 withdrew the code CSK on 1993-06-15"),
    Case("membership-of-the-ussr-after-dissolution", M000, CES_BLR, CES_BLR.replace("BLR", "SUN"),
         M000, CES_BLR.replace("BLR", "SUN"), None,
         "membership from 2012-01-01 for SUN is after Union of Soviet Socialist Republics ceased to exist"),
    Case("treaty-table-ussr-in-the-cis", HUGGO, AZE_CIS, AZE_CIS.replace(",AZE,", ",SUN,"),
         HUGGO, AZE_CIS.replace(",AZE,", ",SUN,"), None,
         "signature 1994-04-15 for SUN is after Union of Soviet Socialist Republics ceased to exist on 1991-12-26"),
    Case("antarctica-as-party", I000, KAZ_1998, KAZ_1998.replace("KAZ", "ATA"),
         I000, KAZ_1998.replace("KAZ", "ATA"), "parties.1.party",
         "'ATA' (Antarctica) is a territory, not a state or an organisation, and cannot be a party"),
    Case("area-as-party", I000, KAZ_1998, KAZ_1998.replace("KAZ", "world"),
         I000, KAZ_1998.replace("KAZ", "world"), "parties.1.party", "'world' is an area"),
    Case("cyrillic-letter-in-party-code", I000, BLR_1998, BLR_1998.replace("BLR", "\u0412LR"),
         I000, BLR_1998.replace("BLR", "\u0412LR"), "parties.0.party",
         "unknown party '\\u0412LR' (contains non-ASCII characters)"),
    Case("zero-width-space-in-member-code", M000, CES_BLR, CES_BLR.replace("BLR", "B\u200bLR"),
         M000, CES_BLR.replace("BLR", "B\u200bLR"), "member",
         "unknown country 'B\\u200bLR' (contains invisible or non-ASCII characters)"),
    # --- cycles ---------------------------------------------------------------------------------------
    Case("amends-cycle-of-two", I001, '    date: "1995"\n    jurisdiction: BLR\n',
         '    date: "1995"\n    amends: blr-law-on-refugees-2003\n    jurisdiction: BLR\n',
         I001, "  - id: blr-law-on-refugees-1995", "amends",
         "amends forms a cycle of 2 instruments: blr-law-on-refugees-1995 amends blr-law-on-refugees-2003 "
         "amends blr-law-on-refugees-1995"),
    Case("part-of-cycle-of-three", I003, "    period: 2001/2010\n    jurisdiction: KAZ\n",
         "    period: 2001/2010\n    part_of: kaz-repatriate-adaptation-centres\n    jurisdiction: KAZ\n",
         I003, "  - id: kaz-migration-policy-programme-2001-2010", "part_of",
         "part_of forms a cycle of 3 instruments: kaz-migration-policy-programme-2001-2010 is part of "
         "kaz-repatriate-adaptation-centres is part of kaz-migration-policy-programme-phase-1 is part of "
         "kaz-migration-policy-programme-2001-2010"),
]

def test_enough_cases():
    assert len(CASES) >= 20
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_implausible_input_is_refused_and_store_untouched(case: Case, good: GoodStore, tmp_path: Path):
    sources = _bad_sources(tmp_path, good)
    line = _mutate(sources, case)

    error = _build_expecting_error(sources, good)

    assert _store_state(good.store) == good.state, "a failed build changed the store"
    problem = _find(error, case.problem_file, line, case.field, case.message)
    _assert_str_names_everything(error, problem)


def test_a_cycle_across_documents_is_reported_once(good: GoodStore, tmp_path: Path):
    """cu-ces-treaty-1999 (document 000) amends kaz-law-on-migration-2011 (document 003) and back."""
    there = Case("", I000, "    date: 1999-02-26\n    place: Moscow",
                 "    date: 1999-02-26\n    amends: kaz-law-on-migration-2011\n    place: Moscow",
                 I000, "  - id: cu-ces-treaty-1999", None, "")
    back = Case("", I003, KAZ_LAW, "    date: 2011-07-22\n    amends: cu-ces-treaty-1999\n    jurisdiction",
                I003, None, None, "")
    sources = _bad_sources(tmp_path, good)
    line = _mutate(sources, there)
    _mutate(sources, back)

    error = _build_expecting_error(sources, good)

    assert _store_state(good.store) == good.state, "a failed build changed the store"
    cycles = [p for p in error.problems if "forms a cycle" in p.message]
    assert len(cycles) == 1, error.problems
    assert (cycles[0].line, cycles[0].field, cycles[0].record) == (line, "amends", "cu-ces-treaty-1999")
    assert cycles[0].message == ("amends forms a cycle of 2 instruments: cu-ces-treaty-1999 amends "
                                 "kaz-law-on-migration-2011 amends cu-ces-treaty-1999")


# ------------------------------------------------------------------------------------------------------------
# Benign variants: uncertain is not wrong
# ------------------------------------------------------------------------------------------------------------

BENIGN = [
    # A consent known only to the year, in the year of a day-precision entry into force.
    Case("year-consent-in-year-of-entry-into-force", I000, KAZ_1998,
         KAZ_1998.replace("in_force:", "consent: ratification, consent_date: 1999, in_force:"), "", None, None, ""),
    # A consent range that overlaps the entry into force: it may lie before it.
    Case("consent-range-overlapping-entry-into-force", I000, KAZ_1998,
         KAZ_1998.replace("in_force:", "consent: ratification, consent_date: \"[1999-09-01..1999-12-31]\", in_force:"),
         "", None, None, ""),
    # A signature range that overlaps the instrument's date.
    Case("signature-range-overlapping-instrument-date", I000, KAZ_1998,
         KAZ_1998.replace("signed: 1998-11-24", "signed: \"[1998-11-01..1998-12-31]\""), "", None, None, ""),
    # A planned figure and a programme's period may lie ahead.
    Case("planned-figure-in-the-future", O004, "eu-budget,planned,2014/2020,", "eu-budget,planned,2095/2099,",
         "", None, None, ""),
    Case("programme-period-in-the-future", I003, "    period: 2001/2010\n", "    period: 2001/2099\n", "", None, None, ""),
    # A membership whose year of beginning is the year of independence (1991): not certainly before it.
    Case("membership-in-the-year-of-independence", M000, CES_BLR.replace("BLR", "KAZ"),
         CES_BLR.replace("BLR", "KAZ").replace("2012-01-01", "1991"), "", None, None, ""),
    # A leap day that exists.
    Case("leap-day", I000, "    date: 1999-02-26\n    place: Moscow", "    date: 2000-02-29\n    place: Moscow",
         "", None, None, ""),
]


@pytest.fixture(scope="module")
def good_copy(tmp_path_factory) -> Path:
    sources = tmp_path_factory.mktemp("benign") / "sources"
    shutil.copytree(SOURCES, sources)
    return sources


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BENIGN])
def test_uncertain_is_accepted(case: Case, good_copy: Path, tmp_path: Path):
    sources = tmp_path / "sources"
    shutil.copytree(good_copy, sources)
    _mutate(sources, case)
    if case.id == "leap-day":  # the instrument's date moved past its parties' dates: move theirs too
        path = sources / I000
        path.write_text(path.read_text().replace("signed: 1999-02-26", "signed: 2000-02-29")
                        .replace("in_force: 1999-12-23", "in_force: 2000-12-23"))
    read_sources(sources)  # raises InputError if refused


def test_existence_compares_first_and_last_possible_days():
    registry = read_sources(SOURCES).registry
    problem = plausibility.existence_problem
    assert problem(registry, "KAZ", "signature", parse_date_or_range("1991")) is None
    assert problem(registry, "KAZ", "signature", parse_date_or_range("[1991-06-01..1992-01-01]")) is None
    assert problem(registry, "KAZ", "signature", parse_date_or_range("1991-12-15")) is not None
    assert problem(registry, "SUN", "signature", parse_date_or_range("1991-12")) is None
    assert problem(registry, "SUN", "signature", parse_date_or_range("1992")) is not None
    assert problem(registry, "RUS", "signature", parse_date_or_range("1950")) is None  # continuator: no bound


def test_every_lifespan_cites_its_source():
    registry = read_sources(SOURCES).registry
    for code in registry.ids("state-lifespan"):
        lifespan = registry.detail("state-lifespan", code)
        assert lifespan.source and lifespan.locator, code
        assert lifespan.start is not None or lifespan.end is not None, code
    assert registry.detail("state-lifespan", "SUN").end.text == "1991-12-26"


def test_build_date_is_today_in_utc():
    assert abs((plausibility.build_date() - dt.datetime.now(dt.timezone.utc).date()).days) <= 1
