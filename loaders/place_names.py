"""Place names as third-party tables print them: ``sources/reference/place-names.yaml``.

A name resolves, in this order, to
1. the place the alias table gives (a country code, an area, or "not a place":
   a region, income group or total row that is not loaded), then
2. the ISO 3166 country whose pycountry name, official name or common name it
   is exactly, or the ISO 3166-3 historic country of that name.

Nothing is guessed: no fuzzy matching, and a name that resolves to nothing is
an error that lists every such name of the file at once. The alias table is
published as ``skos:hiddenLabel`` of the country or area, so searches by the
printed names find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pycountry
from pydantic import Field, ValidationInfo, model_validator
from rdflib import Literal
from rdflib.namespace import SKOS

from mrkg.loaders.base import Located, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Record
from mrkg.ontology import iris

KIND = "place-name"
FILE = "reference/place-names.yaml"


class PlaceNameRecord(Record):
    name: str = Field(min_length=1)
    place: str | None = None
    not_a_place: str | None = Field(default=None, min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _one_reading(self, info: ValidationInfo) -> "PlaceNameRecord":
        if (self.place is None) == (self.not_a_place is None):
            raise ValueError("give either place (an ISO 3166 alpha-3 code or an area id) "
                             "or not_a_place (what the row is: a region, an income group, a total)")
        registry = (info.context or {}).get("registry")
        if self.place is not None and registry is not None:
            if not (registry.has("country", self.place) or registry.has("area", self.place)):
                raise ValueError(f"unknown place {self.place!r}; use an ISO 3166 alpha-3 code "
                                 "or an area from reference/areas.yaml")
        return self


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[PlaceNameRecord]]:
    yield from read_yaml_list(root / FILE, root, "names", PlaceNameRecord, KIND, registry, problems,
                              iris.REFERENCE_GRAPH, None, id_field="name")


def triples(located: Located[PlaceNameRecord]) -> Iterator[tuple]:
    record = located.record
    if record.place is not None:
        yield iris.place(record.place), SKOS.hiddenLabel, Literal(record.name)



@dataclass
class PlaceNames:
    """Resolves printed names to place ids; built once from the registry."""

    aliases: dict[str, str | None]
    iso: dict[str, str]
    codes: frozenset[str] = frozenset()

    def is_country_code(self, code: str) -> bool:
        """True for an ISO 3166 alpha-3 code the graph has (current or historic)."""
        return code in self.codes

    @classmethod
    def from_registry(cls, registry: Registry) -> "PlaceNames":
        aliases = {name: registry.detail(KIND, name).place for name in registry.ids(KIND)}
        iso: dict[str, str] = {}
        for country in pycountry.countries:
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(country, attribute, None)
                if value:
                    iso.setdefault(value, country.alpha_3)
        for country in pycountry.historic_countries:
            if registry.has("country", country.alpha_3):
                iso.setdefault(country.name, country.alpha_3)
        return cls(aliases, iso, frozenset(registry.ids("country")))

    def resolve(self, name: str) -> str | None:
        """The place id of ``name``, None for a row that is not a place; KeyError when unknown."""
        name = " ".join(name.split())
        if name in self.aliases:
            return self.aliases[name]
        return self.iso[name]

    def resolve_all(self, names: Iterable[str], file: str, problems: Problems) -> dict[str, str | None]:
        """Resolve every name; report all unknown names of ``file`` as one problem."""
        resolved: dict[str, str | None] = {}
        unknown: list[str] = []
        for name in names:
            try:
                resolved[name] = self.resolve(name)
            except KeyError:
                unknown.append(name)
        if unknown:
            problems.add(file, None, None, None,
                         f"{len(unknown)} place name(s) map to no country or area: "
                         + "; ".join(repr(n) for n in sorted(set(unknown))),
                         f"names pycountry knows, or entries in sources/{FILE}")
        return resolved
