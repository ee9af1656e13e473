"""``mrkg serve``: the application over a pool of worker processes, served by uvicorn."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from mrkg.endpoint.limits import (DEFAULT_KEEP_ALIVE, DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS,
                                  DEFAULT_MAX_QUERY, DEFAULT_MEMORY_LIMIT, DEFAULT_PER_CLIENT, ConnectionLimits)
from mrkg.ontology.iris import BASE


class ServeError(Exception):
    """A setting the server cannot start with; the message says what to change."""


def bind_socket(host: str, port: int) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve_store(store: Path | str, host: str = "127.0.0.1", port: int = 8000, timeout: float = 30.0,
                max_rows: int = 10_000, workers: int = 2, base: str = BASE, max_body: int = DEFAULT_MAX_BODY,
                memory_limit: int | None = DEFAULT_MEMORY_LIMIT, per_client: int = DEFAULT_PER_CLIENT,
                limits: ConnectionLimits = ConnectionLimits(), max_connections: int = DEFAULT_MAX_CONNECTIONS,
                keep_alive: float = DEFAULT_KEEP_ALIVE, max_query: int = DEFAULT_MAX_QUERY,
                release: Path | None = None, in_memory: bool = False, announce=lambda message: print(message, file=sys.stderr, flush=True)) -> None:
    """Serve the graph built in ``store`` until interrupted. The generation current at start is
    served throughout: restart the server after a build to serve the new graph.

    Every resource is bounded: a query's time (``timeout``) and memory (``memory_limit`` bytes per
    worker), the rows of an answer, the requests one client may have in progress (``per_client``,
    429 past it), the open connections (``max_connections`` in all, 503 past it;
    ``limits.per_client`` per address), the time for a request's head and body and between
    requests (``limits``, ``keep_alive``), the size of its request line, head and body, and of the
    query itself (``max_query`` bytes, GET or POST alike). ``release``, a folder ``mrkg export``
    wrote from this store's current generation, is served at /release/. ``in_memory``: each worker
    loads the generation's N-Quads into memory (faster queries; seconds to start, the graph's size in
    memory per worker), the memory limit counting from there."""
    import uvicorn

    from mrkg.endpoint.app import Served, create_app
    from mrkg.endpoint.connections import protocol_class
    from mrkg.endpoint.downloads import Release, ReleaseError
    from mrkg.endpoint.workers import Pool, PoolEvaluator
    from mrkg.graph.allocator import MIMALLOC, mimalloc_library
    from mrkg.graph.remote import RemoteEngine, is_remote
    from mrkg.graph.store import current

    if not base.endswith(("/", "#")):
        raise ServeError(f"the base IRI must end with '/' (got {base!r}), e.g. {BASE}")
    if in_memory and is_remote(str(store)):
        raise ServeError("--in-memory copies the embedded store; it cannot copy a remote SPARQL server")
    if release is not None and is_remote(str(store)):
        raise ServeError("--release serves a release of the embedded store; it cannot be checked against a "
                         "remote one (serve the folder with any web server instead)")
    pool = None
    if is_remote(str(store)):
        # A remote server evaluates the queries: the request timeout bounds each one, and the
        # server's own limits stop it there.
        from mrkg.endpoint.evaluate import InlineEvaluator

        engine = RemoteEngine.open(str(store), timeout=timeout)
        sock = bind_socket(host, port)
        app = create_app(InlineEvaluator.for_engine(engine, max_rows, base), base=base, max_body=max_body,
                         timeout=timeout, max_rows=max_rows, per_client=per_client,
                         body_timeout=limits.body_timeout, warm=True, max_query=max_query)
    else:
        generation = current(Path(store))  # raises StoreMissing with a clear message
        database = generation.database
        # build.json is written once, when the generation is built: its time is the build's.
        served = Served(generation.info["digest"], (generation.path / "build.json").stat().st_mtime)
        try:
            downloads = Release.open(release, graph_dump=generation.dump) if release is not None else None
        except (ReleaseError, OSError) as error:
            raise ServeError(f"cannot serve the release: {error}") from None
        sock = bind_socket(host, port)
        if in_memory:
            announce(f"Starting {workers} query worker(s), each loading {generation.dump} into memory …")
        else:
            announce(f"Starting {workers} query worker(s) on {database} …")
        pool = Pool(generation.dump if in_memory else database, size=workers, timeout=timeout, max_rows=max_rows,
                    base=base, memory_limit=memory_limit, in_memory=in_memory)
        if pool.allocators != {MIMALLOC} and mimalloc_library() is None:
            announce("Note: the query workers run on the system's memory allocator; with mimalloc installed "
                     "(Debian and Ubuntu: libmimalloc2.0) they answer faster, in memory 1.65 times on average "
                     "(see docs/benchmarks.md).")
        if not pool.isolated:
            announce("Note: the query workers could not drop network access on this system; SERVICE is still "
                     "refused by the query checks.")
        app = create_app(PoolEvaluator(pool), base=base, max_body=max_body, timeout=timeout, max_rows=max_rows,
                         on_shutdown=pool.close, per_client=per_client, body_timeout=limits.body_timeout,
                         warm=True, max_query=max_query, served=served, release=downloads)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    announce(f"Serving the SPARQL endpoint at http://{shown}:{bound_port}/sparql "
             f"(timeout {timeout:g} s, at most {max_rows} rows, queries up to {max_query} bytes); IRIs under {base} resolve at "
             f"http://{shown}:{bound_port}/ — Ctrl-C stops")
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                            http=protocol_class(limits), timeout_keep_alive=keep_alive,
                            limit_concurrency=max_connections,
                            # h11's own limit on an unfinished head, above ours so that ours answer first
                            h11_max_incomplete_event_size=2 * max(limits.max_head, limits.max_request_line))
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if pool is not None:
            pool.close()
        sock.close()
