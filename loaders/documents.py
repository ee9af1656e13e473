"""Source documents and cited datasets: ``sources/documents.yaml``.

Each becomes an entity (file name, title, checksum) and names the graph its
curated records go to; the graph is described with PROV-O. A ``document`` is one
of the source texts kept outside the repository (``../shared/seeds``); a
``dataset`` is a third-party file copied into ``sources/datasets/`` (``path``)
whose rows curated records cite, like a document's tables; an ``official-text`` is
a treaty's text or a depositary's notice published at a stable ``url`` (not copied:
its records cite an article and quote it), named by an identifier instead of a file.

Provenance is checked when documents.yaml is read, for every build (with or without the
tables):

* a dataset's ``path`` stays inside the sources folder (no ``..``, no absolute path) and its
  file's SHA-256 is the ``sha256`` given; its folder has a ``SOURCE.txt`` saying where the copy
  comes from. A source document's text is kept outside the sources folder (its ``sha256`` is
  checked against that text by tests/test_quotes_verbatim.py where the texts are present);
  an official text has no file and no sha256.
* symbolic links are refused anywhere in the sources folder (a link, a link to a folder, a link
  loop), and so is anything that is not a regular file or a folder (a FIFO would hang the
  build): every file read is the file the folder holds, so a copy of the folder is the graph.
* ``licence`` and ``url`` are absolute http(s) IRIs that N-Quads can hold (strict.iri_problem).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Iterator

from typing import Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS

from mrkg.loaders.base import Located, display, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, iri_problem
from mrkg.loaders.types import IDENTIFIER, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, SCHEMA

KIND = "document"
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.(txt|csv|xls|xlsx|dta)$")


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
    licence: str | None = None
    # A dataset whose licence is not confirmed gives no licence, but a rights statement saying so.
    rights: str | None = Field(default=None, min_length=20)
    citation: str | None = Field(default=None, min_length=1)

    @field_validator("licence", "url")
    @classmethod
    def _iri(cls, value: str | None) -> str | None:
        problem = iri_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("path")
    @classmethod
    def _inside_sources(cls, value: str | None) -> str | None:
        if value is not None and any(part in ("", ".", "..") for part in value.split("/")):
            raise ValueError(f"path {value!r} has an empty, '.' or '..' segment; give the path of the copy "
                             "under sources/datasets/, inside the sources folder")
        return value

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
            raise ValueError(f"{self.file!r} is not a .txt, .csv, .xls, .xlsx or .dta file name")
        if (self.kind == "dataset") != (self.path is not None):
            raise ValueError("a dataset gives the path of its copy under sources/datasets/, and only a dataset does")
        if self.path is not None and not self.path.endswith("/" + self.file):
            raise ValueError(f"path {self.path!r} does not end with the file name {self.file!r}")
        if self.kind == "document" and not self.file.endswith(".txt"):
            raise ValueError("a source document is a .txt file")
        described = [self.publisher, self.vintage, self.licence or self.rights, self.citation]
        if self.kind == "dataset" and None in described:
            raise ValueError("a dataset gives its publisher, vintage, licence (or, where the licence is not "
                             "confirmed, a rights statement saying so) and citation")
        if self.kind == "dataset" and self.licence and self.rights:
            raise ValueError("a dataset gives a licence or, where its licence is not confirmed, a rights "
                             "statement, not both")
        if self.kind == "document" and any(described):
            raise ValueError("publisher, vintage, licence, rights and citation are for datasets only")
        return self

    @property
    def stem(self) -> str:
        return self.file if self.kind == "official-text" else self.file.rsplit(".", 1)[0]


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[DocumentRecord]]:
    check_tree(root, problems)
    for located in read_yaml_list(root / "documents.yaml", root, "documents", DocumentRecord, "document-file",
                                  registry, problems, iris.REFERENCE_GRAPH, None, id_field="file"):
        registry.define(KIND, located.record.stem, located.file, located.record)
        if located.record.kind == "dataset":
            check_copy(root, located, problems)
        yield located


def check_tree(root: Path, problems: Problems) -> None:
    """Refuse every symbolic link and every entry that is neither a regular file nor a folder.

    The walk does not follow links, so a link loop is reported like any other link.
    """
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in sorted(folders + files):
            path = Path(folder) / name
            shown = display(path, root)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.add(shown, None, None, None,
                             f"is a symbolic link (to {os.readlink(path)!r}), which is not followed",
                             "a regular file or folder inside the sources folder")
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.add(shown, None, None, None, "is neither a regular file nor a folder",
                             "a regular file or folder")
        folders[:] = sorted(f for f in folders if not (Path(folder) / f).is_symlink())


def check_copy(root: Path, located: Located[DocumentRecord], problems: Problems) -> None:
    """A dataset's copy is inside the sources folder, is the file its sha256 names, and its folder
    says where it comes from (SOURCE.txt)."""
    record = located.record
    path = root / record.path
    shown = display(path, root)
    if not path.resolve().is_relative_to(root.resolve()):
        problems.add(located.file, located.line, record.file, "path",
                     f"{record.path!r} leads outside the sources folder", "a path under sources/datasets/")
        return
    if path.is_symlink() or not path.is_file():
        return  # a link is reported by check_tree; a missing file by the reader that needs it
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != record.sha256:
        problems.add(located.file, _key_line(root, located, "sha256"), record.file, "sha256",
                     f"{shown} has SHA-256 {digest.hexdigest()}, not the {record.sha256} given",
                     "the sha256 of the file as copied (update it only with SOURCE.txt, for a new copy)")
    source = path.parent / "SOURCE.txt"
    if source.is_symlink() or not source.is_file() or source.stat().st_size == 0:
        problems.add(display(source, root), None, record.file, None,
                     "the dataset's folder has no SOURCE.txt" if not source.exists() else "SOURCE.txt is empty "
                     "or not a regular file",
                     "a SOURCE.txt saying where the copy comes from (repository, commit, licence)")


def _key_line(root: Path, located: Located[DocumentRecord], key: str) -> int | None:
    """The line of a field of a documents.yaml entry (a record keeps only the line it starts on)."""
    lines = (root / "documents.yaml").read_text(encoding="utf-8").splitlines()
    for number in range(located.line or 1, len(lines) + 1):
        text = lines[number - 1].strip()
        if number > (located.line or 1) and text.startswith("- "):
            break
        if text.removeprefix("- ").startswith(f"{key}:"):
            return number
    return located.line


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
        if doc.licence:
            yield node, DCTERMS.license, URIRef(doc.licence)
        else:
            yield node, DCTERMS.rights, iris.entity("rights", doc.stem)
            yield iris.entity("rights", doc.stem), RDF.type, DCTERMS.RightsStatement
            yield iris.entity("rights", doc.stem), RDFS.label, Literal(doc.rights, lang="en")
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
