"""Answering one SPARQL Protocol request: check, evaluate (capped), negotiate, serialise.

``answer`` is the same whether it runs inside a worker process (the server's
default, see ``workers``) or in process around any engine with
``.run(text, bindings) -> Result`` (``EngineRunner``).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox

from mrkg.endpoint import formats
from mrkg.endpoint.guard import Refused, check_graphs, inspect
from mrkg.ontology.iris import BASE
from mrkg.queries.execute import (FirstPerGroup, Result, first_rows, first_solutions, solution_rows, to_rdflib,
                                 with_values)

log = logging.getLogger("mrkg.endpoint")

TRUNCATED_HEADER = "MRKG-Truncated"


@dataclass(frozen=True)
class ProtocolDataset:
    """The RDF dataset named by the protocol's ``default-graph-uri`` and ``named-graph-uri``
    parameters; it overrides the query's FROM / FROM NAMED (SPARQL 1.1 Protocol, 2.1.4)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryRequest:
    text: str
    accept: str | None = None
    format_name: str | tuple[str, ...] | None = None  # the format parameters' values, if any
    dataset: ProtocolDataset | None = None
    endpoint: str | None = None  # this server's /sparql URL, which a cut answer links to


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def error_reply(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


class Runner(Protocol):
    def graphs(self) -> frozenset[str]: ...

    def run(self, text: str, bindings: dict[str, Any] | None = None, max_rows: int | None = None,
            union: bool = True, dataset: ProtocolDataset | None = None,
            first: FirstPerGroup | None = None) -> tuple[Result, bool]: ...


class OxigraphRunner:
    """The embedded store, read directly: at most ``max_rows`` solutions are ever taken from
    the engine (an unbounded ``SELECT *`` never turns the whole store into Python objects), counted
    after ``first`` has cut them."""

    def __init__(self, store: ox.Store):
        self.store = store

    def graphs(self) -> frozenset[str]:
        return frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def run(self, text, bindings=None, max_rows=None, union=True, dataset=None, first=None):
        # With FROM/FROM NAMED the query's own dataset must hold, with the protocol's parameters
        # theirs; otherwise the default graph is the union of the named graphs.
        if dataset is not None:
            answer = self.store.query(with_values(text, bindings or {}),
                                      default_graph=[ox.NamedNode(g) for g in dataset.default],
                                      named_graphs=[ox.NamedNode(g) for g in dataset.named])
        else:
            answer = self.store.query(with_values(text, bindings or {}), use_default_graph_as_union=union)
        if isinstance(answer, ox.QueryBoolean):
            return Result([], [], boolean=bool(answer)), False
        solutions = answer if isinstance(answer, ox.QueryTriples) else first_solutions(answer, first)
        taken = list(itertools.islice(solutions, None if max_rows is None else max_rows + 1))
        truncated = max_rows is not None and len(taken) > max_rows
        taken = taken[:max_rows] if truncated else taken
        if isinstance(answer, ox.QueryTriples):
            triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in taken]
            return _graph_result(triples), truncated
        variables = [v.value for v in answer.variables]
        return Result(variables, solution_rows(variables, taken)), truncated


