"""The HTTP application: the SPARQL 1.1 Protocol at /sparql, resolvable IRIs, the query page,
the named queries as views, VoID and the service description.

Starlette (ASGI, with its TestClient for in-process tests) keeps the routing and
CORS small and well-tested; uvicorn serves it. Evaluation never runs on the
event loop: it goes to an evaluator (``workers.PoolEvaluator`` in the server,
killable worker processes; ``evaluate.InlineEvaluator`` around any engine)
through a thread, so one slow query does not hold up other clients.

Every evaluation first takes a slot of the ``admission`` (fair sharing: a client
may have ``per_client`` requests in progress, 429 past it; freed slots go to the
clients that used the workers least). What depends only on the store, which one
server never changes (the ontology page, the landing page's counts, VoID, the
graph sizes), is computed once, by the first request that needs it while any
others wait for the same answer, or at start (``warm``), and then served from
memory. Every response carries the security headers (``SECURITY_HEADERS``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import urllib.parse
from pathlib import Path

import anyio
import pyoxigraph as ox
from rdflib import URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from mrkg.endpoint import describe as describing
from mrkg.endpoint import formats, pages, resolve
from mrkg.endpoint.admission import Admission, ClientBusy, ServerBusy
from mrkg.endpoint.evaluate import TRUNCATED_HEADER, ProtocolDataset, QueryRequest, Reply
from mrkg.endpoint.limits import DEFAULT_PER_CLIENT
from mrkg.ontology.iris import BASE
from mrkg.queries.execute import run_named, with_values
from mrkg.queries.library import QueryError, bind, named_queries

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_MAX_BODY = 64 * 1024
PAGE_FORMATS = (formats.HTML, formats.TURTLE, formats.NTRIPLES, formats.JSONLD)
NAMED_FORMATS = (formats.HTML, formats.JSON, formats.XML, formats.CSV, formats.TSV)
FORM = "application/x-www-form-urlencoded"
# Stands for this server's /sparql URL in what is computed once: the URL depends on the request.
ENDPOINT_PLACEHOLDER = "urn:mrkg:this-endpoint"

log = logging.getLogger("mrkg.endpoint")


class BodyTooLarge(Exception):
    pass


class BodySlow(Exception):
    pass


def content_security_policy() -> str:
    """Scripts only from this server (/static/query.js), the pages' one inline style sheet by its
    hash, requests only to this server, and never inside another site's frame."""
    return ("default-src 'none'; script-src 'self'; style-src " + pages.style_hash() + "; img-src 'self'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def security_headers() -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", content_security_policy().encode("ascii")),
            (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer")]


class SecurityHeaders:
    """Adds the security headers to every response, errors included (ASGI middleware)."""

    def __init__(self, app):
        self.app = app
        self.headers = security_headers()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", ())}
                message = {**message, "headers": [*message.get("headers", ()),
                                                  *(h for h in self.headers if h[0] not in names)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Once:
    """Values computed once per key: the first caller computes, later ones (and those arriving
    while it computes) get the same value. A failure is not kept: the next caller tries again."""

    def __init__(self):
        self._values: dict[str, object] = {}
        self._locks: dict[str, anyio.Lock] = {}

    async def get(self, key: str, compute):
        if key in self._values:
            return self._values[key]
        lock = self._locks.setdefault(key, anyio.Lock())
        async with lock:
            if key not in self._values:
                self._values[key] = await compute()
        return self._values[key]


def client_of(request: Request) -> str:
    """The client, for fair sharing: its address (uvicorn replaces it with X-Forwarded-For only
    when the request comes from a trusted proxy, by default one on this machine)."""
    return request.client.host if request.client else "unknown"


def _malformed_path(request: Request, iri: str) -> str | None:
    """Why the request path cannot name an IRI (not UTF-8 once decoded, not a valid IRI), or None."""
    raw = request.scope.get("raw_path")
    if raw is not None:
        try:
            urllib.parse.unquote_to_bytes(raw.decode("latin-1")).decode("utf-8")
        except UnicodeDecodeError:
            return "the path is not UTF-8 once its %-escapes are decoded"
    try:
        ox.NamedNode(iri)
    except ValueError:
        return f"the path does not make a valid IRI: {ascii(iri)}"
    return None


def _text(status: int, message: str, headers: dict | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def _reply(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=None,
                    headers={"Content-Type": reply.content_type, "Vary": "Accept", **reply.headers})


async def _body(request: Request, limit: int, seconds: float | None) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    try:
        with anyio.fail_after(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge
                chunks.append(chunk)
    except TimeoutError:
        raise BodySlow from None
    return b"".join(chunks)


def _single(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key) or []
    if len(found) > 1:
        raise QueryError(f"give one '{key}' parameter, not {len(found)}")
    return found[0] if found else None


def create_app(evaluator, base: str = BASE, max_body: int = DEFAULT_MAX_BODY, timeout: float | None = None,
               max_rows: int | None = None, on_shutdown=None, per_client: int = DEFAULT_PER_CLIENT,
               slots: int | None = None, body_timeout: float | None = 20.0, warm: bool = False) -> Starlette:
    """The application over ``evaluator`` (``answer(QueryRequest) -> Reply``, ``run(text, bindings,
    max_rows) -> (Result, truncated)``, ``graphs()``). ``base`` is the IRI base that maps to this
    server's paths; ``timeout`` and ``max_rows`` are only reported (the evaluator enforces them).
    ``slots`` evaluations run at once (default: the evaluator's workers), at most ``per_client`` of
    them for one client; ``warm`` computes the cached answers at start, in the background."""
    once = Once()
    ontology_iri = base + "ontology"
    ontology = (base + "ontology#", base + "graph/ontology")
    pool = getattr(evaluator, "pool", None)
    slots = slots or (pool.size if pool is not None else 4)
    # A waiting request is served when a slot comes free, at worst when a query is stopped at the
    # time limit and its worker replaced; the wait allows for that twice over.
    admission = Admission(slots, per_client, wait=2 * timeout + 30 if timeout else 120.0)

    async def evaluate(client: str, function, *args):
        async with admission.slot(client):
            return await anyio.to_thread.run_sync(function, *args)

    def endpoint_url(request: Request) -> str:
        return str(request.base_url).rstrip("/") + "/sparql"

    async def sizes(client: str):
        return await once.get("sizes", lambda: evaluate(client, describing.graph_sizes, evaluator))

    async def ontology_description(client: str):
        return await once.get("ontology", lambda: evaluate(client, resolve.describe, evaluator, ontology_iri,
                                                           ontology))

    async def void_triples(client: str, endpoint: str) -> list[tuple]:
        computed = await once.get("void", lambda: evaluate(client, describing.void_graph, evaluator, base,
                                                           ENDPOINT_PLACEHOLDER))
        placeholder, here = URIRef(ENDPOINT_PLACEHOLDER), URIRef(endpoint)
        return [tuple(here if term == placeholder else term for term in triple) for triple in computed]

    async def jsonld(client: str, endpoint: str) -> str:
        computed = await once.get("jsonld", lambda: evaluate(client, describing.dataset_jsonld, evaluator, base,
                                                             ENDPOINT_PLACEHOLDER))
        # The text is JSON with "</" escaped (see describing.dataset_jsonld): the URL goes in likewise.
        return computed.replace(ENDPOINT_PLACEHOLDER, json.dumps(endpoint)[1:-1].replace("</", "<\\/"))

    async def warm_up():
        for compute in (sizes, ontology_description):
            try:
                await compute("(start)")
            except Exception as error:  # the first request that needs it tries again
                log.warning("could not compute a cached answer at start: %s", error)
        for compute in (void_triples, jsonld):
            try:
                await compute("(start)", ENDPOINT_PLACEHOLDER)
            except Exception as error:
                log.warning("could not compute a cached answer at start: %s", error)

    def guarded(handler):
        """Page queries share the evaluator's limits: a timeout, the memory limit or a busy server
        answers 503, a client over its share 429, each with Retry-After."""
        from mrkg.endpoint.workers import PoolBusy, QueryMemoryExceeded, QueryTimeout

        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except ClientBusy as error:
                return _text(429, str(error), {"Retry-After": str(error.retry_after)})
            except ServerBusy as error:
                return _text(503, str(error), {"Retry-After": str(error.retry_after)})
            except (QueryTimeout, PoolBusy, QueryMemoryExceeded) as error:
                return _text(503, str(error), {"Retry-After": "5"})
        return endpoint

    # -- /sparql ---------------------------------------------------------------
    async def sparql(request: Request) -> Response:
        try:
            if request.method in ("GET", "HEAD"):
                values = urllib.parse.parse_qs(request.url.query, keep_blank_values=True, errors="strict")
            else:
                content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
                body = await _body(request, max_body, body_timeout)
                if content_type == "application/sparql-update":
                    return _text(403, "this endpoint is read-only: SPARQL updates are refused")
                if content_type == FORM:
                    values = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
                    values.update({k: v for k, v in urllib.parse.parse_qs(request.url.query).items()
                                   if k not in values})
                elif content_type == "application/sparql-query":
                    values = urllib.parse.parse_qs(request.url.query)
                    values["query"] = [body.decode("utf-8")]
                else:
                    return _text(415, f"POST a query as application/sparql-query or as a form ({FORM}); "
                                      f"got {content_type or 'no Content-Type'}")
            if "update" in values:
                return _text(403, "this endpoint is read-only: SPARQL updates are refused")
            dataset = None
            if "default-graph-uri" in values or "named-graph-uri" in values:
                dataset = ProtocolDataset(tuple(values.get("default-graph-uri", ())),
                                          tuple(values.get("named-graph-uri", ())))
            query = _single(values, "query")
            format_name = _single(values, "format")
        except BodyTooLarge:
            return _text(413, f"the request body is larger than {max_body} bytes")
        except BodySlow:
            return _text(408, f"the request body did not arrive within {body_timeout:g} s",
                         {"Connection": "close"})
        except ClientDisconnect:
            return _text(400, "the client closed the connection before the request body arrived")
        except UnicodeDecodeError:
            return _text(400, "the request is not valid UTF-8")
        except QueryError as error:
            return _text(400, str(error))
        if query is None:
            return await service_description(request, format_name)
        reply = await evaluate(client_of(request), evaluator.answer,
                               QueryRequest(query, request.headers.get("accept"), format_name, dataset))
        return _reply(reply)

    async def service_description(request: Request, format_name: str | None) -> Response:
        try:
            fmt = formats.choose(PAGE_FORMATS, request.headers.get("accept"), format_name)
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        if fmt is formats.HTML:
            return query_page(request)
        graph = describing.service_description(endpoint_url(request), await sizes(client_of(request)), max_rows,
                                               timeout, base)
        return Response(formats.graph_bytes(list(graph), fmt), headers={"Content-Type": fmt.content_type,
                                                                         "Vary": "Accept"})

    def query_page(request: Request) -> Response:
        examples = []
        for named in named_queries().values():
            if named.examples:
                try:
                    text = with_values(named.text, bind(named, named.examples[0]))
                except (QueryError, ValueError):  # pragma: no cover - examples are checked by the tests
                    continue
                examples.append({"name": named.name, "title": named.title, "text": text})
        from mrkg.ontology.namespace import PREFIXES

        prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
        default = prologue + "\nSELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }\nGROUP BY ?class ORDER BY DESC(?n)\nLIMIT 25\n"
        html = pages.render("query.html", base, examples=examples, default_query=default,
                            endpoint=endpoint_url(request), max_rows=max_rows, timeout=timeout)
        return Response(html, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})

    # -- pages ---------------------------------------------------------------
    async def landing(request: Request) -> Response:
        try:
            fmt = formats.choose(PAGE_FORMATS, request.headers.get("accept"), request.query_params.get("format"))
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        if fmt is not formats.HTML:
            return await void(request)
        client = client_of(request)
        graphs = await sizes(client)
        html = pages.render("landing.html", base, graphs=graphs, total=sum(g["triples"] for g in graphs),
                            endpoint=endpoint_url(request), jsonld=await jsonld(client, endpoint_url(request)))
        return Response(html, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})

    async def void(request: Request) -> Response:
        offered = PAGE_FORMATS[1:]
        try:
            fmt = formats.choose(offered, request.headers.get("accept"), request.query_params.get("format"))
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        triples = await void_triples(client_of(request), endpoint_url(request))
        return Response(formats.graph_bytes(triples, fmt), headers={"Content-Type": fmt.content_type, "Vary": "Accept"})

    async def queries_page(request: Request) -> Response:
        html = pages.render("queries.html", base, queries=list(named_queries().values()))
        return Response(html, media_type="text/html; charset=utf-8")

    async def named_query(request: Request) -> Response:
        name = request.path_params["name"]
        named = named_queries().get(name)
        if named is None:
            return _text(404, f"no named query {name!r}; see /queries")
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        try:
            fmt = formats.choose(NAMED_FORMATS, request.headers.get("accept"), request.query_params.get("format"))
            bindings = bind(named, values)
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        except QueryError as error:
            return _text(400, f"{error}; usage: /queries/{named.name}?" + "&".join(
                f"{p.name}=<{p.type}>" for p in named.params))
        view = _CappedView(evaluator, max_rows)
        result = await evaluate(client_of(request), run_named, view, named, bindings)
        cut = f"the answer was cut to the first {max_rows} rows" if view.truncated else None
        headers = {"Vary": "Accept", **({TRUNCATED_HEADER: cut} if cut else {})}
        if fmt is formats.HTML:
            body = pages.results_page(result, "SELECT", named.text, base, title=named.title,
                                      subtitle=named.question, truncated=cut)
            return Response(body, media_type="text/html; charset=utf-8", headers=headers)
        return Response(formats.results_bytes(result, fmt), headers={"Content-Type": fmt.content_type, **headers})

    async def describe(client: str, iri: str):
        if iri == ontology_iri:
            return await ontology_description(client)
        return await evaluate(client, resolve.describe, evaluator, iri, None)

    async def resource(request: Request) -> Response:
        path = request.path_params["path"]
        iri = base + path
        problem = _malformed_path(request, iri)
        if problem is not None:
            return _text(400, problem)
        client = client_of(request)
        forced = None
        stem, dot, extension = path.rpartition(".")
        # The ontology in another format (/ontology.ttl) comes from the cache without a lookup first.
        ontology_as_file = (dot and base + stem == ontology_iri
                            and (formats.by_extension(extension) is not None or extension == "html"))
        description = None if ontology_as_file else await describe(client, iri)
        if description is None or not description.known:
            forced = formats.by_extension(extension) if dot else None
            if forced is not None or extension == "html":
                forced = forced or formats.HTML
                iri = base + stem
                description = await describe(client, iri)
        if not description.known:
            return _text(404, f"<{iri}> is not an IRI of this dataset (nothing is stated about it)")
        try:
            fmt = forced or formats.choose(PAGE_FORMATS, request.headers.get("accept"),
                                           request.query_params.get("format"))
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'}
        if fmt is not formats.HTML:
            body = formats.graph_bytes(resolve.triples(description), fmt)
            return Response(body, headers={"Content-Type": fmt.content_type, **headers})
        local = pages.local_path(iri, base)
        # Only entities with sections need a worker: the ontology's page is served from memory alone.
        entity = resolve.entity_kind(iri, base)
        sections = (await evaluate(client, _sections, evaluator, iri, base, max_rows)
                    if entity is not None and entity[0] in resolve.SECTIONS else [])
        html = pages.render("entity.html", base, d=description, local=local, views=_views(iri, base),
                            sections=sections,
                            graph_query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    async def script(request: Request) -> Response:
        return FileResponse(STATIC / "query.js", media_type="text/javascript; charset=utf-8")

    routes = [
        Route("/sparql", guarded(sparql), methods=["GET", "POST"], name="sparql"),
        Route("/", guarded(landing), methods=["GET"]),
        Route("/.well-known/void", guarded(void), methods=["GET"]),
        Route("/queries", guarded(queries_page), methods=["GET"]),
        Route("/queries/{name}", guarded(named_query), methods=["GET"]),
        Route("/static/query.js", script, methods=["GET"]),
        Route("/{path:path}", guarded(resource), methods=["GET"]),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                             allow_headers=["Accept", "Content-Type"], expose_headers=[TRUNCATED_HEADER],
                             max_age=3600)]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            async with anyio.create_task_group() as tasks:
                if warm:
                    tasks.start_soon(warm_up)
                yield
                tasks.cancel_scope.cancel()
        finally:
            if on_shutdown is not None:
                on_shutdown()

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class _CappedView:
    """An evaluator as an engine for ``run_named``, with the row cap, remembering a cut."""

    def __init__(self, evaluator, max_rows: int | None):
        self.evaluator, self.max_rows, self.truncated = evaluator, max_rows, False

    def run(self, text, bindings=None):
        result, truncated = self.evaluator.run(text, bindings, self.max_rows)
        self.truncated = self.truncated or truncated
        return result


def _sections(evaluator, iri: str, base: str, max_rows: int | None) -> list[dict]:
    """The page's sections (``resolve.SECTIONS``): each named query's answer for this entity, with a
    link to the same query, so the reader can take it further (CSV, JSON, other dates)."""
    entity = resolve.entity_kind(iri, base)
    if entity is None:
        return []
    kind, identifier = entity
    sections = []
    for name, param in resolve.SECTIONS.get(kind, ()):
        named = named_queries()[name]
        try:
            bindings = bind(named, {param: identifier})
        except QueryError:
            continue  # not an identifier the query takes (a country IRI that is not an ISO code)
        view = _CappedView(evaluator, max_rows)
        result = run_named(view, named, bindings)
        if result.rows:
            sections.append({"name": name, "title": named.title, "question": named.question,
                             "href": f"/queries/{name}?" + urllib.parse.urlencode({param: identifier}),
                             "variables": result.variables, "rows": result.rows, "truncated": view.truncated})
    return sections


def _views(iri: str, base: str) -> list[tuple[str, str, str]]:
    """Named queries that take this entity as their one needed parameter, as links."""
    prefix = base + "id/"
    if not iri.startswith(prefix):
        return []
    kind, _, identifier = iri[len(prefix):].partition("/")
    types = resolve.VIEW_PARAMS.get(kind, ())
    views = []
    for named in named_queries().values():
        for param in named.params:
            others_required = [p for p in named.params if p.required and p is not param]
            if param.type in types and not others_required:
                query = urllib.parse.urlencode({param.name: identifier})
                views.append((named.name, f"{named.title} ({param.name} = {identifier})",
                              f"/queries/{named.name}?{query}"))
    return views
