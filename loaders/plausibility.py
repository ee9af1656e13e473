"""Plausibility rules that a record's own fields cannot express: who can be a party and when it
existed, dates that lie in the future, and cycles among instruments.

Each rule has its own message, naming the values involved and what was expected. A rule fails
only when the violation is certain: a date known to the year or given as a range is compared by
its first and last possible days (``PartialDate.earliest``/``latest``).

Reference data: ``reference/state-lifespans.yaml`` (when states that began or ended after 1900
existed, each date with its source) and ``reference/territories.yaml`` (ISO 3166 codes that are
not states). Both are read with the countries (``loaders/countries.py``), before any record that
names a party.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import pycountry
from pydantic import BaseModel, Field

from mrkg.loaders.base import Located, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Date, PartialDate, Period, Record, shown
from mrkg.ontology import iris

LIFESPAN_FILE = "reference/state-lifespans.yaml"
TERRITORY_FILE = "reference/territories.yaml"


class StateLifespan(Record):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str = Field(min_length=1)
    start: Date | None = Field(default=None, alias="from")
    end: Date | None = Field(default=None, alias="to")
    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)


class Territory(Record):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str = Field(min_length=1)


def read_reference(root: Path, registry: Registry, problems: Problems) -> None:
    """Register the lifespans and the territories; each code must be an ISO 3166 code."""
    for file, section, model, kind in ((LIFESPAN_FILE, "lifespans", StateLifespan, "state-lifespan"),
                                       (TERRITORY_FILE, "territories", Territory, "territory")):
        for located in read_yaml_list(root / file, root, section, model, kind, registry, problems,
                                      iris.REFERENCE_GRAPH, None, id_field="code"):
            if not registry.has("country", located.record.code):
                problems.add(located.file, located.line, located.record.code, "code",
                             f"{shown(located.record.code)} is not an ISO 3166 code", "an ISO 3166 alpha-3 code")


# --------------------------------------------------------------------------
# A party that can be a party, and that existed on the date
# --------------------------------------------------------------------------


def party_kind_problem(registry: Registry, code: str) -> str | None:
    """Why ``code`` cannot be a party, or None when it is a state or an organisation."""
    if registry.has("organisation", code):
        return None
    territory = registry.detail("territory", code)
    if territory is not None:
        return (f"{shown(code)} ({territory.name}) is a territory, not a state or an organisation, "
                f"and cannot be a party (see {TERRITORY_FILE})")
    if registry.has("area", code):
        return f"{shown(code)} is an area (a group of countries in reference/areas.yaml), not a party"
    if not registry.has("country", code):
        return (f"unknown party {shown(code)}; parties are ISO 3166 alpha-3 country codes (e.g. BLR) "
                "or organisation identifiers from curated/organisations.yaml (e.g. eu)")
    return None


def _withdrawal(code: str) -> PartialDate | None:
    """The day ISO withdrew a dissolved state's code (ISO 3166-3, as pycountry gives it)."""
    historic = pycountry.historic_countries.get(alpha_3=code)
    text = getattr(historic, "withdrawal_date", None) if historic else None
    return PartialDate(text) if text and len(text) in (4, 7, 10) else None


def existence_problem(registry: Registry, code: str, what: str, date) -> str | None:
    """Why ``code`` cannot have done ``what`` on ``date``, or None when it may have existed then."""
    if date is None or registry.has("organisation", code):
        return None
    lifespan: StateLifespan | None = registry.detail("state-lifespan", code)
    if lifespan is not None:
        if lifespan.end is not None and date.earliest is not None and date.earliest > lifespan.end.latest:
            return (f"{what} {date} for {code} is after {lifespan.name} ceased to exist on {lifespan.end} "
                    f"({lifespan.source})")
        if lifespan.start is not None and date.latest is not None and date.latest < lifespan.start.earliest:
            return (f"{what} {date} for {code} is before {lifespan.name} became independent on "
                    f"{lifespan.start} ({lifespan.source})")
        return None
    withdrawn = _withdrawal(code)
    if withdrawn is not None and date.earliest is not None and date.earliest > withdrawn.latest:
        return (f"{what} {date} for {code} is after ISO 3166 withdrew the code {code} on {withdrawn} "
                "(the state no longer existed under it; ISO 3166-3 via pycountry)")
    return None


# --------------------------------------------------------------------------
# Dates after the build date
# --------------------------------------------------------------------------


def build_date() -> dt.date:
    """Today, in UTC: the day the sources are read."""
    return dt.datetime.now(dt.timezone.utc).date()


def _may_lie_ahead(record: BaseModel, field: str) -> bool:
    """A plan may lie in the future: an observation with status planned, a programme's period."""
    if field == "period" and getattr(record, "status", None) == "planned":
        return True
    return field == "period" and type(record).__name__ == "InstrumentRecord"


def _dates(value, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, (PartialDate, Period)) or type(value).__name__ == "DateRange":
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if not (path == "" and _may_lie_ahead(value, name)):
                yield from _dates(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _dates(item, f"{path}.{index}")


def _earliest(value) -> dt.date | None:
    return value.start if isinstance(value, Period) else value.earliest


def future_date_problems(records: dict[str, list[Located]], problems: Problems, today: dt.date) -> None:
    """A date that certainly lies after ``today`` is an error, unless the record is a plan."""
    for located_records in records.values():
        for located in located_records:
            if not isinstance(located.record, BaseModel):
                continue
            for path, value in _dates(located.record, ""):
                earliest = _earliest(value)
                if earliest is not None and earliest > today:
                    problems.add(located.file, located.line, _record_name(located.record), path,
                                 f"{path.rsplit('.', 1)[-1]} {getattr(value, 'text', value)} is after the "
                                 f"build date {today}",
                                 "a date that has passed; only a plan may lie ahead (an observation with "
                                 "status planned, a programme's period)")


def _record_name(record: BaseModel) -> str | None:
    for name in ("id", "code", "notation"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return value
    return None


# --------------------------------------------------------------------------
# Cycles
# --------------------------------------------------------------------------


def cycles(edges: dict[str, str]) -> list[list[str]]:
    """Each cycle of a single-valued relation (child -> parent) once, starting at its first member
    in ``edges``' order; a self-reference is left to the record's own check."""
    import networkx  # here, not at the top: the query side imports this module's package (start-up)

    graph = networkx.DiGraph((a, b) for a, b in edges.items() if a != b)
    order = {node: index for index, node in enumerate(edges)}
    found = []
    for cycle in networkx.simple_cycles(graph):
        start = min(range(len(cycle)), key=lambda i: order.get(cycle[i], len(order)))
        found.append(cycle[start:] + cycle[:start])
    return sorted(found, key=lambda c: order.get(c[0], len(order)))
