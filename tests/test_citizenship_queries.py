"""The citizenship-law named queries on the full graph (``full_store``): expected rows read by hand
from the copied GLOBALCIT files (line and column given), and the v1.0/v3.1 disagreements published
through ``source-discrepancies``."""

from __future__ import annotations

import pytest

import mrkg

pytestmark = pytest.mark.slow

V1 = "data_v1.0_country-year.csv"
V3 = "data_v3.1_country-year.csv"


def rows(store, name, **params):
    return mrkg.query(name, store=store, **params).strings()


def cells(result, *columns):
    return [tuple(row[c] for c in columns) for row in result]


def test_kazakhstan_latest_year(full_store):
    # data_v3.1_country-year.csv line 5786 (KAZ 2024): A06_bin 1, A06_cat 1; A06a_cat 2, A06a_yrs_cat 5;
    # A06b_bin 1, A06b_cat 3; L01_bin 1, L01_cat 2; L05_bin 1, L05_cat 1; dualcit_comb 0
    result = rows(full_store, "citizenship-law", country="KAZ")
    assert cells(result, "in_force_on", "mode", "code", "value_label", "provision", "residence_years", "version",
                 "dataset") == [
        ("2024-01-01", "A06", "1", None, "true", None, "3.1", V3),
        ("2024-01-01", "A06a", "2", "5 years", None, "5", "3.1", V3),
        ("2024-01-01", "A06b", "3", "Renunciation requirement without substantial exceptions", "true", None, "3.1", V3),
        ("2024-01-01", "L01", "2", None, "true", None, "3.1", V3),
        ("2024-01-01", "L05", "1", "Generally applicable provision (lapse)", "true", None, "3.1", V3),
        ("2024-01-01", "dualcit_comb", "0", "No dual citizenship acceptance", None, None, "3.1", V3),
    ]
    assert result[0]["locator"] == "line 5786 (KAZ 2024), columns A06_bin, A06_cat"


def test_russia_2020_both_versions_side_by_side(full_store):
    # v1.0 line 145 and v3.1 line 9422 (RUS 2020) agree on these modes (they differ on A06c and A06d)
    result = rows(full_store, "citizenship-law", country="RUS", year="2020")
    assert cells(result, "mode", "version", "code") == [
        (mode, version, code) for mode, code in (("A06", "1"), ("A06a", "2"), ("A06b", "2"), ("L01", "2"),
                                                 ("L05", "0"), ("dualcit_comb", "1"))
        for version in ("1.0", "3.1")]
    everything = rows(full_store, "citizenship-law", country="RUS", year="2020", all="yes")
    a06c = {row["version"]: row["code"] for row in everything if row["mode"] == "A06c"}
    assert a06c == {"1.0": "2", "3.1": "3"}
    assert len(everything) == 50 + 51  # v3.1 adds A02


def test_did_russia_change_its_dual_citizenship_rule(full_store):
    # v3.1 lines 9395 (RUS 1993: A06b_cat 3), 9398 (1996: 2), 9423 (2021: 0); v1.0 line 145 (2020: 2)
    result = rows(full_store, "citizenship-history", country="RUS", mode="A06b")
    assert cells(result, "in_force_on", "code", "version") == [
        ("1993-01-01", "3", "3.1"), ("1996-01-01", "2", "3.1"), ("2020-01-01", "2", "1.0"), ("2021-01-01", "0", "3.1")]
    combined = rows(full_store, "citizenship-history", country="RUS", mode="dualcit_comb")
    assert cells(combined, "in_force_on", "code", "value_label", "version") == [
        ("1993-01-01", "1", "Only at acquisition abroad", "3.1"),
        ("2020-01-01", "1", "Only at acquisition abroad", "1.0"),
        ("2021-01-01", "3", "Full dual citizenship acceptance", "3.1")]


def test_the_soviet_union_is_coded_until_1992(full_store):
    result = rows(full_store, "citizenship-history", country="SUN", mode="dualcit_comb")
    assert cells(result, "in_force_on", "code") == [("1960-01-01", "1")]
    assert rows(full_store, "citizenship-law", country="SUN")[0]["in_force_on"] == "1992-01-01"


def test_v1_and_v3_disagreements_are_published(full_store):
    # SOURCE.txt: KAZ A06b 0 -> 3, L05 4 -> 1, dualcit 2 -> 0; TKM A06b 0 -> 2, dualcit 3 -> 1;
    # EST L05 1 -> 3, dualcit 0 -> 1; RUS A06c 2 -> 3, A06d 1 -> 0
    found = [row for row in rows(full_store, "source-discrepancies") if row["comparison"] == "coded provision"]
    published = [(row["area"].rsplit("/", 1)[1], row["measure"].rsplit("/", 1)[1], *values)
                 for row, values in zip(found, cells(found, "value_a", "value_b", "period_a", "document_a",
                                                     "document_b"))]
    assert sorted(published) == [
        (area, mode, a, b, "2020", V1, V3) for area, mode, a, b in sorted([
            ("KAZ", "A06b", "0", "3"), ("KAZ", "L05", "4", "1"), ("KAZ", "dualcit_comb", "2", "0"),
            ("TKM", "A06b", "0", "2"), ("TKM", "dualcit_comb", "3", "1"),
            ("EST", "L05", "1", "3"), ("EST", "dualcit_comb", "0", "1"),
            ("RUS", "A06c", "2", "3"), ("RUS", "A06d", "1", "0")])]
