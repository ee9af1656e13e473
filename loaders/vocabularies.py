"""Controlled lists people edit: units, area aggregates, measures, statistical sources.

Files: ``sources/reference/{units,areas,measures,statistical-sources}.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, StrictBool, ValidationInfo, field_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders.base import Located, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Identifier, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "vocabulary"


class Term(Record):
    id: Identifier
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class UnitRecord(Term):
    pass


class AreaRecord(Term):
    pass


class StatisticalSourceRecord(Term):
    pass


class MeasureRecord(Term):
    kind: TypingLiteral["bilateral", "area", "instrument"]
    units: list[str] = Field(min_length=1)
    non_negative: StrictBool

    @field_validator("units")
    @classmethod
    def _known_units(cls, units: list[str], info: ValidationInfo) -> list[str]:
        for unit in units:
            known("unit", unit, info, "units are listed in reference/units.yaml")
        return units


# (file, section, model, registry kind, IRI kind, class)
TABLES = (
    ("units.yaml", "units", UnitRecord, "unit", "unit", MRKG.Unit),
    ("areas.yaml", "areas", AreaRecord, "area", "area", MRKG.AreaAggregate),
    ("statistical-sources.yaml", "statistical_sources", StatisticalSourceRecord,
     "statistical-source", "statistical-source", MRKG.StatisticalSource),
    ("measures.yaml", "measures", MeasureRecord, "measure", "measure", MRKG.Measure),
)
_IRI_KIND = {model: (iri_kind, cls) for _, _, model, _, iri_kind, cls in TABLES}


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[Term]]:
    for file, section, model, kind, _, _ in TABLES:
        yield from read_yaml_list(root / "reference" / file, root, section, model, kind,
                                  registry, problems, iris.REFERENCE_GRAPH, None)


def triples(located: Located[Term]) -> Iterator[tuple]:
    term = located.record
    iri_kind, cls = _IRI_KIND[type(term)]
    node = iris.entity(iri_kind, term.id)
    yield node, RDF.type, cls
    yield node, RDFS.label, Literal(term.label, lang="en")
    yield node, SKOS.prefLabel, Literal(term.label, lang="en")
    yield node, SKOS.definition, Literal(term.definition, lang="en")
    yield node, DCTERMS.identifier, Literal(term.id)
