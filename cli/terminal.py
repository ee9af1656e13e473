"""Data values made safe to print on a terminal.

A literal in the graph (or in a remote server's answer) may hold ANSI escape sequences, other C0
and C1 control characters, or bidirectional overrides: printed raw, they recolour or clear the
terminal, move the cursor, or make text read in a different order than it is stored. Tables
show each such character escaped (``\\x1b``, ``\\u202e``); JSON and Turtle write them as
``\\uXXXX`` escapes, which their parsers read back as the same character, so no data is lost;
CSV, which has no escapes, is escaped only when it goes to a terminal.
"""

from __future__ import annotations

import re

from rdflib import BNode, Literal, URIRef

# Bidirectional formatting characters (Unicode Bidi_Control) and the line and paragraph
# separators, which terminals treat as line breaks.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI_AND_SEPARATORS + "]")  # C0, DEL, C1


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character shown escaped, except those in ``keep`` (e.g. ``"\\n"``)."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escaped(m), text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def unicode_escaped(text: str) -> str:
    """JSON or Turtle text with every unsafe character as ``\\uXXXX``: the same data, read back.

    Both formats can hold such characters only inside strings (or Turtle IRIs), where a
    ``\\uXXXX`` escape stands for the character itself; tab and newline are
    kept, as the layout of the text (a carriage return, which can overwrite a line, is escaped)."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in "\t\n" else f"\\u{ord(m.group()):04x}", text)


# The table formatter folds runs of tab, newline and carriage return into one space already.
_FOLDED_BY_TABLES = "\t\n\r"


def printable_term(term):
    """An rdflib term whose text is safe for a table cell; unchanged when it already was."""
    if term is None or not has_unsafe(str(term)):
        return term
    text = printable(str(term), keep=_FOLDED_BY_TABLES)
    if isinstance(term, Literal):  # a table shows the lexical form only
        return Literal(text)
    if isinstance(term, BNode):
        return BNode(text)
    if isinstance(term, URIRef):
        return URIRef(text)
    return text
