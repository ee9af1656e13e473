"""Zones a programme defines and the regions in them: ``sources/curated/<document>/zones.yaml``.

Regions are named as the document names them and minted under our own
identifiers; they are not mapped to ISO 3166-2, whose list has changed since
(regions renamed and split), so a mapping would claim more than the source says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import Field, ValidationInfo, field_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders.base import Located, cite, curated_files, document_graph, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Identifier, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, SCHEMA

KIND = "zone"
FILE = "zones.yaml"


class RegionRecord(Record):
    id: Identifier
    label: str = Field(min_length=1)


class ZoneRecord(Record):
    id: Identifier
    label: str = Field(min_length=1)
    programme: str
    country: str
    regions: list[RegionRecord] = Field(min_length=1)
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None

    @field_validator("programme")
    @classmethod
    def _known_programme(cls, value: str, info: ValidationInfo) -> str:
        return known("instrument", value, info, "programmes are instruments in some instruments.yaml")

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str, info: ValidationInfo) -> str:
        return known("country", value, info, "countries are ISO 3166 alpha-3 codes such as KAZ")


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[ZoneRecord]]:
    for path, stem in curated_files(root, FILE, registry, problems):
        for located in read_yaml_list(path, root, "zones", ZoneRecord, KIND, registry, problems,
                                      document_graph(stem), stem):
            clash = False
            for region in located.record.regions:
                known_label = registry.detail("region", region.id)
                if known_label is None:
                    registry.define("region", region.id, f"{located.file}:{located.line}", region.label)
                elif known_label != region.label:
                    problems.add(located.file, located.line, located.record.id, "regions",
                                 f"region {region.id!r} is labelled {region.label!r} here and {known_label!r} before",
                                 "one label per region identifier")
                    clash = True
            if not clash:
                yield located


def triples(located: Located[ZoneRecord]) -> Iterator[tuple]:
    z = located.record
    node = iris.entity("zone", z.id)
    yield node, RDF.type, MRKG.ProgrammeZone
    yield node, RDFS.label, Literal(z.label, lang="en")
    yield node, DCTERMS.identifier, Literal(z.id)
    yield node, MRKG.zoneOf, iris.instrument(z.programme)
    yield node, SCHEMA.containedInPlace, iris.country(z.country)
    for region in z.regions:
        place = iris.entity("region", region.id)
        yield node, SCHEMA.containsPlace, place
        yield place, RDF.type, MRKG.Region
        yield place, RDFS.label, Literal(region.label, lang="en")
        yield place, DCTERMS.identifier, Literal(region.id)
        yield place, SCHEMA.containedInPlace, iris.country(z.country)
    if z.note:
        yield node, SKOS.editorialNote, Literal(z.note, lang="en")
    yield from cite(node, located.document, z.locator, z.quote)
