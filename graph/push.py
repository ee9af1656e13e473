"""Pushing a build to a remote SPARQL server with batched SPARQL 1.1 Update, per named graph.

Each named graph is loaded into a fresh staging graph (``urn:uuid:…``, outside
mrkg's graph namespace, so readers never see it) in batches of ``INSERT DATA``,
then swapped in with one ``MOVE GRAPH staging TO GRAPH target``. A reader sees
a graph's old content or its new content, as far as the server makes MOVE
atomic (Virtuoso, Fuseki/TDB2 and GraphDB each run one update request in one
transaction). Graphs are swapped one after another, so while a push runs a
reader can see some graphs of the new build beside others of the old; mrkg
graphs the new build no longer has are dropped last. A failed push drops its
staging graph and leaves every graph not yet swapped as it was.

Blank nodes are scoped to one request, so every triple that mentions a blank
node goes in the graph's first batch (only the ontology graph has any: OWL
restrictions and lists), written as ``INSERT {…} WHERE {}``: Virtuoso refuses
blank nodes in ``INSERT DATA``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox

from mrkg.graph.remote import Client, RemoteError, remote_graphs, select

BATCH_TRIPLES = 2000


@dataclass(frozen=True)
class PushReport:
    url: str
    graphs: int
    quads: int
    dropped: tuple[str, ...]


def push(nquads: bytes, client: Client, progress: Callable[[str], None] = lambda message: None,
         batch: int = BATCH_TRIPLES) -> PushReport:
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise ValueError("every quad of an mrkg build is in a named graph")
        by_graph[quad.graph_name.value].append(quad)
    before = set(remote_graphs(client))
    for number, (graph, quads) in enumerate(sorted(by_graph.items()), start=1):
        progress(f"  [{number}/{len(by_graph)}] {graph}: {len(quads)} triples")
        _replace_graph(client, graph, quads, batch)
    stale = tuple(sorted(before - set(by_graph)))
    for graph in stale:
        progress(f"  dropping {graph} (not in this build)")
        client.update(f"DROP SILENT GRAPH <{graph}>")
    _verify(client, {graph: len(quads) for graph, quads in by_graph.items()})
    return PushReport(client.query_url, len(by_graph), sum(map(len, by_graph.values())), stale)


def _replace_graph(client: Client, graph: str, quads: list[ox.Quad], batch: int) -> None:
    staging = f"urn:uuid:{uuid.uuid4()}"
    try:
        for lines, blank in _batches(quads, batch):
            # INSERT DATA may not hold blank nodes on Virtuoso; INSERT {…} WHERE {} is the standard
            # form that creates them (fresh per request, hence one request for all of them).
            data = f"{{ GRAPH <{staging}> {{\n" + "\n".join(lines) + "\n} }"
            client.update(f"INSERT {data} WHERE {{}}" if blank else f"INSERT DATA {data}")
        client.update(f"MOVE GRAPH <{staging}> TO GRAPH <{graph}>")
    except BaseException:
        try:
            client.update(f"DROP SILENT GRAPH <{staging}>")
        except RemoteError:
            pass  # the first error is the one to report
        raise


def _batches(quads: list[ox.Quad], size: int):
    """(N-Triples lines, has blank nodes): valid SPARQL triples (terms serialised by pyoxigraph) in
    batches of ``size``, the triples with a blank node all in the first."""
    with_blank, plain = [], []
    for quad in quads:
        line = f"{quad.subject} {quad.predicate} {quad.object} ."
        (with_blank if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
         else plain).append(line)
    first = with_blank + plain[:max(size - len(with_blank), 0)]
    rest = plain[len(first) - len(with_blank):]
    if first:
        yield first, bool(with_blank)
    for start in range(0, len(rest), size):
        yield rest[start:start + size], False


def _verify(client: Client, expected: dict[str, int]) -> None:
    """Count each graph on the server: a server that silently dropped or merged triples is caught here."""
    text = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?g { "
            + " ".join(f"<{graph}>" for graph in sorted(expected)) + " } } GROUP BY ?g")
    result = select(client, text)
    found = {str(row["g"]): int(row["n"]) for row in result.rows}
    wrong = [f"{graph}: {found.get(graph, 0)} triples, expected {count}"
             for graph, count in sorted(expected.items()) if found.get(graph, 0) != count]
    if wrong:
        raise RemoteError("after the push the server holds other counts than the build: " + "; ".join(wrong))
