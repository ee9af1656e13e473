"""Memberships of states in organisations: ``sources/curated/<document>/memberships.yaml``.

Modelled with the W3C ORG vocabulary; the period uses OWL-Time, with the
instant property chosen by precision (inXSDDate, inXSDgYearMonth, inXSDgYear).
A document that names members without dates gives a membership without period.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from mrkg.loaders import plausibility
from mrkg.loaders.base import Located, cite, curated_files, document_graph, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Date, PartialDate, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import ORG, TIME

KIND = "membership"
FILE = "memberships.yaml"


class MembershipRecord(Record):
    organisation: str
    member: str
    start: Date | None = Field(default=None, alias="from")
    end: Date | None = Field(default=None, alias="to")
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None

    @field_validator("organisation")
    @classmethod
    def _known_organisation(cls, value: str, info: ValidationInfo) -> str:
        return known("organisation", value, info, "organisations are listed in curated/organisations.yaml")

    @field_validator("member")
    @classmethod
    def _known_member(cls, value: str, info: ValidationInfo) -> str:
        return known("country", value, info, "members are ISO 3166 alpha-3 country codes such as BLR")

    @model_validator(mode="after")
    def _ordered(self, info: ValidationInfo) -> "MembershipRecord":
        if self.start and self.end and self.end.latest < self.start.earliest:
            raise ValueError(f"membership ends ({self.end}) before it starts ({self.start})")
        registry = (info.context or {}).get("registry")
        if registry is not None:
            existence = [problem for what, date in (("membership from", self.start), ("membership to", self.end))
                         if (problem := plausibility.existence_problem(registry, self.member, what, date))]
            if existence:
                raise ValueError("; ".join(existence))
        return self


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[MembershipRecord]]:
    for path, stem in curated_files(root, FILE, registry, problems):
        for located in read_yaml_list(path, root, "memberships", MembershipRecord, KIND,
                                      registry, problems, document_graph(stem), stem, id_field=None):
            m = located.record
            first = registry.define(KIND, f"{m.organisation}/{m.member}/{stem}", f"{located.file}:{located.line}")
            if first is not None:
                problems.add(located.file, located.line, f"{m.organisation}/{m.member}", "member",
                             f"duplicate membership, first at {first}", "one membership per organisation and member")
                continue
            yield located


def _instant(node: URIRef, date: PartialDate) -> Iterator[tuple]:
    prop = {"day": TIME.inXSDDate, "month": TIME.inXSDgYearMonth, "year": TIME.inXSDgYear}[date.precision]
    yield node, RDF.type, TIME.Instant
    yield node, prop, date.literal()


def triples(located: Located[MembershipRecord]) -> Iterator[tuple]:
    m = located.record
    node = iris.membership(m.organisation, m.member, located.document)
    yield node, RDF.type, ORG.Membership
    yield node, RDFS.label, Literal(f"{m.member} in {m.organisation}")
    yield node, ORG.organization, iris.organisation(m.organisation)
    yield node, ORG.member, iris.country(m.member)
    if m.start or m.end:
        period = URIRef(f"{node}/period")
        yield node, ORG.memberDuring, period
        yield period, RDF.type, TIME.Interval
        if m.start:
            yield period, TIME.hasBeginning, URIRef(f"{period}/start")
            yield from _instant(URIRef(f"{period}/start"), m.start)
        if m.end:
            yield period, TIME.hasEnd, URIRef(f"{period}/end")
            yield from _instant(URIRef(f"{period}/end"), m.end)
    if m.note:
        yield node, SKOS.editorialNote, Literal(m.note, lang="en")
    yield from cite(node, located.document, m.locator, m.quote)
