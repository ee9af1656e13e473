"""Instruments and their per-party participation: ``sources/curated/<document>/instruments.yaml``.

One file per source document; every record cites a locator in that document.
Each party of an instrument becomes a participation record (signature,
consent, entry into force, withdrawal, suspension), kept per source so that
two sources with different dates stand side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders import plausibility
from mrkg.loaders.base import Located, cite, curated_files, document_graph, period_triples, read_yaml_list
from mrkg.loaders.instrument_terms import CLASSES, CONSENT_TYPES, NATIONAL, POLICY_AREAS, TYPES
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Date, DateOrRange, Identifier, PeriodField, Record, certainly_before, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import ELI, MRKG, SCHEMA

KIND = "instrument"
FILE = "instruments.yaml"

_before = certainly_before


class PartyRecord(Record):
    party: str
    signed: DateOrRange | None = None
    consent: TypingLiteral[tuple(CONSENT_TYPES)] | None = None  # type: ignore[valid-type]
    consent_date: DateOrRange | None = None
    in_force: DateOrRange | None = None
    denounced: Date | None = None  # the depositary received the notification of denunciation
    withdrawn: DateOrRange | None = None  # the withdrawal took effect
    suspended: DateOrRange | None = None
    suspension_ended: DateOrRange | None = None
    locator: str | None = None
    quote: str | None = None
    note: str | None = None

    @field_validator("party")
    @classmethod
    def _known_party(cls, value: str, info: ValidationInfo) -> str:
        registry = (info.context or {}).get("registry")
        if registry is not None and (problem := plausibility.party_kind_problem(registry, value)):
            raise ValueError(problem)
        return value

    def dated(self) -> list[tuple[str, object]]:
        """Each date of the participation with the name a message gives it."""
        return [(name, value) for name, value in (
            ("signature", self.signed), ("consent", self.consent_date), ("entry into force", self.in_force),
            ("denunciation", self.denounced), ("withdrawal", self.withdrawn), ("suspension", self.suspended),
            ("suspension end", self.suspension_ended)) if value is not None]

    @model_validator(mode="after")
    def _dates_in_order(self, info: ValidationInfo) -> "PartyRecord":
        if self.suspension_ended is not None and self.suspended is None:
            raise ValueError("suspension_ended is given without suspended")
        if self.consent_date is not None and self.consent is None:
            raise ValueError("consent_date is given without consent (ratification, accession, ...)")
        # Every rule that is broken, in one message: a record with two slips shows both.
        broken = [f"{later_name} {later} is before {earlier_name} {earlier}"
                  for later_name, later, earlier_name, earlier in self._order_pairs()
                  if _before(later, earlier)]
        registry = (info.context or {}).get("registry")
        if registry is not None:
            broken += [problem for name, value in self.dated()
                       if (problem := plausibility.existence_problem(registry, self.party, name, value))]
        if broken:
            raise ValueError("; ".join(broken))
        return self

    def _order_pairs(self) -> Iterator[tuple[str, object, str, object]]:
        """(later, earlier) pairs of the chronology signature <= consent <= entry into force <=
        denunciation <= withdrawal, with suspension after signature and its end after it."""
        yield "consent", self.consent_date, "signature", self.signed
        yield "entry into force", self.in_force, "signature", self.signed
        yield "entry into force", self.in_force, "consent", self.consent_date
        for name, earlier in (("entry into force", self.in_force), ("consent", self.consent_date),
                              ("signature", self.signed)):
            yield "withdrawal", self.withdrawn, name, earlier
            yield "denunciation", self.denounced, name, earlier
        yield "withdrawal", self.withdrawn, "its denunciation", self.denounced
        yield "suspension", self.suspended, "signature", self.signed
        yield "suspension end", self.suspension_ended, "suspension", self.suspended


class InstrumentRecord(Record):
    id: Identifier
    class_: TypingLiteral[tuple(CLASSES)] = Field(alias="class")  # type: ignore[valid-type]
    type: TypingLiteral[tuple(TYPES)]  # type: ignore[valid-type]
    title: str = Field(min_length=1)
    title_ru: str | None = None
    alt_titles: list[str] = []
    date: DateOrRange | None = None
    place: str | None = None
    number: str | None = None
    adopted_within: str | None = None
    jurisdiction: str | None = None
    entry_into_force: DateOrRange | None = None
    termination: DateOrRange | None = None
    period: PeriodField | None = None
    policy_areas: list[TypingLiteral[tuple(POLICY_AREAS)]] = []  # type: ignore[valid-type]
    amends: Identifier | None = None
    part_of: Identifier | None = None
    responsible: list[str] = []
    funded_by: list[str] = []
    covers: list[str] = []
    target_group: str | None = Field(default=None, min_length=1)
    purpose: str | None = Field(default=None, min_length=1)
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None
    parties: list[PartyRecord] = []

    @field_validator("adopted_within")
    @classmethod
    def _known_organisation(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("organisation", value, info, "organisations are listed in curated/organisations.yaml")
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _known_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("country", value, info, "countries are ISO 3166 alpha-3 codes such as KAZ")
        return value

    @field_validator("responsible", "funded_by")
    @classmethod
    def _known_organisations(cls, values: list[str], info: ValidationInfo) -> list[str]:
        for value in values:
            known("organisation", value, info, "organisations are listed in curated/organisations.yaml "
                  "or a document's organisations.yaml")
        if len(set(values)) != len(values):
            raise ValueError("an organisation is listed twice")
        return values

    @field_validator("covers")
    @classmethod
    def _known_countries(cls, values: list[str], info: ValidationInfo) -> list[str]:
        for value in values:
            known("country", value, info, "countries are ISO 3166 alpha-3 codes such as BLR")
        if len(set(values)) != len(values):
            raise ValueError("a country is listed twice")
        return values

    @model_validator(mode="after")
    def _consistent(self) -> "InstrumentRecord":
        if self.class_ in NATIONAL:
            if self.jurisdiction is None:
                raise ValueError(f"a {self.class_} needs a jurisdiction (the country that adopted it)")
            if self.parties:
                raise ValueError(f"a {self.class_} has a jurisdiction, not parties")
        if self.class_ == "draft":
            if self.entry_into_force or any(p.in_force or p.consent for p in self.parties):
                raise ValueError("a draft has no entry into force and no consent to be bound")
        if self.amends == self.id or self.part_of == self.id:
            raise ValueError("an instrument cannot amend or be part of itself")
        if _before(self.entry_into_force, self.date):
            raise ValueError(f"entry into force {self.entry_into_force} is before signature or adoption {self.date}")
        if _before(self.termination, self.entry_into_force):
            raise ValueError(f"termination {self.termination} is before entry into force {self.entry_into_force}")
        if _before(self.termination, self.date):
            raise ValueError(f"termination {self.termination} is before signature or adoption {self.date}")
        seen: set[str] = set()
        for party in self.parties:
            if party.party in seen:
                raise ValueError(f"party {party.party} is listed twice")
            seen.add(party.party)
            for name, value in party.dated():
                if _before(value, self.date):
                    raise ValueError(f"{name} {value} for {party.party} is before signature {self.date}")
        return self


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[InstrumentRecord]]:
    records: list[Located[InstrumentRecord]] = []
    for path, stem in curated_files(root, FILE, registry, problems):
        records.extend(read_yaml_list(path, root, "instruments", InstrumentRecord, KIND,
                                      registry, problems, document_graph(stem), stem))
    # amends and part_of may point to an instrument of any document, so they are checked
    # once every instrument has been read.
    for located in records:
        for field in ("amends", "part_of"):
            target = getattr(located.record, field)
            if target is not None and not registry.has(KIND, target):
                problems.add(located.file, located.line, located.record.id, field,
                             registry.unknown(KIND, repr(target), target), "the id of an instrument in some instruments.yaml")
    _report_cycles(records, problems)
    yield from records


def _report_cycles(records: list[Located[InstrumentRecord]], problems: Problems) -> None:
    """One problem per cycle of amends or of part_of, at its first member in reading order."""
    where = {located.record.id: located for located in records}
    for field, verb in (("amends", "amends"), ("part_of", "is part of")):
        edges = {r.record.id: getattr(r.record, field) for r in records if getattr(r.record, field) is not None}
        for cycle in plausibility.cycles(edges):
            first = where[cycle[0]]
            chain = f" {verb} ".join(cycle + [cycle[0]])
            problems.add(first.file, first.line, first.record.id, field,
                         f"{field} forms a cycle of {len(cycle)} instruments: {chain}",
                         f"an instrument that {verb} another never leads back to itself")


def triples(located: Located[InstrumentRecord]) -> Iterator[tuple]:
    """The instrument's description (in the document's graph) and the document's record of its
    title and dates (``mrkg:InstrumentRecord``). The instrument's label and dates as the graph
    states them come from the consolidation of every source's record (graph/consolidate.py)."""
    inst = located.record
    stem = located.document
    node = iris.instrument(inst.id)
    yield node, RDF.type, CLASSES[inst.class_]
    yield node, DCTERMS.identifier, Literal(inst.id)
    yield node, MRKG.instrumentType, TYPES[inst.type]
    if inst.title_ru:
        yield node, SKOS.altLabel, Literal(inst.title_ru, lang="ru")
    for alt in inst.alt_titles:
        yield node, SKOS.altLabel, Literal(alt, lang="en")
    if inst.place:
        yield node, SCHEMA.locationCreated, Literal(inst.place)
    if inst.number:
        yield node, SCHEMA.legislationIdentifier, Literal(inst.number)
    if inst.adopted_within:
        yield node, MRKG.adoptedWithin, iris.organisation(inst.adopted_within)
    if inst.jurisdiction:
        yield node, SCHEMA.legislationJurisdiction, iris.country(inst.jurisdiction)
    if inst.period:
        yield node, DCTERMS.temporal, iris.entity("period", inst.period.slug)
        yield from period_triples(inst.period)
    for area in inst.policy_areas:
        yield node, MRKG.policyArea, POLICY_AREAS[area]
    if inst.amends:
        yield node, ELI.amends, iris.instrument(inst.amends)
    if inst.part_of:
        yield node, DCTERMS.isPartOf, iris.instrument(inst.part_of)
    for body in inst.responsible:
        yield node, MRKG.responsibleBody, iris.organisation(body)
    for funder in inst.funded_by:
        yield node, SCHEMA.funder, iris.organisation(funder)
    for country in inst.covers:
        yield node, DCTERMS.spatial, iris.country(country)
    if inst.target_group:
        yield node, MRKG.targetGroup, Literal(inst.target_group, lang="en")
    if inst.purpose:
        yield node, DCTERMS.description, Literal(inst.purpose, lang="en")
    yield from instrument_record_triples(inst.id, stem, inst.title, inst.locator, quote=inst.quote, note=inst.note,
                                         date=inst.date, entry_into_force=inst.entry_into_force,
                                         termination=inst.termination, curated=True)
    for party in inst.parties:
        yield from participation_triples(inst.id, party, stem, inst.locator)


