"""A remote SPARQL 1.1 server as the store: Virtuoso, GraphDB, Fuseki or any other.

``--store`` given as an ``http(s)://`` URL names the server's query endpoint.
``RemoteEngine`` answers queries there with the same ``run(text, bindings) ->
Result`` contract as ``OxigraphEngine``; bindings become a VALUES block of
terms serialised by pyoxigraph (``with_values``), never user text pasted in.

The server's default graph is not trusted to be the union of mrkg's graphs
(Virtuoso's holds its own system data; Fuseki's is a graph of its own), so
every query names its dataset through the protocol's ``default-graph-uri`` and
``named-graph-uri`` parameters: all graphs under mrkg's graph namespace, read
once per engine. That gives the embedded store's semantics (default graph =
union of the named graphs) on any SPARQL 1.1 Protocol server.

Credentials come from ``MRKG_SPARQL_USER`` and ``MRKG_SPARQL_PASSWORD`` (HTTP
Basic or Digest, whichever the server asks for); they are never taken from
the command line.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from mrkg.graph.store import StoreMissing
from mrkg.ontology import iris
from mrkg.queries.execute import FirstPerGroup, Result, first_rows, with_values

USER_VARIABLE = "MRKG_SPARQL_USER"
PASSWORD_VARIABLE = "MRKG_SPARQL_PASSWORD"
GRAPH_NAMESPACE = iris.BASE + "graph/"
DEFAULT_TIMEOUT = 120.0
_EXCERPT = 400
_SELECT_TYPES = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RDF_FORMATS = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle",
                "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


class RemoteError(Exception):
    """The SPARQL server could not be reached, refused us, or answered with an error."""


def is_remote(store: Any) -> bool:
    return isinstance(store, str) and store.startswith(("http://", "https://"))


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{url!r} is not a SPARQL endpoint URL; expected http(s)://host[:port]/path")
    if parts.username or parts.password:
        raise RemoteError(f"put no credentials in the endpoint URL; set {USER_VARIABLE} and {PASSWORD_VARIABLE}")
    return url


@dataclass
class Client:
    """SPARQL 1.1 Protocol over HTTP POST (form encoded), with timeouts and clear errors."""

    query_url: str
    update_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_environment(cls, query_url: str, update_url: str | None = None,
                         timeout: float = DEFAULT_TIMEOUT) -> "Client":
        return cls(check_url(query_url), check_url(update_url) if update_url else None, timeout,
                   os.environ.get(USER_VARIABLE) or None, os.environ.get(PASSWORD_VARIABLE) or None)

    def __post_init__(self):
        handlers = []
        if self.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.query_url, self.update_url or self.query_url}:
                passwords.add_password(None, url, self.user, self.password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def query(self, form: dict[str, list[str]], accept: str) -> tuple[str, bytes]:
        return self._post(self.query_url, form, accept)

    def update(self, text: str) -> None:
        self._post(self.update_url or self.query_url, {"update": [text]}, "*/*")

    def _post(self, url: str, form: dict[str, list[str]], accept: str) -> tuple[str, bytes]:
        body = urllib.parse.urlencode([(key, value) for key, values in form.items() for value in values]).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept,
            "User-Agent": "mrkg"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            excerpt = _excerpt(error.read())
            if error.code in (401, 403):
                who = f"as user {self.user!r}" if self.user else f"without credentials ({USER_VARIABLE} is not set)"
                raise RemoteError(f"the SPARQL server at {url} refused the request {who}: HTTP {error.code}"
                                  + (f": {excerpt}" if excerpt else "")) from None
            raise RemoteError(f"the SPARQL server at {url} answered HTTP {error.code} {error.reason}"
                              + (f": {excerpt}" if excerpt else "")) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise RemoteError(f"the SPARQL server at {url} gave no answer within {self.timeout:g} s") from None
            raise RemoteError(f"cannot reach the SPARQL server at {url}: {reason}") from None
        except (socket.timeout, TimeoutError):
            raise RemoteError(f"the SPARQL server at {url} gave no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as error:
            raise RemoteError(f"the connection to the SPARQL server at {url} failed: {error}") from None


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


def query_form(text: str):
    """The parsed query (rdflib's parser: nothing is evaluated), or SyntaxError; an update is refused."""
    # Imported here: the parser costs a tenth of a second of start-up that only remote stores need.
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)[1]
    except ParseException as error:
        try:
            parseUpdate(text)
        except ParseException:
            raise SyntaxError(f"{error.msg} at line {error.lineno}, column {error.col}") from None
        raise SyntaxError("this is a SPARQL Update; mrkg only runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE) "
                          "on a remote store") from None


