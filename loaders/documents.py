"""Source documents: ``sources/documents.yaml``.

Each document becomes an entity (file name, title, checksum) and names the
graph its curated records go to; the graph is described with PROV-O.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import Field
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from mrkg.loaders.base import Located, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Record
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, SCHEMA

KIND = "document"


class DocumentRecord(Record):
    file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*\.txt$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    @property
    def stem(self) -> str:
        return self.file[: -len(".txt")]


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[DocumentRecord]]:
    for located in read_yaml_list(root / "documents.yaml", root, "documents", DocumentRecord, "document-file",
                                  registry, problems, iris.REFERENCE_GRAPH, None, id_field="file"):
        registry.define(KIND, located.record.stem, located.file, located.record)
        yield located


def triples(located: Located[DocumentRecord]) -> Iterator[tuple]:
    doc = located.record
    node = iris.document(doc.stem)
    yield node, RDF.type, MRKG.SourceDocument
    yield node, RDFS.label, Literal(doc.title, lang="en")
    yield node, DCTERMS.title, Literal(doc.title, lang="en")
    yield node, DCTERMS.identifier, Literal(doc.file)
    yield node, DCTERMS.description, Literal(doc.description, lang="en")
    yield node, MRKG.sha256, Literal(doc.sha256)
    yield from describe_graph(iris.document_graph(doc.stem), f"Facts curated from {doc.file}", node)


def describe_graph(graph: URIRef, title: str, derived_from: URIRef | None) -> Iterator[tuple]:
    yield graph, RDF.type, PROV.Entity
    yield graph, RDFS.label, Literal(title, lang="en")
    yield graph, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")
    if derived_from is not None:
        yield graph, PROV.wasDerivedFrom, derived_from
    yield graph, PROV.wasAttributedTo, URIRef(iris.BASE)
    yield graph, DCTERMS.type, Literal("named graph")
