"""The library of named queries: ``queries/*.rq`` with a header, loaded by name.

Header lines (before the first non-comment line)::

    # title: Agreements binding a set of countries
    # question: Which instruments are in force for every listed country on a date?
    # param: countries countries required -- ISO 3166 alpha-3 codes, comma-separated
    # param: on date today -- the date (YYYY-MM-DD); default today
    # columns: instrument, title, party, ...
    # example: countries=BLR,KAZ on=2020-01-01

An example line gives parameter values, ``key=value`` separated by spaces, that
return rows on the shipped graph; the benchmark runs each query with its first
example, and ``# example:`` with nothing after it means "run without
parameters". A query may have several example lines.

A param line is ``name type default`` where default is ``required``,
``optional``, ``today`` (for dates) or a value of the type, bound when the
user gives none (``direction in``). Values given by users are validated by
their type and bound to the query's ``?name`` variable as RDF terms (initial
bindings: rdflib's initBindings, a VALUES block of serialised terms for
Oxigraph, see ``execute``); user text is never pasted into the query. A list
type binds ``?name`` to one literal " A B C " that the query tests with
CONTAINS, and ``?name_first`` to the first code in alphabetical order: what
must concern every listed country concerns that one, so a query can start
from it rather than test every candidate with CONTAINS. A pair (two different
countries) binds the same and ``?name_second``, the other code. Each of these
codes also comes as its country's IRI (``?name_firstIri``, ``?name_secondIri``):
a pattern on a term known before evaluation is one Oxigraph's planner starts
from, where a term found by a lookup of the code is not. A pair also binds its
corridors (``?name_forward``, first to second, and ``?name_backward``): the
observations of a pair name their corridor, so its figures are one lookup. A
query whose header says ``# corridor: origin destination`` gets ``?corridor``
bound to the corridor from its ``origin`` parameter's place to its
``destination``'s (both required place or country parameters).
An optional parameter that is given also binds ``?NAME_given`` to true, and
nothing when it is not: a part of a query that only applies when it is given
starts with ``FILTER(?NAME_given)``, which without it is false before any
pattern is read (Oxigraph skips the part), where a test of the parameter
itself is made for every row. A binding the query text does not name is not
sent to Oxigraph (``execute.with_values``).
A named query projects its parameter variables; ``run_named`` keeps just the
header's ``columns``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from mrkg.loaders import instrument_terms
from mrkg.loaders.dates import IDENTIFIER, parse_partial_date
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

QUERIES_DIR = Path(__file__).resolve().parent
CHECKS_DIR = QUERIES_DIR / "checks"


class QueryError(Exception):
    """A wrong query name or parameter; the message says what is expected."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    description: str

    @property
    def required(self) -> bool:
        return self.default == "required"


@dataclass(frozen=True)
class Limit:
    """``# limit: n 10 source,dataset``: keep the first ``n`` rows (the parameter, or the default)
    of each group of rows sharing the group columns, and number them in a ``rank`` column.
    SPARQL's LIMIT cannot take a bound value, and a per-group limit has no SPARQL form at all."""

    param: str
    default: int
    group: tuple[str, ...]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    path: Path
    notes: tuple[str, ...] = field(default=())
    limit: "Limit | None" = None
    examples: tuple[dict[str, str], ...] = field(default=())
    corridor: tuple[str, str] | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def example_usage(self, example: dict[str, str]) -> str:
        """The command line that runs this query with ``example``."""
        return " ".join(["mrkg query", self.name, *(f"{k}={v}" for k, v in example.items())])

    def usage(self) -> str:
        parts = [self.name]
        for p in self.params:
            parts.append(f"{p.name}=<{p.type}>" if p.required else f"[{p.name}=<{p.type}>]")
        return " ".join(parts)


