"""Organisations and integration frameworks: ``sources/curated/organisations.yaml``.

Wikidata links come only from ``reference/organisations_wikidata.csv`` (matched
by exact English name), never typed in by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pydantic import Field, ValidationInfo, field_validator
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders.base import Located, cite, display, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, read_csv
from mrkg.loaders.types import Citation, Identifier, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import ORG

KIND = "organisation"
WIKIDATA_FILE = "reference/organisations_wikidata.csv"


class DocumentCitation(Citation):
    document: str

    @field_validator("document")
    @classmethod
    def _known_document(cls, value: str, info: ValidationInfo) -> str:
        if not value.endswith(".txt"):
            raise ValueError(f"{value!r} is not a document file name")
        known("document", value[: -len(".txt")], info, "documents are listed in sources/documents.yaml")
        return value

    @property
    def stem(self) -> str:
        return self.document[: -len(".txt")]


class OrganisationRecord(Record):
    id: Identifier
    label: str = Field(min_length=1)
    alt_labels: list[str] = []
    label_ru: str | None = None
    note: str | None = None
    source: DocumentCitation
    wikidata: str | None = None  # filled from the reference CSV, not from YAML


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[OrganisationRecord]]:
    links = _wikidata_links(root, problems)
    for located in read_yaml_list(root / "curated" / "organisations.yaml", root, "organisations",
                                  OrganisationRecord, KIND, registry, problems, iris.REFERENCE_GRAPH, None):
        record = located.record
        if record.wikidata is not None:
            problems.add(located.file, located.line, record.id, "wikidata",
                         "Wikidata links are not typed in", f"a row in {WIKIDATA_FILE}")
            continue
        qid = links.get(record.label)
        if qid:
            record = record.model_copy(update={"wikidata": qid})
        yield Located(located.graph, record.source.stem, record, located.file, located.line)


def _wikidata_links(root: Path, problems: Problems) -> dict[str, str]:
    path = root / WIKIDATA_FILE
    links = {}
    for row in read_csv(path, ["org", "wikidata_qid", "source_repo", "source_path", "note"], problems):
        qid = row.get("wikidata_qid", "")
        if not qid.startswith("Q") or not qid[1:].isdigit():
            problems.add(display(path, root), row.line, row.get("org"), "wikidata_qid",
                         f"{qid!r} is not a Wikidata Q-id", "Q followed by digits")
            continue
        links[row["org"]] = qid
    return links


def triples(located: Located[OrganisationRecord]) -> Iterator[tuple]:
    o = located.record
    node = iris.organisation(o.id)
    yield node, RDF.type, ORG.FormalOrganization
    yield node, RDFS.label, Literal(o.label, lang="en")
    yield node, SKOS.prefLabel, Literal(o.label, lang="en")
    yield node, DCTERMS.identifier, Literal(o.id)
    for alt in o.alt_labels:
        yield node, SKOS.altLabel, Literal(alt, lang="en")
    if o.label_ru:
        yield node, SKOS.altLabel, Literal(o.label_ru, lang="ru")
    if o.note:
        yield node, SKOS.editorialNote, Literal(o.note, lang="en")
    if o.wikidata:
        yield node, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{o.wikidata}")
    yield from cite(node, o.source.stem, o.source.locator, o.source.quote)

