"""Finding entities by name: one index, built once from the named query ``search-index``, answers
``mrkg search`` and the server's ``/search`` alike.

Every name of an entity (identifier, codes, labels, alternative labels) is kept normalised: Unicode
case-folded, decomposed (NFKD) with its combining marks removed, and cut into words of letters and
digits (any script) joined by single spaces, so that "Pole’s Card", "POLE'S CARD" and "pole's-card"
read alike, "Côte d’Ivoire" is found as "cote d ivoire", and punctuation never decides a match (there
is no fuzzy matching: "Kazakstan" does not find Kazakhstan). The text searched for is normalised the
same way; it is compared with the names in Python, never put into a query. An entity is ranked by
its best name, in this order (``MATCHES``):

1. ``identifier``: the text is its identifier or one of its codes (KAZ, KZ, 398, "DESTA 104");
2. ``label``: the text is one of its labels or alternative labels;
3. ``prefix``: a name starts with the text;
4. ``word prefix``: a word of a name, or a run of its words, starts with the text;
5. ``substring``: the text is inside a name;
6. ``all words``: each word of a text of several words starts a word of the same name.

Ties keep a fixed order: kind (``KINDS``), then label, then identifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Literal, URIRef

from mrkg.queries.execute import Result, run_named
from mrkg.queries.library import QueryError, get

INDEX_QUERY = "search-index"
# The order of kinds among equally good matches.
KINDS = ("country", "organisation", "instrument", "programme", "measure", "source")
MATCHES = ("identifier", "label", "prefix", "word prefix", "substring", "all words")
MAX_TEXT = 200  # characters of the text searched for
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

_CODES = frozenset({"identifier", "code"})
# Which of several equally good names a hit shows: a label reads better than an identifier.
_SHOWN_FIRST = {"label": 0, "alternative label": 1, "identifier": 2, "code": 3}
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """``text`` as the index compares it: case-folded, without accents, words joined by spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Some characters fold further once decomposed (e.g. a compatibility form of a capital letter).
    return " ".join(_WORD.findall(bare.casefold()))


@dataclass(frozen=True)
class Name:
    text: str  # as the graph writes it
    type: str  # identifier, code, label or alternative label
    key: str  # normalised


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    id: str
    label: str
    names: tuple[Name, ...]


@dataclass(frozen=True)
class Hit:
    """An entity found: how (``match``, one of ``MATCHES``) and by which of its names (``matched``)."""

    iri: str
    kind: str
    id: str
    label: str
    match: str
    matched: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "label": self.label, "iri": self.iri, "match": self.match,
                "matched": self.matched}


@dataclass(frozen=True)
class Found:
    """The best ``limit`` hits, in rank order, of ``total`` entities that match."""

    text: str
    kind: str | None
    hits: tuple[Hit, ...]
    total: int
    limit: int

    def as_dict(self) -> dict:
        """The JSON answer: ``{"query", "kind", "limit", "total", "results": [Hit.as_dict(), ...]}``."""
        return {"query": self.text, "kind": self.kind, "limit": self.limit, "total": self.total,
                "results": [hit.as_dict() for hit in self.hits]}

    def to_result(self, iri: bool = True) -> Result:
        """The hits as a table of terms (kind, id, label, match, matched and, with ``iri``, iri), for
        the CLI's formats."""
        columns = ["kind", "id", "label", "match", "matched", *(["iri"] if iri else [])]
        rows = [{"kind": Literal(hit.kind), "id": Literal(hit.id), "label": Literal(hit.label),
                 "match": Literal(hit.match), "matched": Literal(hit.matched), "iri": URIRef(hit.iri)}
                for hit in self.hits]
        return Result(columns, [{column: row[column] for column in columns} for row in rows])


def _tier(key: str, words: list[str], name: Name) -> int | None:
    """The rank (index into ``MATCHES``) of ``name`` for the normalised text ``key`` (of ``words``),
    or None. Normalised names are words joined by single spaces, so " " + word marks a word's start."""
    if name.key == key:
        return 0 if name.type in _CODES else 1
    if name.key.startswith(key):
        return 2
    if " " + key in name.key:
        return 3
    if key in name.key:
        return 4
    if len(words) > 1 and all(" " + word in " " + name.key for word in words):
        return 5
    return None