def parse_header(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, sep, value = line[1:].strip().partition(":")
        if sep and key.strip() in {"title", "question", "param", "columns", "note", "limit", "example", "corridor"}:
            fields.setdefault(key.strip(), []).append(value.strip())
        elif fields.get("note") and line[1:].strip():
            fields["note"][-1] += " " + line[1:].strip()
    params = []
    for spec in fields.get("param", []):
        head, _, description = spec.partition("--")
        bits = head.split()
        if len(bits) != 3 or bits[1] not in BINDERS:
            raise ValueError(f"{path}: bad param line {spec!r}; expected 'name type default -- description'")
        params.append(Param(bits[0], bits[1], bits[2], description.strip()))
    for required in ("title", "question", "columns"):
        if required not in fields:
            raise ValueError(f"{path}: header has no '# {required}:' line")
    columns = tuple(c.strip() for c in fields["columns"][0].split(","))
    limit = None
    if "limit" in fields:
        bits = fields["limit"][0].split()
        if len(bits) not in (2, 3) or not bits[1].isdigit() or bits[0] not in {p.name for p in params}:
            raise ValueError(f"{path}: bad limit line {fields['limit'][0]!r}; expected 'param default [col,col]'")
        limit = Limit(bits[0], int(bits[1]), tuple(bits[2].split(",")) if len(bits) == 3 else ())
    examples = tuple(_parse_example(path, spec) for spec in fields.get("example", []))
    corridor = None
    if "corridor" in fields:
        bits = tuple(fields["corridor"][0].split())
        places = {p.name for p in params if p.type in ("place", "country") and p.required}
        if len(bits) != 2 or not set(bits) <= places:
            raise ValueError(f"{path}: bad corridor line {fields['corridor'][0]!r}; expected 'origin destination', "
                             "two required place or country parameters")
        corridor = bits
    return NamedQuery(path.stem, fields["title"][0], fields["question"][0], tuple(params), columns, text, path,
                      tuple(fields.get("note", [])), limit=limit, examples=examples, corridor=corridor)


def _parse_example(path: Path, spec: str) -> dict[str, str]:
    example: dict[str, str] = {}
    for item in spec.split():
        key, sep, value = item.partition("=")
        if not sep or not key or not value or key in example:
            raise ValueError(f"{path}: bad example line {spec!r}; expected 'key=value key=value ...'")
        example[key] = value
    return example


def named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {path.stem: parse_header(path) for path in sorted(Path(directory).glob("*.rq"))}


def get(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        close = [n for n in queries if n.startswith(name[:4])] or list(queries)
        raise QueryError(f"no named query {name!r}; known queries: {', '.join(sorted(queries))}"
                         + (f" (did you mean {close[0]}?)" if close and close[0] != name else ""))
    return queries[name]


# ---------------------------------------------------------------------------
# Binding parameter values to RDF terms
# ---------------------------------------------------------------------------


def _country(value: str) -> URIRef:
    import pycountry

    code = value.upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or (
        pycountry.countries.get(alpha_3=code) is None and pycountry.historic_countries.get(alpha_3=code) is None
    ):
        raise QueryError(f"{value!r} is not an ISO 3166 alpha-3 country code (e.g. BLR); see `mrkg list countries`")
    return iris.country(code)


def _place(value: str) -> URIRef:
    """A country code, or an area aggregate such as ``world``."""
    if re.fullmatch(r"[A-Za-z]{3}", value):
        return _country(value)
    if IDENTIFIER.fullmatch(value):
        return iris.entity("area", value)
    raise QueryError(f"{value!r} is neither an ISO 3166 alpha-3 code nor an area identifier such as 'world'")


def _identifier(kind: str, listing: str):
    def bind(value: str) -> URIRef:
        if not IDENTIFIER.fullmatch(value):
            raise QueryError(f"{value!r} is not a {kind} identifier (lowercase words joined by hyphens); "
                             f"see `mrkg list {listing}`")
        return iris.entity(kind, value)
    return bind


def _local_name(kind: str, pattern: str, example: str):
    """IRIs whose local part is a name the loaders mint (a file stem, a path of codes), not a hyphenated identifier."""
    def bind(value: str) -> URIRef:
        if not re.fullmatch(pattern, value):
            raise QueryError(f"{value!r} is not a {kind} identifier such as {example}")
        return iris.entity(kind, value)
    return bind


def _date(value: str) -> Literal:
    try:
        date = parse_partial_date(value)
    except ValueError as error:
        raise QueryError(str(error)) from None
    if date.precision != "day":
        raise QueryError(f"{value!r}: give a full date, YYYY-MM-DD")
    return Literal(value, datatype=XSD.date)


def _year(value: str) -> Literal:
    if not re.fullmatch(r"\d{4}", value):
        raise QueryError(f"{value!r} is not a year; write YYYY")
    return Literal(int(value), datatype=XSD.integer)


def _positive(value: str) -> Literal:
    if not re.fullmatch(r"[1-9]\d{0,5}", value):
        raise QueryError(f"{value!r} is not a positive whole number")
    return Literal(int(value), datatype=XSD.integer)


def _decimal(value: str) -> Literal:
    if not re.fullmatch(r"\d{1,6}(\.\d{1,12})?", value):
        raise QueryError(f"{value!r} is not a non-negative decimal number such as 0.05")
    return Literal(value, datatype=XSD.decimal)


def _direction(value: str) -> URIRef:
    """The property that links an observation to the given country: ``in`` counts the flows that
    arrive there (the country is the destination), ``out`` those that leave it (the origin).

    Binding the property, not a flag, lets the query name the country's position in one basic
    graph pattern, which the store can answer from its index (a UNION of both directions
    would be evaluated without the country bound)."""
    roles = {"in": MRKG.destination, "out": MRKG.origin}
    if value not in roles:
        raise QueryError(f"{value!r} is not a direction; give in (partners as origins) or out (partners as destinations)")
    return roles[value]


def _boolean(value: str) -> Literal:
    answers = {"yes": True, "true": True, "no": False, "false": False}
    if value.lower() not in answers:
        raise QueryError(f"{value!r} is not yes or no")
    return Literal(answers[value.lower()], datatype=XSD.boolean)


def _party_code(value: str) -> Literal:
    """A party by its code as the graph writes it: an ISO 3166 alpha-3 code or an organisation identifier."""
    if re.fullmatch(r"[A-Za-z]{3}", value):
        return Literal(str(_country(value)).rsplit("/", 1)[1])
    if IDENTIFIER.fullmatch(value):
        return Literal(value)
    raise QueryError(f"{value!r} is neither an ISO 3166 alpha-3 code (e.g. RUS) nor an organisation identifier "
                     "(e.g. eu); see `mrkg list countries` and `mrkg list organisations`")


def _concept(kind: str, table: dict[str, URIRef]):
    """A value from one of the loaders' vocabularies (policy areas, instrument classes)."""
    def bind(value: str) -> URIRef:
        if value not in table:
            raise QueryError(f"{value!r} is not a known {kind}; known: {', '.join(sorted(table))}")
        return table[value]
    return bind


BINDERS = {
    "country": _country,
    "countries": _country,  # each item; the list is bound by ``bind``
    "pair": _country,  # each of the two; bound by ``bind``
    "place": _place,
    "date": _date,
    "year": _year,
    "integer": _positive,
    "decimal": _decimal,
    "direction": _direction,
    "boolean": _boolean,
    "party": _party_code,
    "organisation": _identifier("organisation", "organisations"),
    "instrument": _identifier("instrument", "instruments"),
    "measure": _identifier("measure", "measures"),
    "source": _identifier("statistical-source", "sources"),
    "document": _local_name("document", r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}", "000_e132173a8f0337db"),
    "observation": _local_name("observation", r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}){0,6}",
                               "un-ims-2019/migrant-stock/KGZ/KAZ/2019"),
    "citizenship-mode": _local_name("citizenship-mode", r"[AL][0-9]{2}[a-f]?|dualcit_comb", "A06b or dualcit_comb"),
    "policy-area": _concept("policy area", instrument_terms.POLICY_AREAS),
    "instrument-class": _concept("instrument class", instrument_terms.CLASSES),
}


