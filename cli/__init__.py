"""The `mrkg` command line.

    mrkg build [--sources DIR]
    mrkg queries
    mrkg query NAME key=value ... [--format table|csv|json|sparql-json]
    mrkg sparql QUERY|FILE|- [--format ...]
    mrkg describe TEXT|IRI
    mrkg validate [--sources DIR] [--reasoner-timeout S]
    mrkg search TEXT [--kind K] [--limit N] [--format table|csv|json]
    mrkg list countries|organisations|instruments|programmes|measures|sources
    mrkg serve [--host 127.0.0.1] [--port 8000] [--timeout S] [--max-rows N] [--workers N] [--base IRI]
               [--in-memory] [--memory-limit MIB] [--per-client N] [--max-connections N] [--header-timeout S] ...
    mrkg view agreements|flows|country|organisation|visa [SUBJECT] [options] --out FILE.html
    mrkg network stats|export [--graph agreements|flows] [--on DATE] [--measure ID] [--year YYYY] [--source ID]
    mrkg bench [--sources DIR] [--scales 1,4,16] [--repeat 5] [--rdflib-max-triples N] [--memory-max-quads N]
               [--rdflib-timeout S] [--oxigraph-timeout S] [--format table|json] [--out FILE]

Every command takes ``--store PATH`` (default ``$MRKG_STORE`` or ``./mrkg-store``).
Errors a user can fix print one clear message and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from mrkg.endpoint.server import ServeError
from mrkg.graph.remote import RemoteError, is_remote, open_engine
from mrkg.cli.terminal import printable, printable_term, unicode_escaped
from mrkg.graph.store import StoreError, StoreMissing, default_store
from mrkg.ontology import iris
from mrkg.queries import typed
from mrkg.queries.execute import Result, run_named
from mrkg.queries.library import QUERIES_DIR, QueryError, bind, get, named_queries

LISTS = ("countries", "organisations", "instruments", "programmes", "measures", "sources")


def _progress(message: str) -> None:
    print(printable(message, keep="\n\t"), file=sys.stderr, flush=True)


def _error(message: str) -> None:
    print(printable(f"mrkg: {message}", keep="\n\t"), file=sys.stderr)


def _say(message: str) -> None:
    """A line of data-bearing output on stdout, control characters shown escaped (see terminal.py)."""
    print(printable(message, keep="\n\t"))


def _emit(result: Result, fmt: str, presented: bool = False) -> None:
    """``result`` on stdout; data values can never drive the terminal (see terminal.py).

    ``presented``: CSV and JSON as ``Result.values()`` gives them (codes with their IRIs beside,
    numbers, dates with start, end and precision; see docs/queries.md), as for named queries;
    otherwise the SPARQL 1.1 results formats, terms as the graph holds them."""
    if fmt == "sparql-json" or (fmt == "json" and not presented):
        print(unicode_escaped(result.to_json()))
    elif fmt == "json":
        print(unicode_escaped(typed.to_json(result)))
    elif fmt == "csv":
        text = typed.to_csv(result) if presented and result.triples is None else result.to_csv()
        sys.stdout.write(printable(text, keep="\n") if sys.stdout.isatty() else text)
    elif result.triples is not None:
        from rdflib import Graph

        graph = Graph()
        for triple in result.triples:
            graph.add(triple)
        sys.stdout.write(unicode_escaped(graph.serialize(format="turtle")))
    else:
        safe = Result(result.variables, [{name: printable_term(term) for name, term in row.items()}
                                         for row in result.rows], result.boolean)
        sys.stdout.write(safe.to_table(shutil.get_terminal_size((160, 40)).columns))


def _engine(args):
    """The embedded store, or the remote SPARQL server when --store is an http(s) URL."""
    return open_engine(args.store)


def cmd_build(args) -> int:
    from mrkg.graph.build import build

    if args.update_url and not is_remote(args.store):
        raise QueryError("--update-url is for a remote store: give --store the server's query endpoint URL")
    report = build(args.sources, args.store, _progress, tables=not args.no_tables, update_url=args.update_url)
    if is_remote(args.store):
        print(f"Pushed {report.quads} quads in {report.graphs} named graphs from {report.records} records "
              f"and {report.figures} table figures to {report.store} (digest {report.digest[:12]}).")
        return 0
    _say(f"Built {report.quads} quads in {report.graphs} named graphs from {report.records} records "
         f"and {report.figures} table figures into {report.store} (digest {report.digest[:12]}).")
    for file, skipped in report.skipped.items():
        _say(f"  {file}: " + "; ".join(f"{count} {reason}" for reason, count in skipped.items()) + " — not loaded")
    if report.discrepancies:
        print("Sources disagree: " + ", ".join(f"{count} ({kind})" for kind, count in report.discrepancies.items())
              + "; see `mrkg query source-discrepancies`.")
    if report.possible_duplicates:
        print(f"Possible duplicate instruments, not yet reviewed: {report.possible_duplicates}; see "
              "`mrkg query duplicate-candidates` and sources/curated/matches.yaml.")
    return 0


def cmd_queries(args) -> int:
    for query in named_queries().values():
        print(f"{query.usage()}\n    {query.title}: {query.question}")
        for param in query.params:
            default = "" if param.default in ("required", "optional") else f" (default {param.default})"
            print(f"    {param.name:<13} {param.description}{default}")
        print(f"    columns: {', '.join(query.columns)}")
        for example in query.examples:
            print(f"    example: {query.example_usage(example)}")
        print()
    return 0


def cmd_query(args) -> int:
    named = get(args.name)
    values = {}
    for item in args.params:
        key, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"parameters are written key=value, got {item!r}; usage: mrkg query {named.usage()}")
        values[key] = value
    _emit(run_named(_engine(args), named, bind(named, values)), args.format, presented=True)
    return 0


def cmd_sparql(args) -> int:
    if args.query == "-":
        text = sys.stdin.read()
    elif _names_a_file(args.query):
        text = Path(args.query).read_text(encoding="utf-8")
    else:
        text = args.query
    _emit(_engine(args).run(text), args.format)
    return 0


def _names_a_file(text: str) -> bool:
    """Whether a command-line argument names an existing file; a query text too long to be a path
    (the system refuses to look it up) is not one."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def cmd_describe(args) -> int:
    from rdflib import Literal, URIRef

    engine = _engine(args)
    target = args.entity
    if not target.startswith(("http://", "https://")):
        found = engine.run((QUERIES_DIR / "lists" / "find.rq").read_text(encoding="utf-8"),
                           {"text": Literal(target)})
        exact = [r for r in found.rows if str(r["id"]).lower() == target.lower()]
        if not found.rows:
            raise QueryError(f"nothing has an identifier or label containing {target!r}; try `mrkg list ...`")
        if not exact and len(found.rows) > 1:
            _say(f"{len(found.rows)} entities match {target!r}; describe one by identifier or IRI:")
            _emit(Result(["id", "label"], [{"id": r["id"], "label": r["label"]} for r in found.rows]), "table")
            return 0
        target = str((exact or found.rows)[0]["entity"])
    text = (QUERIES_DIR / "lists" / "describe.rq").read_text(encoding="utf-8")
    result = engine.run(text, {"entity": URIRef(target)})
    if not result.rows:
        raise QueryError(f"the graph has no facts about <{target}>")
    _say(f"<{target}>")
    columns = ["property", "value", "value_label", "graph"]
    _emit(Result(columns, [{c: r[c] for c in columns} for r in result.rows]), args.format)
    return 0


