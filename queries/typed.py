"""Results as Python and pandas values: the presentation layer over a ``Result``'s rdflib terms.

Each column is presented by its kind (``columns.py``; for ad-hoc SPARQL the kind is inferred
from the terms): numbers as numbers, an IRI as its code with the IRI beside it in
``<col>_iri``, a date or period as written plus ``<col>_start``, ``<col>_end`` (first and last
possible days) and ``<col>_precision`` (year, month, day or range). A date known only to the
year is thus neither padded to 1 January nor lost: ``df["signed_start"]`` is a datetime64
column pandas can compare, and ``signed_precision`` says how far to trust it.

The same flattened columns are written by ``mrkg query --format csv|json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mrkg.loaders.dates import EDTF, PartialDate
from mrkg.ontology.namespace import PREFIXES
from mrkg.queries.columns import BOOLEAN, DATE, DATE_OR_TEXT, DECIMAL, ENTITY, INTEGER, NUMBER_OR_DATE, TEXT

ID_BASE = "https://w3id.org/mrkg/id/"
_INTEGER_TYPES = {XSD[name] for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD.double, XSD.float}
_DATE_TYPES = {XSD.date, XSD.gYear, XSD.gYearMonth, EDTF}
DATE_KINDS = (DATE, DATE_OR_TEXT)


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------

def code(iri: str) -> str:
    """An IRI as the table prints it: a graph entity's identifier (what follows ``id/<kind>/``: ``BLR``,
    ``un-ims-2019/migrant-stock/BGR/BLR/2005``), ``mrkg:`` terms, else the IRI."""
    if iri.startswith(ID_BASE) and iri.count("/", len(ID_BASE)) >= 1:
        return iri[len(ID_BASE):].split("/", 1)[1]
    if iri.startswith(PREFIXES["mrkg"]):
        return "mrkg:" + iri[len(PREFIXES["mrkg"]):]
    return iri


def number(term: Any) -> int | Decimal | float | bool | str:
    """A literal's value: int for xsd integer types, Decimal for xsd:decimal, float for double and
    float, bool for xsd:boolean; anything else (or an ill-typed literal) as its lexical form."""
    text = str(term)
    datatype = getattr(term, "datatype", None)
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype == XSD.decimal:
            return Decimal(text)
        if datatype in _FLOAT_TYPES:
            return float(text)
    except (ValueError, InvalidOperation):
        return text
    if datatype == XSD.boolean and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    return text


_DAY = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_EDTF_RANGE = re.compile(rf"\[({_DAY})?\.\.({_DAY})?\]")
_YEARS = re.compile(r"(\d{4})\s*[/–—-]\s*(\d{4})")  # 1991/2011, and labels written 1991–2011
_ONE = re.compile(_DAY)


def _partial(text: str) -> PartialDate | None:
    try:
        date = PartialDate(text)
        date.earliest, date.latest  # noqa: B018 - an impossible date (2011-02-30) raises here
        return date
    except (ValueError, KeyError):
        return None


def date_span(text: str) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(first possible day, last possible day, precision) of a date or period as the graph writes it:
    ``1992`` (year), ``2009-11`` (month), ``1992-05-25`` (day), ``1991/2011`` or ``1991–2011`` and the
    EDTF range ``[1999-09-26..2001-07-02]`` (range; an open end is None). Text that is no date
    gives (None, None, None)."""
    text = text.strip()
    if match := _EDTF_RANGE.fullmatch(text):
        first, last = (_partial(part) if part else None for part in match.groups())
        if (match[1] and not first) or (match[2] and not last) or not (first or last):
            return None, None, None
        return (first.earliest if first else None), (last.latest if last else None), "range"
    if match := _YEARS.fullmatch(text):
        first, last = int(match[1]), int(match[2])
        if first >= last:
            return None, None, None
        return dt.date(first, 1, 1), dt.date(last, 12, 31), "range"
    if _ONE.fullmatch(text) and (date := _partial(text)):
        return date.earliest, date.latest, date.precision
    return None, None, None


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------

def infer_kind(terms: Iterable[Any]) -> str:
    """The kind of an ad-hoc query's column, from its terms (blank cells left aside)."""
    present = [t for t in terms if t is not None]
    if not present:
        return TEXT
    if all(isinstance(t, URIRef) for t in present):
        return ENTITY
    if not all(isinstance(t, Literal) for t in present):
        return TEXT
    datatypes = {t.datatype for t in present}
    if datatypes <= _INTEGER_TYPES:
        return INTEGER
    if datatypes <= _INTEGER_TYPES | {XSD.decimal} | _FLOAT_TYPES:
        return DECIMAL
    if datatypes == {XSD.boolean}:
        return BOOLEAN
    if datatypes <= _DATE_TYPES:
        return DATE
    return TEXT


