"""The checks run in a child process beside the later build stages (graph/background.py): their outcome
still decides whether the new graph is stored, and a failure leaves the previous graph current."""

from __future__ import annotations

import os
import time

import pytest

from mrkg.graph import build as build_module
from mrkg.graph.background import Background, StageFailed
from mrkg.graph.checks import CheckFailed, CheckReport
from mrkg.graph.store import current

linux_only = pytest.mark.skipif(not os.uname().sysname == "Linux", reason="the stage runs in a child only on Linux")


@linux_only
def test_the_stage_runs_in_another_process_and_returns_its_value():
    stage = Background(lambda a, b: (os.getpid(), a + b), 2, 3)
    pid, total = stage.result()
    assert total == 5 and pid != os.getpid()
    assert stage.done() and stage.seconds is not None


def test_the_stages_exception_is_raised_by_result():
    def broken():
        raise ValueError("no such shape file: shapes.ttl")

    stage = Background(broken)
    with pytest.raises(ValueError, match="no such shape file"):
        stage.result()


@linux_only
def test_a_stage_whose_process_dies_is_one_clear_error():
    stage = Background(lambda: os._exit(3))
    with pytest.raises(StageFailed, match="exit code 3"):
        stage.result()


@linux_only
def test_an_outcome_that_cannot_be_sent_back_is_one_clear_error():
    stage = Background(lambda: (lambda: None))  # a function cannot be pickled
    with pytest.raises(StageFailed, match="could not be sent back"):
        stage.result()


@linux_only
def test_cancel_stops_a_running_stage():
    stage = Background(time.sleep, 30)
    started = time.perf_counter()
    stage.cancel()
    assert time.perf_counter() - started < 10


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A store holding a curated build (the graph a failed build must leave current)."""
    store = tmp_path_factory.mktemp("previous") / "store"
    build_module.build(store=store, tables=False)
    return store


def _state(store):
    return current(store).info["digest"], sorted(p.name for p in (store / "generations").iterdir())


def _failing_check(delay: float):
    def check(dataset, tables):
        time.sleep(delay)
        return CheckReport(["mrkg:Instrument shape: a title is missing (test)"], {})
    return check


@pytest.mark.parametrize("delay", [0.0, 4.0], ids=["fails-before-the-load", "fails-after-the-dump"])
def test_a_failed_check_stores_nothing(previous, monkeypatch, delay):
    before = _state(previous)
    monkeypatch.setattr(build_module, "check", _failing_check(delay))
    with pytest.raises(CheckFailed, match="a title is missing"):
        build_module.build(store=previous, tables=False)
    assert _state(previous) == before


def test_a_check_that_raises_stores_nothing(previous, monkeypatch):
    before = _state(previous)

    def check(dataset, tables):
        raise RuntimeError("pyshacl broke (test)")

    monkeypatch.setattr(build_module, "check", check)
    with pytest.raises(RuntimeError, match="pyshacl broke"):
        build_module.build(store=previous, tables=False)
    assert _state(previous) == before


def test_a_slow_check_that_passes_is_awaited_and_timed(tmp_path, monkeypatch):
    passing = build_module.check

    def check(dataset, tables):
        time.sleep(3)
        return passing(dataset, tables)

    monkeypatch.setattr(build_module, "check", check)
    report = build_module.build(store=tmp_path / "store", tables=False)
    assert report.seconds["check"] >= 3
    assert current(tmp_path / "store").info["digest"] == report.digest