class EngineRunner:
    """Any engine with ``.run(text, bindings) -> Result`` (rdflib, a remote SPARQL server, ...).
    The answer is capped after the engine returns it; the engine's own time limit applies."""

    def __init__(self, engine):
        self.engine = engine

    def graphs(self) -> frozenset[str]:
        result = self.engine.run("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return frozenset(str(row["g"]) for row in result.rows)

    def run(self, text, bindings=None, max_rows=None, union=True, dataset=None, first=None):
        if dataset is None:
            result = self.engine.run(text, bindings, first=first)
        elif hasattr(self.engine, "run_on"):
            result = self.engine.run_on(text, dataset.default, dataset.named, bindings)
            if first is not None and result.triples is None:
                result.rows = first_rows(result.rows, first)
        else:
            raise Refused(501, "this store cannot take default-graph-uri / named-graph-uri; "
                               "name graphs with FROM / FROM NAMED in the query")
        if max_rows is None or len(result.rows) <= max_rows:
            return result, False
        if result.triples is not None:
            return _graph_result(result.triples[:max_rows]), True
        return Result(result.variables, result.rows[:max_rows]), True


def _graph_result(triples: list[tuple]) -> Result:
    columns = ("subject", "predicate", "object")
    return Result(list(columns), [dict(zip(columns, t)) for t in triples], triples=triples)


def answer(runner: Runner, graphs: frozenset[str], request: QueryRequest, max_rows: int | None,
           base: str = BASE) -> Reply:
    """The HTTP reply to a SPARQL query: refused, not acceptable, or the capped answer."""
    try:
        checked = inspect(request.text, graphs)
        if request.dataset is not None:
            check_graphs(request.dataset.default + request.dataset.named, graphs,
                         "default-graph-uri and named-graph-uri")
        offered = formats.GRAPH_FORMATS if checked.returns_graph else formats.RESULT_FORMATS
        fmt = formats.choose(offered, request.accept, request.format_name)
    except Refused as refusal:
        return error_reply(refusal.status, refusal.message)
    except formats.NotAcceptable as error:
        return error_reply(406, str(error))
    try:
        result, truncated = runner.run(request.text, max_rows=max_rows, union=not checked.has_dataset,
                                       dataset=request.dataset)
    except Refused as refusal:
        return error_reply(refusal.status, refusal.message)
    except SyntaxError as error:  # the engine's parser disagreeing with rdflib's
        return error_reply(400, f"SPARQL syntax error: {error}")
    except (OSError, RuntimeError, ValueError, TypeError) as error:  # TypeError: e.g. an RDF-star triple term
        log.warning("query failed: %s", error)
        return error_reply(500, f"the query could not be evaluated: {error}")
    headers = {}
    if truncated:
        headers[TRUNCATED_HEADER] = cut_message(max_rows)
    return Reply(200, fmt.content_type, render(result, fmt, checked.form, request.text, base,
                                               headers.get(TRUNCATED_HEADER), request.endpoint), headers)


def cut_message(max_rows: int | None) -> str:
    return (f"the answer was cut to the first {max_rows} rows (this server's row cap, stated in its service "
            "description); ask for fewer rows, e.g. with LIMIT and OFFSET")


def render(result: Result, fmt: formats.Format, form: str, query: str = "", base: str = BASE,
           truncated: str | None = None, endpoint: str | None = None) -> bytes:
    """The answer in ``fmt``; a cut answer (``truncated``, the message) says so in the body where
    the format allows (``formats.mark_truncated``)."""
    if fmt is formats.HTML:
        from mrkg.endpoint.pages import results_page

        return results_page(result, form, query, base, truncated=truncated).encode("utf-8")
    if result.triples is not None:
        body = formats.graph_bytes(result.triples, fmt)
    else:
        body = formats.results_bytes(result, fmt)
    link = endpoint + formats.ROW_LIMIT_FRAGMENT if endpoint else None
    return formats.mark_truncated(body, fmt, truncated, link) if truncated else body


class InlineEvaluator:
    """Evaluates in this process, around a runner. Used for engines that are not the embedded
    store and in the protocol tests; a query cannot be stopped here, only by the engine itself."""

    def __init__(self, runner: Runner, max_rows: int | None = 10_000, base: str = BASE):
        self.runner = runner
        self.max_rows = max_rows
        self.base = base
        self._graphs = runner.graphs()

    @classmethod
    def for_engine(cls, engine, max_rows: int | None = 10_000, base: str = BASE) -> "InlineEvaluator":
        from mrkg.queries.execute import OxigraphEngine

        if isinstance(engine, OxigraphEngine):
            return cls(OxigraphRunner(engine.store), max_rows, base)
        return cls(EngineRunner(engine), max_rows, base)

    def graphs(self) -> frozenset[str]:
        return self._graphs

    def answer(self, request: QueryRequest) -> Reply:
        return answer(self.runner, self._graphs, request, self.max_rows, self.base)

    def run(self, text: str, bindings=None, max_rows: int | None = None,
            first: FirstPerGroup | None = None) -> tuple[Result, bool]:
        return self.runner.run(text, bindings, max_rows=max_rows, first=first)

    def sections(self, profile, identifier: str, options: dict[str, str], max_rows: int | None) -> list[dict]:
        """A profile page's sections (``profiles.run_sections``), each query capped at ``max_rows``."""
        from mrkg.endpoint.profiles import sections_on

        return sections_on(self, profile, identifier, options, max_rows)


class CappedView:
    """An evaluator as an engine for ``run_named``, with the row cap, remembering a cut."""

    def __init__(self, evaluator, max_rows: int | None):
        self.evaluator, self.max_rows, self.truncated = evaluator, max_rows, False

    def run(self, text, bindings=None, first=None):
        result, truncated = self.evaluator.run(text, bindings, self.max_rows, first=first)
        self.truncated = self.truncated or truncated
        return result
