"""Deterministic serialisation: sorted, de-duplicated N-Quads, made as a stream.

The curated dataset is serialised by rdflib; the statistical tables and the
comparisons arrive as N-Quads lines already (``Table.sorted_nquads``,
``compare.nquads``). Each source is put in order on its own and the sources
are merged, so the dump is one sorted file whatever its origin, and the 1.5
million lines of the tables are generated as they are written, never held
all at once (the whole dump as one ``bytes`` plus a set of its lines took
about 1 GB).
"""

from __future__ import annotations

import hashlib
from heapq import merge
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Iterable, Iterator

from rdflib import Dataset

from mrkg.loaders.datasets.figures import by_subject

# Lines per chunk written and bulk-loaded: ~12 MB of N-Quads, ~55 MB in Oxigraph's bulk loader (measured
# alone). The build's peak memory was 0.98-1.04 GB with chunks of 200,000 lines and is 0.69 GB with 50,000,
# for the same load time and the same store after optimize() (docs/benchmarks.md, the partner-years run).
CHUNK_LINES = 50_000


def curated_lines(dataset: Dataset) -> list[str]:
    """The dataset's N-Quads lines, each once, sorted (rdflib's serialisation, without newlines)."""
    text = dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8")
    return sorted({line for line in text.split("\n") if line.strip()})


def sorted_lines(curated: Iterable[str], tables: Iterable = (), more: Iterable[str] = (),
                 blocks: Iterable[Iterable[tuple[str, list[str]]]] = ()) -> Iterator[str]:
    """Every line of the dump once, in order: the merge of the sorted ``curated`` lines, each
    table's sorted lines, ``more`` (the comparisons) and ``blocks``, streams of lines already in
    order subject by subject (the partner rankings). Python orders strings by code point, which is
    the byte order of their UTF-8, the order of the dump's bytes.

    The sources are merged subject by subject, not line by line (a tenth of the steps): the
    lines of a subject are consecutive in sorted order, and a subject that several sources
    describe (a reference period) gets the union of their lines, sorted."""
    streams = [by_subject(curated), by_subject(sorted(set(more))), *blocks]
    streams += [table.sorted_blocks() for table in tables]
    return chain.from_iterable(_merged(merge(*streams, key=itemgetter(0))))


def _merged(blocks: Iterator[tuple[str, list[str]]]) -> Iterator[list[str]]:
    for _, group in groupby(blocks, key=itemgetter(0)):
        first = next(group)[1]
        rest = [lines for _, lines in group]
        yield sorted(set(first).union(*rest)) if rest else first


def chunks(lines: Iterable[str], size: int = CHUNK_LINES) -> Iterator[bytes]:
    """The dump's bytes in pieces of ``size`` lines, each line ending with a newline."""
    lines = iter(lines)
    while batch := list(islice(lines, size)):
        yield ("\n".join(batch) + "\n").encode("utf-8")


def sorted_nquads(dataset: Dataset, tables: Iterable = (), more: Iterable[str] = ()) -> bytes:
    """The whole dump as one ``bytes`` (small graphs, pushes); ``more``: further N-Quads lines
    (the comparisons), each without its newline."""
    return b"".join(chunks(sorted_lines(curated_lines(dataset), tables, more)))


def digest(nquads: bytes) -> str:
    return hashlib.sha256(nquads).hexdigest()
