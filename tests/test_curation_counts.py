"""The counts table at the end of CURATION.md matches the curated records.

On failure the message prints the table as it should be, to paste into CURATION.md.
"""

from __future__ import annotations

from pathlib import Path

from mrkg.loaders import (
    desta_treaties, documents, gptad_treaties, huggo_treaties, icmw_status, instruments, memberships, observations,
    organisations, read_sources, roles, zones,
)

CURATION = Path(__file__).resolve().parents[1] / "CURATION.md"
COLUMNS = ("instruments", "programmes", "observations", "memberships", "organisations", "roles", "zones")
SHARED = "curated/organisations.yaml"


def counted() -> dict[str, dict[str, int]]:
    sources = read_sources()
    rows = {f"`{d.record.file}`": dict.fromkeys(COLUMNS, 0) for d in sources.of(documents)}
    rows[f"`{SHARED}`"] = dict.fromkeys(COLUMNS, 0)

    def add(document: str | None, column: str) -> None:
        file = next(d.record.file for d in sources.of(documents) if d.record.stem == document)
        rows[f"`{file}`"][column] += 1

    for located in sources.of(instruments):
        add(located.document, "instruments")
        if located.record.class_ == "programme":
            add(located.document, "programmes")
    # Instruments a treaty table or the ICMW table describes (a treaty that is another table's
    # instrument adds only its participations, which CURATION.md counts in its own section).
    for module in (huggo_treaties, desta_treaties, gptad_treaties):
        for located in sources.of(module):
            if located.record.describes:
                add(located.document, "instruments")
    for located in sources.of(icmw_status):
        if not hasattr(located.record, "party"):
            add(located.document, "instruments")
    for module, column in ((observations, "observations"), (memberships, "memberships"),
                           (roles, "roles"), (zones, "zones")):
        for located in sources.of(module):
            add(located.document, column)
    for located in sources.of(organisations):
        if located.graph.endswith("/graph/reference"):
            rows[f"`{SHARED}`"]["organisations"] += 1
        else:
            add(located.document, "organisations")
    # A third-party table is listed only when curated records cite it; tables loaded whole
    # (loaders/datasets) are counted by the build, not curated by hand.
    kinds = {f"`{d.record.file}`": d.record.kind for d in sources.of(documents)}
    return {name: counts for name, counts in rows.items()
            if kinds.get(name, "document") == "document" or any(counts.values())}


def table(rows: dict[str, dict[str, int]]) -> str:
    lines = ["| source | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, counts in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
    total = {c: sum(r[c] for r in rows.values()) for c in COLUMNS}
    lines.append("| **total** | " + " | ".join(str(total[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def test_counts_table_matches_the_records():
    text = CURATION.read_text(encoding="utf-8")
    expected = table(counted())
    assert expected in text, f"the Counts table of CURATION.md should read:\n\n{expected}\n"
