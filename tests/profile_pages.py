"""Helpers shared by the profile page tests: a section of a page as cells, and the named query's answer
the section must equal."""

from __future__ import annotations

import html as htmllib
import re

from rdflib import URIRef

from mrkg.queries.execute import run_named
from mrkg.queries.typed import code
from mrkg.queries.library import bind, get


def section_table(page: str, query: str) -> list[list[str]] | None:
    """The header and body cells of the table a named query fills (text, tags stripped), or None."""
    tables = section_tables(page, query)
    return next(iter(tables.values())) if tables else None


def section_tables(page: str, query: str) -> dict[str, list[list[str]]]:
    """Every table a named query fills, by the link to the same query (its parameters)."""
    found = {}
    for href, body in re.findall(rf'<table class="section" data-query="{re.escape(query)}" data-href="([^"]*)">'
                                 r"(.*?)</table>", page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        found[htmllib.unescape(href)] = [[htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                                          for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", row, re.S)] for row in rows]
    return found


def expected_table(engine, query: str, **params) -> list[list[str]]:
    """``mrkg query`` for the same parameters, as the page writes it: the header, then each row's
    cells as text, an IRI as the code the table prints (``BLR``, ``mrkg:Programme``)."""
    named = get(query)
    result = run_named(engine, named, bind(named, params))
    return [list(result.variables)] + [[_text(row[v]) for v in result.variables] for row in result.rows]


def _text(term) -> str:
    if term is None:
        return ""
    return code(str(term)) if isinstance(term, URIRef) else str(term)
