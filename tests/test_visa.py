"""Visa requirements (loaders/datasets/passport_index.py): value schemes, the 2020 swap, strict
reading, a golden graph on a verbatim excerpt, and expected rows of the named queries on the real graph.

Expected values were read by hand from the copied files (file and line given in each test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic

import mrkg
from mrkg.graph.store import open_read_only
from mrkg.loaders.datasets import passport_index as visa
from mrkg.loaders.datasets.figures import TableReport
from mrkg.ontology import iris
from mrkg.queries.execute import RdflibEngine, run_named
from mrkg.queries.library import bind, get

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATASET = Path(__file__).resolve().parents[1] / "sources" / "datasets" / "passport-index-visa"
STEM_2019 = "passport-index-tidy-iso3-2019-11-23"
STEM_2020 = "passport-index-tidy-iso3-2020-02-07"
STEM_2024 = "passport-index-tidy-iso3-2024-01-05"
STEM_2025 = "passport-index-tidy-iso3-2025-01-02"
STEM_CURRENT = "passport-index-tidy-iso3-2025-01-12"


def read(path: Path, stem: str) -> tuple[list[visa.Requirement], TableReport]:
    report = TableReport(str(path))
    known = lambda place: place != "ZZZ"  # noqa: E731 - every code but ZZZ is a place of the graph
    return list(visa.requirements(path, stem, known, report)), report


def write(tmp_path: Path, header: str, *lines: str) -> Path:
    path = tmp_path / "excerpt.csv"
    path.write_text("\n".join((header, *lines)) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Value schemes: each printed value of each snapshot, read explicitly
# --------------------------------------------------------------------------

@pytest.mark.parametrize("stem,printed,requirement,days", [
    (STEM_2019, "3", visa.VISA_FREE, None),
    (STEM_2019, "2", visa.VISA_ON_ARRIVAL, None),
    (STEM_2019, "1", visa.ELECTRONIC, None),
    (STEM_2019, "0", visa.VISA_REQUIRED, None),
    (STEM_2020, "VF", visa.VISA_FREE, None),
    (STEM_2020, "90", visa.VISA_FREE, 90),
    (STEM_2020, "ETA", visa.VISA_ON_ARRIVAL, None),  # the swap, corrected
    (STEM_2020, "VOA", visa.ELECTRONIC, None),  # the swap, corrected
    (STEM_2020, "VR", visa.VISA_REQUIRED, None),
    (STEM_2024, "visa free", visa.VISA_FREE, None),
    (STEM_2024, "360", visa.VISA_FREE, 360),
    (STEM_2024, "visa on arrival", visa.VISA_ON_ARRIVAL, None),
    (STEM_2024, "e-visa", visa.ELECTRONIC, None),  # ETAs are inside e-visa before 12 January 2025
    (STEM_2024, "visa required", visa.VISA_REQUIRED, None),
    (STEM_2024, "no admission", visa.NO_ADMISSION, None),
    (STEM_2024, "covid ban", visa.COVID_BAN, None),
    (STEM_2024, "EVW", visa.ETA, None),
    (STEM_CURRENT, "e-visa", visa.E_VISA, None),
    (STEM_CURRENT, "eta", visa.ETA, None),
    (STEM_CURRENT, "7", visa.VISA_FREE, 7),
])
def test_each_scheme_value_is_read_explicitly(stem, printed, requirement, days):
    reading, read_days = visa.read_value(visa.SNAPSHOTS[stem], printed)
    assert (reading.requirement, read_days) == (requirement, days)


@pytest.mark.parametrize("stem,printed", [
    (STEM_2019, "90"),  # the 2019 scheme has no days
    (STEM_2019, "VF"),
    (STEM_2020, "visa free"),
    (STEM_2024, "eta"),  # new in the current file only
    (STEM_CURRENT, "EVW"),
    (STEM_CURRENT, "Hayya Entry Permit"),  # documented legacy value, in none of the copied files
])
def test_a_value_of_another_scheme_is_unknown(stem, printed):
    assert visa.read_value(visa.SNAPSHOTS[stem], printed) is None


def test_only_the_2020_swap_carries_a_correction_note():
    notes = {(stem, printed) for stem, snapshot in visa.SNAPSHOTS.items()
             for printed, reading in snapshot.scheme.items() if reading.note}
    assert notes == {(STEM_2020, "ETA"), (STEM_2020, "VOA")}


def test_the_swap_matches_the_2019_codes_on_the_real_files():
    # SOURCE.txt's evidence: RUS->EGY (line 28763 of 2020) is ETA and was code 2 (visa on arrival) in 2019;
    # USA->AUS (line 37432 of 2020) is VOA and was code 1 (eTA) in 2019.
    def requirement(stem, passport, destination):
        rows, _ = read(DATASET / f"{stem}.csv", stem)
        return {(r.passport, r.destination): r for r in rows}.get((passport, destination))

    rus_egy_2019, rus_egy_2020 = requirement(STEM_2019, "RUS", "EGY"), requirement(STEM_2020, "RUS", "EGY")
    assert (rus_egy_2019.printed, rus_egy_2020.printed) == ("2", "ETA")
    assert rus_egy_2019.requirement == rus_egy_2020.requirement == visa.VISA_ON_ARRIVAL
    assert "swaps VOA and ETA" in rus_egy_2020.note and rus_egy_2019.note is None


# --------------------------------------------------------------------------
# Strict reading: scope, own-passport rows, errors naming file, line and value
# --------------------------------------------------------------------------

def test_scope_and_own_passport_rows_are_skipped_and_counted(tmp_path):
    path = write(tmp_path, "Passport,Destination,Requirement",
                 "FRA,DEU,visa free", "RUS,RUS,-1", "RUS,KAZ,90", "FRA,KAZ,visa required")
    rows, report = read(path, STEM_CURRENT)
    assert [(r.passport, r.destination, r.line) for r in rows] == [("RUS", "KAZ", 4), ("FRA", "KAZ", 5)]
    assert dict(report.skipped) == {
        "rows of pairs without a former Soviet republic (out of scope)": 1,
        "rows of a passport in its own country ('-1': not a requirement)": 1}
    assert report.problems == []


def test_kosovo_is_the_area_of_the_graph(tmp_path):
    rows, _ = read(write(tmp_path, "Passport,Destination,Requirement", "XKX,RUS,visa required"), STEM_CURRENT)
    assert [(r.passport, r.destination) for r in rows] == [("kosovo", "RUS")]


@pytest.mark.parametrize("line,problem", [
    ("RUS,KAZ,visa freee", (2, "Requirement", "unknown value 'visa freee'")),
    ("RUS,KAZ,400", (2, "Requirement", "400 visa-free days")),
    ("RUS,KAZ,5", (2, "Requirement", "5 visa-free days")),
    ("RUS,ZZZ,visa free", (2, "Destination", "'ZZZ' is not a country the graph knows")),
    ("RUS,KAZ", (2, None, "2 cells")),
    ("RUS,RUS,visa free", (2, None, "passport and destination are both RUS but the value is 'visa free'")),
])
def test_bad_rows_are_errors_naming_line_column_and_value(tmp_path, line, problem):
    rows, report = read(write(tmp_path, "Passport,Destination,Requirement", line), STEM_CURRENT)
    assert [(p[0], p[1], p[2]) for p in report.problems] == [problem]


def test_a_second_row_for_a_pair_is_an_error(tmp_path):
    _, report = read(write(tmp_path, "Passport,Destination,Requirement", "RUS,KAZ,90", "RUS,KAZ,30"), STEM_CURRENT)
    assert [(p[0], p[2]) for p in report.problems] == [(3, "a second row for RUS -> KAZ")]


def test_a_wrong_header_is_an_error(tmp_path):
    # the 2020 file names its value column Code; the current file Requirement
    _, report = read(write(tmp_path, "Passport,Destination,Requirement", "RUS,KAZ,90"), STEM_2020)
    assert [(p[0], p[3]) for p in report.problems] == [(1, "Passport, Destination, Code")]


def test_an_unknown_code_in_a_real_sources_tree_names_file_line_and_value(tmp_path):
    from mrkg.loaders import read_sources
    from mrkg.loaders.datasets import read_tables
    from mrkg.loaders.strict import InputError
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(Path(__file__).resolve().parents[1] / "sources", sources)
    path = sources / "datasets" / "passport-index-visa" / f"{STEM_2024}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[29041] = "RUS,UKR,visa reqired"  # line 29042
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import hashlib
    documents = sources / "documents.yaml"
    old = hashlib.sha256((DATASET / f"{STEM_2024}.csv").read_bytes()).hexdigest()
    documents.write_text(documents.read_text().replace(old, hashlib.sha256(path.read_bytes()).hexdigest()))
    with pytest.raises(InputError) as error:
        read_tables(read_sources(sources), (visa,))
    assert (f"sources/datasets/passport-index-visa/{STEM_2024}.csv:29042, field 'Requirement': "
            "unknown value 'visa reqired'") in str(error.value)


# --------------------------------------------------------------------------
# Golden graph on a verbatim excerpt of the 2020-02-07 file
# --------------------------------------------------------------------------

def test_golden_graph_of_an_excerpt():
    rows, report = read(FIXTURES / "visa" / "passport-index-2020-02-07-excerpt.csv", STEM_2020)
    assert report.problems == []
    quads = Dataset()
    quads.parse(data="\n".join(visa.nquads(rows, STEM_2020)), format="nquads")
    # The requirements in the dataset's graph; their corridors, shared with the other sources, in the reference graph.
    by_graph = {str(visa.GRAPH): set(), str(iris.REFERENCE_GRAPH): set()}
    for subject, _, _, context in quads.quads((None, None, None, None)):
        by_graph[str(context)].add(str(subject))
    assert by_graph[str(iris.REFERENCE_GRAPH)] == {str(iris.corridor("RUS", "EGY")), str(iris.corridor("RUS", "KAZ"))}
    produced = Graph()
    for s, p, o, _ in quads.quads((None, None, None, None)):
        produced.add((s, p, o))
    golden = Graph().parse(FIXTURES / "tables" / "golden" / "passport_index_excerpt.ttl", format="turtle")
    if not isomorphic(produced, golden):
        _, only_produced, only_golden = graph_diff(produced, golden)
        pytest.fail("only produced:\n" + only_produced.serialize(format="nt")
                    + "\nonly golden:\n" + only_golden.serialize(format="nt"))


def test_snapshots_are_the_eight_copied_files_in_date_order():
    assert sorted(path.stem for path in DATASET.glob("*.csv")) == list(visa.SNAPSHOTS)
    dates = [snapshot.scraped for snapshot in visa.SNAPSHOTS.values()]
    assert dates == sorted(dates) and dates[-1] == dt.date(2025, 1, 12)


# --------------------------------------------------------------------------
# Named queries on the real graph
# --------------------------------------------------------------------------

def rows(store, name, **params):
    """The rows as strings, with an entity column (destination) as its code."""
    return [{column: value.rsplit("/", 1)[1] if column == "destination" else value for column, value in row.items()}
            for row in mrkg.query(name, store=store, **params).strings()]


@pytest.mark.slow
def test_russian_passport_to_ukraine_by_snapshot(full_store):
    # passport-index-tidy-iso3-*.csv, RUS,UKR: line 28897 (2019, 2020), 29042 (2021 on)
    result = rows(full_store, "visa-requirement", passport="RUS", destination="UKR")
    assert [(r["date"], r["code"], r["printed"], r["locator"]) for r in result] == [
        ("2019-11-23", "visa-free", "3", "line 28897"),
        ("2020-02-07", "visa-free", "VF", "line 28897"),
        ("2021-01-25", "visa-free", "visa free", "line 29042"),
        ("2022-01-05", "visa-free", "visa free", "line 29042"),
        ("2023-01-11", "visa-required", "visa required", "line 29042"),
        ("2024-01-05", "visa-required", "visa required", "line 29042"),
        ("2025-01-02", "visa-required", "visa required", "line 29042"),
        ("2025-01-12", "visa-required", "visa required", "line 29042"),
    ]
    assert result[-1]["dataset"] == f"{STEM_CURRENT}.csv"


@pytest.mark.slow
def test_tajik_passport_to_kazakhstan_with_days(full_store):
    # TJK,KAZ: line 34541 (2019: 3; 2020: 30), 34714 (covid ban, 30, 90, 30, 30, 30)
    result = rows(full_store, "visa-requirement", passport="TJK", destination="KAZ")
    assert [(r["date"], r["code"], r["days"]) for r in result] == [
        ("2019-11-23", "visa-free", None), ("2020-02-07", "visa-free", "30"), ("2021-01-25", "covid-ban", None),
        ("2022-01-05", "visa-free", "30"), ("2023-01-11", "visa-free", "90"), ("2024-01-05", "visa-free", "30"),
        ("2025-01-02", "visa-free", "30"), ("2025-01-12", "visa-free", "30")]


@pytest.mark.slow
def test_visa_free_destinations_on_a_date_use_the_snapshot_before_it(full_store):
    result = rows(full_store, "visa-free", passport="TJK", on="2024-06-01")
    assert {r["date"] for r in result} == {"2024-01-05"}
    by_destination = {r["destination"]: (r["code"], r["days"]) for r in result}
    assert by_destination["KAZ"] == ("visa-free", "30")  # line 34714 of the 2024-01-05 file
    assert by_destination["RUS"] == ("visa-free", "90")
    # recomputed from the file: days, 'visa free' and 'visa on arrival' cells of the TJK passport
    with (DATASET / f"{STEM_2024}.csv").open(encoding="utf-8") as handle:
        expected = {line.split(",")[1] for line in handle if line.startswith("TJK,")
                    and line.strip().split(",")[2] not in ("-1", "visa required", "e-visa", "no admission", "covid ban")}
    assert set(by_destination) == expected
    latest = rows(full_store, "visa-free", passport="TJK")
    assert {r["date"] for r in latest} == {"2025-01-12"}


@pytest.mark.slow
def test_visa_changes_of_the_russian_passport(full_store):
    # the latest snapshots on or before each date: 2022-01-05 and 2023-01-11 (RUS,UKR line 29042 of both)
    result = rows(full_store, "visa-changes", passport="RUS", **{"from": "2022-06-01", "to": "2023-06-01"})
    changes = {r["destination"]: (r["before"], r["before_days"], r["after"], r["after_days"]) for r in result}
    assert changes["UKR"] == ("visa-free", None, "visa-required", None)
    assert {(r["from_snapshot"], r["to_snapshot"]) for r in result} == {("2022-01-05", "2023-01-11")}
    assert "KAZ" not in changes  # RUS,KAZ,90 in both files
    # e-visa-or-eTA (2025-01-02) against the current file's e-visa or eta is no change
    latest = rows(full_store, "visa-changes", passport="RUS", **{"from": "2025-01-05", "to": "2025-01-20"})
    assert all({r["before"], r["after"]} not in ({"electronic-authorisation", "eta"},
                                                  {"electronic-authorisation", "e-visa"}) for r in latest)


# --------------------------------------------------------------------------
# The network view
# --------------------------------------------------------------------------

@pytest.mark.slow
def test_visa_view_edges_are_what_visa_free_answers(full_store, tmp_path):
    import re

    from mrkg.queries.execute import OxigraphEngine
    from mrkg.views import page
    from mrkg.views import visa as visa_view

    view = visa_view.build(OxigraphEngine.open(full_store), on="2024-06-01")
    assert set(view.nodes) == set(visa.SCOPE)
    edges = {(edge.source, edge.target): edge for edge in view.edges}
    # 2024-01-05 file: RUS,KAZ,90 and TJK,KAZ,30 (line 34714); RUS,UKR visa required (line 29042): no edge
    assert (edges[("RUS", "KAZ")].category, edges[("RUS", "KAZ")].label) == ("visa-free", "90 days")
    assert edges[("TJK", "KAZ")].label == "30 days"
    assert ("RUS", "UKR") not in edges and ("ARM", "AZE") not in edges  # visa required; no admission
    assert all(edge.directed for edge in view.edges)
    expected = {(r["destination"]) for r in rows(full_store, "visa-free", passport="GEO", on="2024-06-01")
                if r["destination"] in visa.SCOPE}
    assert {target for source, target in edges if source == "GEO"} == expected
    out = tmp_path / "visa.html"
    page.write(view, out, None)
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=['\"]?(https?:)?//", html)  # offline: nothing fetched


@pytest.mark.slow
def test_passports_entering_kazakhstan_visa_free(full_store):
    # 2024-01-05 file: TJK,KAZ,30 (line 34714); RUS,KAZ,90
    result = [{**r, "passport": r["passport"].rsplit("/", 1)[1]}
              for r in mrkg.query("visa-free-into", store=full_store, destination="KAZ", on="2024-06-01").strings()]
    by_passport = {r["passport"]: (r["code"], r["days"], r["date"]) for r in result}
    assert by_passport["TJK"] == ("visa-free", "30", "2024-01-05")
    assert by_passport["RUS"] == ("visa-free", "90", "2024-01-05")
    with (DATASET / f"{STEM_2024}.csv").open(encoding="utf-8") as handle:
        expected = {line.split(",")[0] for line in handle if line.split(",")[1] == "KAZ"
                    and line.strip().split(",")[2] not in ("-1", "visa required", "e-visa", "no admission", "covid ban")}
    assert set(by_passport) == expected


@pytest.mark.slow
def test_country_profile_has_the_visa_sections(full_store):
    from mrkg.endpoint.profiles import PROFILES, by_name, run_sections
    from mrkg.queries.execute import OxigraphEngine

    class Uncapped:  # the evaluator's view without a row cap: the engine, never truncated
        truncated = False

        def __init__(self, engine):
            self.engine = engine

        def __getattr__(self, name):
            return getattr(self.engine, name)

    engine = OxigraphEngine.open(full_store)
    sections = by_name(run_sections(lambda: Uncapped(engine), PROFILES["country"], "TJK", {}))
    assert {"visa-free", "visa-free-into"} <= set(sections)
    assert sections["visa-free"]["href"] == "/queries/visa-free?passport=TJK"
    assert sections["visa-free"]["rows"] and sections["visa-free-into"]["rows"]


# The same rows on rdflib's engine
# --------------------------------------------------------------------------
# The other parity tests run on graphs without visa data (tests/test_named_queries.py, the Virtuoso round
# trip), where these queries answer nothing. Here rdflib holds the visa graph with the reference,
# ontology and consolidated graphs (every graph but the statistical tables' and the comparisons).

VISA_PARITY = [
    ("visa-requirement", {"passport": "RUS", "destination": "UKR"}),
    ("visa-free", {"passport": "TJK", "on": "2024-06-01"}),
    ("visa-free-into", {"destination": "KAZ", "on": "2024-06-01"}),
    ("visa-changes", {"passport": "RUS", "from": "2022-06-01", "to": "2023-06-01"}),
]


@pytest.fixture(scope="module")
def visa_on_rdflib(full_store):
    store = open_read_only(full_store)
    graphs = [g for g in store.named_graphs()
              if "/graph/document/" not in g.value and not g.value.endswith("/comparisons")]
    dataset = Dataset(default_union=True)
    for graph in graphs:
        dataset.graph(graph.value).parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph),
                                         format="nt")
    return RdflibEngine(dataset)


@pytest.mark.slow
@pytest.mark.parametrize("name,params", VISA_PARITY, ids=[name for name, _ in VISA_PARITY])
def test_visa_queries_answer_the_same_on_rdflib(full_store, visa_on_rdflib, name, params):
    query = get(name)
    oxigraph = mrkg.query(name, store=full_store, **params).strings()
    baseline = run_named(visa_on_rdflib, query, bind(query, params)).strings()
    assert oxigraph, f"{name} answers nothing on the full graph: the comparison would prove nothing"
    assert sorted(map(repr, oxigraph)) == sorted(map(repr, baseline))


@pytest.mark.slow
def test_regime_between_visa_rows_are_the_same_on_rdflib(full_store, visa_on_rdflib):
    """`regime-between`'s visa parts read the pair's observations from the countries' IRIs bound with the
    codes (rule 31 in docs/benchmarks.md). Only its visa rows are compared: the rdflib graph here has no
    document graphs, so the agreement rows lack their identifiers there."""
    params = {"countries": "KAZ,TJK", "on": "2024-06-01"}
    query = get("regime-between")

    def visa_rows(result):
        return sorted(repr(row) for row in result.strings() if row["aspect"] == "visa")

    oxigraph = visa_rows(mrkg.query("regime-between", store=full_store, **params))
    assert len(oxigraph) == 2, oxigraph  # each way between the two, on the 2024-01-05 snapshot
    assert oxigraph == visa_rows(run_named(visa_on_rdflib, query, bind(query, params)))
