"""Every curated quote stands verbatim in the document it cites.

Whitespace is normalised on both sides (every run of spaces, tabs and newlines becomes
one space), since the documents are PDF extractions whose line breaks and table columns
are not part of the wording. The documents are read from ``../shared/seeds`` (relative to
the repository root), the one place outside the repository the project may read; their
tests skip when it is absent. Cited datasets are read from their copy in
``sources/datasets/`` and always checked. Each file's sha256 in documents.yaml must match.
Official texts (a treaty's text or a depositary notice, ``kind: official-text``) are cited by
URL and not copied, so the quotes of ``curated/treaty-provisions.yaml`` were checked by hand
against the text at the URL and cannot be checked here; a provision whose article was not
checked carries no quote.

A real quote that is not verbatim is listed in KNOWN_MISMATCHES with the reason, and
marked xfail(strict=True): it must be fixed in the curated data (not here), and the
entry removed once it is.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import pytest

from mrkg.loaders import (
    desta_treaties, documents, gptad_treaties, huggo_treaties, icmw_status, instruments, memberships, observations,
    organisations, read_sources,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
NO_SEEDS = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents folder {SEEDS} is absent")

SOURCES = read_sources()
FILES = {located.record.stem: located.record for located in SOURCES.of(documents)}


def source_path(stem: str) -> Path:
    record = FILES[stem]
    return SOURCES.root / record.path if record.kind == "dataset" else SEEDS / record.file

# record id -> reason (with the closest passage of the document). Empty: every quote is verbatim.
KNOWN_MISMATCHES: dict[str, str] = {}

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=None)
def document_text(stem: str) -> str:
    return normalise(source_path(stem).read_text(encoding="utf-8"))


def _quoted_records() -> list[tuple[str, str, str]]:
    """(record id, document stem, quote) for every record with a quote."""
    out = []
    for located in SOURCES.of(organisations):
        o = located.record
        if o.source.quote:
            out.append((f"organisation:{o.id}", o.source.stem, o.source.quote))
    for located in SOURCES.of(instruments):
        inst = located.record
        if inst.quote:
            out.append((f"instrument:{inst.id}", located.document, inst.quote))
        for party in inst.parties:
            if party.quote:
                out.append((f"participation:{inst.id}/{party.party}", located.document, party.quote))
    for located in SOURCES.of(memberships):
        m = located.record
        if m.quote:
            out.append((f"membership:{m.organisation}/{m.member}", located.document, m.quote))
    for located in SOURCES.of(observations):
        o = located.record
        if o.quote:
            out.append((f"observation:{o.id}", located.document, o.quote))
    for module in (huggo_treaties, desta_treaties, gptad_treaties):
        for located in SOURCES.of(module):
            for party in located.record.parties:
                if party.quote:
                    out.append((f"participation:{located.record.instrument}/{party.party}", located.document,
                                party.quote))
    for located in SOURCES.of(icmw_status):
        party = getattr(located.record, "party", None)
        if party is not None and party.quote:
            out.append((f"participation:icmw/{party.party}", located.document, party.quote))
    seen: dict[str, int] = {}
    for record_id, _, _ in out:
        seen[record_id] = seen.get(record_id, 0) + 1
    return [(f"{rid}@{stem}" if seen[rid] > 1 else rid, stem, quote) for rid, stem, quote in out]


def _params():
    params = []
    for record_id, stem, quote in _quoted_records():
        marks = []
        if record_id in KNOWN_MISMATCHES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[record_id]))
        if FILES[stem].kind == "document":
            marks.append(NO_SEEDS)
        params.append(pytest.param(stem, quote, id=record_id, marks=marks))
    return params


QUOTED = _params()


def test_there_are_quotes_of_every_kind():
    kinds = {param.id.split(":", 1)[0] for param in QUOTED}
    assert kinds == {"organisation", "instrument", "participation", "membership", "observation"}


def test_known_mismatches_name_existing_records():
    ids = {param.id for param in QUOTED}
    assert set(KNOWN_MISMATCHES) <= ids


@pytest.mark.parametrize("stem, quote", QUOTED)
def test_quote_is_verbatim(stem: str, quote: str):
    path = source_path(stem)
    assert path.is_file(), f"{path.name} is missing from {path.parent}"
    assert normalise(quote) in document_text(stem), f"quote not found verbatim in {path.name}: {quote!r}"


@pytest.mark.parametrize("located", [
    pytest.param(d, id=d.record.file, marks=[NO_SEEDS] if d.record.kind == "document" else [])
    for d in SOURCES.of(documents) if d.record.kind != "official-text"])
def test_document_checksum(located):
    path = source_path(located.record.stem)
    assert path.is_file(), f"{path.name} is listed in documents.yaml but missing from {path.parent}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == located.record.sha256, (
        f"{path.name} does not match the sha256 in documents.yaml: quotes were taken from another text"
    )
