"""Statistical observations: ``sources/curated/<document>/observations.csv``.

One row per figure, written as the document prints it (sign, unit and
multiplier included, "over"/"about"/"nearly" as a qualifier, a range with its
upper bound), with the statistical source the document names, a
locator and a quote. Rows become Data Cube observations with the one shared
structure (``mrkg:observationStructure``), so curated and third-party
figures line up.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from mrkg.loaders.base import (Located, cite, corridor_triples, curated_files, display, document_graph,
                               period_triples)
from mrkg.loaders.numbers import NumberError, parse_decimal
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, read_csv, validate
from mrkg.loaders.types import Identifier, PeriodField, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

KIND = "observation"
FILE = "observations.csv"
COLUMNS = [
    "id", "measure", "origin", "destination", "area", "instrument", "funding_source", "status",
    "period", "value", "qualifier", "upper", "unit", "statistical_source", "locator", "quote", "note",
]
FUNDING_SOURCES = {
    "national-budget": MRKG.NationalBudget, "local-budgets": MRKG.LocalBudgets,
    "other-sources": MRKG.OtherSources, "all-sources": MRKG.AllSources, "eu-budget": MRKG.EuBudget,
}
STATUSES = {"planned": MRKG.Planned, "reported": MRKG.Reported, "stipulated": MRKG.Stipulated}
QUALIFIERS = {"over": MRKG.Over, "about": MRKG.About, "nearly": MRKG.Nearly, "under": MRKG.Under,
              "up-to": MRKG.UpTo, "range": MRKG.Range}
# Which place or instrument columns each kind of measure needs.
NEEDS = {"bilateral": {"origin", "destination"}, "area": {"area"}, "instrument": {"instrument"}}


def _place(value: str | None, info: ValidationInfo) -> str | None:
    registry = (info.context or {}).get("registry")
    if value is not None and registry is not None:
        if not (registry.has("country", value) or registry.has("area", value)):
            raise ValueError(
                f"unknown country code or area {value!r}; use an ISO 3166 alpha-3 code (e.g. KAZ) "
                "or an area from reference/areas.yaml (e.g. world)"
            )
    return value


class ObservationRecord(Record):
    id: Identifier
    measure: str
    origin: str | None = None
    destination: str | None = None
    area: str | None = None
    instrument: str | None = None
    funding_source: TypingLiteral[tuple(FUNDING_SOURCES)] | None = None  # type: ignore[valid-type]
    status: TypingLiteral[tuple(STATUSES)] | None = None  # type: ignore[valid-type]
    period: PeriodField
    value: Decimal
    qualifier: TypingLiteral[tuple(QUALIFIERS)] | None = None  # type: ignore[valid-type]
    upper: Decimal | None = None
    unit: str
    statistical_source: str | None = None
    locator: str = Field(min_length=1)
    quote: str | None = None
    note: str | None = None

    _origin = field_validator("origin")(_place)
    _destination = field_validator("destination")(_place)
    _area = field_validator("area")(_place)

    @field_validator("value", "upper", mode="before")
    @classmethod
    def _decimal(cls, value: object) -> Decimal:
        try:
            return parse_decimal(str(value))
        except NumberError as error:
            raise ValueError(f"{error} (quote the printed form in 'quote')") from None

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str, info: ValidationInfo) -> str:
        return known("measure", value, info, "measures are listed in reference/measures.yaml")

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str, info: ValidationInfo) -> str:
        return known("unit", value, info, "units are listed in reference/units.yaml")

    @field_validator("statistical_source")
    @classmethod
    def _known_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("statistical-source", value, info, "sources are listed in reference/statistical-sources.yaml")
        return value

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("instrument", value, info, "instruments are listed in the curated instruments.yaml files")
        return value

    @model_validator(mode="after")
    def _fits_measure(self, info: ValidationInfo) -> "ObservationRecord":
        registry = (info.context or {}).get("registry")
        measure = registry.detail("measure", self.measure) if registry is not None else None
        if measure is None:
            return self
        if self.unit not in measure.units:
            raise ValueError(f"unit {self.unit!r} does not fit measure {self.measure!r} (allowed: {', '.join(measure.units)})")
        if measure.non_negative and self.value < 0:
            raise ValueError(f"negative value {self.value} for the count {self.measure!r}")
        given = {name for name in ("origin", "destination", "area", "instrument") if getattr(self, name)}
        needed = NEEDS[measure.kind]
        if given != needed:
            raise ValueError(f"measure {self.measure!r} is a {measure.kind} measure: it needs "
                             f"{' and '.join(sorted(needed))}, and got {', '.join(sorted(given)) or 'none'}")
        if measure.kind != "instrument" and (self.funding_source or self.status):
            raise ValueError("funding_source and status are for instrument measures only")
        if measure.kind == "instrument" and self.status is None:
            raise ValueError("an instrument figure needs a status: planned, reported or stipulated")
        if (self.qualifier == "range") != (self.upper is not None):
            raise ValueError("a range needs both qualifier 'range' and its upper bound in 'upper', "
                             "and only a range has an upper bound")
        if self.upper is not None and self.upper <= self.value:
            raise ValueError(f"the upper bound {self.upper} of a range is not above its value {self.value}")
        return self


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[ObservationRecord]]:
    for path, stem in curated_files(root, FILE, registry, problems):
        shown = display(path, root)
        for row in read_csv(path, COLUMNS, problems):
            record = validate(ObservationRecord, row, Path(shown), row.get("id"), problems,
                              context={"registry": registry})
            if record is None:
                continue
            first = registry.define(KIND, record.id, f"{shown}:{row.line}", record)
            if first is not None:
                problems.add(shown, row.line, record.id, "id", f"duplicate identifier, first defined at {first}",
                             "an identifier used once")
                continue
            yield Located(document_graph(stem), stem, record, shown, row.line)


def triples(located: Located[ObservationRecord]) -> Iterator[tuple]:
    o = located.record
    node = iris.entity("observation", o.id)
    dataset = iris.entity("dataset", located.document)
    yield node, RDF.type, QB.Observation
    yield node, DCTERMS.identifier, Literal(o.id)
    yield node, QB.dataSet, dataset
    yield dataset, RDF.type, QB.DataSet
    yield dataset, QB.structure, MRKG.observationStructure
    yield dataset, RDFS.label, Literal(f"Figures curated from {located.document}.txt", lang="en")
    yield dataset, DCTERMS.source, iris.document(located.document)
    yield node, MRKG.measure, iris.entity("measure", o.measure)
    yield node, SDMX_DIMENSION.refPeriod, iris.entity("period", o.period.slug)
    yield from period_triples(o.period)
    if o.origin:
        yield node, MRKG.origin, iris.place(o.origin)
    if o.destination:
        yield node, MRKG.destination, iris.place(o.destination)
    if o.origin and o.destination:
        yield node, MRKG.corridor, iris.corridor(o.origin, o.destination)
        yield from corridor_triples(o.origin, o.destination)
    if o.area:
        yield node, SDMX_DIMENSION.refArea, iris.place(o.area)
    if o.instrument:
        yield node, MRKG.refInstrument, iris.instrument(o.instrument)
    if o.funding_source:
        yield node, MRKG.fundingSource, FUNDING_SOURCES[o.funding_source]
    if o.status:
        yield node, MRKG.figureStatus, STATUSES[o.status]
    yield node, SDMX_MEASURE.obsValue, Literal(o.value, datatype=XSD.decimal)
    if o.qualifier:
        yield node, MRKG.valueQualifier, QUALIFIERS[o.qualifier]
    if o.upper is not None:
        yield node, MRKG.upperValue, Literal(o.upper, datatype=XSD.decimal)
    yield node, SDMX_ATTRIBUTE.unitMeasure, iris.entity("unit", o.unit)
    if o.statistical_source:
        yield node, MRKG.statisticalSource, iris.entity("statistical-source", o.statistical_source)
    if o.note:
        yield node, SKOS.editorialNote, Literal(o.note, lang="en")
    yield from cite(node, located.document, o.locator, o.quote)
