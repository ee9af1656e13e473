"""The server's /search: the parameters read and checked, and the answer written as a page or JSON.

The ranking is ``queries.search``'s (the same as ``mrkg search``); here each hit gets its link, the
entity's path on this server (``pages.link_target``). The parameters are ``q`` (the text, at most
``MAX_TEXT`` characters), ``kind`` (one of ``KINDS``, or empty for all) and ``limit`` (1 to
``MAX_LIMIT``, default ``DEFAULT_LIMIT``). A missing, blank or punctuation-only ``q`` is not an
error: the page says what can be searched, with examples; the JSON has no results.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

from mrkg.endpoint import formats, pages
from mrkg.queries import search
from mrkg.queries.library import QueryError

OFFERED = (formats.HTML, formats.PLAIN_JSON)
# Shown on the page without a search text: one of each way of finding an entity.
EXAMPLES = ("Kazakhstan", "KAZ", "1951 Convention", "eaeu", "migrant workers", "net migration")


@dataclass(frozen=True)
class Asked:
    """A search request's parameters; ``problem`` says why they cannot be answered, if they cannot."""

    text: str
    kind: str | None
    limit: int
    problem: str | None = None

    @property
    def searchable(self) -> bool:
        return self.problem is None and bool(search.normalise(self.text))


def read(params) -> Asked:
    """The parameters of a request (Starlette's ``query_params``), checked."""
    text, kind = params.get("q", ""), params.get("kind") or None
    try:
        limit = search.parse_limit(params.get("limit"))
        search.check(text, kind, limit)
    except QueryError as error:
        return Asked(text, kind, search.DEFAULT_LIMIT, str(error))
    return Asked(text, kind, limit)


def _link(text: str, kind: str | None = None, **extra) -> str:
    query = {"q": text, **({"kind": kind} if kind else {}), **extra}
    return "/search?" + urllib.parse.urlencode(query)


def hits(found: search.Found | None, base: str) -> list[dict]:
    """The hits as dicts (``Hit.as_dict``), each with ``href``: its page on this server (None when it
    has none)."""
    if found is None:
        return []
    return [{**hit.as_dict(), "href": pages.link_target(hit.iri, base)} for hit in found.hits]


def plural(kind: str, count: int) -> str:
    if count == 1:
        return kind
    return kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


def page(asked: Asked, found: search.Found | None, counts: dict[str, int], base: str) -> str:
    more = (_link(asked.text, asked.kind, limit=search.MAX_LIMIT)
            if found is not None and found.total > len(found.hits) and found.limit < search.MAX_LIMIT else None)
    return pages.render("search.html", base, asked=asked, found=found, hits=hits(found, base), counts=counts,
                        kinds=search.KINDS, plural=plural, max_text=search.MAX_TEXT, more=more,
                        json_link=_link(asked.text, asked.kind, format="json"),
                        examples=[(example, _link(example)) for example in EXAMPLES])


def json_body(asked: Asked, found: search.Found | None, base: str) -> bytes:
    """``Found.as_dict`` with each result's ``href`` (as ``mrkg search --format json`` writes it, plus the
    links), or ``{"error": ...}`` for a request that cannot be answered."""
    if asked.problem is not None:
        return json.dumps({"error": asked.problem}, ensure_ascii=False).encode("utf-8")
    if found is None:
        answer = {**search.Found(asked.text, asked.kind, (), 0, asked.limit).as_dict(),
                  "message": "give the text to search for as q: a name, code or identifier"}
    else:
        answer = {**found.as_dict(), "results": hits(found, base)}
    return json.dumps(answer, ensure_ascii=False, indent=1).encode("utf-8")
