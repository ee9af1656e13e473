"""Controlled lists people edit: units, area aggregates, measures, statistical sources.

Files: ``sources/reference/{units,areas,measures,statistical-sources}.yaml``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, PositiveInt, StrictBool, ValidationInfo, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

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
    base: str | None = None
    multiplier: PositiveInt | None = None

    @model_validator(mode="after")
    def _multiple(self) -> "UnitRecord":
        if (self.base is None) != (self.multiplier is None):
            raise ValueError("a multiple gives both its base unit and its multiplier")
        return self


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
        records = list(read_yaml_list(root / "reference" / file, root, section, model, kind,
                                      registry, problems, iris.REFERENCE_GRAPH, None))
        if model is UnitRecord:
            _check_bases(records, registry, problems)
        yield from records


def _check_bases(units: list[Located[UnitRecord]], registry: Registry, problems: Problems) -> None:
    """A multiple's base unit is a listed unit that is not itself a multiple (checked once all are read)."""
    for located in units:
        base = located.record.base
        if base is None:
            continue
        target = registry.detail("unit", base)
        if target is None:
            problems.add(located.file, located.line, located.record.id, "base", f"unknown base unit {base!r}",
                         "a unit listed in units.yaml")
        elif target.base is not None:
            problems.add(located.file, located.line, located.record.id, "base",
                         f"base unit {base!r} is itself a multiple of {target.base!r}", "a unit that is no multiple")


def triples(located: Located[Term]) -> Iterator[tuple]:
    term = located.record
    iri_kind, cls = _IRI_KIND[type(term)]
    node = iris.entity(iri_kind, term.id)
    yield node, RDF.type, cls
    yield node, RDFS.label, Literal(term.label, lang="en")
    yield node, SKOS.prefLabel, Literal(term.label, lang="en")
    yield node, SKOS.definition, Literal(term.definition, lang="en")
    yield node, DCTERMS.identifier, Literal(term.id)
    if isinstance(term, UnitRecord):
        # Every unit, base units included, says how it converts, so queries need no OPTIONAL.
        yield node, MRKG.baseUnit, iris.entity("unit", term.base or term.id)
        yield node, MRKG.unitMultiplier, Literal(Decimal(term.multiplier or 1), datatype=XSD.decimal)
    if isinstance(term, MeasureRecord):
        yield node, MRKG.measureKind, Literal(term.kind)
        for unit in term.units:
            yield node, MRKG.allowedUnit, iris.entity("unit", unit)