def cmd_search(args) -> int:
    from mrkg.queries.search import build_index, check, normalise

    check(args.text, args.kind, args.limit)  # before the index is built: a wrong argument answers at once
    if not normalise(args.text):
        raise QueryError(f"nothing to search for in {args.text!r}: give a name, code or identifier (letters or digits)")
    found = build_index(_engine(args)).search(args.text, args.kind, args.limit)
    if args.format == "json":
        print(unicode_escaped(json.dumps(found.as_dict(), ensure_ascii=False, indent=1)))
        return 0
    # The table names each entity by its id (its IRI is id under the kind's path); CSV gives the IRI too.
    _emit(found.to_result(iri=args.format != "table"), args.format)
    if args.format == "table" and found.total > len(found.hits):
        _progress(f"{found.total} entities match; the first {len(found.hits)} are shown (--limit N shows more)")
    return 0


def cmd_list(args) -> int:
    text = (QUERIES_DIR / "lists" / f"{args.kind}.rq").read_text(encoding="utf-8")
    _emit(_engine(args).run(text), args.format)
    return 0


def _check_built_store(args):
    """The violation queries on the whole built store (statistical tables included), when there is one."""
    from mrkg.graph.checks import check_store
    from mrkg.graph.store import StoreMissing, open_read_only

    if is_remote(args.store):
        print(f"violation queries on the whole store: skipped (the store is the remote server {args.store})")
        return None
    try:
        database = open_read_only(Path(args.store))
    except StoreMissing:
        print(f"violation queries on the whole store: skipped (nothing built in {args.store})")
        return None
    _progress("Running the violation queries on the whole store …")
    report = check_store(database)
    for line in report.lines():
        _say(line)
    print(f"violation queries on the whole store: {'ok' if report.ok else 'FAILED'}")
    return report


