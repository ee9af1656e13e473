"""The HTTP application: the SPARQL 1.1 Protocol at /sparql, resolvable IRIs, the query page,
the named queries as views, search by name (/search), VoID and the service description.

Starlette (ASGI, with its TestClient for in-process tests) keeps the routing and
CORS small and well-tested; uvicorn serves it. Evaluation never runs on the
event loop: it goes to an evaluator (``workers.PoolEvaluator`` in the server,
killable worker processes; ``evaluate.InlineEvaluator`` around any engine)
through a thread, so one slow query does not hold up other clients.

Every evaluation first takes a slot of the ``admission`` (fair sharing: a client
may have ``per_client`` requests in progress, 429 past it; freed slots go to the
clients that used the workers least). What depends only on the store, which one
server never changes (the ontology page, the landing page's counts, VoID, the
graph sizes, the search index), is computed once, by the first request that needs
it while any others wait for the same answer, or at start (``warm``), and then
served from memory. Every response carries the security headers (``SECURITY_HEADERS``).

Answers over about a kilobyte are gzip-compressed for clients that accept it. Pages, VoID and the
service description carry an ETag and Last-Modified from the generation served (its digest and
build time: they change only with the graph), and a matching If-None-Match or If-Modified-Since
is answered 304. A query is taken up to ``max_query`` bytes whether it comes in a GET's URL or a
POST's body (the transport bounds allow for its URL-encoding, see ``limits``).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import urllib.parse
from dataclasses import dataclass
from email.utils import formatdate

import anyio
import pyoxigraph as ox
from rdflib import URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mrkg.endpoint import describe as describing
from mrkg.endpoint import assets, editor, formats, pages, profiles, resolve
from mrkg.endpoint import search as searching
from mrkg.endpoint.admission import Admission, ClientBusy, ServerBusy
from mrkg.endpoint.downloads import Release
from mrkg.endpoint.downloads import PREFIX as RELEASE_PREFIX
from mrkg.endpoint.evaluate import TRUNCATED_HEADER, CappedView, ProtocolDataset, QueryRequest, Reply, cut_message
from mrkg.endpoint.limits import DEFAULT_MAX_BODY, DEFAULT_MAX_QUERY, DEFAULT_PER_CLIENT
from mrkg.endpoint.validators import not_modified
from mrkg.ontology.iris import BASE
from mrkg.queries.execute import run_named
from mrkg.queries.library import QueryError, bind, named_queries
from mrkg.queries.search import build_index

# Answers smaller than this are sent as they are: gzip saves little on them.
GZIP_MINIMUM = 1024
PAGE_FORMATS = (formats.HTML, formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.RDFXML)
NAMED_FORMATS = (formats.HTML, formats.JSON, formats.XML, formats.CSV, formats.TSV)
FORM = "application/x-www-form-urlencoded"
# Stands for this server's /sparql URL in what is computed once: the URL depends on the request.
ENDPOINT_PLACEHOLDER = "urn:mrkg:this-endpoint"

log = logging.getLogger("mrkg.endpoint")


class BodyTooLarge(Exception):
    pass


@dataclass(frozen=True)
class Served:
    """The generation a server serves, for validators: its digest and build time (seconds since
    the epoch). Both stay the same as long as the graph does."""

    digest: str
    built: float

    def etag(self, variant: str) -> str:
        # Weak: a gzip-compressed answer has other bytes for the same representation.
        return f'W/"{self.digest[:20]}-{variant}"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.built, usegmt=True)


class GZipExceptReleases(GZipMiddleware):
    """gzip for answers and pages, not for the release's files: those are sent as they are or as
    their precompressed copies (``downloads``), never compressed on the fly (hundreds of MB)."""

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(RELEASE_PREFIX):
            return await self.app(scope, receive, send)
        return await super().__call__(scope, receive, send)


class BodySlow(Exception):
    pass


def content_security_policy() -> str:
    """Scripts only from this server (/static/), the pages' one inline style sheet by its hash,
    requests only to this server, and never inside another site's frame. The query editor's page
    sends its own, as strict but for styles (``editor.content_security_policy``)."""
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


class RecentPages:
    """The last ``size`` profile pages rendered, by key: a page depends only on the store, which one
    server never changes, and on the day it is asked for (the date its sections default to), so a
    repeated request is answered without its section queries. Handlers run on the event loop, one at
    a time between awaits, so the dictionary needs no lock. About 50 KB a page."""

    def __init__(self, size: int = 256):
        self.size = size
        self._pages: collections.OrderedDict[tuple, str] = collections.OrderedDict()

    def get(self, key: tuple) -> str | None:
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, key: tuple, page: str) -> None:
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page (``mrkg bench`` times pages that evaluate their queries)."""
        self._pages.clear()


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


