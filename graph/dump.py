"""Deterministic serialisation: sorted, de-duplicated N-Quads."""

from __future__ import annotations

import hashlib

from rdflib import Dataset


def sorted_nquads(dataset: Dataset) -> bytes:
    text = dataset.serialize(format="nquads", encoding="utf-8")
    lines = sorted({line for line in text.split(b"\n") if line.strip()})
    return b"\n".join(lines) + b"\n"


def digest(nquads: bytes) -> str:
    return hashlib.sha256(nquads).hexdigest()