def bind(query: NamedQuery, values: dict[str, str], today: dt.date | None = None) -> dict[str, object]:
    """Validate user values and turn them into RDF terms keyed by variable name."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        raise QueryError(f"{query.name} takes no parameter {', '.join(unknown)}; usage: mrkg query {query.usage()}")
    bindings: dict[str, object] = {}
    for param in query.params:
        raw = values.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise QueryError(f"{query.name} needs {param.name}=<{param.type}> ({param.description}); "
                                 f"usage: mrkg query {query.usage()}")
            if param.default == "today":
                bindings[param.name] = Literal((today or dt.date.today()).isoformat(), datatype=XSD.date)
            elif param.default != "optional":
                bindings[param.name] = BINDERS[param.type](param.default)
            continue
        if param.type in ("countries", "pair"):
            items = [item.strip() for item in raw.split(",") if item.strip()]
            if not items:
                raise QueryError(f"{param.name} needs at least one country code")
            codes = sorted({str(_country(item)).rsplit("/", 1)[1] for item in items})
            bindings[param.name] = Literal(" " + " ".join(codes) + " ")
            bindings[f"{param.name}_first"] = Literal(codes[0])
            bindings[f"{param.name}_firstIri"] = iris.country(codes[0])
            if param.type == "pair":
                if len(codes) != 2:
                    raise QueryError(f"{param.name} needs two different country codes, comma-separated "
                                     f"(e.g. RUS,TJK); got {raw!r}")
                bindings[f"{param.name}_second"] = Literal(codes[1])
                bindings[f"{param.name}_secondIri"] = iris.country(codes[1])
                # The pair's corridors both ways: the figures and visa requirements of the pair in one lookup.
                bindings[f"{param.name}_forward"] = iris.corridor(codes[0], codes[1])
                bindings[f"{param.name}_backward"] = iris.corridor(codes[1], codes[0])
        else:
            bindings[param.name] = BINDERS[param.type](raw)
        if not param.required:
            bindings[f"{param.name}_given"] = Literal(True)
    if query.corridor:
        origin, destination = (str(bindings[name]).rsplit("/", 1)[1] for name in query.corridor)
        bindings["corridor"] = iris.corridor(origin, destination)
    return bindings
