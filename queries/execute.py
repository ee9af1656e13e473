"""Running SPARQL on an engine: Oxigraph (the store) or rdflib (the baseline).

Both engines return a ``Result`` of rdflib terms, so formats, tests and the
benchmark treat them alike. Named-query parameters arrive as bindings of
validated RDF terms. rdflib takes them as initBindings. Oxigraph's own
``substitutions`` filter the finished result instead of binding the variables
before evaluation (a two-country flows query took 65 s instead of 10 ms on the
1.5-million-triple graph), so for Oxigraph the bindings become a ``VALUES``
block at the start of each WHERE clause that uses them: the terms are serialised by
pyoxigraph (IRIs checked, literals escaped), never user text pasted in.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef, Variable
from rdflib.namespace import XSD

from mrkg.ontology.namespace import PREFIXES
from mrkg.queries import typed
from mrkg.queries.columns import CODES, column_kinds


def to_rdflib(term: Any):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _STRING:
            return Literal(term.value)
        if datatype == _DECIMAL:
            # Oxigraph writes a decimal in its canonical form, the one rdflib would normalise it to: a
            # quarter of a decimal's conversion time goes to normalising it again.
            return Literal(term.value, datatype=_DECIMAL_TYPE, normalize=False)
        return Literal(term.value, datatype=_datatype(datatype))
    raise TypeError(f"unexpected term {term!r}")


_STRING, _DECIMAL = str(XSD.string), str(XSD.decimal)
_DECIMAL_TYPE = URIRef(_DECIMAL)  # rdflib's XSD.decimal is a namespace lookup at every use


@lru_cache(maxsize=None)
def _datatype(iri: str) -> URIRef:
    """A datatype's IRI made once: IRI validation is a third of making a typed literal."""
    return URIRef(iri)


def to_oxigraph(term: Any):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


@dataclass(frozen=True)
class FirstPerGroup:
    """Only the first ``n`` rows of each group of rows that share the values of the ``group`` columns, in
    the answer's order: a named query's ``# limit:``, which SPARQL cannot say. Engines take it so that
    they convert only the rows kept: top-partners reads 148 rows for Russia and keeps 10 per source.
    Plain data, so that it crosses to the server's worker processes."""

    group: tuple[str, ...]
    n: int

    def ranked(self, rows: Iterable, value: Callable[[Any, str], str | None]) -> Iterator[tuple[int, Any]]:
        """The rows kept with their rank in their group (1, 2, ...), lazily; ``value(row, column)`` is the
        column's value as text (an IRI, a lexical form or a blank node's label), or None where unbound."""
        seen: dict[tuple, int] = {}
        for row in rows:
            key = tuple(value(row, column) for column in self.group)
            seen[key] = rank = seen.get(key, 0) + 1
            if rank <= self.n:
                yield rank, row

    def keep(self, rows: Iterable, value: Callable[[Any, str], str | None]) -> Iterator:
        """The rows kept, lazily (``ranked`` without the ranks)."""
        return (row for _, row in self.ranked(rows, value))


def first_rows(rows: list[dict[str, Any]], first: FirstPerGroup | None) -> list[dict[str, Any]]:
    """``rows`` of rdflib terms (a finished result) cut by ``first``."""
    return rows if first is None else list(first.keep(rows, _text_of_cell))


def _text_of_cell(row: dict[str, Any], column: str) -> str | None:
    term = row.get(column)
    return None if term is None else str(term)


def _text_of_solution(solution, column: str) -> str | None:
    term = solution[column]
    return None if term is None else term.value


def first_solutions(solutions: Iterable, first: FirstPerGroup | None) -> Iterable:
    """pyoxigraph's solutions cut by ``first``, before any is converted."""
    return solutions if first is None else first.keep(solutions, _text_of_solution)


