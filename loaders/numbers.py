"""The one parser for every figure the sources give: curated observations and statistical tables.

A figure ends up as an ``xsd:decimal`` in Oxigraph, which holds a decimal as a 128-bit integer
scaled by 10^18: a lexical form with more than 18 digits after the point, or a magnitude of
2^127 / 10^18 (about 1.7 * 10^20) or more, is stored but cannot be compared, summed or ordered
(a FILTER silently drops it). So a figure must have

* ASCII digits only, an optional leading ``-`` and at most one ``.`` (``²`` and Arabic-Indic
  digits pass ``str.isdigit()`` and ``int()``, and are refused here);
* at most ``MAX_INTEGER_DIGITS`` (20) digits before the point and ``MAX_FRACTION_DIGITS`` (18)
  after it: every such value is below 10^20 and compares exactly in the store;
* no exponent, NaN or infinity (``1e309`` is a float infinity).

A number written by a person (a CSV cell) outside these bounds is an error. A spreadsheet
cell holds a binary float, whose shortest decimal form can have more digits after the point
than the store keeps (5.5152590149432276e-05 has 21): such a float is rounded, half to even,
to 18 digits after the point, which changes it by less than 10^-18. The bound on its magnitude
still applies.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal

MAX_INTEGER_DIGITS = 20
MAX_FRACTION_DIGITS = 18
BOUNDS = (f"at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_FRACTION_DIGITS} after it "
          "(what the store compares exactly)")
_NUMERAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")
_STORE_QUANTUM = Decimal(1).scaleb(-MAX_FRACTION_DIGITS)
_SHOWN = 24  # characters of a refused value shown in a message


class NumberError(ValueError):
    """A figure that is not a decimal numeral the store can compare; the message says why."""


def shown(text: str) -> str:
    """A value as a message quotes it: whole when short, else its start and its length."""
    if len(text) <= _SHOWN:
        return repr(text)
    return f"{text[:_SHOWN]!r}… ({len(text)} characters)"


def parse_decimal(text: str) -> Decimal:
    """A decimal numeral as a person writes it in a source file, within the store's bounds."""
    match = _NUMERAL.fullmatch(text)
    if match is None:
        raise NumberError(f"{shown(text)} is not a number; write ASCII digits with a '.' decimal point, "
                          "no thousands separators or exponent")
    integer, fraction = match[1], match[2] or ""
    if len(integer) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        raise NumberError(f"{shown(text)} has {len(integer)} digits before the point and {len(fraction)} "
                          f"after it; the store compares {BOUNDS}")
    return Decimal(text)


def parse_count(text: str) -> int:
    """A whole number of ASCII digits (a count or a year as a table prints it)."""
    if not re.fullmatch(r"[0-9]+", text):
        raise NumberError(f"{shown(text)} is not a whole number of ASCII digits")
    return int(parse_decimal(text))


def numeral(value: Decimal) -> str:
    """The plain decimal form of a checked value: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def from_cell(value: object) -> str:
    """A decimal numeral for a spreadsheet number (int or float), within the store's bounds.

    A float is written as the shortest text that reads back as it (Python's repr), rounded to
    18 digits after the point where it has more; booleans, NaN and infinities are refused.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NumberError(f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise NumberError(f"{value!r} is not a finite number")
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if number.as_tuple().exponent < -MAX_FRACTION_DIGITS:
        number = number.quantize(_STORE_QUANTUM, rounding=ROUND_HALF_EVEN)
    if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise NumberError(f"{numeral(number)[:_SHOWN]}… is too large; the store compares {BOUNDS}")
    return numeral(number)


def is_ascii_number(text: str) -> bool:
    """True for a table's numeric identifier: 1 to 18 ASCII digits (``str.isdigit`` also accepts
    '²' and Arabic-Indic digits, which ``int()`` then reads or rejects with a traceback)."""
    return re.fullmatch(r"[0-9]{1,18}", text) is not None