def instrument_record_triples(instrument_id: str, stem: str, title: str | None, locator: str, *,
                              quote: str | None = None, note: str | None = None, notation: str | None = None,
                              date=None, entry_into_force=None, termination=None,
                              source_type: str | None = None, curated: bool = False) -> Iterator[tuple]:
    """What one source says about an instrument as a whole: its title, its identifier in the source,
    the date of signature or adoption, the general entry into force and the termination.

    Every source that names an instrument writes one such record (curated documents, treaty tables,
    official texts), so that the sources' titles and dates stand side by side; ``curated`` marks a
    record a curator read in a document, whose title the instrument takes.
    """
    node = iris.instrument_record(instrument_id, stem)
    yield node, RDF.type, MRKG.InstrumentRecord
    yield node, RDFS.label, Literal(f"{instrument_id} according to {stem}")
    yield node, MRKG.recordOf, iris.instrument(instrument_id)
    if title:
        yield node, DCTERMS.title, Literal(title, lang="en")
    if notation:
        yield node, SKOS.notation, Literal(notation)
    if source_type:
        yield node, MRKG.sourceType, Literal(source_type)
    if curated:
        yield node, MRKG.curatedRecord, Literal(True)
    for prop, value in ((SCHEMA.legislationDate, date), (MRKG.entryIntoForce, entry_into_force),
                        (MRKG.terminationDate, termination)):
        if value is not None:
            yield node, prop, value.literal()
    if note:
        yield node, SKOS.editorialNote, Literal(note, lang="en")
    yield from cite(node, stem, locator, quote)