@dataclass
class Result:
    """A SELECT result (``variables``, ``rows``), an ASK answer, or CONSTRUCT triples."""

    variables: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None
    triples: list[tuple] | None = None
    # Each column's kind (see queries/columns.py), set for named queries; inferred from the terms otherwise.
    kinds: dict[str, str] | None = None

    def values(self) -> list[dict[str, Any]]:
        """Rows as Python values, by each column's kind (see docs/queries.md): integers as int,
        xsd:decimal as Decimal (exact), booleans as bool; an IRI as its code (``BLR``) with the IRI in
        ``<col>_iri``; a date or period as written, with ``<col>_start`` and ``<col>_end``
        (datetime.date: its first and last possible days) and ``<col>_precision``
        (year, month, day or range). ``rows`` keeps the rdflib terms."""
        return typed.values(self)

    def strings(self) -> list[dict[str, str | None]]:
        """Rows as plain strings (IRIs and literals' lexical forms), one key per variable."""
        return [{v: (None if row.get(v) is None else str(row[v])) for v in self.variables} for row in self.rows]

    # -- formats -----------------------------------------------------------
    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2)
        bindings = []
        for row in self.rows:
            item = {}
            for var in self.variables:
                term = row.get(var)
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    item[var] = {"type": "uri", "value": str(term)}
                elif isinstance(term, BNode):
                    item[var] = {"type": "bnode", "value": str(term)}
                else:
                    entry = {"type": "literal", "value": str(term)}
                    if term.language:
                        entry["xml:lang"] = term.language
                    elif term.datatype:
                        entry["datatype"] = str(term.datatype)
                    item[var] = entry
            bindings.append(item)
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}},
                          indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: full IRIs and lexical forms (``typed.to_csv`` presents them)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.variables)
        for row in self.strings():
            writer.writerow(["" if row[v] is None else row[v] for v in self.variables])
        return out.getvalue()

    def to_table(self, width: int = 160) -> str:
        """Aligned columns for a terminal: empty columns are dropped, the widest are clipped first."""
        if self.boolean is not None:
            return "yes\n" if self.boolean else "no\n"
        values = self.strings()
        if not values:
            return "(no rows)\n"
        headers = [v for v in self.variables if any(row[v] is not None for row in values)]
        rows = [[_short(row[h]) for h in headers] for row in values]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
        budget = max(width - 2 * (len(headers) - 1), 8 * len(headers))
        while sum(widths) > budget:
            widest = widths.index(max(widths))
            if widths[widest] <= 8:
                break
            widths[widest] -= 1

        def line(cells):
            return "  ".join(_clip(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [line(headers), line(["-" * w for w in widths])]
        out += [line(r) for r in rows]
        return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"

    def to_dataframe(self):
        """A pandas DataFrame of ``values()``'s columns with dtypes pandas computes with: int64
        (Int64 where a column has blanks), float64 for xsd:decimal, datetime64[ns] for the
        ``_start`` and ``_end`` of dates; codes, IRIs, texts and precisions as object (str)."""
        return typed.dataframe(self)


def _short(value: str | None) -> str:
    if value is None:
        return ""
    if value.startswith((typed.ID_BASE, PREFIXES["mrkg"])):
        return typed.code(value)
    return " ".join(value.split())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """``text`` with a VALUES block binding ``bindings`` opened first in each WHERE clause that uses them.

    A WHERE clause uses a binding when one of the variables appears in it outside its own
    sub-SELECTs. A parameter's variable means the parameter throughout a named query, and SPARQL
    evaluates a sub-SELECT (or a UNION branch of them) before joining it with the outer VALUES, so
    a sub-SELECT that filters on a parameter needs its own block or it scans the whole graph first
    (a two-country UNION took 2 s instead of 10 ms on the full graph). A clause that only wraps
    sub-SELECTs gets none: Virtuoso 7 does not finish such a query with blocks at both levels.

    The outermost clause's block binds every parameter; a sub-SELECT's binds only those its clause,
    projection and modifiers name. Each variable of a block is one more that Oxigraph's planner
    carries through the joins it plans: on an empty store, `regime-between` took 7.2 ms to plan with every
    parameter in each block and 5.1 ms with these, `agreements-binding` 3.0 and 2.5 ms (rule 35 in
    docs/benchmarks.md)."""
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
    # A binding the text never names (a pair's corridors, a given parameter's ``?NAME_given``, where the
    # query does not use them) would only be one more variable for the planner to carry.
    names = sorted(name for name in bindings if name in _variables(text))
    if not names:
        return text
    terms = {name: str(to_oxigraph(bindings[name])) for name in names}
    clauses = _where_clauses(text)
    if not clauses:
        raise ValueError("the query has no WHERE clause to bind parameters in")
    used = re.compile(r"[?$](?:" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9_])")
    chosen = [clause for clause in clauses if used.search(clause.own)] or [clauses[0]]
    for clause in sorted(chosen, key=lambda c: c.opening, reverse=True):
        named = set(names) if clause is clauses[0] else {m.group()[1:] for m in used.finditer(clause.scope)}
        here = [name for name in names if name in named]
        block = ("VALUES (" + " ".join(f"?{name}" for name in here) + ") { ("
                 + " ".join(terms[name] for name in here) + ") }")
        text = text[:clause.opening] + "\n  " + block + "\n" + text[clause.opening:]
    return text


_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE_USE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


@lru_cache(maxsize=512)
def _variables(text: str) -> frozenset[str]:
    """The names of the variables the query's code uses (not in comments, strings or IRIs)."""
    mask = _code_mask(text)
    code = "".join(char if keep else " " for char, keep in zip(text, mask))
    return frozenset(_VARIABLE_USE.findall(code))


def _code_mask(text: str) -> bytearray:
    """For each character, 1 where it is query code (not inside a comment, string or IRI)."""
    mask = bytearray(b"\x01") * len(text)
    at = 0
    while at < len(text):
        char = text[at]
        if char == "#":
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
        elif char in "\"'":
            end = at + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            end += 1
        elif char == "<" and (iri := _IRI.match(text, at)):
            end = iri.end()
        else:
            at += 1
            continue
        mask[at:end] = bytes(min(end, len(text)) - at)
        at = end
    return mask


_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


class _Clause(NamedTuple):
    opening: int  # offset just after the clause's ``{``
    own: str  # its own code: comments, strings, IRIs and nested WHERE clauses blanked
    scope: str  # its own code, with its query's projection before it and modifiers after it


_QUERY_FORM = re.compile(r"\b(?:SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def _where_clauses(text: str) -> tuple[_Clause, ...]:
    """Each WHERE clause, in the order of the text (the outermost first). Cached: named queries are a
    few dozen fixed texts."""
    mask = _code_mask(text)
    spans = []
    for match in _WHERE_OPEN.finditer(text):
        if not mask[match.start()]:
            continue
        depth, at = 1, match.end()
        while at < len(text) and depth:
            if mask[at]:
                depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        spans.append((match.start(), match.end(), at))
    code = "".join(char if keep else " " for char, keep in zip(text, mask))
    clauses = []
    for keyword, opening, close in spans:
        own = list(code[opening:close])
        for _, inner_open, inner_close in spans:
            if opening < inner_open and inner_close <= close:
                own[inner_open - opening:inner_close - opening] = " " * (inner_close - inner_open)
        forms = list(_QUERY_FORM.finditer(code, 0, keyword))
        head = code[forms[-1].start() if forms else keyword:keyword]
        clauses.append(_Clause(opening, "".join(own), head + "".join(own) + code[close:_group_end(code, close)]))
    return tuple(clauses)


def _group_end(code: str, at: int) -> int:
    """Where the group that ``at`` lies in closes (its ``}``), or the end of the text: after a
    sub-SELECT's WHERE clause, the end of its modifiers (GROUP BY, HAVING, ORDER BY, LIMIT)."""
    depth = 0
    for offset in range(at, len(code)):
        depth += {"{": 1, "}": -1}.get(code[offset], 0)
        if depth < 0:
            return offset
    return len(code)


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class OxigraphEngine:
    """Queries an Oxigraph store (the on-disk database read-only, or a copy in memory) with the union of
    all graphs as default graph. Only queries are run: an update is not SPARQL query syntax."""

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        self.store = store

    @classmethod
    def open(cls, path: Path) -> "OxigraphEngine":
        from mrkg.graph.store import open_read_only

        return cls(open_read_only(path))

    @classmethod
    def in_memory(cls, path: Path) -> "OxigraphEngine":
        """The store's current graph copied into memory (``graph.store.load_in_memory``): faster queries
        for a process that answers many, after a load of seconds."""
        from mrkg.graph.store import current, load_in_memory

        return cls(load_in_memory(current(path).dump))

    def run(self, text: str, bindings: dict[str, Any] | None = None, first: FirstPerGroup | None = None) -> Result:
        answer = self.store.query(with_values(text, bindings or {}), use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return Result([], [], boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer]
            return Result(["subject", "predicate", "object"],
                          [dict(zip(("subject", "predicate", "object"), t)) for t in triples], triples=triples)
        variables = [v.value for v in answer.variables]
        return Result(variables, solution_rows(variables, first_solutions(answer, first)))


def solution_rows(variables: list[str], solutions) -> list[dict[str, Any]]:
    """pyoxigraph's solutions as rows of rdflib terms (None for an unbound variable), each distinct term
    converted once per answer. Iterating is also when Oxigraph evaluates the query."""
    convert = _TermCache().__getitem__
    with _collector_paused():
        return [dict(zip(variables, map(convert, solution))) for solution in solutions]


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a result is read. Reading allocates a few objects per
    cell (Oxigraph's terms, rdflib's, a dict per row), none in a cycle; with the collector on, those
    allocations set off collections, some of them full ones that walk every live object of the process:
    56 of source-discrepancies' 614 ms in memory (docs/benchmarks.md, rule 6). Reference counting still frees
    everything; the collector is switched back on even when reading fails, and left alone when a caller
    had switched it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _TermCache(dict):
    """``to_rdflib`` remembered per result: a table's rows repeat the same IRIs and codes, and making an
    rdflib term costs more than looking one up (half the conversion time of source-discrepancies).
    Call it as ``cache.__getitem__``: a term seen before (or None) is then found without a Python call."""

    def __init__(self):
        super().__init__()
        self[None] = None

    def __missing__(self, term):
        converted = self[term] = to_rdflib(term)
        return converted


class RdflibEngine:
    """rdflib's in-memory SPARQL engine over the same quads: the baseline."""

    name = "rdflib"

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.dataset.default_union = True

    @classmethod
    def from_nquads(cls, nquads: bytes) -> "RdflibEngine":
        dataset = Dataset(default_union=True)
        dataset.parse(data=nquads, format="nquads")
        return cls(dataset)

    def run(self, text: str, bindings: dict[str, Any] | None = None, first: FirstPerGroup | None = None) -> Result:
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        answer = self.dataset.query(text, initBindings=init or None)
        if answer.type == "ASK":
            return Result([], [], boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            triples = list(answer.graph)
            return Result(["subject", "predicate", "object"],
                          [dict(zip(("subject", "predicate", "object"), t)) for t in triples], triples=triples)
        variables = [str(v) for v in answer.vars]
        rows = [{v: r.get(Variable(v)) for v in variables} for r in answer.bindings]
        return Result(variables, first_rows(rows, first))


def run_named(engine, query, bindings: dict[str, Any]) -> Result:
    """Run a named query with validated bindings; keep only the header's columns, and with a ``# limit:``
    the first rows of each group (cut by the engine), ranked."""
    first = None
    if query.limit is not None:
        limit = query.limit
        first = FirstPerGroup(limit.group, int(bindings[limit.param]) if limit.param in bindings else limit.default)
        # Bound, the limit lets a query that can rank in SPARQL (top-partners) read no more rows than it keeps.
        bindings = {**bindings, limit.param: Literal(first.n, datatype=XSD.integer)}
    result = engine.run(query.text, bindings, first=first)
    if result.boolean is not None or result.triples is not None:
        return result
    columns = [c for c in query.columns if c in result.variables or (query.limit and c == "rank")]
    rows = result.rows
    if first is not None:
        rows = _ranked(rows, first)
    kinds = column_kinds(query)
    lists = [c for c in columns if kinds[c] == CODES]
    rows = [{c: row.get(c) for c in columns} for row in rows]
    for row in rows:
        for column in lists:
            row[column] = sorted_codes(row[column])
    return Result(columns, rows, kinds={c: kinds[c] for c in columns})


def sorted_codes(term: Any) -> Any:
    """A cell of several identifiers (a GROUP_CONCAT) with them in alphabetical order: SPARQL leaves the
    order of GROUP_CONCAT open, and Oxigraph and rdflib gave group-total's members in different orders."""
    if not isinstance(term, Literal) or term.datatype is not None:
        return term
    text = str(term)
    separator = next((s for s in (", ", ",", " ") if s in text), None)
    if separator is None:
        return term
    return Literal(separator.join(sorted(text.split(separator))), lang=term.language)


def _ranked(rows: list[dict], first: FirstPerGroup) -> list[dict]:
    """Each row with its rank in its group. The engine has cut the rows already; this keeps ``first`` too,
    so that an engine that returned more cannot show them."""
    return [{**row, "rank": Literal(rank, datatype=XSD.integer)} for rank, row in first.ranked(rows, _text_of_cell)]
