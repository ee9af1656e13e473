"""Partial dates, date ranges, reference periods and the identifier pattern: plain values, without
the record models.

The query side (parameters, typed results) reads dates and identifiers with these; the record
models (``mrkg.loaders.types``) validate curated fields with them. Kept apart so that a query imports
neither pydantic nor YAML (docs/benchmarks.md, "start-up")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or only the year.

    The precision is kept, never padded: 1999 stays a year (xsd:gYear) and
    compares by its first and last possible days.
    """

    text: str

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]

    @property
    def earliest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)

    @property
    def latest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        month = parts[1] if len(parts) > 1 else 12
        return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])

    def literal(self) -> Literal:
        datatype = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[self.precision]
        return Literal(self.text, datatype=datatype)

    def __str__(self) -> str:
        return self.text


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# The earliest year a source may give. The sources describe migration regimes from the
# twentieth century on (the earliest date they hold is the 1951 Refugee Convention); an earlier
# year is far more likely a typing slip (1199 for 1999) than a fact.
EARLIEST_YEAR = 1900


def check_year(year: int, value: object) -> None:
    """Refuse year 0 (there is none: 1 BC is followed by AD 1) and years before EARLIEST_YEAR."""
    if year == 0:
        raise ValueError(f"{value!r} has year 0, which does not exist (1 BC is followed by AD 1)")
    if year < EARLIEST_YEAR:
        raise ValueError(f"{value!r} is before {EARLIEST_YEAR}, the earliest year the sources may give")


def parse_partial_date(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (match := _DATE.fullmatch(value)):
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    check_year(int(year), value)
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} is an impossible date: month {month}")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"{value!r} is an impossible date: no such day, {year}-{month} has no day {day} "
                             f"(it has {last} days)")
    return PartialDate(value)


# The Library of Congress's datatype for EDTF (ISO 8601-2) literals.
EDTF = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")


@dataclass(frozen=True)
class DateRange:
    """One day known only to lie within bounds, written as an EDTF (ISO 8601-2, level 2) "one of a
    set" range: ``[1999-09-26..2001-07-02]`` (on one day between the two, both included),
    ``[..2001-07-02]`` (on or before) or ``[1999-09-26..]`` (on or after). Each end is a date to the
    day, month or year and contributes its first or last possible day.

    Only this subset of EDTF is read: it is what a curator needs to write down a date printed
    ambiguously ("26.09.1999 - 02.07.2001" for one entry into force). python-edtf (5.0.2) would
    parse all of EDTF but fails on the open ranges (``[..2001-07-02]`` raises TypeError), and the
    rest of EDTF (seasons, qualifiers such as ``2004?``) would have to be refused here anyway.
    """

    text: str
    start: PartialDate | None
    end: PartialDate | None

    precision = "range"

    @property
    def earliest(self) -> dt.date | None:
        return self.start.earliest if self.start else None

    @property
    def latest(self) -> dt.date | None:
        return self.end.latest if self.end else None

    def literal(self) -> Literal:
        return Literal(self.text, datatype=EDTF)

    def __str__(self) -> str:
        return self.text


_RANGE = re.compile(r"^\[([0-9-]*)\.\.([0-9-]*)\]$")


def parse_date_or_range(value: object) -> PartialDate | DateRange:
    """A date (YYYY, YYYY-MM, YYYY-MM-DD) or an EDTF range of possible days (see DateRange)."""
    if isinstance(value, (PartialDate, DateRange)):
        return value
    if isinstance(value, str) and value.startswith("["):
        match = _RANGE.fullmatch(value)
        if not match or not (match[1] or match[2]):
            raise ValueError(f"{value!r} is not a date range: write [YYYY-MM-DD..YYYY-MM-DD] (a day between the "
                             "two), [..YYYY-MM-DD] (on or before) or [YYYY-MM-DD..] (on or after); each end may "
                             "also be YYYY-MM or YYYY")
        start, end = (parse_partial_date(part) if part else None for part in (match[1], match[2]))
        if start is not None and end is not None and start.earliest > end.latest:
            raise ValueError(f"{value!r} is not a date range: it ends before it starts")
        if start is not None and end is not None and start == end:
            raise ValueError(f"{value!r} is one date, not a range: write {start}")
        return DateRange(value, start, end)
    return parse_partial_date(value)


def certainly_before(later: PartialDate | DateRange | None, earlier: PartialDate | DateRange | None) -> bool:
    """True when ``later`` is certainly before ``earlier``, whatever their precision or bounds."""
    return (later is not None and earlier is not None and later.latest is not None
            and earlier.earliest is not None and later.latest < earlier.earliest)


@dataclass(frozen=True)
class Period:
    """A reference period: a year (2013), a month (2018-12), a day, or a range of years (1991/2011)."""

    text: str
    start: dt.date
    end: dt.date

    @property
    def slug(self) -> str:
        return self.text.replace("/", "-")

    @property
    def label(self) -> str:
        return self.text.replace("/", "–")


def parse_period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a period")
    if "/" in value:
        first, _, last = value.partition("/")
        if not (re.fullmatch(r"\d{4}", first) and re.fullmatch(r"\d{4}", last)):
            raise ValueError(f"{value!r} is not a period: a range is written YYYY/YYYY")
        check_year(int(first), value)
        check_year(int(last), value)
        if int(last) <= int(first):
            raise ValueError(f"{value!r} is not a period: the range ends before it starts")
        return Period(value, dt.date(int(first), 1, 1), dt.date(int(last), 12, 31))
    if not _DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a period: write YYYY, YYYY-MM, YYYY-MM-DD or YYYY/YYYY")
    # A well-formed date that does not exist (2011-02-30, year 0) keeps its own message.
    date = parse_partial_date(value)
    return Period(value, date.earliest, date.latest)