def cmd_validate(args) -> int:
    from mrkg.graph.assemble import to_dataset
    from mrkg.graph.checks import check
    from mrkg.graph.reasoning import check_consistency
    from mrkg.loaders import read_sources

    _progress("Reading and validating sources …")
    dataset = to_dataset(read_sources(args.sources))
    _progress("Checking SHACL shapes and violation queries …")
    report = check(dataset)
    for line in report.lines():
        _say(line)
    print(f"shapes and violation queries: {'ok' if report.ok else 'FAILED'}")
    store_report = _check_built_store(args)
    _progress("Running the HermiT reasoner (consistency) …")
    reasoning = check_consistency(dataset, timeout=args.reasoner_timeout)
    print(f"reasoner: {reasoning.status} ({reasoning.detail}; {reasoning.individuals} individuals, "
          f"{reasoning.seconds:.1f} s)")
    failed = not report.ok or reasoning.status in ("inconsistent", "timeout") or (
        store_report is not None and not store_report.ok)
    return 1 if failed else 0


def _scales(text: str) -> tuple[int, ...]:
    try:
        factors = tuple(int(item) for item in text.split(",") if item.strip())
    except ValueError:
        factors = ()
    if not factors or min(factors) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give positive whole numbers separated by commas, e.g. 1,4,16")
    return factors


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
        return value
    return parse


def cmd_bench(args) -> int:
    from mrkg.bench.report import render
    from mrkg.bench.run import run_benchmark

    result = run_benchmark(args.sources, args.scales, args.repeat, args.rdflib_max_triples, args.rdflib_timeout,
                           args.oxigraph_timeout, progress=_progress, memory_max_quads=args.memory_max_quads)
    if args.out:
        Path(args.out).write_text(render(result, "json"), encoding="utf-8")
        _progress(f"Wrote the JSON result to {args.out}")
    sys.stdout.write(render(result, args.format))
    return 0


def cmd_serve(args) -> int:
    from mrkg.endpoint.server import serve_store

    from mrkg.endpoint.limits import ConnectionLimits

    limits = ConnectionLimits(header_timeout=args.header_timeout, body_timeout=args.body_timeout,
                              max_request_line=args.max_request_line, max_head=args.max_head,
                              per_client=args.connections_per_client)
    serve_store(args.store if is_remote(args.store) else Path(args.store), host=args.host, port=args.port,
                timeout=args.timeout, max_rows=args.max_rows, workers=args.workers, base=args.base,
                max_body=args.max_body, memory_limit=args.memory_limit * 2**20 if args.memory_limit else None,
                per_client=args.per_client, limits=limits, max_connections=args.max_connections,
                keep_alive=args.keep_alive, max_query=args.max_query, release=args.release,
                in_memory=args.in_memory)
    return 0


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (0 or more)")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535; 0 picks a free one)")
    return int(text)


