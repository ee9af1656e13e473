"""Status of the UN Migrant Workers Convention (ICMW) by UN member state, the whole table.

File: ``datasets/un-icmw-ratification/hr_status_icmw.csv`` (one row per UN member state, as
scraped from the UN Treaty Collection in 2022), loaded into the dataset's named graph.

The Convention is defined here as the instrument ``icmw`` (no curated document names it). Its
title comes from the dataset's documentation; the table gives no adoption date, so none is
recorded. Per row (columns in brackets):

* a state party [state party = 1] consented to be bound in the year given [year ratification or
  accession], by ratification or accession: the table does not say which, so the consent type is
  "ratification or accession". No signature or entry-into-force date is given, and none is
  recorded.
* a signatory state [signatory = 1] signed but is not a party; the table gives no date. Its
  participation carries ``mrkg:signatory true`` and no date, and ``agreements-of`` reports it as
  "signed (no date recorded)", never as a party.
* a state with no action [no action = 1] gets nothing.

Exactly one of the three flags is 1, ``status`` says the same in words, and the year is given
exactly for state parties; anything else is an error. ``member`` and ``note`` are not read
(``note`` only records how the scraper matched names).

Country codes are ISO 3166 alpha-2. A code ISO 3166 has withdrawn is read through its numeric
code when a current country has that numeric code: TP (East Timor, 626) is Timor-Leste (TLS,
626), as the row's note says ("Found as Timor-Leste in the UN Treaty Collection"). Every row is
loaded, so every code must resolve; a code that maps to nothing is an error listing every such
code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

import pycountry
from pydantic import Field, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located, display, document_graph
from mrkg.loaders.instruments import PartyRecord, instrument_record_triples, participation_triples
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import CsvRow, Problems, read_csv, validate
from mrkg.loaders.types import Record
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "icmw-status"
STEM = "hr_status_icmw"
COLUMNS = ["iso2", "member", "state party", "year ratification or accession", "signatory", "no action", "status",
           "note"]
INSTRUMENT = "icmw"
TITLE = "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families"
ALT_TITLES = ("ICMW", "ICRMW", "Migrant Workers Convention")
STATUS = {"state party": "state party", "signatory": "signatory state", "no action": "no action"}


class StatusRow(Record):
    """One row of the table, as printed."""

    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    state_party: TypingLiteral["0", "1"] = Field(alias="state party")
    year: str | None = Field(default=None, alias="year ratification or accession")
    signatory: TypingLiteral["0", "1"]
    no_action: TypingLiteral["0", "1"] = Field(alias="no action")
    status: TypingLiteral["state party", "signatory state", "no action"]

    @field_validator("year")
    @classmethod
    def _year(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9]{4}", value):
            raise ValueError(f"{value!r} is not a year (yyyy)")
        return value

    @model_validator(mode="after")
    def _one_status(self) -> "StatusRow":
        flags = {"state party": self.state_party, "signatory": self.signatory, "no action": self.no_action}
        on = [name for name, flag in flags.items() if flag == "1"]
        if len(on) != 1:
            raise ValueError(f"{len(on)} of the columns state party, signatory, no action are 1")
        if STATUS[on[0]] != self.status:
            raise ValueError(f"status {self.status!r} contradicts the column {on[0]!r} = 1")
        if (self.year is not None) != (on[0] == "state party"):
            raise ValueError("a year of ratification or accession is given exactly for state parties")
        return self


class ConventionRecord(Record):
    """The Convention itself, described once from the dataset."""

    id: str = INSTRUMENT
    title: str = TITLE
    locator: str


class StatusRecord(Record):
    """A state party or signatory state."""

    party: PartyRecord
    signatory: bool = False


def alpha2_codes(registry: Registry) -> dict[str, str]:
    """ISO 3166 alpha-2 -> alpha-3, with withdrawn alpha-2 codes read through their numeric code."""
    out: dict[str, str] = {}
    current_numeric: dict[str, str] = {}
    for code in registry.ids("country"):
        record = registry.detail("country", code)
        if record.alpha2 and not record.historic:
            out[record.alpha2] = record.code
            if record.numeric:
                current_numeric[record.numeric] = record.code
    for country in pycountry.historic_countries:
        alpha2 = getattr(country, "alpha_2", None)
        numeric = getattr(country, "numeric", None)
        if alpha2 and alpha2 not in out and numeric in current_numeric:
            out[alpha2] = current_numeric[numeric]
    return out


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located]:
    path = tt.dataset_file(root, registry, STEM)
    if path is None:
        return
    file = display(path, root)
    lines = tt.raw_lines(path)
    codes = alpha2_codes(registry)
    graph = document_graph(STEM)
    parsed = []
    unknown: dict[str, list[int]] = defaultdict(list)
    for row in read_csv(path, COLUMNS, problems):
        status = validate(StatusRow, _subset(row), Path(file), row.get("iso2"), problems)
        if status is None:
            continue
        if status.iso2 not in codes:
            unknown[status.iso2].append(row.line)
            continue
        parsed.append((row, status))
    tt.unknown_values_problem(problems, file, "iso2", unknown,
                              "ISO 3166 alpha-2 codes (a withdrawn one only where a current country has its "
                              "numeric code)")
    first = registry.define("instrument", INSTRUMENT, f"{file}")
    if first is not None:
        problems.add(file, None, INSTRUMENT, None, f"instrument identifier {INSTRUMENT!r} is already defined at "
                     f"{first}", "an identifier used once")
        return
    yield Located(graph, STEM, ConventionRecord(locator="the whole table (hr_status_icmw)"), file, None)
    seen: dict[str, int] = {}
    for row, status in parsed:
        state = codes[status.iso2]
        if state in seen:
            problems.add(file, row.line, status.iso2, "iso2", f"{state} is listed twice (first on line {seen[state]})",
                         "one row per state")
            continue
        seen[state] = row.line
        if status.no_action == "1":
            continue
        line_text = lines[row.line - 1] if row.line <= len(lines) else None
        values = {"party": state, "locator": f"line {row.line}, iso2 {status.iso2}", "quote": line_text}
        if status.state_party == "1":
            values.update(consent="ratification-or-accession", consent_date=status.year)
        else:
            values["note"] = "A signatory state: the table gives no date of signature; not a state party."
        party = tt.party_record(values, registry, problems, file, row.line, status.iso2,
                                {"consent_date": "year ratification or accession", "party": "iso2"})
        if party is None:
            continue
        yield Located(graph, STEM, StatusRecord(party=party, signatory=status.signatory == "1"), file, row.line)


def _subset(row: CsvRow) -> CsvRow:
    """The columns the model reads (member and note are not read), keeping the row's line."""
    subset = CsvRow((k, v) for k, v in row.items() if k not in ("member", "note"))
    subset.line = row.line
    return subset


def triples(located: Located) -> Iterator[tuple]:
    record = located.record
    if isinstance(record, ConventionRecord):
        node = iris.instrument(record.id)
        yield node, RDF.type, MRKG.InternationalAgreement
        yield node, DCTERMS.identifier, Literal(record.id)
        yield node, MRKG.instrumentType, MRKG.Convention
        for alt in ALT_TITLES:
            yield node, SKOS.altLabel, Literal(alt, lang="en")
        yield node, MRKG.policyArea, MRKG.LabourMigration
        yield from instrument_record_triples(record.id, located.document, record.title, record.locator)
        return
    yield from participation_triples(INSTRUMENT, record.party, located.document, record.party.locator,
                                     signatory=record.signatory)
