"""Field types shared by the record models: identifiers, partial dates, citations."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationInfo, field_validator

# The plain date types and identifier pattern (mrkg.loaders.dates), re-exported: the record models' fields are built on them.
from mrkg.loaders.dates import (
    EARLIEST_YEAR, EDTF, IDENTIFIER, DateRange, PartialDate, Period, certainly_before, check_year,
    parse_date_or_range, parse_partial_date, parse_period,
)


def _identifier(value: object) -> str:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value) or len(value) > 120:
        raise ValueError(
            f"{value!r} cannot become an IRI: identifiers are lowercase ASCII letters and digits "
            "in words joined by single hyphens, at most 120 characters (e.g. 'cu-ces-treaty-1999')"
        )
    return value


Identifier = Annotated[str, BeforeValidator(_identifier)]


Date = Annotated[PartialDate, BeforeValidator(parse_partial_date), PlainSerializer(str)]

DateOrRange = Annotated[PartialDate | DateRange, BeforeValidator(parse_date_or_range), PlainSerializer(str)]


class Record(BaseModel):
    """Base of every curated record: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(Record):
    """Where a record's facts stand in its source document."""

    locator: str
    quote: str | None = None

    @field_validator("locator")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("locator is empty")
        return value


def known(kind: str, value: str, info: ValidationInfo, hint: str) -> str:
    """Check that ``value`` is a known identifier of ``kind`` in the registry."""
    registry = (info.context or {}).get("registry")
    if registry is not None and not registry.has(kind, value):
        raise ValueError(f"{registry.unknown(kind, shown(value), value)}; {hint}")
    return value


def shown(value: object) -> str:
    """A code as a message quotes it, with anything but printable ASCII escaped (\\u0412 for a
    Cyrillic В), so that a look-alike character cannot pass for the letter it resembles."""
    text = str(value)
    escaped = "".join(c if " " <= c <= "~" else
                      (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") for c in text)
    escaped = escaped.replace("'", "\\'")
    if escaped == text.replace("'", "\\'"):
        return f"'{escaped}'"
    return f"'{escaped}' (contains non-ASCII characters)" if text.isprintable() else \
        f"'{escaped}' (contains invisible or non-ASCII characters)"


PeriodField = Annotated[Period, BeforeValidator(parse_period), PlainSerializer(lambda p: p.text)]


__all__ = ["EARLIEST_YEAR", "EDTF", "IDENTIFIER", "Citation", "Date", "DateOrRange", "DateRange", "Identifier",
           "PartialDate", "Period", "PeriodField", "Record", "certainly_before", "check_year", "known",
           "parse_date_or_range", "parse_partial_date", "parse_period", "shown"]
