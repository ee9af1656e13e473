"""The dump made as a stream equals the dump made whole, and is loaded as it is written.

A build no longer holds the 1.5 million lines of the dump (nor their set) in memory: every
source is put in order on its own (the curated lines, each table figure by figure, the
comparisons), the sources are merged subject by subject, and the merged lines are written to
graph.nq and bulk-loaded chunk by chunk (``store.install_stream``). These tests hold the stream
to the simple definition, ``sorted(set(all lines))`` as bytes, on the cases the merge must get
right: an IRI that is a prefix of another, one IRI for two figures, a subject that several
sources describe, a line that two sources both have.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from mrkg.graph import store as store_module
from mrkg.graph.dump import chunks, sorted_lines
from mrkg.graph.store import current, install, install_stream, open_read_only
from mrkg.loaders.datasets import Table
from mrkg.loaders.datasets.figures import Figure

PERIOD_2015 = "<https://w3id.org/mrkg/id/period/2015>"
REFERENCE = "<https://w3id.org/mrkg/graph/reference>"


def _table(stem: str, figures: list[Figure]) -> Table:
    return Table(SimpleNamespace(ID="test-table"), stem, f"sources/{stem}.csv", "un-desa", f"Title of {stem}", figures)


@pytest.fixture
def tables() -> list[Table]:
    first = [
        Figure("migrant-stock", "KAZ", "RUS", None, 2015, "10", "person", "line 2"),
        # .../RUS/201> sorts after .../RUS/2015> ('>' > '5'): the order of IRIs, not of their text
        Figure("migrant-stock", "KAZ", "RUS", None, 201, "11", "person", "line 3"),
        # the same IRI twice (two readings of one cell): their lines merge, each once
        Figure("migrant-stock", "BLR", "RUS", None, 2015, "12", "person", "line 4"),
        Figure("migrant-stock", "BLR", "RUS", None, 2015, "13", "person", 'line "5", cell é'),
        Figure("net-migration", None, None, "KGZ", 2016, "-4.5", "person", "line 6"),
    ]
    second = [Figure("migrant-stock", "RUS", "KAZ", None, 2015, "7", "person", "row 9")]
    return [_table("first", first), _table("second", second)]


def _whole_sort(curated: list[str], tables: list[Table], more: list[str]) -> bytes:
    """The dump as the build made it before: every line in one set, sorted as bytes."""
    lines = {line.encode("utf-8") for line in curated} | {line.encode("utf-8") for line in more}
    for table in tables:
        lines |= {line.encode("utf-8") for line in table.nquads()}
    return b"\n".join(sorted(lines)) + b"\n"


def test_a_table_in_order_is_its_lines_sorted_once(tables):
    for table in tables:
        streamed = list(table.sorted_nquads())
        assert [line.encode() for line in streamed] == sorted({line.encode() for line in table.nquads()})


def test_the_streamed_dump_is_the_whole_sort(tables):
    curated = sorted({
        # the same period as the tables' reference lines: one line shared, one the tables lack
        f'{PERIOD_2015} <http://www.w3.org/2000/01/rdf-schema#label> "2015" {REFERENCE} .',
        f'{PERIOD_2015} <http://www.w3.org/2000/01/rdf-schema#comment> "a year" {REFERENCE} .',
        '_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "blank" <https://w3id.org/mrkg/graph/x> .',
        '_:b10 <http://www.w3.org/2000/01/rdf-schema#label> "blank" <https://w3id.org/mrkg/graph/x> .',
    })
    more = ['<https://w3id.org/mrkg/id/comparison/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" '
            '<https://w3id.org/mrkg/graph/comparisons> .'] * 2
    streamed = b"".join(chunks(sorted_lines(curated, tables, more), size=3))
    assert streamed == _whole_sort(curated, tables, more)
    assert streamed.count(f"{PERIOD_2015} <http://www.w3.org/2000/01/rdf-schema#label>".encode()) == 1


def _dump(tables: list[Table]) -> bytes:
    return b"".join(chunks(sorted_lines([], tables), size=4))


def test_install_stream_writes_loads_and_names_the_generation_by_its_digest(tmp_path, tables):
    dump = _dump(tables)
    generation = install_stream(tmp_path / "store", chunks(sorted_lines([], tables), size=4), {"records": 0})
    assert generation.dump.read_bytes() == dump
    assert generation.info["digest"] == hashlib.sha256(dump).hexdigest() == generation.path.name
    assert generation.info["quads"] == dump.count(b"\n") and generation.info["records"] == 0
    stored = {str(quad) + " ." for quad in open_read_only(tmp_path / "store")}
    assert stored == {line.decode() for line in dump.splitlines()}


def test_a_chunk_the_loader_refuses_leaves_the_previous_graph(tmp_path, tables):
    store = tmp_path / "store"
    install(store, b"<urn:a> <urn:b> <urn:c> <urn:g> .\n", "previous", {})
    with pytest.raises(SyntaxError):
        install_stream(store, [_dump(tables), b"<urn:a> <urn:b> not rdf .\n", _dump(tables)], {})
    assert current(store).info["digest"] == "previous"
    assert [p.name for p in (store / "generations").iterdir()] == ["previous"], "the failed load left files"


def test_a_write_that_fails_stops_the_loader_and_leaves_the_previous_graph(tmp_path, tables, monkeypatch):
    store = tmp_path / "store"
    install(store, b"<urn:a> <urn:b> <urn:c> <urn:g> .\n", "previous", {})

    def disk_full(file, chunk):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "write_chunk", disk_full)
    with pytest.raises(store_module.StoreError, match="the disk is full"):
        install_stream(store, chunks(sorted_lines([], tables), size=2), {})
    assert current(store).info["digest"] == "previous"
    assert [p.name for p in (store / "generations").iterdir()] == ["previous"]
