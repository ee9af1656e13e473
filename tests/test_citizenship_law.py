"""GLOBALCIT citizenship law (loaders/datasets/citizenship_law.py): strict reading of both file
versions, the golden graph of a real row, the documented code labels, and the v1.0/v3.1
disagreements published as discrepancies.

Rows are real lines of the copied files (sources/datasets/globalcit-citizenship-law/), read by
line number; a test that needs a bad cell changes one cell of a real line and says which.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic

from mrkg.graph.compare import provision_discrepancies
from mrkg.loaders import read_sources
from mrkg.loaders.datasets import Table, citizenship_law as cl
from mrkg.loaders.datasets.figures import TableReport
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.strict import csv_rows
from mrkg.ontology import iris

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "sources" / "datasets" / "globalcit-citizenship-law"
V1 = FILES / "data_v1.0_country-year.csv"
V3 = FILES / "data_v3.1_country-year.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCOPE_SKIP = f"rows of states outside the scope ({cl.SCOPE_NOTE})"


@pytest.fixture(scope="module")
def places():
    return PlaceNames.from_registry(read_sources(FIXTURES / "mini_sources").registry)


def lines(path: Path, *numbers: int) -> list[tuple[int, list[str]]]:
    """The header and the given lines of a file, as (line, cells) with their real line numbers."""
    rows = dict(csv_rows(path.read_text(encoding="utf-8")))
    return [(1, rows[1])] + [(n, rows[n]) for n in numbers]


def read(rows, version, places):
    report = TableReport("test")
    return list(cl.rows_provisions(rows, version, places, report)), report


def by_mode(provisions):
    return {p.mode: p for p in provisions}


# ---------------------------------------------------------------------------
# Reading the real rows
# ---------------------------------------------------------------------------


def test_kazakhstan_2020_in_v1(places):
    # data_v1.0_country-year.csv line 88: KAZ 2020, A06a_bin 1, A06a_cat 2, A06a_yrs 5, A06b_bin 0, A06b_cat 0,
    # L05_bin 1, L05_cat 4, dualcit_comb 2 (SOURCE.txt's table: A06a_yrs 5, A06b_cat 0, L05_cat 4, dualcit_comb 2)
    provisions, report = read(lines(V1, 88), "1.0", places)
    assert report.problems == []
    modes = by_mode(provisions)
    assert {p.state for p in provisions} == {"KAZ"} and {p.year for p in provisions} == {2020}
    assert (modes["A06a"].exists, modes["A06a"].code, modes["A06a"].residence_years) == (True, 2, 5)
    assert (modes["A06b"].exists, modes["A06b"].code) == (False, 0)
    assert (modes["L05"].exists, modes["L05"].code) == (True, 4)
    assert (modes["dualcit_comb"].exists, modes["dualcit_comb"].code) == (None, 2)
    assert modes["A06a"].locator == "line 88 (KAZ 2020), columns A06a_bin, A06a_cat, A06a_yrs"
    assert len(provisions) == 50  # 49 modes with _bin/_cat, and dualcit_comb


def test_russia_2021_in_v3_years_of_residence_and_no_renunciation(places):
    # data_v3.1_country-year.csv line 9423: RUS 2021, A06a_cat 2, A06a_yrs_cat 5 (years, not a band),
    # A06b_bin 0, A06b_cat 0, dualcit_comb 3
    provisions, report = read(lines(V3, 9423), "3.1", places)
    modes = by_mode(provisions)
    assert (modes["A06a"].exists, modes["A06a"].code, modes["A06a"].residence_years) == (None, 2, 5)
    assert modes["A06a"].columns == ("A06a_cat", "A06a_yrs_cat")
    assert (modes["A06b"].exists, modes["A06b"].code) == (False, 0)
    assert modes["dualcit_comb"].code == 3
    assert "A02" in modes  # v3.1's combined ius soli


def test_before_2020_only_the_dual_citizenship_modes_and_na_cells_counted(places):
    # line 9398: RUS 1996, only A06b, L01, L05 and dualcit_comb coded (7 cells), the other 94 of the 101
    # value cells NA
    provisions, report = read(lines(V3, 9398), "3.1", places)
    assert sorted(p.mode for p in provisions) == ["A06b", "L01", "L05", "dualcit_comb"]
    assert dict(report.skipped) == {"NA cells (no value)": 94}


def test_rows_outside_the_scope_are_checked_and_counted_not_loaded(places):
    # line 2: AFG 1960 (Afghanistan: not a former Soviet republic)
    provisions, report = read(lines(V3, 2), "3.1", places)
    assert provisions == [] and report.problems == []
    assert dict(report.skipped) == {SCOPE_SKIP: 1}


def test_the_soviet_union_is_in_scope(places):
    # the SUN rows of v3.1 (1960-1992 coded): line of SUN 1992
    rows = dict(csv_rows(V3.read_text(encoding="utf-8")))
    line = next(n for n, cells in rows.items() if cells[1:2] == ["SUN"] and cells[4] == "1992")
    provisions, _ = read([(1, rows[1]), (line, rows[line])], "3.1", places)
    assert {(p.mode, p.code) for p in provisions} == {("A06b", 3), ("L01", 2), ("L05", 0), ("dualcit_comb", 1)}


def test_v1_not_applicable_99_is_skipped_not_a_value(places):
    # line 88 (KAZ 2020) with A06a_bin and A06a_yrs set to 99, v1.0's "not applicable"
    header, (line, cells) = lines(V1, 88)
    cells = list(cells)
    for column in ("A06a_bin", "A06a_yrs"):
        cells[header[1].index(column)] = "99"
    provisions, report = read([header, (line, cells)], "1.0", places)
    a06a = by_mode(provisions)["A06a"]
    assert (a06a.exists, a06a.code, a06a.residence_years) == (None, 2, None)
    assert report.skipped["99 cells (v1.0: not applicable)"] == 2 and report.problems == []


# ---------------------------------------------------------------------------
# Strict reading: one clear problem per bad cell, with line and column
# ---------------------------------------------------------------------------


def _with_cell(path, line_number, column, value):
    header, (line, cells) = lines(path, line_number)
    cells = list(cells)
    cells[header[1].index(column)] = value
    return [header, (line, cells)]


@pytest.mark.parametrize("column,value,expected", [
    ("A06b_bin", "2", "0 or 1"),
    ("A06b_cat", "x", "a whole-number code"),
    ("A06a_yrs_cat", "0", "a number of years"),
    ("year", "2025", "a year from 1960 to 2024"),
    ("iso3", "ru", "ISO 3166 alpha-3"),
])
def test_bad_cell_is_a_problem_naming_line_and_column(places, column, value, expected):
    provisions, report = read(_with_cell(V3, 9423, column, value), "3.1", places)
    assert len(report.problems) == 1
    line, problem_column, message, wanted = report.problems[0]
    assert (line, problem_column) == (9423, column) and repr(value) in message and expected in wanted


def test_the_v1_file_holds_2020_only(places):
    _, report = read(_with_cell(V1, 88, "year", "2021"), "1.0", places)
    assert [(p[0], p[1]) for p in report.problems] == [(88, "year")]


def test_a_99_in_v3_is_an_error_not_a_skip(places):
    _, report = read(_with_cell(V3, 9423, "A06b_bin", "99"), "3.1", places)
    assert [(p[0], p[1]) for p in report.problems] == [(9423, "A06b_bin")]


def test_wrong_header_stops_the_file(places):
    header, row = lines(V3, 9423)
    renamed = (1, ["A06a_yrs" if c == "A06a_yrs_cat" else c for c in header[1]])
    provisions, report = read([renamed, row], "3.1", places)
    assert provisions == [] and len(report.problems) == 1 and report.problems[0][0] == 1
    # the v1.0 header is not the v3.1 one
    provisions, report = read(lines(V1, 88), "3.1", places)
    assert provisions == [] and "GLOBALCIT v3.1 header" in report.problems[0][3]


def test_a_second_row_for_the_same_state_and_year(places):
    rows = lines(V3, 9423)
    _, report = read(rows + [(9999, rows[1][1])], "3.1", places)
    assert [(p[0], p[1]) for p in report.problems] == [(9999, "iso3")]
    assert "first on line 9423" in report.problems[0][2]


def test_both_whole_files_read_without_problems(places):
    for path, version, loaded, scope_rows, states in ((V1, "1.0", 750, 175, cl.SCOPE - {"SUN"}),
                                                      (V3, "3.1", 5545, 12025, cl.SCOPE)):
        report = TableReport(path.name)
        provisions = list(cl.provisions(path, path.stem, places, report))
        assert report.problems == []
        assert len(provisions) == loaded and report.skipped[SCOPE_SKIP] == scope_rows
        assert {p.state for p in provisions} == states


# ---------------------------------------------------------------------------
# Labels: only the documented ones
# ---------------------------------------------------------------------------


def test_labels_are_only_the_documented_ones():
    assert cl.code_label("L05", 4, "3.1") == "Generally applicable provision (withdrawal)"
    assert cl.code_label("L05", 2, "3.1") is None  # SOURCE.txt's label for it is "(inferred)"
    assert cl.code_label("A06a", 3, "3.1") == "6-10 years"
    assert cl.code_label("A06a", 3, "1.0") is None  # v1.0's bands do not match the years
    assert cl.code_label("A06b", 9, "3.1") == "No residence-based naturalisation"
    assert cl.code_label("A07", 0, "3.1") == cl.NO_PROVISION
    assert cl.code_label("A07", 1, "3.1") is None
    assert cl.code_label("dualcit_comb", 0, "1.0") == "No dual citizenship acceptance"


# ---------------------------------------------------------------------------
# RDF: golden graph of a real row
# ---------------------------------------------------------------------------


def test_golden_graph_of_russia_1996(places):
    path = FIXTURES / "citizenship" / "rus-1996_v3.1.csv"
    report = TableReport(path.name)
    provisions = list(cl.rows_provisions(csv_rows(path.read_text(encoding="utf-8")), "3.1", places, report))
    output = Graph()
    for s, p, o, _ in cl.quads(provisions, "data_v3.1_country-year", "GLOBALCIT v3.1 (test)"):
        output.add((s, p, o))
    golden = Graph().parse(FIXTURES / "tables" / "golden" / "citizenship_law_russia_1996.ttl", format="turtle")
    if not isomorphic(output, golden):
        _, only_golden, only_output = graph_diff(golden, output)
        pytest.fail(f"only in golden:\n{only_golden.serialize(format='nt')}\n"
                    f"only in output:\n{only_output.serialize(format='nt')}")


def test_provisions_go_to_the_file_graph_and_the_scheme_to_the_reference_graph(places):
    provisions, _ = read(lines(V3, 9398), "3.1", places)
    graphs = {}
    for s, p, o, g in cl.quads(provisions, "data_v3.1_country-year", "t"):
        graphs.setdefault(str(s).split("/id/")[1].split("/")[0], set()).add(g)
    assert graphs["citizenship-provision"] == {iris.document_graph("data_v3.1_country-year")}
    assert graphs["citizenship-mode"] == graphs["period"] == {iris.REFERENCE_GRAPH}


def test_nquads_parse_with_typed_values(places):
    provisions, _ = read(lines(V3, 9423), "3.1", places)
    data = Dataset(default_union=True).parse(data="\n".join(cl.nquads(provisions, "data_v3.1_country-year", "t")), format="nquads")
    node = URIRef("https://w3id.org/mrkg/id/citizenship-provision/v3.1/RUS/A06a/2021")
    mrkg = "https://w3id.org/mrkg/ontology#"
    assert data.value(node, URIRef(mrkg + "residenceYears")) == Literal(5)
    assert data.value(node, URIRef(mrkg + "residenceYears")).datatype.endswith("#integer")
    a06b = URIRef("https://w3id.org/mrkg/id/citizenship-provision/v3.1/RUS/A06b/2021")
    assert data.value(a06b, URIRef(mrkg + "provisionExists")) == Literal(False)


# ---------------------------------------------------------------------------
# v1.0 against v3.1: disagreements on 2020 published, both observations kept
# ---------------------------------------------------------------------------


def _table(path, version, numbers, places):
    provisions, _ = read(lines(path, *numbers), version, places)
    return Table(cl, path.stem, path.name, "globalcit", "t", [], {}, provisions)


def test_kazakhstan_2020_disagreements(places):
    # v1.0 line 88 and v3.1 line 5782 (KAZ 2020): A06b 0 -> 3, L05 4 -> 1, dualcit_comb 2 -> 0 (SOURCE.txt)
    rows = dict(csv_rows(V3.read_text(encoding="utf-8")))
    assert rows[5782][1] == "KAZ" and rows[5782][4] == "2020"
    tables = [_table(V1, "1.0", [88], places), _table(V3, "3.1", [5782], places)]
    found = list(provision_discrepancies(tables))
    pairs = sorted((d.a.rsplit("/", 4)[1:], d.b.rsplit("/", 4)[1:]) for d in found)
    assert pairs == [(["v1.0", "KAZ", mode, "2020"], ["v3.1", "KAZ", mode, "2020"])
                     for mode in ("A06b", "L05", "dualcit_comb")]
    assert {d.comparison for d in found} == {"coded provision"}
    # both sides stay: every provision of both tables is still there
    assert sum(len(t.provisions) for t in tables) == 50 + 51


def test_agreeing_versions_and_different_years_give_no_discrepancy(places):
    # RUS: v1.0 line 145 (2020) against v3.1 line 9423 (2021): different years, never compared
    tables = [_table(V1, "1.0", [145], places), _table(V3, "3.1", [9423], places)]
    assert list(provision_discrepancies(tables)) == []


# ---------------------------------------------------------------------------
# The country profile page: a citizenship-law section equal to the named query
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def excerpt_store(tmp_path_factory):
    """tests/fixtures/query_sources: its documents.yaml lists excerpts of both GLOBALCIT files."""
    import mrkg

    store = tmp_path_factory.mktemp("citizenship") / "store"
    mrkg.build(sources=FIXTURES / "query_sources", store=store)
    return store


def test_country_page_has_the_citizenship_law_section(excerpt_store):
    from starlette.testclient import TestClient

    from mrkg.endpoint.app import create_app
    from mrkg.endpoint.evaluate import InlineEvaluator
    from mrkg.queries.execute import OxigraphEngine
    from profile_pages import expected_table, section_table

    engine = OxigraphEngine.open(excerpt_store)
    with TestClient(create_app(InlineEvaluator.for_engine(engine))) as client:
        html = client.get("/id/country/RUS", headers={"Accept": "text/html"}).text
        table = section_table(html, "citizenship-law")
        assert table == expected_table(engine, "citizenship-law", country="RUS")
        header = table[0]
        assert [row[header.index("mode")] for row in table[1:]] == ["A06", "A06a", "A06b", "L01", "L05",
                                                                    "dualcit_comb"]
        assert {row[header.index("in_force_on")] for row in table[1:]} == {"2022-01-01"}
        assert "Citizenship law on 1 January 2022" in html and "hdl.handle.net/1814/73190" in html
        # a state the dataset does not cover here gets no section
        assert section_table(client.get("/id/country/BLR", headers={"Accept": "text/html"}).text,
                             "citizenship-law") is None