def open_engine(store=None, timeout: float = DEFAULT_TIMEOUT, in_memory: bool = False):
    """The engine for a ``--store`` value: a remote server for an http(s) URL, else the embedded store
    (``in_memory``: its graph copied into memory, see ``OxigraphEngine.in_memory``)."""
    from pathlib import Path

    from mrkg.graph.store import default_store
    from mrkg.queries.execute import OxigraphEngine

    store = default_store() if store is None else store
    if is_remote(str(store)):
        if in_memory:
            raise ValueError(f"in_memory copies the embedded store; {store} is a remote SPARQL server")
        return RemoteEngine.open(str(store), timeout=timeout)
    return OxigraphEngine.in_memory(Path(store)) if in_memory else OxigraphEngine.open(Path(store))


class RemoteEngine:
    """Read-only queries on a remote SPARQL server over the union of mrkg's named graphs."""

    name = "remote"

    def __init__(self, client: Client):
        self.client = client
        self._graphs: list[str] | None = None

    @classmethod
    def open(cls, url: str, timeout: float = DEFAULT_TIMEOUT) -> "RemoteEngine":
        return cls(Client.from_environment(url, timeout=timeout))

    def graphs(self) -> list[str]:
        """mrkg's named graphs on the server (read once)."""
        if self._graphs is None:
            self._graphs = remote_graphs(self.client)
            if not self._graphs:
                raise StoreMissing(f"the SPARQL server at {self.client.query_url} holds no mrkg graphs; "
                                   f"run `mrkg --store {self.client.query_url} build` first")
        return self._graphs

    def run(self, text: str, bindings: dict[str, Any] | None = None, first: FirstPerGroup | None = None) -> Result:
        parsed = query_form(text)
        form = {"query": [with_values(text, bindings or {})]}
        if "datasetClause" not in parsed.keys():  # a query naming its own dataset keeps it
            graphs = self.graphs()
            form.update({"default-graph-uri": graphs, "named-graph-uri": graphs})
        result = self._send(parsed, form)
        if first is not None and result.triples is None and result.boolean is None:
            result.rows = first_rows(result.rows, first)
        return result

    def run_on(self, text: str, default: tuple[str, ...], named: tuple[str, ...],
               bindings: dict[str, Any] | None = None) -> Result:
        """``text`` over the dataset of the given graphs (protocol parameters, which override FROM)."""
        form = {"query": [with_values(text, bindings or {})], "default-graph-uri": list(default),
                "named-graph-uri": list(named)}
        return self._send(query_form(text), form)

    def _send(self, parsed, form: dict[str, list[str]]) -> Result:
        if parsed.name in ("ConstructQuery", "DescribeQuery"):
            return _graph_result(*self.client.query(form, _GRAPH_TYPES))
        content_type, body = self.client.query(form, _SELECT_TYPES)
        return _table_result(content_type, body, ask=parsed.name == "AskQuery")


def select(client: Client, text: str) -> Result:
    """A SELECT of mrkg's own (fixed) text on the server's whole dataset."""
    return _table_result(*client.query({"query": [text]}, _SELECT_TYPES), ask=False)


def remote_graphs(client: Client) -> list[str]:
    text = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
            + json.dumps(GRAPH_NAMESPACE) + ")) }")
    return sorted(str(row["g"]) for row in select(client, text).rows)


def _table_result(content_type: str, body: bytes, ask: bool) -> Result:
    if "json" not in content_type:
        raise RemoteError(f"the SPARQL server answered {content_type}, not SPARQL results JSON: {_excerpt(body)}")
    try:
        answer = json.loads(body)
    except ValueError:
        raise RemoteError(f"the SPARQL server's JSON results do not parse: {_excerpt(body)}") from None
    if "boolean" in answer:
        return Result([], [], boolean=bool(answer["boolean"]))
    bindings = answer.get("results", {}).get("bindings", [])
    if ask:
        # Virtuoso 7 answers ASK in JSON as a one-row table of __ASK_RETVAL (1 or 0).
        values = [term.get("value") for row in bindings for term in row.values()]
        return Result([], [], boolean=bool(values) and values[0] in ("1", "true"))
    variables = answer.get("head", {}).get("vars", [])
    rows = [{name: _term(row[name]) if name in row else None for name in variables} for row in bindings]
    return Result(variables, rows)


def _term(entry: dict):
    kind, value = entry.get("type"), entry.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):  # typed-literal: the 2008 format, still sent by Virtuoso
        if entry.get("xml:lang"):
            return Literal(value, lang=entry["xml:lang"])
        datatype = entry.get("datatype")
        return Literal(value, datatype=None if datatype in (None, str(XSD.string)) else URIRef(datatype))
    raise RemoteError(f"the SPARQL server sent a term of unknown type {kind!r}")


def _graph_result(content_type: str, body: bytes) -> Result:
    fmt = _RDF_FORMATS.get(content_type)
    if fmt is None:
        raise RemoteError(f"the SPARQL server answered a graph query with {content_type}, which mrkg does not read")
    graph = Graph().parse(data=body, format=fmt)
    triples = sorted(graph)
    return Result(["subject", "predicate", "object"],
                  [dict(zip(("subject", "predicate", "object"), t)) for t in triples], triples=triples)
