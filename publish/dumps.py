"""The graph's release dumps (TriG, N-Triples, Turtle, JSON-LD), byte-identical across exports
and across rebuilds.

They are written from the generation's ``graph.nq``, the build's sorted dump, and not from the
Oxigraph database: Oxigraph gives blank nodes fresh random labels when it loads a file, so a
dump of the database differs at every build. ``graph.nq`` keeps the labels the build gave them
(rdflib's canonical labels, a hash of each blank node's surroundings; see
``graph.assemble.ontology_graph``), and pyoxigraph's parser keeps them too when it is not asked
to rename them. The blank nodes stay blank nodes (no skolem IRIs): OWL restrictions and lists in
the ontology must be blank nodes for OWL 2 DL tools to read them.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox


def read_dump(dump: Path) -> list[ox.Quad]:
    """The quads of a sorted N-Quads dump, in its order, blank-node labels as written."""
    return list(ox.parse(path=dump, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))


def write_dumps(quads: list[ox.Quad], out: Path, prefixes: dict[str, str]) -> None:
    """mrkg.trig and mrkg.jsonld (named graphs kept), mrkg.nt and mrkg.ttl (their union)."""
    # Grouped by graph, each graph in the dump's sorted order: one block per graph in TriG.
    by_graph = sorted(quads, key=lambda quad: quad.graph_name.value)
    ox.serialize(by_graph, out / "mrkg.trig", format=ox.RdfFormat.TRIG, prefixes=prefixes)
    ox.serialize(by_graph, out / "mrkg.jsonld", format=ox.RdfFormat.JSON_LD)
    del by_graph
    triples = sorted({f"{q.subject} {q.predicate} {q.object} ." for q in quads})
    (out / "mrkg.nt").write_text("\n".join(triples) + "\n", encoding="utf-8")
    del triples
    ox.serialize(ox.parse(path=out / "mrkg.nt", format=ox.RdfFormat.N_TRIPLES), out / "mrkg.ttl",
                 format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def write_gzip(source: Path, target: Path) -> None:
    """``target`` = ``source`` gzip-compressed, the same bytes in every export: the header carries
    no file name and mtime 0, and the compression level is fixed."""
    with source.open("rb") as plain, target.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as packed:
            shutil.copyfileobj(plain, packed, 1 << 20)