def cmd_view(args) -> int:
    from mrkg.views.commands import run_view

    return run_view(_engine(args), args)


def cmd_network(args) -> int:
    from mrkg.views import network
    from mrkg.views.commands import country_graph

    if args.action == "stats" and args.format is None:
        args.format = "table"
    if args.action == "export" and args.format not in ("graphml", "gexf"):
        raise QueryError("network export needs --format graphml or gexf")
    if args.action == "stats" and args.format not in ("table", "csv", "json"):
        raise QueryError("network stats prints --format table, csv or json")
    if args.action == "export" and not args.out:
        raise QueryError("network export needs --out FILE (e.g. agreements.graphml)")
    graph = country_graph(_engine(args), args)
    for line in graph.description:
        _progress(line)
    if args.action == "export":
        out = network.export(graph, Path(args.out), args.format)
        _progress(f"Wrote {out}")
        return 0
    _emit(network.stats(graph), args.format)
    return 0


def cmd_export(args) -> int:
    from mrkg.publish.export import ExportError, export

    if is_remote(args.store):
        raise ExportError("mrkg export reads the embedded store (a folder); build one with `mrkg --store DIR build`")
    report = export(Path(args.store), Path(args.out), args.base_url, args.endpoint or None, _progress)
    _say(f"Exported {report.quads} quads and {report.observations} observations as {len(report.files) + 2} files "
          f"into {report.out} (dcat.ttl and SHA256SUMS list them).")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="mrkg", description="Migration Regimes Knowledge Graph")
    main.add_argument("--store", default=default_store(),
                      help="store folder, or a SPARQL 1.1 server's query endpoint URL (http(s)://...; credentials "
                           "from $MRKG_SPARQL_USER and $MRKG_SPARQL_PASSWORD); default $MRKG_STORE or ./mrkg-store")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    formats = {"choices": ["table", "csv", "json"], "default": "table",
               "help": "output format: table, csv, or json (SPARQL 1.1 Query Results JSON)"}

    build = commands.add_parser("build", help="validate the sources and load the graph into the store")
    build.add_argument("--sources", help="sources folder (default: the curated sources shipped with mrkg)")
    build.add_argument("--no-tables", action="store_true",
                       help="leave out the third-party statistical tables (the curated graph builds in seconds)")
    build.add_argument("--update-url", metavar="URL",
                       help="with a remote --store: the server's SPARQL Update endpoint, when it is not the query "
                            "endpoint (Virtuoso: .../sparql-auth; GraphDB: .../repositories/ID/statements)")
    build.set_defaults(run=cmd_build)

    commands.add_parser("queries", help="list the named queries and their parameters").set_defaults(run=cmd_queries)

    query = commands.add_parser("query", help="run a named query: mrkg query NAME key=value ...")
    query.add_argument("name")
    query.add_argument("params", nargs="*", metavar="key=value")
    query.add_argument("--format", choices=["table", "csv", "json", "sparql-json"], default="table",
                       help="output format: table; csv or json with codes beside their IRIs, numbers as numbers "
                            "and dates with their start, end and precision (see docs/queries.md); sparql-json: "
                            "SPARQL 1.1 Query Results JSON, terms as the graph holds them")
    query.set_defaults(run=cmd_query)

    sparql = commands.add_parser("sparql", help="run a SPARQL query given as text, a file, or - for stdin")
    sparql.add_argument("query")
    sparql.add_argument("--format", **formats)
    sparql.set_defaults(run=cmd_sparql)

    describe = commands.add_parser("describe", help="all facts about an entity (identifier, label text or IRI)")
    describe.add_argument("entity")
    describe.add_argument("--format", **formats)
    describe.set_defaults(run=cmd_describe)

    validate = commands.add_parser("validate", help="SHACL shapes, violation queries and the HermiT reasoner")
    validate.add_argument("--sources")
    validate.add_argument("--reasoner-timeout", type=float, default=300.0, help="seconds (default 300)")
    validate.set_defaults(run=cmd_validate)

    from mrkg.queries.search import DEFAULT_LIMIT, KINDS, MAX_LIMIT

    search = commands.add_parser("search", help="find countries, organisations, instruments, programmes, measures "
                                                "and sources by name, code or identifier, best match first")
    search.add_argument("text", help="a name, code or identifier (case and accents do not matter)")
    search.add_argument("--kind", choices=KINDS, help="only entities of this kind")
    search.add_argument("--limit", type=_positive(int), default=DEFAULT_LIMIT, metavar="N",
                        help=f"show the N best matches (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})")
    search.add_argument("--format", choices=["table", "csv", "json"], default="table",
                        help="table; csv (kind, id, label, match, matched, iri); json: {query, kind, limit, total, "
                             "results: [{kind, id, label, iri, match, matched}]}")
    search.set_defaults(run=cmd_search)

    listing = commands.add_parser("list", help="identifiers and labels, to find parameter values")
    listing.add_argument("kind", choices=LISTS)
    listing.add_argument("--format", **formats)
    listing.set_defaults(run=cmd_list)

    serve = commands.add_parser("serve", help="a read-only SPARQL endpoint at /sparql, and every IRI of the graph "
                                              "resolving as a page or RDF")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine "
                                                          "only)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--timeout", type=_positive(float), default=30.0, metavar="S",
                       help="seconds a query may run before it is stopped (default 30)")
    serve.add_argument("--max-rows", type=_positive(int), default=10_000, metavar="N",
                       help="rows (or triples) an answer is cut to (default 10000)")
    serve.add_argument("--workers", type=_positive(int), default=2, metavar="N",
                       help="query worker processes, i.e. queries evaluated at once (default 2)")
    serve.add_argument("--base", default=iris.BASE, metavar="IRI",
                       help=f"IRI base served at this server's root (default {iris.BASE})")
    from mrkg.endpoint.limits import (DEFAULT_KEEP_ALIVE, DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS,
                                      DEFAULT_MAX_QUERY, DEFAULT_MEMORY_LIMIT, DEFAULT_PER_CLIENT,
                                      ConnectionLimits)
    serve.add_argument("--release", type=Path, metavar="DIR",
                       help="also serve this release folder (what `mrkg export --out DIR` wrote from this store) at "
                            "/release/<file>, with ETag, Last-Modified, ranges and gzip copies; VoID names its dumps")
    serve.add_argument("--max-query", type=_positive(int), default=DEFAULT_MAX_QUERY, metavar="BYTES",
                       help="longest query accepted, GET or POST alike; 413 past it (default "
                            f"{DEFAULT_MAX_QUERY}; the request line and body bounds allow for its URL-encoding)")
    serve.add_argument("--max-body", type=_positive(int), default=DEFAULT_MAX_BODY, metavar="BYTES",
                       help=f"largest request body accepted (default {DEFAULT_MAX_BODY})")
    bounds = ConnectionLimits()
    serve.add_argument("--in-memory", action="store_true",
                       help="each query worker loads the graph into memory: queries and pages several times faster, "
                            "for about 7 s of start-up and 1 GB of memory per worker on the full graph")
    serve.add_argument("--memory-limit", type=_non_negative_int, default=DEFAULT_MEMORY_LIMIT // 2**20,
                       metavar="MIB", help="memory each query worker may use, in MiB; a query needing more gets 503 "
                                           f"and its worker is replaced (default {DEFAULT_MEMORY_LIMIT // 2**20}; "
                                           "0: no limit)")
    serve.add_argument("--per-client", type=_positive(int), default=DEFAULT_PER_CLIENT, metavar="N",
                       help="queries one client (address) may have running or waiting; one more gets 429 "
                            f"(default {DEFAULT_PER_CLIENT})")
    serve.add_argument("--max-connections", type=_positive(int), default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                       help=f"open connections in all; one more gets 503 (default {DEFAULT_MAX_CONNECTIONS})")
    serve.add_argument("--connections-per-client", type=_positive(int), default=bounds.per_client, metavar="N",
                       help=f"open connections per address; one more is closed (default {bounds.per_client})")
    serve.add_argument("--header-timeout", type=_positive(float), default=bounds.header_timeout, metavar="S",
                       help=f"seconds for a request's headers to arrive; 408 past it (default "
                            f"{bounds.header_timeout:g})")
    serve.add_argument("--body-timeout", type=_positive(float), default=bounds.body_timeout, metavar="S",
                       help=f"seconds for a request's body to arrive; 408 past it (default {bounds.body_timeout:g})")
    serve.add_argument("--keep-alive", type=_positive(float), default=DEFAULT_KEEP_ALIVE, metavar="S",
                       help=f"seconds an idle connection is kept open (default {DEFAULT_KEEP_ALIVE:g})")
    serve.add_argument("--max-request-line", type=_positive(int), default=bounds.max_request_line, metavar="BYTES",
                       help=f"longest request line; 414 past it (default {bounds.max_request_line})")
    serve.add_argument("--max-head", type=_positive(int), default=bounds.max_head, metavar="BYTES",
                       help=f"largest request head (line and headers); 431 past it (default {bounds.max_head})")
    serve.set_defaults(run=cmd_serve)
    from mrkg.views.commands import VIEW_KINDS, non_negative, positive_int

    def checked(convert):
        def parse(text):
            try:
                return convert(text)
            except QueryError as error:
                raise argparse.ArgumentTypeError(str(error)) from None
        return parse

    view = commands.add_parser("view", help="an interactive network view, one offline HTML file")
    view.add_argument("kind", choices=VIEW_KINDS)
    view.add_argument("subject", nargs="?", help="country view: ISO 3166 alpha-3 code; organisation view: identifier")
    view.add_argument("--out", required=True, metavar="FILE.html", help="the HTML file to write")
    view.add_argument("--on", metavar="DATE", help="agreements, country, organisation: the date (YYYY-MM-DD; "
                                                   "default today)")
    view.add_argument("--organisation", metavar="ID", help="agreements: instruments of this organisation")
    view.add_argument("--states", metavar="ISO3,...", help="visa: the states shown (default: the former Soviet republics)")
    view.add_argument("--type", metavar="TYPE", help="agreements: instrument type (treaty, agreement, ...)")
    view.add_argument("--area", metavar="AREA", help="agreements: policy area (labour-migration, ...)")
    view.add_argument("--measure", metavar="ID", help="flows (required), country: a bilateral measure "
                                                      "(country default migrant-stock)")
    view.add_argument("--year", metavar="YYYY", help="flows, country: periods starting in this year "
                                                     "(default: the most recent period per pair)")
    view.add_argument("--source", metavar="ID", help="flows, country: only this statistical source")
    view.add_argument("--top", type=checked(positive_int), metavar="N",
                      help="agreements: the N instruments and parties with the most participations (default 40); flows: the N largest "
                           "figures (default 50); country: partners each way (default 5)")
    view.add_argument("--all", action="store_true",
                      help="agreements: every instrument; flows: every figure (instead of --top's default)")
    view.add_argument("--min", type=checked(non_negative), metavar="VALUE",
                      help="flows: only figures of at least this absolute value")
    view.set_defaults(run=cmd_view)

    network = commands.add_parser("network", help="centrality of countries (stats) or the graph for Gephi (export)")
    network.add_argument("action", choices=["stats", "export"])
    network.add_argument("--graph", choices=["agreements", "flows"], default="agreements",
                         help="agreements: ties by instruments in force (default); flows: a bilateral measure")
    network.add_argument("--on", metavar="DATE", help="agreements: the date (YYYY-MM-DD; default today)")
    network.add_argument("--measure", metavar="ID", help="flows: the measure (default migrant-stock)")
    network.add_argument("--year", metavar="YYYY", help="flows: periods starting in this year")
    network.add_argument("--source", metavar="ID", help="flows: the statistical source (default: the one with "
                                                        "the most figures)")
    network.add_argument("--format", default=None, choices=["table", "csv", "json", "graphml", "gexf"],
                         help="stats: table (default), csv or json; export: graphml or gexf")
    network.add_argument("--out", metavar="FILE", help="export: the file to write")
    network.set_defaults(run=cmd_network)

    export = commands.add_parser("export", help="release files: RDF dumps, observations CSV, ontology docs, "
                                                 "VoID, DCAT-AP and schema.org descriptions")
    export.add_argument("--out", required=True, metavar="DIR", help="folder to write (created when missing)")
    export.add_argument("--base-url", metavar="URL",
                        help="where the files will be published (default https://w3id.org/mrkg/release/VERSION/)")
    export.add_argument("--endpoint", metavar="URL", default="https://w3id.org/mrkg/sparql",
                        help="the public SPARQL endpoint to describe (default https://w3id.org/mrkg/sparql; "
                             "'' for none)")
    export.set_defaults(run=cmd_export)

    bench = commands.add_parser("bench", help="benchmark: build, and every named query on Oxigraph vs rdflib, "
                                              "on the graph and on synthetic scale-ups")
    bench.add_argument("--sources", help="sources folder (default: the curated sources shipped with mrkg)")
    bench.add_argument("--scales", type=_scales, default=(1, 4, 16), metavar="1,4,16",
                       help="scale-up factors (default 1,4,16; x1, the graph itself, always runs)")
    bench.add_argument("--repeat", type=_positive(int), default=5, help="runs per query; the median is reported "
                                                                        "(default 5)")
    bench.add_argument("--rdflib-max-triples", type=_positive(int), default=3_000_000, metavar="N",
                       help="run rdflib only on graphs of at most N triples (default 3000000)")
    bench.add_argument("--memory-max-quads", type=_positive(int), default=10_000_000, metavar="N",
                       help="also run every query on the graph loaded into memory (as `mrkg serve --in-memory`) "
                            "at scales of at most N quads (default 10000000: about 1 GB per 2.3 M quads)")
    bench.add_argument("--rdflib-timeout", type=_positive(float), default=60.0, metavar="S",
                       help="seconds each query may take on rdflib, all its runs together (default 60)")
    bench.add_argument("--oxigraph-timeout", type=_positive(float), default=120.0, metavar="S",
                       help="seconds each query may take on Oxigraph, all its runs together (default 120)")
    bench.add_argument("--format", choices=["table", "json"], default="table",
                       help="table: a readable report with the targets; json: one JSON object")
    bench.add_argument("--out", metavar="FILE", help="also write the JSON result to FILE")
    bench.set_defaults(run=cmd_bench)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (QueryError, StoreMissing, StoreError, ServeError, RemoteError) as error:
        _error(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except SyntaxError as error:
        _error(f"SPARQL syntax error: {error}")
        return 2
    except BrokenPipeError:  # e.g. `mrkg list countries | head`
        return 0
    except Exception as error:
        # The errors of reading sources, checking and exporting, imported only now: a query does not
        # load those parts (and cannot raise their errors).
        from mrkg.graph.checks import CheckFailed
        from mrkg.loaders.strict import InputError
        from mrkg.publish.export import ExportError

        if isinstance(error, InputError):
            _error(f"the sources have {len(error.problems)} problem(s); the store was not changed:")
            for problem in error.problems:
                print(printable(f"  {problem}", keep="\n\t"), file=sys.stderr)
            return 2
        if isinstance(error, ExportError):
            _error(str(error))
            return 2
        if isinstance(error, CheckFailed):
            _error(f"{error}\nThe store was not changed.")
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