def _format_names(values: dict[str, list[str]]) -> tuple[str, ...]:
    """Every value of the format parameters, each once: they must agree (``formats.choose``)."""
    return tuple(dict.fromkeys(value for key in formats.FORMAT_PARAMETERS for value in values.get(key, ())
                               if value.strip()))


def create_app(evaluator, base: str = BASE, max_body: int = DEFAULT_MAX_BODY, timeout: float | None = None,
               max_rows: int | None = None, on_shutdown=None, per_client: int = DEFAULT_PER_CLIENT,
               slots: int | None = None, body_timeout: float | None = 20.0, warm: bool = False,
               max_query: int = DEFAULT_MAX_QUERY, served: Served | None = None,
               release: Release | None = None) -> Starlette:
    """The application over ``evaluator`` (``answer(QueryRequest) -> Reply``, ``run(text, bindings,
    max_rows) -> (Result, truncated)``, ``graphs()``). ``base`` is the IRI base that maps to this
    server's paths; ``timeout`` and ``max_rows`` are only reported (the evaluator enforces them).
    ``slots`` evaluations run at once (default: the evaluator's workers), at most ``per_client`` of
    them for one client; ``warm`` computes the cached answers at start, in the background.
    ``max_query`` bounds a query's text (UTF-8 bytes), GET or POST alike; ``served`` (the
    generation) gives pages their ETag and Last-Modified; ``release`` (``mrkg export``'s folder of
    that generation) is served at /release/ and its dumps named in VoID."""
    once = Once()
    recent_pages = RecentPages()
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

    def conditional(request: Request, response: Response, variant: str) -> Response:
        """``response`` with the generation's validators, or 304 when the client's copy is current."""
        if served is None or response.status_code != 200:
            return response
        etag = served.etag(variant)
        validators = {"ETag": etag, "Last-Modified": served.last_modified}
        if not_modified(request, etag, served.built):
            # A browser puts the 304's headers in place of its stored copy's: a page's own policy
            # (the query editor's) must come with it, or the site-wide one would replace it.
            kept = {k: v for k, v in response.headers.items()
                    if k.lower() in ("vary", "link", "cache-control", "content-security-policy")}
            return Response(status_code=304, headers={**kept, **validators})
        response.headers.update(validators)
        return response

    async def sizes(client: str):
        return await once.get("sizes", lambda: evaluate(client, describing.graph_sizes, evaluator))

    async def ontology_description(client: str):
        return await once.get("ontology", lambda: evaluate(client, resolve.describe, evaluator, ontology_iri,
                                                           ontology))

    async def void_triples(client: str, endpoint: str) -> list[tuple]:
        computed = await once.get("void", lambda: evaluate(client, describing.void_graph, evaluator, base,
                                                           ENDPOINT_PLACEHOLDER))
        placeholder, here = URIRef(ENDPOINT_PLACEHOLDER), URIRef(endpoint)
        triples = [tuple(here if term == placeholder else term for term in triple) for triple in computed]
        if release is not None:
            from mrkg.publish.describe import DATASET, VOID

            triples += [(DATASET, VOID.dataDump, URIRef(url)) for url in release.urls(endpoint.removesuffix("/sparql"))]
        return triples

    async def jsonld(client: str, endpoint: str) -> str:
        computed = await once.get("jsonld", lambda: evaluate(client, describing.dataset_jsonld, evaluator, base,
                                                             ENDPOINT_PLACEHOLDER))
        # The text is JSON with "</" escaped (see describing.dataset_jsonld): the URL goes in likewise.
        return computed.replace(ENDPOINT_PLACEHOLDER, json.dumps(endpoint)[1:-1].replace("</", "<\\/"))

    async def search_index(client: str):
        # The whole index in one answer, whatever the row cap: it is the graph's names, not a client's query.
        return await once.get("search", lambda: evaluate(client, build_index, CappedView(evaluator, None)))

    async def warm_up():
        for compute in (sizes, ontology_description, search_index):
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
            format_name = _format_names(values)
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
        size = len(query.encode("utf-8"))
        if size > max_query:
            return _text(413, f"the query is {size} bytes long; this endpoint takes queries of up to {max_query} "
                              "bytes (UTF-8), in a GET's URL or a POST's body alike")
        reply = await evaluate(client_of(request), evaluator.answer,
                               QueryRequest(query, request.headers.get("accept"), format_name, dataset,
                                            endpoint_url(request)))
        return _reply(reply)

    async def service_description(request: Request, format_name: tuple[str, ...]) -> Response:
        try:
            fmt = formats.choose(PAGE_FORMATS, request.headers.get("accept"), format_name)
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        if fmt is formats.HTML:
            return conditional(request, query_page(request), "query-page")
        graph = describing.service_description(endpoint_url(request), await sizes(client_of(request)), max_rows,
                                               timeout, base, max_query)
        return conditional(request, Response(formats.graph_bytes(list(graph), fmt),
                                             headers={"Content-Type": fmt.content_type, "Vary": "Accept"}),
                           "service-" + fmt.name)

    def query_page(request: Request) -> Response:
        html = pages.render("query.html", base, editor=editor.settings(endpoint_url(request), base),
                            default_query=editor.default_query(), max_rows=max_rows, timeout=timeout,
                            assets=assets.url)
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"Vary": "Accept", "Content-Security-Policy": editor.content_security_policy()})

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
        downloads = release.dumps() if release is not None else []
        html = pages.render("landing.html", base, graphs=graphs, total=sum(g["triples"] for g in graphs),
                            downloads=downloads,
                            endpoint=endpoint_url(request), jsonld=await jsonld(client, endpoint_url(request)))
        return conditional(request, Response(html, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"}),
                           "landing")

    async def void(request: Request) -> Response:
        offered = PAGE_FORMATS[1:]
        try:
            fmt = formats.choose(offered, request.headers.get("accept"), request.query_params.get("format"))
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        triples = await void_triples(client_of(request), endpoint_url(request))
        return conditional(request, Response(formats.graph_bytes(triples, fmt),
                                             headers={"Content-Type": fmt.content_type, "Vary": "Accept"}),
                           "void-" + fmt.name)

    async def queries_page(request: Request) -> Response:
        html = pages.render("queries.html", base, queries=list(named_queries().values()))
        return conditional(request, Response(html, media_type="text/html; charset=utf-8"), "queries")

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
        view = CappedView(evaluator, max_rows)
        result = await evaluate(client_of(request), run_named, view, named, bindings)
        cut = cut_message(max_rows) if view.truncated else None
        headers = {"Vary": "Accept", **({TRUNCATED_HEADER: cut} if cut else {})}
        if fmt is formats.HTML:
            body = pages.results_page(result, "SELECT", named.text, base, title=named.title,
                                      subtitle=named.question, truncated=cut)
            return conditional(request, Response(body, media_type="text/html; charset=utf-8", headers=headers),
                               "html")
        body = formats.results_bytes(result, fmt)
        if cut:
            body = formats.mark_truncated(body, fmt, cut, endpoint_url(request) + formats.ROW_LIMIT_FRAGMENT)
        return conditional(request, Response(body, headers={"Content-Type": fmt.content_type, **headers}), fmt.name)

    async def search(request: Request) -> Response:
        try:
            fmt = formats.choose(searching.OFFERED, request.headers.get("accept"), request.query_params.get("format"))
        except formats.NotAcceptable as error:
            return _text(406, str(error))
        asked = searching.read(request.query_params)
        index = await search_index(client_of(request))
        found = index.search(asked.text, asked.kind, asked.limit) if asked.searchable else None
        status = 400 if asked.problem else 200
        if fmt is formats.HTML:
            response = Response(searching.page(asked, found, index.counts(), base), status_code=status,
                                media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
        else:
            response = Response(searching.json_body(asked, found, base), status_code=status,
                                headers={"Content-Type": fmt.content_type, "Vary": "Accept"})
        return conditional(request, response, "search-" + fmt.name)

    async def describe(client: str, iri: str, inbound_wanted: bool = True):
        if iri == ontology_iri:
            return await ontology_description(client)
        return await evaluate(client, resolve.describe, evaluator, iri, None, inbound_wanted)

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
        # A profile page lists what refers to the entity in its sections, not as a dump of inbound links.
        description = None if ontology_as_file else await describe(client, iri, not profiles.has_profile(iri, base))
        if description is None or not description.known:
            forced = formats.by_extension(extension) if dot else None
            if forced is not None or extension == "html":
                forced = forced or formats.HTML
                iri = base + stem
                description = await describe(client, iri, not profiles.has_profile(iri, base))
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
            return conditional(request, Response(body, headers={"Content-Type": fmt.content_type, **headers}), fmt.name)
        local = pages.local_path(iri, base)
        # Only entities with a profile need a worker: the ontology's page is served from memory alone.
        profiled = profiles.profile_of(iri, base, [str(t["value"]) for t in description.types])
        if profiled is None:
            html = pages.render("entity.html", base, d=description, local=local, views=_views(iri, base),
                                graph_query=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
            return conditional(request, Response(html, media_type="text/html; charset=utf-8", headers=headers), "html")
        profile, identifier = profiled
        options = {name: request.query_params.get(name, "") for name in ("on",)}
        today = dt.date.today().isoformat()
        # A page's sections may depend on the day ("on" defaults to today): so do its key and validator.
        variant = "html-" + (options["on"] or today)
        html = recent_pages.get((iri, variant))
        if html is None:
            try:
                sections = await evaluate(client, evaluator.sections, profile, identifier, options, max_rows)
            except QueryError as error:
                return _text(400, str(error))
            html = pages.render(f"profile_{profile.layout}.html", base, d=description, local=local,
                                views=_views(iri, base), identifier=identifier, options=options, today=today,
                                inbound_query=resolve.INBOUND_LINKS.replace("?entity", f"<{iri}>"),
                                sections=profiles.by_name(sections))
            recent_pages.put((iri, variant), html)
        return conditional(request, Response(html, media_type="text/html; charset=utf-8", headers=headers), variant)

    async def country_view(request: Request) -> Response:
        """The country's ego network (the `mrkg view country` page), linked from its profile page."""
        try:
            html, policy = await evaluate(client_of(request), profiles.country_view,
                                          lambda: CappedView(evaluator, max_rows), request.path_params["code"],
                                          request.query_params.get("on", ""), request.query_params.get("measure", ""))
        except QueryError as error:  # a bad parameter, or a country the graph holds nothing about (ViewError)
            return _text(400, str(error))
        return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy})

    async def release_file(request: Request) -> Response:
        if release is None:
            return _text(404, "this server serves no release files (start it with --release DIR, the folder "
                              "`mrkg export` wrote)")
        return release.response(request, request.path_params["name"])

    routes = [
        Route("/sparql", guarded(sparql), methods=["GET", "POST"], name="sparql"),
        Route("/", guarded(landing), methods=["GET"]),
        Route("/.well-known/void", guarded(void), methods=["GET"]),
        Route("/queries", guarded(queries_page), methods=["GET"]),
        Route("/queries/{name}", guarded(named_query), methods=["GET"]),
        Route("/search", guarded(search), methods=["GET"]),
        Route(assets.PREFIX + "{name:path}", assets.serve, methods=["GET"]),
        Route(RELEASE_PREFIX + "{name}", release_file, methods=["GET"]),
        Route("/views/country/{code}", guarded(country_view), methods=["GET"]),
        Route("/{path:path}", guarded(resource), methods=["GET"]),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                             allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
                             expose_headers=[TRUNCATED_HEADER, "ETag", "Last-Modified"], max_age=3600),
                  # Innermost: it compresses the finished answer, which the handlers build in memory
                  # within the row cap, so its cost is bounded by that cap too.
                  Middleware(GZipExceptReleases, minimum_size=GZIP_MINIMUM)]

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

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.recent_pages = recent_pages
    return app


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
