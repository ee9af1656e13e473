"""The memory allocator of the processes that answer queries (``mrkg.graph.allocator``): mimalloc
preloaded where the system has it, the system's own otherwise or when asked; the environment of the
process that starts them is left as it was."""

from __future__ import annotations

import os

import pytest

from mrkg.endpoint.workers import Pool
from mrkg.graph import allocator
from mrkg.graph.store import current

QUICK = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }"


def require_mimalloc() -> str:
    library = allocator.mimalloc_library()
    if library is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mimalloc (Debian package libmimalloc2.0) is required in CI")
        pytest.skip("mimalloc is not installed (Debian package libmimalloc2.0)")
    return library


def test_a_query_process_preloads_mimalloc_before_what_was_preloaded():
    library = require_mimalloc()
    environment = allocator.query_process_environment({"PATH": "/bin", "LD_PRELOAD": "libother.so"})
    assert environment == {"PATH": "/bin", "LD_PRELOAD": f"{library} libother.so"}
    assert allocator.query_allocator({}) == allocator.MIMALLOC


def test_mimalloc_is_preloaded_once():
    library = require_mimalloc()
    environment = {"LD_PRELOAD": f"libother.so {library}"}
    assert allocator.query_process_environment(environment) == environment


@pytest.mark.parametrize("switch", ["system", " System ", "SYSTEM"])
def test_the_switch_keeps_the_system_allocator(switch):
    environment = {allocator.SWITCH: switch, "LD_PRELOAD": "libother.so"}
    assert allocator.query_process_environment(environment) == environment
    assert allocator.query_allocator(environment) == allocator.SYSTEM


def test_without_mimalloc_the_environment_is_unchanged(monkeypatch):
    monkeypatch.setattr(allocator, "mimalloc_library", lambda: None)
    environment = {"PATH": "/bin"}
    assert allocator.query_process_environment(environment) == environment
    assert allocator.query_allocator(environment) == allocator.SYSTEM


def test_starting_a_query_process_leaves_this_processs_environment_as_it_was(monkeypatch):
    library = require_mimalloc()
    monkeypatch.delenv(allocator.SWITCH, raising=False)
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    with allocator.query_process_starting():
        assert os.environ["LD_PRELOAD"] == library
    assert "LD_PRELOAD" not in os.environ
    monkeypatch.setenv("LD_PRELOAD", "libother.so")
    with pytest.raises(RuntimeError), allocator.query_process_starting():
        assert os.environ["LD_PRELOAD"] == f"{library} libother.so"
        raise RuntimeError("the worker failed to start")
    assert os.environ["LD_PRELOAD"] == "libother.so"


def test_the_allocator_of_a_process_is_read_from_its_mappings():
    # pytest itself was started without mimalloc (unless someone preloaded it on purpose).
    expected = allocator.MIMALLOC if "mimalloc" in os.environ.get("LD_PRELOAD", "") else allocator.SYSTEM
    assert allocator.allocator_of() == expected
    assert allocator.allocator_of(os.getpid()) == expected
    assert allocator.allocator_of(2**22 + 1) == allocator.SYSTEM  # no such process


@pytest.mark.parametrize("switch, expected", [(None, allocator.MIMALLOC), ("system", allocator.SYSTEM)])
def test_the_servers_query_workers_run_with_the_chosen_allocator_and_answer(real_store, monkeypatch, switch,
                                                                            expected):
    if expected == allocator.MIMALLOC:
        require_mimalloc()
        monkeypatch.delenv(allocator.SWITCH, raising=False)
    else:
        monkeypatch.setenv(allocator.SWITCH, switch)
    before = os.environ.get("LD_PRELOAD")
    pool = Pool(current(real_store).database, size=2, timeout=30)
    try:
        assert pool.allocators == {expected}
        answered, _ = pool.call("run", (QUICK, None, None, None))
        assert int(answered.rows[0]["n"]) > 0
    finally:
        pool.close()
    assert os.environ.get("LD_PRELOAD") == before  # the server's own environment is as it was