class SearchIndex:
    """The names of the graph's entities, in memory, ready to be searched."""

    def __init__(self, entries: list[Entry]):
        order = {kind: index for index, kind in enumerate(KINDS)}
        # Entries are kept in tie order, so that a stable sort by match alone ranks them fully.
        self.entries = sorted(entries, key=lambda e: (order.get(e.kind, len(KINDS)), normalise(e.label), e.id))

    def __len__(self) -> int:
        return len(self.entries)

    def counts(self) -> dict[str, int]:
        """How many entities of each kind the index holds, in ``KINDS`` order."""
        counted = {kind: 0 for kind in KINDS}
        for entry in self.entries:
            counted[entry.kind] = counted.get(entry.kind, 0) + 1
        return counted

    @classmethod
    def from_result(cls, result: Result) -> "SearchIndex":
        """The index from the rows of ``search-index`` (one row per name of an entity)."""
        gathered: dict[str, dict] = {}
        for row in result.rows:
            iri = str(row["entity"])
            entry = gathered.setdefault(iri, {"kind": str(row["kind"]), "id": str(row["id"]),
                                              "label": None if row.get("label") is None else str(row["label"]),
                                              "names": {}})
            text, kind = str(row["name"]), str(row["name_type"])
            # One name may be both a code and a label: the code, which ranks higher, is kept.
            if text not in entry["names"] or kind in _CODES:
                entry["names"][text] = Name(text, kind, normalise(text))
        return cls([Entry(iri, e["kind"], e["id"], e["label"] or e["id"],
                          tuple(sorted(e["names"].values(), key=lambda name: _SHOWN_FIRST.get(name.type, 4))))
                    for iri, e in gathered.items()])

    def search(self, text: str, kind: str | None = None, limit: int = DEFAULT_LIMIT) -> Found:
        """The entities (of ``kind``, when given) with a name matching ``text``, best first."""
        check(text, kind, limit)
        key = normalise(text)
        if not key:
            return Found(text, kind, (), 0, limit)
        words = list(dict.fromkeys(key.split()))  # each word once: "a a a" asks no more than "a"
        ranked = []
        for entry in self.entries:
            if kind is not None and entry.kind != kind:
                continue
            best = None
            for name in entry.names:
                tier = _tier(key, words, name)
                if tier is not None and (best is None or tier < best[0]):
                    best = (tier, name)
            if best is not None:
                ranked.append((best[0], entry, best[1]))
        ranked.sort(key=lambda item: item[0])
        hits = tuple(Hit(entry.iri, entry.kind, entry.id, entry.label, MATCHES[tier], name.text)
                     for tier, entry, name in ranked[:limit])
        return Found(text, kind, hits, len(ranked), limit)


def check(text: str, kind: str | None, limit: int) -> None:
    """Refuse, with a message saying what is expected, a text too long, an unknown kind or a bad limit."""
    if len(text) > MAX_TEXT:
        raise QueryError(f"the search text is {len(text)} characters long; give at most {MAX_TEXT}")
    if kind is not None and kind not in KINDS:
        raise QueryError(f"{kind!r} is not a kind to search; give one of {', '.join(KINDS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"the limit must be a whole number from 1 to {MAX_LIMIT}, not {limit}")


def parse_limit(value: str | None) -> int:
    """A limit given as text (a URL parameter), ``DEFAULT_LIMIT`` when absent."""
    if value is None or not value.strip():
        return DEFAULT_LIMIT
    if not value.strip().isdigit():
        raise QueryError(f"the limit must be a whole number from 1 to {MAX_LIMIT}, not {value!r}")
    return int(value)


def build_index(engine) -> SearchIndex:
    """The index of the graph ``engine`` reads (anything with ``run(text, bindings)``)."""
    return SearchIndex.from_result(run_named(engine, get(INDEX_QUERY), {}))