def participation_triples(instrument_id: str, party: PartyRecord, stem: str, locator: str,
                          signatory: bool = False) -> Iterator[tuple]:
    """One party's participation in an instrument as one source gives it (the node is per source).

    Third-party treaty tables use this too, so that their dates are modelled exactly as the
    curated ones. ``signatory`` records a signature the source reports without a date.
    """
    node = iris.participation(instrument_id, party.party, stem)
    yield node, RDF.type, MRKG.Participation
    yield node, RDFS.label, Literal(f"{party.party} in {instrument_id}")
    yield node, MRKG.instrument, iris.instrument(instrument_id)
    yield node, MRKG.party, iris.party(party.party)
    for prop, value in (
        (MRKG.signatureDate, party.signed), (MRKG.consentDate, party.consent_date),
        (MRKG.entryIntoForce, party.in_force), (MRKG.denunciationDate, party.denounced),
        (MRKG.withdrawalDate, party.withdrawn),
        (MRKG.suspensionDate, party.suspended), (MRKG.suspensionEndDate, party.suspension_ended),
    ):
        if value is not None:
            yield node, prop, value.literal()
    if party.consent:
        yield node, MRKG.consentType, CONSENT_TYPES[party.consent]
    if signatory:
        yield node, MRKG.signatory, Literal(True)
    if party.note:
        yield node, SKOS.editorialNote, Literal(party.note, lang="en")
    yield from cite(node, stem, party.locator or locator, party.quote)
