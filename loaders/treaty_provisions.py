"""What treaties say about themselves: ``sources/curated/treaty-provisions.yaml``.

A treaty's own text (or its depositary's notice) fixes when it was adopted, when it entered into
force, when it enters into force for a state that consents later, and when a denunciation takes
effect. Each provision cites its document (an ``official-text`` of ``documents.yaml``: the
treaty's text or a depositary notice at a stable URL), the article or paragraph, and a quote
where one was checked against the official text.

Kinds of provision:

``dates``
    the treaty's date of adoption or signature (``date``) and its own entry into force
    (``entry_into_force``), as one document gives them: that document's record of the instrument
    (``mrkg:InstrumentRecord``), beside the other sources' records.
``later-consent``
    when the treaty enters into force for a state that consents (ratifies, accedes, ...) later:
    ``months`` and/or ``days`` after the deposit of its instrument, then, with
    ``then: first-day-of-next-month``, on the first day of the following month. ``applies``
    says when a consent counts as later: ``after-entry-into-force`` (ICMW Art. 87(2): "after
    its entry into force"; a state that consented before is bound from the treaty's own entry
    into force) or ``after-threshold`` (the 1951 Convention, Art. 43(2): after the deposit of
    the sixth instrument; the treaty's own entry into force is then the same delay after that
    deposit, so a party is bound from whichever is later).
``denunciation``
    when a denunciation takes effect: ``months`` and/or ``days`` after its notification is
    received, then optionally the first day of the following month (ICMW Art. 89(2)).

The consolidation (graph/consolidate.py) applies the rules where no source gives a party's entry
into force or withdrawal, and says that the date is derived, from what and by which rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from mrkg.loaders.base import Located, cite, display, document_graph, read_yaml_list
from mrkg.loaders.instruments import instrument_record_triples
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Date, Identifier, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "treaty-provision"
FILE = "curated/treaty-provisions.yaml"
RULES = {"later-consent": MRKG.EntryIntoForceForLaterParty, "denunciation": MRKG.DenunciationTakesEffect}
APPLIES = {"after-entry-into-force": MRKG.AfterEntryIntoForce, "after-threshold": MRKG.AfterThreshold}


class ProvisionRecord(Record):
    instrument: Identifier
    kind: TypingLiteral["dates", "later-consent", "denunciation"]
    date: Date | None = None
    entry_into_force: Date | None = None
    months: int | None = Field(default=None, ge=0, le=120)
    days: int | None = Field(default=None, ge=0, le=3650)
    then: TypingLiteral["same-day", "first-day-of-next-month"] = "same-day"
    applies: TypingLiteral["after-entry-into-force", "after-threshold"] | None = None
    document: str
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, value: str, info: ValidationInfo) -> str:
        return known("instrument", value, info, "give the id of an instrument of some instruments.yaml or of "
                     "a dataset's instrument (mrkg list instruments)")

    @field_validator("document")
    @classmethod
    def _official_text(cls, value: str, info: ValidationInfo) -> str:
        registry = (info.context or {}).get("registry")
        if registry is not None:
            record = registry.detail("document", value)
            if record is None or record.kind != "official-text":
                raise ValueError(f"{value!r} is not an official text of documents.yaml (kind: official-text): a "
                                 "treaty's provisions cite its text or its depositary's notice")
        return value

    @model_validator(mode="after")
    def _shape(self) -> "ProvisionRecord":
        if self.kind == "dates":
            if self.date is None and self.entry_into_force is None:
                raise ValueError("a dates provision gives date (adoption or signature) and/or entry_into_force")
            if self.months is not None or self.days is not None or self.applies is not None \
                    or self.then != "same-day":
                raise ValueError("a dates provision gives dates, not a rule (months, days, then, applies)")
            if self.date and self.entry_into_force and self.entry_into_force.latest < self.date.earliest:
                raise ValueError(f"entry into force {self.entry_into_force} is before adoption {self.date}")
        else:
            if self.date is not None or self.entry_into_force is not None:
                raise ValueError(f"a {self.kind} rule gives months and/or days, not dates")
            if self.months is None and self.days is None:
                raise ValueError(f"a {self.kind} rule gives its delay: months and/or days (0 for the same day)")
            if (self.kind == "later-consent") != (self.applies is not None):
                raise ValueError("applies (after-entry-into-force or after-threshold) is given for later-consent "
                                 "rules, and only for them")
        return self

    @property
    def rule_id(self) -> str:
        return f"{self.instrument}/{self.kind}"


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[ProvisionRecord]]:
    path = root / FILE
    if not path.is_file():
        return
    shown = display(path, root)
    seen: dict[tuple, int] = {}
    for located in read_yaml_list(path, root, "provisions", ProvisionRecord, KIND, registry, problems,
                                  iris.REFERENCE_GRAPH, None, id_field=None):
        p = located.record
        key = (p.instrument, p.kind) if p.kind != "dates" else (p.instrument, p.kind, p.document)
        if key in seen:
            problems.add(shown, located.line, p.instrument, "kind",
                         f"a second {p.kind} provision (the first on line {seen[key]})",
                         "one rule of each kind per instrument, one dates provision per instrument and document")
            continue
        seen[key] = located.line
        yield Located(document_graph(p.document), p.document, p, located.file, located.line)


def triples(located: Located[ProvisionRecord]) -> Iterator[tuple]:
    p = located.record
    if p.kind == "dates":
        yield from instrument_record_triples(p.instrument, p.document, None, p.locator, quote=p.quote, note=p.note,
                                             date=p.date, entry_into_force=p.entry_into_force)
        return
    node = iris.entity("rule", p.instrument, p.kind)
    yield node, RDF.type, MRKG.TreatyRule
    yield node, RDFS.label, Literal(f"{p.instrument}, {p.locator}: {describe(p)}", lang="en")
    yield node, MRKG.ruleOf, iris.instrument(p.instrument)
    yield node, MRKG.ruleKind, RULES[p.kind]
    if p.months is not None:
        yield node, MRKG.delayMonths, Literal(p.months, datatype=XSD.integer)
    if p.days is not None:
        yield node, MRKG.delayDays, Literal(p.days, datatype=XSD.integer)
    yield node, MRKG.firstDayOfNextMonth, Literal(p.then == "first-day-of-next-month")
    if p.applies:
        yield node, MRKG.appliesAfter, APPLIES[p.applies]
    yield from cite(node, p.document, p.locator, p.quote)


def describe(p: ProvisionRecord) -> str:
    """The rule in words, for labels and notes."""
    delay = " and ".join(part for part in (
        f"{p.months} month{'s' if p.months != 1 else ''}" if p.months else "",
        f"{p.days} day{'s' if p.days != 1 else ''}" if p.days else "") if part) or "no delay"
    start = {"later-consent": "the deposit of the party's instrument",
             "denunciation": "the receipt of the notification of denunciation"}[p.kind]
    what = {"later-consent": "enters into force for a party that consents later",
            "denunciation": "a denunciation takes effect"}[p.kind]
    when = f"{delay} after {start}" if delay != "no delay" else f"on the day of {start}"
    if p.then == "first-day-of-next-month":
        when = f"on the first day of the month following {delay} after {start}"
    return f"{what} {when}"
