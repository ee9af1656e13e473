"""Reading an Oxigraph answer into rows (queries.execute.solution_rows): rdflib terms, each distinct term
converted once, and Python's cyclic garbage collector paused while the rows are made, then left as the
caller had it, even when reading fails."""

from __future__ import annotations

import gc

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from mrkg.queries.execute import solution_rows

A = ox.NamedNode("https://example.org/a")
ONE = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _solutions(rows, seen: list[bool], fail_after: int | None = None):
    """Rows of terms as pyoxigraph hands them over, noting whether the collector ran at each one."""
    for index, row in enumerate(rows):
        if fail_after is not None and index == fail_after:
            raise RuntimeError("the store failed while the answer was read")
        seen.append(gc.isenabled())
        yield row


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.enable() if was else gc.disable()


def test_rows_are_rdflib_terms_with_none_for_unbound(collector_on):
    rows = solution_rows(["x", "n"], _solutions([(A, ONE), (A, None)], []))
    assert rows == [{"x": URIRef("https://example.org/a"), "n": Literal(1)},
                    {"x": URIRef("https://example.org/a"), "n": None}]
    assert rows[0]["x"] is rows[1]["x"]  # converted once


def test_the_collector_is_paused_while_reading_and_on_again_after(collector_on):
    seen: list[bool] = []
    solution_rows(["x"], _solutions([(A,), (A,)], seen))
    assert seen == [False, False]
    assert gc.isenabled()


def test_the_collector_is_on_again_when_reading_fails(collector_on):
    with pytest.raises(RuntimeError, match="the store failed"):
        solution_rows(["x"], _solutions([(A,), (A,)], [], fail_after=1))
    assert gc.isenabled()


def test_a_collector_the_caller_switched_off_stays_off(collector_on):
    gc.disable()
    solution_rows(["x"], _solutions([(A,)], []))
    assert not gc.isenabled()
