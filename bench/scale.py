"""Synthetic scale-ups: k renamed copies of the graph's records, streamed as N-Quads.

Copy 1 is the graph itself; copies 2..k rename every record-level IRI (an
observation, participation, membership, instrument, role classification,
programme zone, or discrepancy between sources, which links records) by
appending ``/copy-<n>``. Reference terms (the ontology, countries, areas,
organisations, measures, units, statistical sources, documents, datasets,
periods, regions) are shared by all copies, so a query for a country or a
measure finds k times as many records.

A quad that mentions a record IRI is *scalable* and is written k times; any
other quad is *fixed* and written once. With no quad repeated in the input, a
scale-up of factor k therefore holds exactly ``k * scalable + fixed`` quads.
Blank nodes belong to a record when they are connected, through quads, to a
quad naming a record IRI (a first pass over the file finds them); such blank
nodes are renamed per copy (``_:b`` -> ``_:b-copy-2``) and every quad naming
one is scalable. Other blank nodes (today: the ontology's) are shared.

Only IRIs outside the quad's literal are renamed: a quote that happens to
contain a record IRI's text keeps it. The input is read in blocks of lines and
every copy of a block is produced with one ``bytes.replace``, so memory stays
at a few blocks whatever the factor.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from mrkg.ontology import iris

#: IRI kinds (``{BASE}id/<kind>/...``) whose entities are renamed per copy.
RECORD_KINDS = ("instrument", "instrument-record", "participation", "membership", "observation", "role", "zone",
                "discrepancy", "rule", "coded-provision", "citizenship-provision", "ranking")
#: IRI kinds shared by all copies. Every kind in ``mrkg.ontology.iris.KINDS`` is in exactly one list
#: (a test keeps it so: a new kind must be classified here).
REFERENCE_KINDS = ("country", "area", "organisation", "dataset", "measure", "unit", "statistical-source",
                   "document", "period", "region", "scheme", "bla-provision-code", "rights", "citizenship-mode",
                   "concept-scheme", "corridor")

_IRI_MARK = b"\x00"
_BNODE_MARK = b"\x01"
_RECORD_IRI = re.compile(b"<" + re.escape(f"{iris.BASE}id/".encode())
                         + b"(?:" + b"|".join(re.escape(k.encode()) for k in RECORD_KINDS) + b")/[^>]*")
_BNODE = re.compile(rb"(?<!\S)_:\S+")
BLOCK_BYTES = 16 << 20


@dataclass
class Counts:
    """What a pass over the input found: quads written once (fixed) and once per copy (scalable)."""

    scalable: int = 0
    fixed: int = 0

    def quads(self, factor: int) -> int:
        return factor * self.scalable + self.fixed


def _parts(line: bytes) -> tuple[bytes, bytes, bytes]:
    """(before the literal, the literal, after it): IRIs and blank nodes are only in the first and last."""
    first = line.find(b'"')
    if first < 0:
        return line, b"", b""
    last = line.rfind(b'"')
    return line[:first], line[first:last + 1], line[last + 1:]


def _mark(line: bytes, record_bnodes: frozenset[bytes]) -> bytes | None:
    """The line with a mark after each record IRI and blank node, or None when it names no record."""
    head, literal, tail = _parts(line)
    head, in_head = _RECORD_IRI.subn(rb"\g<0>" + _IRI_MARK, head)
    tail, in_tail = _RECORD_IRI.subn(rb"\g<0>" + _IRI_MARK, tail)
    if not in_head and not in_tail:
        if not record_bnodes or not any(b in record_bnodes for b in _BNODE.findall(head + b" " + tail)):
            return None
    head = _BNODE.sub(rb"\g<0>" + _BNODE_MARK, head)
    tail = _BNODE.sub(rb"\g<0>" + _BNODE_MARK, tail)
    return head + literal + tail


def record_bnodes(path: Path | str, block_bytes: int = BLOCK_BYTES) -> frozenset[bytes]:
    """Blank nodes connected (through quads sharing blank nodes) to a quad that names a record IRI."""
    parent: dict[bytes, bytes] = {}

    def find(node: bytes) -> bytes:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    seeds: set[bytes] = set()
    for block in _blocks(Path(path), block_bytes):
        if b"_:" not in block:
            continue
        for line in block.splitlines():
            if b"_:" not in line:
                continue
            head, _, tail = _parts(line)
            nodes = _BNODE.findall(head + b" " + tail)
            if not nodes:
                continue
            root = find(nodes[0])
            for node in nodes[1:]:
                parent[find(node)] = root
            if _RECORD_IRI.search(head) or _RECORD_IRI.search(tail):
                seeds.add(nodes[0])
    roots = {find(seed) for seed in seeds}
    return frozenset(node for node in parent if find(node) in roots)


def split_block(block: bytes, counts: Counts, bnodes: frozenset[bytes] = frozenset()) -> tuple[bytes, bytes]:
    """Split complete N-Quads lines into (fixed lines, marked scalable lines)."""
    fixed: list[bytes] = []
    scalable: list[bytes] = []
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith(b"#"):
            continue
        marked = _mark(line, bnodes)
        if marked is None:
            fixed.append(line)
        else:
            scalable.append(marked)
    counts.fixed += len(fixed)
    counts.scalable += len(scalable)
    return (b"\n".join(fixed) + b"\n" if fixed else b""), (b"\n".join(scalable) + b"\n" if scalable else b"")


def copy_of(marked: bytes, copy: int) -> bytes:
    """Copy ``copy`` (1 = the original names) of marked scalable lines."""
    if copy == 1:
        return marked.replace(_IRI_MARK, b"").replace(_BNODE_MARK, b"")
    return marked.replace(_IRI_MARK, b"/copy-%d" % copy).replace(_BNODE_MARK, b"-copy-%d" % copy)


def _blocks(path: Path, block_bytes: int) -> Iterator[bytes]:
    """Blocks of whole lines."""
    with open(path, "rb") as source:
        rest = b""
        while True:
            data = source.read(block_bytes)
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            if cut:
                yield data[:cut]
        if rest:
            yield rest + b"\n"


def scaled_chunks(path: Path | str, factor: int, counts: Counts | None = None,
                  block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The scale-up of the N-Quads file ``path`` by ``factor``, as byte chunks of whole lines."""
    if factor < 1:
        raise ValueError(f"a scale factor is a positive whole number, got {factor}")
    counts = counts if counts is not None else Counts()
    bnodes = record_bnodes(path, block_bytes)
    for block in _blocks(Path(path), block_bytes):
        fixed, marked = split_block(block, counts, bnodes)
        if fixed:
            yield fixed
        if marked:
            for copy in range(1, factor + 1):
                yield copy_of(marked, copy)


def count(path: Path | str, block_bytes: int = BLOCK_BYTES) -> Counts:
    """Scalable and fixed quads of an N-Quads file, without writing any copy."""
    counts = Counts()
    bnodes = record_bnodes(path, block_bytes)
    for block in _blocks(Path(path), block_bytes):
        split_block(block, counts, bnodes)
    return counts


class ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterator of byte chunks (for ``bulk_load`` and parsers)."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not len(self._buffer):
            try:
                self._buffer = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def open_scaled(path: Path | str, factor: int, counts: Counts | None = None) -> io.BufferedReader:
    """The scale-up as a binary file object, streamed."""
    return io.BufferedReader(ChunkReader(scaled_chunks(path, factor, counts)), buffer_size=1 << 20)


def write_scaled(path: Path | str, factor: int, out: Path | str) -> Counts:
    counts = Counts()
    with open(out, "wb") as target:
        for chunk in scaled_chunks(path, factor, counts):
            target.write(chunk)
    return counts
