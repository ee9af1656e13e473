"""Source documents and cited datasets: ``sources/documents.yaml``.

Each becomes an entity (file name, title, checksum) and names the graph its
curated records go to; the graph is described with PROV-O. A ``document`` is one
of the source texts kept outside the repository (``../shared/seeds``); a
``dataset`` is a third-party file copied into ``sources/datasets/`` (``path``)
whose rows curated records cite, like a document's tables; an ``official-text`` is
a treaty's text or a depositary's notice published at a stable ``url`` (not copied:
its records cite an article and quote it), named by an identifier instead of a file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from typing import Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS

from mrkg.loaders.base import Located, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import IDENTIFIER, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, SCHEMA

KIND = "document"
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.(txt|csv|xls|xlsx)$")


class DocumentRecord(Record):
    file: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: TypingLiteral["document", "dataset", "official-text"] = "document"
    path: str | None = Field(default=None, pattern=r"^datasets/[A-Za-z0-9_./-]+$")
    url: str | None = Field(default=None, pattern=r"^https://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    # A dataset says who published it, which release it is and under which licence.
    publisher: str | None = None
    vintage: str | None = Field(default=None, min_length=1)
    licence: str | None = Field(default=None, pattern=r"^https?://\S+$")
    citation: str | None = Field(default=None, min_length=1)

    @field_validator("publisher")
    @classmethod
    def _known_publisher(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("statistical-source", value, info, "publishers are listed in reference/statistical-sources.yaml")
        return value

    @model_validator(mode="after")
    def _dataset_has_path(self) -> "DocumentRecord":
        if self.kind == "official-text":
            if self.url is None or self.path is not None or self.sha256 is not None:
                raise ValueError("an official text gives its url, and no path or sha256 (it is not copied)")
            if not IDENTIFIER.fullmatch(self.file):
                raise ValueError("an official text is named by an identifier (lowercase words joined by '-'), "
                                 "not a file name")
            return self
        if self.url is not None:
            raise ValueError("url is for official texts only")
        if self.sha256 is None:
            raise ValueError("a document or dataset gives the sha256 of its file")
        if not FILE_NAME.fullmatch(self.file):
            raise ValueError(f"{self.file!r} is not a .txt, .csv, .xls or .xlsx file name")
        if (self.kind == "dataset") != (self.path is not None):
            raise ValueError("a dataset gives the path of its copy under sources/datasets/, and only a dataset does")
        if self.path is not None and not self.path.endswith("/" + self.file):
            raise ValueError(f"path {self.path!r} does not end with the file name {self.file!r}")
        if self.kind == "document" and not self.file.endswith(".txt"):
            raise ValueError("a source document is a .txt file")
        described = [self.publisher, self.vintage, self.licence, self.citation]
        if self.kind == "dataset" and None in described:
            raise ValueError("a dataset gives its publisher, vintage, licence and citation")
        if self.kind == "document" and any(described):
            raise ValueError("publisher, vintage, licence and citation are for datasets only")
        return self

    @property
    def stem(self) -> str:
        return self.file if self.kind == "official-text" else self.file.rsplit(".", 1)[0]


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[DocumentRecord]]:
    for located in read_yaml_list(root / "documents.yaml", root, "documents", DocumentRecord, "document-file",
                                  registry, problems, iris.REFERENCE_GRAPH, None, id_field="file"):
        registry.define(KIND, located.record.stem, located.file, located.record)
        yield located


def triples(located: Located[DocumentRecord]) -> Iterator[tuple]:
    doc = located.record
    node = iris.document(doc.stem)
    yield node, RDF.type, MRKG.SourceDocument
    if doc.kind == "dataset":
        yield node, RDF.type, DCAT.Dataset
    yield node, RDFS.label, Literal(doc.title, lang="en")
    yield node, DCTERMS.title, Literal(doc.title, lang="en")
    yield node, DCTERMS.identifier, Literal(doc.file)
    yield node, DCTERMS.description, Literal(doc.description, lang="en")
    if doc.sha256:
        yield node, MRKG.sha256, Literal(doc.sha256)
    if doc.url:
        yield node, SCHEMA.url, URIRef(doc.url)
    if doc.kind == "dataset":
        yield node, DCTERMS.publisher, iris.entity("statistical-source", doc.publisher)
        yield node, SCHEMA.version, Literal(doc.vintage)
        yield node, DCTERMS.license, URIRef(doc.licence)
        yield node, DCTERMS.bibliographicCitation, Literal(doc.citation)
    yield from describe_graph(iris.document_graph(doc.stem), f"Facts curated from {doc.file}", node)


def describe_graph(graph: URIRef, title: str, derived_from: URIRef | None) -> Iterator[tuple]:
    yield graph, RDF.type, PROV.Entity
    yield graph, RDFS.label, Literal(title, lang="en")
    yield graph, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")
    if derived_from is not None:
        yield graph, PROV.wasDerivedFrom, derived_from
    yield graph, PROV.wasAttributedTo, URIRef(iris.BASE)
    yield graph, DCTERMS.type, Literal("named graph")
