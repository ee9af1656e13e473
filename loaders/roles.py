"""Roles of states in a migration system: ``sources/curated/<document>/roles.yaml``.

A source's classification of a state as a receiving, sending or transit state,
for a period and a region; a state may hold several roles, each its own record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders.base import Located, cite, curated_files, document_graph, period_triples, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import PeriodField, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "role"
FILE = "roles.yaml"
ROLES = {"receiving": MRKG.ReceivingState, "sending": MRKG.SendingState, "transit": MRKG.TransitState}


class RoleRecord(Record):
    country: str
    role: TypingLiteral[tuple(ROLES)]  # type: ignore[valid-type]
    period: PeriodField
    scope: str | None = None
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str, info: ValidationInfo) -> str:
        return known("country", value, info, "countries are ISO 3166 alpha-3 codes such as KAZ")

    @field_validator("scope")
    @classmethod
    def _known_area(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("area", value, info, "areas are listed in reference/areas.yaml")
        return value


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[RoleRecord]]:
    for path, stem in curated_files(root, FILE, registry, problems):
        for located in read_yaml_list(path, root, "roles", RoleRecord, KIND, registry, problems,
                                      document_graph(stem), stem, id_field=None):
            r = located.record
            first = registry.define(KIND, f"{r.country}/{r.role}/{r.period.slug}/{stem}",
                                    f"{located.file}:{located.line}")
            if first is not None:
                problems.add(located.file, located.line, f"{r.country}/{r.role}", "role",
                             f"duplicate role, first at {first}", "one record per country, role and period")
                continue
            yield located


def triples(located: Located[RoleRecord]) -> Iterator[tuple]:
    r = located.record
    node = iris.entity("role", r.country, r.role, r.period.slug, located.document)
    yield node, RDF.type, MRKG.MigrationRoleClassification
    yield node, RDFS.label, Literal(f"{r.country} as {r.role} state ({r.period.label})")
    yield node, MRKG.classifiedState, iris.country(r.country)
    yield node, MRKG.migrationRole, ROLES[r.role]
    yield node, DCTERMS.temporal, iris.entity("period", r.period.slug)
    yield from period_triples(r.period)
    if r.scope:
        yield node, MRKG.roleScope, iris.entity("area", r.scope)
    if r.note:
        yield node, SKOS.editorialNote, Literal(r.note, lang="en")
    yield from cite(node, located.document, r.locator, r.quote)