def kinds_of(result) -> dict[str, str]:
    """Each column's kind: declared for a named query's result, inferred otherwise."""
    declared = result.kinds or {}
    return {v: declared.get(v) or infer_kind(row.get(v) for row in result.rows) for v in result.variables}


def flat_columns(kinds: dict[str, str]) -> list[str]:
    """The presented columns: each column, followed by its IRI or its start, end and precision."""
    columns = []
    for column, kind in kinds.items():
        columns.append(column)
        if kind == ENTITY:
            columns.append(f"{column}_iri")
        elif kind in DATE_KINDS:
            columns += [f"{column}_start", f"{column}_end", f"{column}_precision"]
    return columns


def typed_row(row: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, kind in kinds.items():
        term = row.get(column)
        if kind == ENTITY:
            out[column] = None if term is None else (code(str(term)) if isinstance(term, URIRef) else str(term))
            out[f"{column}_iri"] = str(term) if isinstance(term, URIRef) else None
        elif kind in DATE_KINDS:
            text = None if term is None else str(term)
            out[column] = text
            start, end, precision = date_span(text) if text is not None else (None, None, None)
            out[f"{column}_start"], out[f"{column}_end"], out[f"{column}_precision"] = start, end, precision
        elif kind in (INTEGER, DECIMAL, BOOLEAN, NUMBER_OR_DATE):
            out[column] = None if term is None else number(term)
        else:
            out[column] = None if term is None else str(term)
    return out


def values(result) -> list[dict[str, Any]]:
    kinds = kinds_of(result)
    return [typed_row(row, kinds) for row in result.rows]


# ---------------------------------------------------------------------------
# pandas, CSV, JSON
# ---------------------------------------------------------------------------

def dataframe(result):
    try:
        import pandas
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install 'mrkg[pandas]'") from error
    kinds = kinds_of(result)
    rows = [typed_row(row, kinds) for row in result.rows]
    data = {}
    for column, kind in kinds.items():
        cells = [row[column] for row in rows]
        if kind == INTEGER:
            whole = [c if isinstance(c, int) else None for c in cells]
            data[column] = pandas.array(whole, dtype="Int64" if None in whole else "int64")
        elif kind == DECIMAL:
            data[column] = pandas.array([_float(c) for c in cells], dtype="float64")
        elif kind == BOOLEAN:
            flags = [c if isinstance(c, bool) else None for c in cells]
            data[column] = pandas.array(flags, dtype="boolean" if None in flags else "bool")
        elif kind == NUMBER_OR_DATE:
            data[column] = pandas.array([float(c) if isinstance(c, (Decimal, int)) else c for c in cells],
                                        dtype="object")
        else:
            data[column] = pandas.array(cells, dtype="object")
        if kind == ENTITY:
            data[f"{column}_iri"] = pandas.array([row[f"{column}_iri"] for row in rows], dtype="object")
        elif kind in DATE_KINDS:
            for end in ("start", "end"):
                days = [row[f"{column}_{end}"] for row in rows]
                data[f"{column}_{end}"] = pandas.to_datetime(pandas.Series(days, dtype="object")).astype(
                    "datetime64[ns]")
            data[f"{column}_precision"] = pandas.array([row[f"{column}_precision"] for row in rows], dtype="object")
    frame = pandas.DataFrame({name: pandas.Series(cells).reset_index(drop=True) for name, cells in data.items()})
    return frame[flat_columns(kinds)]


def _float(cell) -> float:
    if isinstance(cell, (int, Decimal, float)) and not isinstance(cell, bool):
        return float(cell)
    return math.nan


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, Decimal):
        return format(cell, "f")  # never 1E+3
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def to_csv(result) -> str:
    """CSV of the presented columns: codes with their IRIs beside, numbers bare, dates ISO 8601."""
    kinds = kinds_of(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = flat_columns(kinds)
    writer.writerow(columns)
    for row in result.rows:
        typed = typed_row(row, kinds)
        writer.writerow([_csv_cell(typed[c]) for c in columns])
    return out.getvalue()


def _json_cell(cell):
    if isinstance(cell, Decimal):
        # JSON numbers are read as floats or ints: a whole decimal is written as an integer.
        return int(cell) if cell == cell.to_integral_value() else float(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def to_json(result) -> str:
    """``{"columns": [...], "rows": [{column: value}, ...]}``: the same columns and values as the CSV,
    numbers unquoted; ``pandas.json_normalize(data, "rows")`` reads it."""
    if result.boolean is not None:
        return json.dumps({"boolean": result.boolean})
    kinds = kinds_of(result)
    rows = [{c: _json_cell(v) for c, v in typed_row(row, kinds).items()} for row in result.rows]
    return json.dumps({"columns": flat_columns(kinds), "rows": rows}, indent=2, ensure_ascii=False)
