"""Every named query carries example parameters (``# example:`` header lines) that bind and
return rows on the shipped graph; the benchmark runs each query with its first example."""

from __future__ import annotations

from pathlib import Path

import pytest

import mrkg
import mrkg.cli
from mrkg.queries.library import bind, named_queries, parse_header

QUERIES = named_queries()
EXAMPLES = [pytest.param(name, example, id=f"{name}-{i}")
            for name, query in QUERIES.items() for i, example in enumerate(query.examples)]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_with_required_params_has_an_example(name):
    query = QUERIES[name]
    if any(p.required for p in query.params):
        assert query.examples, f"{name} has required parameters but no '# example:' line"


@pytest.mark.parametrize("name,example", EXAMPLES)
def test_example_binds(name, example):
    query = QUERIES[name]
    bindings = bind(query, example)
    assert set(bindings) >= set(example)


@pytest.mark.parametrize("name,example", EXAMPLES)
def test_example_returns_rows_on_the_shipped_graph(request, name, example):
    # Queries about the statistical tables run on the full graph; the others on the curated one.
    store = request.getfixturevalue("full_store" if name in TABLE_QUERIES else "shipped_store")
    rows = mrkg.query(name, store=store, **example).rows
    if name in EMPTY_WHEN_REVIEWED:
        assert rows == [], f"mrkg query {name} lists pairs nobody has reviewed: {rows}"
    else:
        assert rows, f"mrkg query {name} {example} returned no rows"


TABLE_QUERIES = {"stock", "top-partners", "group-total", "source-discrepancies", "regime-between",
                 "citizenship-law", "citizenship-history",
                 "visa-requirement", "visa-free", "visa-changes", "visa-free-into"}
# A review list: empty on the shipped graph once every candidate is decided in curated/matches.yaml
# (its rows are tested on hand-made records in test_consolidate.py).
EMPTY_WHEN_REVIEWED = {"duplicate-candidates"}


def test_every_query_has_an_example_line():
    # Queries without required parameters need one too (an empty '# example:' runs them bare).
    assert [name for name, query in QUERIES.items() if not query.examples] == []


def _header(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "q.rq"
    path.write_text("\n".join(["# title: T", "# question: Q?", "# param: country country required -- c",
                               "# columns: a", *lines, "SELECT ?a WHERE { ?a ?b ?c }"]) + "\n", encoding="utf-8")
    return path


def test_example_lines_are_parsed(tmp_path):
    query = parse_header(_header(tmp_path, "# example: country=BLR", "# example:", "# note: a note",
                                 "# continued"))
    assert query.examples == ({"country": "BLR"}, {})
    assert query.notes == ("a note continued",)
    assert query.example_usage(query.examples[0]) == "mrkg query q country=BLR"


@pytest.mark.parametrize("line", ["# example: country", "# example: country=", "# example: =BLR",
                                  "# example: country=BLR country=KAZ"])
def test_bad_example_line_is_refused(tmp_path, line):
    with pytest.raises(ValueError, match="bad example line"):
        parse_header(_header(tmp_path, line))


def test_cli_queries_shows_examples(capsys):
    assert mrkg.cli.main(["queries"]) == 0
    out = capsys.readouterr().out
    assert "example: mrkg query agreements-binding countries=BLR,KAZ on=2020-01-01" in out
