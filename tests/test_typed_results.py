"""Typed results: numbers, dates and codes a researcher can compute with, from the API and the CLI.

The named queries run on the curated graph (``real_store``, built in seconds); the expected
totals are computed from the curated ``observations.csv`` rows the graph is built from, never
typed in. The queries about the statistical tables run on ``full_store``, shared with the other
table tests.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib import namespace as rdf_namespace

import mrkg
import mrkg.cli
from mrkg.loaders.types import EDTF
from mrkg.ontology import iris
from mrkg.queries import columns, typed
from mrkg.queries.execute import Result
from mrkg.queries.library import named_queries

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "sources" / "curated"
QUERIES = named_queries()
TABLE_QUERIES = {"stock", "top-partners", "group-total", "source-discrepancies", "regime-between",
                 "citizenship-law", "citizenship-history", "visa-requirement", "visa-free", "visa-changes",
                 "visa-free-into"}


def _pandas():
    """pandas is in the test extra: a missing pandas skips here, but fails in CI."""
    try:
        import pandas
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("pandas is required in CI (pip install -e '.[test]')")
        pytest.skip("pandas is not installed")
    return pandas


def _curated_observations(**where) -> list[dict[str, str]]:
    rows = []
    for path in sorted(CURATED.glob("*/observations.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [row for row in csv.DictReader(handle) if all(row[k] == v for k, v in where.items())]
    return rows


def _flows(store):
    return mrkg.query("flows", store=store, origin="BLR", destination="KAZ", measure="net-migration")


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

def test_sum_of_flows_equals_the_documents_total(real_store):
    pandas = _pandas()
    curated = _curated_observations(measure="net-migration", origin="BLR", destination="KAZ")
    assert len(curated) >= 2
    expected = sum(Decimal(row["value"]) for row in curated)
    # The yearbook's own printed row (the quote) gives the same figures.
    printed = {Decimal(n) for row in curated for n in re.findall(r"-?\d+", row["quote"].split("\t", 1)[1])}
    assert {Decimal(row["value"]) for row in curated} == printed

    result = _flows(real_store)
    frame = result.to_dataframe()
    assert frame["value"].dtype == "float64"
    assert frame["value"].sum() == float(expected)
    assert sum(row["value"] for row in result.values()) == expected  # exact: Decimal
    assert len(frame) == len(curated)
    assert isinstance(frame, pandas.DataFrame)


def test_decimal_figures_sum_per_unit_as_in_the_sources(real_store):
    _pandas()
    curated = _curated_observations(measure="remittances")
    expected: dict[str, Decimal] = {}
    for row in curated:
        expected[row["unit"]] = expected.get(row["unit"], Decimal(0)) + Decimal(row["value"])
    assert any(value != value.to_integral_value() for value in expected.values())  # fractions do occur

    frame = mrkg.query("figures", store=real_store, measure="remittances").to_dataframe()
    totals = frame.groupby("unit")["value"].sum()
    assert set(totals.index) == set(expected)
    for unit, total in expected.items():
        assert totals[unit] == pytest.approx(float(total), rel=1e-12), unit


def test_integers_stay_integers(real_store, full_store):
    _pandas()
    counted = mrkg.sparql("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c", store=real_store)
    assert counted.to_dataframe()["n"].dtype == "int64"
    assert all(type(row["n"]) is int for row in counted.values())

    ranked = mrkg.query("top-partners", store=full_store, country="RUS", measure="migrant-stock", year="2019", n="5")
    frame = ranked.to_dataframe()
    assert frame["rank"].dtype == "int64"
    assert frame["rank"].tolist() == [1, 2, 3, 4, 5]
    assert all(type(row["rank"]) is int for row in ranked.values())


def test_an_integer_column_with_blanks_is_nullable_int():
    _pandas()
    result = Result(["n"], [{"n": Literal(3, datatype=rdf_namespace.XSD.integer)}, {"n": None}])
    frame = result.to_dataframe()
    assert str(frame["n"].dtype) == "Int64"
    assert frame["n"].sum() == 3


def test_booleans_are_bool():
    _pandas()
    result = Result(["ok"], [{"ok": Literal(True)}, {"ok": Literal("false", datatype=rdf_namespace.XSD.boolean)}])
    assert [row["ok"] for row in result.values()] == [True, False]
    assert result.to_dataframe()["ok"].dtype == "bool"


# ---------------------------------------------------------------------------
# Dates and periods
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("1992", (dt.date(1992, 1, 1), dt.date(1992, 12, 31), "year")),
    ("2009-11", (dt.date(2009, 11, 1), dt.date(2009, 11, 30), "month")),
    ("1992-05-25", (dt.date(1992, 5, 25), dt.date(1992, 5, 25), "day")),
    ("1991/2011", (dt.date(1991, 1, 1), dt.date(2011, 12, 31), "range")),
    ("2013–2017", (dt.date(2013, 1, 1), dt.date(2017, 12, 31), "range")),
    ("[1999-09-26..2001-07-02]", (dt.date(1999, 9, 26), dt.date(2001, 7, 2), "range")),
    ("[2007-05..2008]", (dt.date(2007, 5, 1), dt.date(2008, 12, 31), "range")),
    ("[..2001-07-02]", (None, dt.date(2001, 7, 2), "range")),
    ("entry into force", (None, None, None)),
    ("2015 and 2019", (None, None, None)),
    ("2011-02-30", (None, None, None)),
])
def test_date_span(text, expected):
    assert typed.date_span(text) == expected


def test_period_columns_are_datetimes_not_strings(real_store):
    _pandas()
    frame = _flows(real_store).to_dataframe()
    for column in ("period_start", "period_end"):
        assert str(frame[column].dtype) == "datetime64[ns]", column
    assert (frame["period_start"].dt.year == frame["period"].astype(int)).all()
    assert set(frame["period_precision"]) == {"year"}


def test_dates_of_mixed_precision_keep_it(real_store):
    _pandas()
    frame = mrkg.query("agreements-of", store=real_store, country="RUS", on="2010-01-01").to_dataframe()
    assert str(frame["signed_start"].dtype) == "datetime64[ns]"
    signed = frame.dropna(subset=["signed"])
    assert {"year", "day"} <= set(signed["signed_precision"])  # '1992' next to '1992-05-25'
    year_only = signed[signed["signed_precision"] == "year"].iloc[0]
    assert year_only["signed_start"] == pandas_timestamp(year_only["signed"] + "-01-01")
    assert year_only["signed_end"] == pandas_timestamp(year_only["signed"] + "-12-31")
    ranged = frame[frame["in_force"] == "[1999-09-26..2001-07-02]"].iloc[0]
    assert ranged["in_force_precision"] == "range"
    assert (ranged["in_force_start"], ranged["in_force_end"]) == (pandas_timestamp("1999-09-26"),
                                                                  pandas_timestamp("2001-07-02"))
    assert frame.sort_values("signed_start")["signed_start"].notna().any()  # sortable as dates


def pandas_timestamp(text: str):
    return _pandas().Timestamp(text)


def test_an_empty_answer_keeps_its_typed_columns(real_store):
    _pandas()
    frame = mrkg.query("flows", store=real_store, origin="AFG", destination="ALB").to_dataframe()
    assert frame.empty
    assert frame["value"].dtype == "float64"
    assert str(frame["period_start"].dtype) == "datetime64[ns]"
    assert list(frame.columns) == typed.flat_columns(columns.column_kinds(QUERIES["flows"]))


# ---------------------------------------------------------------------------
# Codes, IRIs, labels; values()
# ---------------------------------------------------------------------------

def test_codes_beside_iris(real_store):
    _pandas()
    result = _flows(real_store)
    first = result.values()[0]
    assert (first["origin"], first["origin_iri"]) == ("BLR", str(iris.country("BLR")))
    assert (first["measure"], first["measure_iri"]) == ("net-migration", str(iris.entity("measure", "net-migration")))
    assert first["source_iri"].endswith("/" + first["source"])
    assert isinstance(result.rows[0]["origin"], URIRef)  # rows keep the rdflib terms
    frame = result.to_dataframe()
    assert list(frame.columns[:2]) == ["origin", "origin_iri"]
    classes = mrkg.query("instruments", store=real_store, country="BLR", area="asylum").values()
    assert all(row["class"].startswith("mrkg:") and row["class_iri"].endswith("#" + row["class"][5:])
               for row in classes)


def test_labels_stay_beside_their_codes(real_store):
    members = mrkg.query("members", store=real_store, organisation="eaeu", on="2016-01-01").values()
    by_code = {row["member"]: row["member_label"] for row in members}
    assert by_code["KAZ"] == "Kazakhstan"


def test_values_types(real_store):
    row = _flows(real_store).values()[0]
    assert isinstance(row["value"], Decimal)
    assert isinstance(row["period"], str)
    assert isinstance(row["period_start"], dt.date) and isinstance(row["period_end"], dt.date)
    assert row["period_precision"] == "year"
    assert isinstance(row["observation"], str)
    strings = _flows(real_store).strings()[0]  # the lexical forms, as before
    assert strings["origin"] == str(iris.country("BLR")) and isinstance(strings["value"], str)


def test_an_observation_iri_is_shown_by_its_whole_identifier():
    iri = "https://w3id.org/mrkg/id/observation/un-ims-2019/migrant-stock/BGR/BLR/2005"
    assert typed.code(iri) == "un-ims-2019/migrant-stock/BGR/BLR/2005"
    assert typed.code(str(iris.country("KAZ"))) == "KAZ"


def test_ad_hoc_sparql_infers_the_types():
    rows = [{"d": Literal("[1999-09-26..2001-07-02]", datatype=EDTF),
             "x": Literal("1.5", datatype=rdf_namespace.XSD.decimal), "c": URIRef(str(iris.country("BLR")))}]
    values = Result(["d", "x", "c"], rows).values()[0]
    assert values["d_precision"] == "range" and values["x"] == Decimal("1.5")
    assert (values["c"], values["c_iri"]) == ("BLR", str(iris.country("BLR")))


# ---------------------------------------------------------------------------
# The CLI's CSV and JSON
# ---------------------------------------------------------------------------

def _cli(capsys, store, *args) -> str:
    code = mrkg.cli.main(["--store", str(store), "query", "flows", "origin=BLR", "destination=KAZ",
                          "measure=net-migration", *args])
    assert code == 0
    return capsys.readouterr().out


def test_cli_csv_has_codes_iris_numbers_and_dates(real_store, capsys):
    pandas = _pandas()
    out = _cli(capsys, real_store, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["origin"] == "BLR" and rows[0]["origin_iri"] == str(iris.country("BLR"))
    assert rows[0]["period_precision"] == "year" and rows[0]["period_start"] == rows[0]["period"] + "-01-01"
    frame = pandas.read_csv(io.StringIO(out), parse_dates=["period_start", "period_end"])
    assert frame["value"].dtype.kind in "if"  # plain pandas reads numbers
    assert str(frame["period_start"].dtype).startswith("datetime64")
    expected = sum(Decimal(r["value"]) for r in _curated_observations(measure="net-migration", origin="BLR",
                                                                       destination="KAZ"))
    assert frame["value"].sum() == float(expected)


def test_cli_json_has_codes_unquoted_numbers_and_dates(real_store, capsys):
    pandas = _pandas()
    data = json.loads(_cli(capsys, real_store, "--format", "json"))
    assert data["columns"] == typed.flat_columns(columns.column_kinds(QUERIES["flows"]))
    first = data["rows"][0]
    assert first["origin"] == "BLR" and first["origin_iri"] == str(iris.country("BLR"))
    assert isinstance(first["value"], (int, float)) and not isinstance(first["value"], bool)
    assert first["period_precision"] == "year"
    assert pandas.json_normalize(data, "rows")["value"].dtype.kind in "if"


def test_cli_json_writes_fractions_as_numbers(real_store, capsys):
    code = mrkg.cli.main(["--store", str(real_store), "query", "figures", "measure=remittances", "--format", "json"])
    assert code == 0
    values = [row["value"] for row in json.loads(capsys.readouterr().out)["rows"]]
    assert any(isinstance(v, float) for v in values) and not any(isinstance(v, str) for v in values)


# ---------------------------------------------------------------------------
# The declared column types, and their documentation
# ---------------------------------------------------------------------------

def test_docs_list_the_column_types_of_every_query():
    doc = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert doc == columns.markdown(), f"docs/queries.md is out of date; regenerate it: {columns.REGENERATE}"
    for name, query in QUERIES.items():
        for column in query.columns:
            assert f"| {name} | {column} | {columns.column_kind(name, column)} |" in doc


def test_docs_check_fails_when_a_query_gains_a_column():
    changed = dict(QUERIES)
    changed["flows"] = dataclasses.replace(QUERIES["flows"], columns=QUERIES["flows"].columns + ("flag",))
    assert columns.markdown(changed) != columns.markdown(QUERIES)


def test_presented_columns_never_collide():
    for name, query in QUERIES.items():
        flat = typed.flat_columns(columns.column_kinds(query))
        assert len(flat) == len(set(flat)), name


def _fits(kind: str, term) -> bool:
    if kind == columns.ENTITY:
        return isinstance(term, URIRef)
    if not isinstance(term, Literal):
        return False
    value = typed.number(term)
    if kind == columns.INTEGER:
        return type(value) is int
    if kind == columns.DECIMAL:
        return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)
    if kind == columns.BOOLEAN:
        return isinstance(value, bool)
    if kind == columns.DATE:
        return typed.date_span(str(term))[2] is not None
    if kind == columns.NUMBER_OR_DATE:
        return isinstance(value, (int, Decimal)) or typed.date_span(str(term))[2] is not None
    return isinstance(value, str)  # text, code, codes, date-or-text: no number hides as text


EXAMPLES = [pytest.param(name, example, id=f"{name}-{i}")
            for name, query in QUERIES.items() for i, example in enumerate(query.examples)]


@pytest.mark.parametrize("name,example", EXAMPLES)
def test_declared_types_fit_what_the_examples_return(request, name, example):
    store = request.getfixturevalue("full_store" if name in TABLE_QUERIES else "real_store")
    result = mrkg.query(name, store=store, **example)
    assert result.kinds == columns.column_kinds(QUERIES[name])
    misfits = {(column, str(row[column])) for row in result.rows for column, kind in result.kinds.items()
               if row.get(column) is not None and not _fits(kind, row[column])}
    assert not misfits, f"{name}: cells that are not of their column's declared type: {sorted(misfits)[:5]}"
