"""Deterministic serialisation: sorted, de-duplicated N-Quads.

The curated dataset is serialised by rdflib; the statistical tables and the
comparisons arrive as N-Quads lines already (``Table.nquads``,
``compare.nquads``) and are merged in before sorting, so the dump is one
sorted file whatever its origin.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from rdflib import Dataset


def sorted_nquads(dataset: Dataset, tables: Iterable = (), more: Iterable[str] = ()) -> bytes:
    """``more``: further N-Quads lines (the comparisons), each without its newline."""
    text = dataset.serialize(format="nquads", encoding="utf-8")
    lines = {line for line in text.split(b"\n") if line.strip()}
    for table in tables:
        lines.update(line.encode("utf-8") for line in table.nquads())
    lines.update(line.encode("utf-8") for line in more)
    return b"\n".join(sorted(lines)) + b"\n"


def digest(nquads: bytes) -> str:
    return hashlib.sha256(nquads).hexdigest()
