"""Refusing what a public endpoint must not do, before anything is evaluated.

A query is parsed with rdflib's SPARQL parser (a grammar independent of the
engine's) and refused when it

* is not a query at all: an update (``LOAD``, ``INSERT``, ``DROP``, ...) is a
  different grammar, and is refused as a write;
* uses ``SERVICE`` anywhere (Oxigraph follows it: it would make the server send
  HTTP requests wherever the query says);
* names, with ``FROM`` or ``FROM NAMED``, a graph this dataset does not hold
  (rdflib would fetch such an IRI, a ``file:`` one included).

A second, lexical check looks for the SERVICE keyword outside strings, IRIs
and comments, so that a disagreement between rdflib's parser and the engine's
cannot let a SERVICE clause through. The worker processes that evaluate
queries also run without network access where the system allows it
(``workers``): three independent layers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyparsing import ParseBaseException
from pyparsing import ParseResults

# Brackets of any kind nested deeper than this are refused before parsing: rdflib's recursive
# parser runs out of stack at about 30 levels of parentheses, and no reader's query comes close.
MAX_NESTING = 20
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class Refused(Exception):
    """A request the endpoint will not evaluate; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class CheckedQuery:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    default_graphs: tuple[str, ...]  # FROM
    named_graphs: tuple[str, ...]  # FROM NAMED

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def inspect(text: str, graphs: frozenset[str] | set[str]) -> CheckedQuery:
    """The query's form and dataset, or ``Refused`` (400 malformed, 403 not allowed here)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    if not text.strip():
        raise Refused(400, "the query is empty; send a SPARQL query in the 'query' parameter or as the body")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise Refused(400, f"the query nests brackets {depth} levels deep; at most {MAX_NESTING} are accepted")
    try:
        parsed = parseQuery(text)
    except RecursionError:
        raise Refused(400, "the query is nested too deeply to be parsed") from None
    except ParseBaseException as error:
        if _is_update(text):
            raise Refused(403, "this endpoint is read-only: SPARQL updates (LOAD, INSERT, DELETE, CLEAR, DROP, "
                               "CREATE, ...) are refused") from None
        raise Refused(400, f"SPARQL syntax error: {error}") from None
    if _mentions_service(parsed) or has_service_keyword(text):
        raise Refused(403, "federated queries are refused: this endpoint makes no outbound requests, "
                           "so SERVICE cannot be used")
    form = FORMS.get(parsed[1].name)
    if form is None:  # pragma: no cover - the grammar allows only the four forms
        raise Refused(400, f"unsupported query form {parsed[1].name}")
    try:
        algebra = translateQuery(parsed).algebra
    except RecursionError:
        raise Refused(400, "the query is nested too deeply to be evaluated") from None
    except Exception as error:  # rdflib raises plain Exceptions for e.g. an undeclared prefix
        raise Refused(400, f"SPARQL error: {error}") from None
    default, named = [], []
    for clause in algebra.get("datasetClause") or ():
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    check_graphs(default + named, graphs, "FROM and FROM NAMED")
    return CheckedQuery(form, tuple(default), tuple(named))


def check_graphs(named: Iterable[str], graphs: frozenset[str] | set[str], what: str) -> None:
    """``Refused`` (403) unless every IRI names a graph of this dataset: nothing is ever fetched."""
    unknown = [iri for iri in named if iri not in graphs]
    if unknown:
        raise Refused(403, f"{what} may only name graphs of this dataset (nothing is fetched); "
                           f"not a graph here: {', '.join('<' + iri + '>' for iri in unknown)}. "
                           "List them with SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except ParseBaseException:
        return bool(_UPDATE_KEYWORD.search(_code_only(text)))
    except Exception:  # rdflib raises plain Exceptions for some semantic errors in updates
        return True
    return True


def _mentions_service(node) -> bool:
    """Whether the parse tree holds a SERVICE pattern, at any depth (sub-queries, EXISTS, ...)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_mentions_service(value) for value in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_mentions_service(item) for item in node)
    return False


# Strings (long and short), IRIs and comments, which may hold the word SERVICE harmlessly.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*", re.DOTALL)
# A keyword, not part of a prefixed name (ex:service, service:x) or a variable (?service).
_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE(?![\w:.-])", re.IGNORECASE)
_UPDATE_KEYWORD = re.compile(r"(?<![\w:?$.-])(LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)(?![\w:.-])",
                             re.IGNORECASE)


def _code_only(text: str) -> str:
    return _NOT_CODE.sub(" ", text)


def nesting_depth(text: str) -> int:
    """The deepest nesting of (), {} and [] outside strings, IRIs and comments."""
    depth = deepest = 0
    for character in _code_only(text):
        if character in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")}]":
            depth = max(0, depth - 1)
    return deepest


def has_service_keyword(text: str) -> bool:
    """The lexical check: SERVICE as a keyword anywhere outside strings, IRIs and comments."""
    return bool(_SERVICE.search(_code_only(text)))
