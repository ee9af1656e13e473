"""The dump is deterministic: the same sources give byte-identical, sorted N-Quads.

The two real builds run in separate processes with different hash seeds, so that
nothing in the output may depend on set or dict iteration order, blank-node labels
or the store path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from mrkg.graph.assemble import to_dataset
from mrkg.graph.checks import union_graph
from mrkg.graph.dump import sorted_nquads
from mrkg.loaders import read_sources

MINI_SOURCES = Path(__file__).resolve().parent / "fixtures" / "mini_sources"

BUILD = "import sys\nfrom mrkg.graph.build import build\nbuild(store=sys.argv[1])\n"


def _build_in_process(store: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env.pop("MRKG_STORE", None)
    result = subprocess.run([sys.executable, "-c", BUILD, str(store)], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return (store / "current" / "graph.nq").read_bytes()


def _assert_sorted_nquads(data: bytes) -> None:
    assert data.endswith(b"\n")
    lines = data[:-1].split(b"\n")
    assert all(line.strip() for line in lines), "the dump has blank lines"
    assert lines == sorted(lines), "the dump is not sorted"
    assert len(lines) == len(set(lines)), "the dump has duplicate lines"


@pytest.mark.slow
def test_two_builds_of_the_real_sources_are_byte_identical(tmp_path):
    first = _build_in_process(tmp_path / "store-a", "1")
    second = _build_in_process(tmp_path / "store-b", "4242")
    assert first == second, "two builds of the same sources gave different graph.nq files"
    _assert_sorted_nquads(first)


@pytest.fixture(scope="module")
def mini_dataset() -> Dataset:
    return to_dataset(read_sources(MINI_SOURCES))


def test_mini_dump_is_identical_twice(mini_dataset):
    again = to_dataset(read_sources(MINI_SOURCES))
    first = sorted_nquads(mini_dataset)
    assert first == sorted_nquads(mini_dataset)
    assert first == sorted_nquads(again)
    _assert_sorted_nquads(first)


def test_mini_dump_reparses_to_the_dataset(mini_dataset):
    dump = sorted_nquads(mini_dataset)
    reparsed = Dataset()
    reparsed.parse(data=dump.decode("utf-8"), format="nquads")
    assert isomorphic(union_graph(reparsed), union_graph(mini_dataset))
    # Graph by graph too: every triple is back in the named graph it was dumped from.
    original = {g.identifier: g for g in mini_dataset.graphs() if len(g)}
    back = {g.identifier: g for g in reparsed.graphs() if len(g)}
    assert set(back) == set(original)
    for name, graph in original.items():
        assert isomorphic(Graph() + back[name], Graph() + graph), f"graph {name} changed in the round trip"


def test_no_statement_is_repeated_across_graphs():
    """Named queries read the union of the graphs: a statement in two graphs would come back twice.

    Shared entities (reference periods) are described once, in the reference graph.
    """
    dataset = to_dataset(read_sources())
    seen: dict[tuple, object] = {}
    repeated = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        first = seen.setdefault((s, p, o), g)
        if first != g:
            repeated.append(f"{s} {p} {o} in {first} and {g}")
    assert seen, "the real sources gave no statements"
    assert not repeated, "statements repeated across named graphs:\n" + "\n".join(sorted(repeated)[:20])
