"""A release is reproducible: `mrkg export` of one store twice, and of two separate builds of the
same sources, gives byte-identical files, every dump and description included.

The builds and exports run in separate processes with different string hash seeds, so nothing
may depend on set order; blank nodes (the ontology's, VoID's class and property partitions,
DCAT's checksums) must keep the same labels and order; no file may carry the time of the export.
The curated graph (no statistical tables) is enough: the tables make no blank nodes and their
figures reach the dumps as the same sorted N-Quads lines (tests/test_dump_determinism.py).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS

import mrkg.cli
from mrkg.publish.describe import DATASET, coverage, dcat_graph
from mrkg.publish.export import release_date, validate_dcat
from mrkg.queries.execute import OxigraphEngine

CLI = "import sys; from mrkg.cli import main; sys.exit(main(sys.argv[1:]))"
BASE = "https://example.org/mrkg/1.0"


def _environment(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MRKG_STORE", "SOURCE_DATE_EPOCH")}
    return {**env, "PYTHONHASHSEED": seed}


def _mrkg(*args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


@pytest.fixture(scope="module")
def releases(real_store, tmp_path_factory):
    """Three exports: the session's store in this process and in another, and a second build's."""
    root = tmp_path_factory.mktemp("releases")
    other_store = root / "store-b"
    again = subprocess.Popen(_mrkg("--store", str(real_store), "export", "--out", str(root / "a2"),
                                   "--base-url", BASE), env=_environment("4242"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rebuilt = subprocess.Popen(["sh", "-c", 'out="$0" base="$1"; shift; "$@" build --no-tables && "$@" export --out "$out" '
                                '--base-url "$base"',
                                str(root / "b"), BASE, *_mrkg("--store", str(other_store))],
                               env=_environment("7"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(root / "a1"), "--base-url", BASE]) == 0
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    for process in (again, rebuilt):
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    return {"store-a": real_store, "store-b": other_store, "a1": root / "a1", "a2": root / "a2", "b": root / "b"}


def _differing(first, second) -> list[str]:
    names = sorted({p.name for p in first.iterdir()} | {p.name for p in second.iterdir()})
    return [name for name in names if not ((first / name).is_file() and (second / name).is_file()
                                           and (first / name).read_bytes() == (second / name).read_bytes())]


def test_two_builds_load_the_same_graph(releases):
    first = (releases["store-a"] / "current" / "graph.nq").read_bytes()
    assert first == (releases["store-b"] / "current" / "graph.nq").read_bytes()
    assert b" _:" in first, "the graph has no blank nodes any more: this test no longer covers their labels"


def test_two_exports_of_one_store_are_byte_identical(releases):
    assert _differing(releases["a1"], releases["a2"]) == []


def test_exports_of_two_builds_are_byte_identical(releases):
    assert _differing(releases["a1"], releases["b"]) == []


def test_the_release_has_blank_nodes_everywhere_they_arise(releases):
    out = releases["a1"]
    assert "_:" in (out / "mrkg.trig").read_text(encoding="utf-8")  # the ontology's, from the build
    assert "void:classPartition [" in (out / "void.ttl").read_text(encoding="utf-8")  # VoID's
    assert "spdx:checksum [" in (out / "dcat.ttl").read_text(encoding="utf-8")  # DCAT's


def test_dcat_carries_the_datas_date_not_the_exports(releases):
    dcat = Graph().parse(releases["a1"] / "dcat.ttl", format="turtle")
    issued = str(dcat.value(DATASET, DCTERMS.issued))
    assert issued == coverage(OxigraphEngine.open(releases["store-a"]))[1]
    assert validate_dcat(dcat) == ""


def test_source_date_epoch_sets_the_date(real_store, monkeypatch):
    engine = OxigraphEngine.open(real_store)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert release_date(engine) == "2023-11-14"
    catalog = dcat_graph(engine, [], issued=release_date(engine))
    assert str(catalog.value(DATASET, DCTERMS.issued)) == "2023-11-14" and validate_dcat(catalog) == ""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert release_date(engine) != dt.date.today().isoformat() or coverage(engine)[1] == dt.date.today().isoformat()


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.7e9", "\u00b9\u00b2", "9" * 40])
def test_a_bad_source_date_epoch_is_one_clear_error(real_store, tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH=" in err and "is not a count of seconds" in err and "Traceback" not in err


def test_a_full_disk_during_the_export_is_one_clear_error(real_store, tmp_path, capsys, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / "mrkg.nq"))

    monkeypatch.setattr(shutil, "copyfile", no_space)
    assert mrkg.cli.main(["--store", str(real_store), "export", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write the release into" in err and "the disk is full" in err and "Traceback" not in err
