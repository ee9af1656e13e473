"""A named query's per-group limit (``# limit:``, queries.execute.FirstPerGroup): each engine and runner
keeps the first n rows of each group in the answer's order, Oxigraph before converting any row, and the
server's row cap counts the rows kept."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from mrkg.endpoint.evaluate import CappedView, EngineRunner, InlineEvaluator, OxigraphRunner
from mrkg.queries import execute
from mrkg.queries.execute import FirstPerGroup, OxigraphEngine, RdflibEngine, first_rows, run_named
from mrkg.queries.library import bind, get

EX = "https://example.org/"
GRAPH = ox.NamedNode(EX + "graph")
# Three sources of five partners each; a source without a name is a group of its own.
FIGURES = [(source, f"{source}-partner{rank}", 100 - rank) for source in ("a", "b", "c") for rank in range(5)]
RANKING = f"""SELECT ?source ?partner ?value WHERE {{
  ?figure <{EX}partner> ?partner ; <{EX}value> ?value .
  OPTIONAL {{ ?figure <{EX}source> ?source }}
}} ORDER BY ?source DESC(?value)"""
FIRST_TWO = FirstPerGroup(("source",), 2)


def _store() -> ox.Store:
    store = ox.Store()
    for index, (source, partner, value) in enumerate(FIGURES):
        figure = ox.NamedNode(f"{EX}figure{index}")
        store.add(ox.Quad(figure, ox.NamedNode(EX + "partner"), ox.NamedNode(EX + partner), GRAPH))
        store.add(ox.Quad(figure, ox.NamedNode(EX + "value"), ox.Literal(str(value), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), GRAPH))
        if source != "c":
            store.add(ox.Quad(figure, ox.NamedNode(EX + "source"), ox.Literal(source), GRAPH))
    return store


def _rdflib(store: ox.Store) -> RdflibEngine:
    dataset = Dataset()
    dataset.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    return RdflibEngine(dataset)


def _pairs(rows) -> list[tuple]:
    return [(None if row["source"] is None else str(row["source"]), str(row["partner"])) for row in rows]


EXPECTED = [(None, EX + "c-partner0"), (None, EX + "c-partner1"), ("a", EX + "a-partner0"),
            ("a", EX + "a-partner1"), ("b", EX + "b-partner0"), ("b", EX + "b-partner1")]


def test_the_cut_keeps_the_first_rows_of_each_group_in_order():
    rows = [{"g": "x", "i": 1}, {"g": "y", "i": 2}, {"g": "x", "i": 3}, {"g": None, "i": 4}, {"g": "x", "i": 5},
            {"g": None, "i": 6}, {"g": None, "i": 7}]
    kept = list(FirstPerGroup(("g",), 2).keep(rows, lambda row, column: row[column]))
    assert [row["i"] for row in kept] == [1, 2, 3, 4, 6]
    assert list(FirstPerGroup(("g",), 0).keep(rows, lambda row, column: row[column])) == []


@pytest.mark.parametrize("engine_of", [OxigraphEngine, _rdflib], ids=["oxigraph", "rdflib"])
def test_each_engine_cuts_the_answer(engine_of):
    engine = engine_of(_store())
    whole = engine.run(RANKING)
    assert len(whole.rows) == 15
    assert _pairs(engine.run(RANKING, first=FIRST_TWO).rows) == _pairs(first_rows(whole.rows, FIRST_TWO)) == EXPECTED


def test_oxigraph_converts_only_the_rows_it_keeps(monkeypatch):
    converted = []
    real = execute.to_rdflib
    monkeypatch.setattr(execute, "to_rdflib", lambda term: converted.append(term) or real(term))
    OxigraphEngine(_store()).run(RANKING, first=FIRST_TWO)
    # Each distinct term once: the sources a and b, the six partners kept, the values 100 and 99. The
    # nine rows cut away (nine more partners, three more values) are never converted.
    assert len(converted) == 2 + 6 + 2


@pytest.mark.parametrize("runner_of", [OxigraphRunner, lambda store: EngineRunner(OxigraphEngine(store))],
                         ids=["oxigraph", "engine"])
def test_the_row_cap_counts_the_rows_kept(runner_of):
    runner = runner_of(_store())
    result, truncated = runner.run(RANKING, max_rows=6, first=FIRST_TWO)
    assert _pairs(result.rows) == EXPECTED and not truncated
    result, truncated = runner.run(RANKING, max_rows=5, first=FIRST_TWO)
    assert _pairs(result.rows) == EXPECTED[:5] and truncated


def test_a_named_ranking_is_the_same_through_the_server_view(full_store):
    engine = OxigraphEngine.open(full_store)
    query = get("top-partners")
    bindings = bind(query, {"country": "RUS", "measure": "migrant-stock", "year": "2019", "n": "5"})
    direct = run_named(engine, query, bindings)
    served = run_named(CappedView(InlineEvaluator.for_engine(engine), 10_000), query, bindings)
    assert direct.rows == served.rows
    groups = {(str(row["source"]), str(row["dataset"])) for row in direct.rows}
    assert groups and len(direct.rows) == 5 * len(groups)
    assert [int(row["rank"]) for row in direct.rows] == [1, 2, 3, 4, 5] * len(groups)
