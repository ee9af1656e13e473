"""Organisations and bodies: ``sources/curated/organisations.yaml`` (named in several
documents) and ``sources/curated/<document>/organisations.yaml`` (named in one).

Wikidata links come only from ``reference/organisations_wikidata.csv`` (matched
by exact English name), never typed in by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from typing import Literal as TypingLiteral

from pydantic import Field, ValidationInfo, field_validator, model_validator
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders.base import Located, cite, curated_files, display, read_yaml_list
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, read_csv
from mrkg.loaders.types import Citation, Identifier, Record, known
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, ORG, SCHEMA

KIND = "organisation"
FILE = "organisations.yaml"
WIKIDATA_FILE = "reference/organisations_wikidata.csv"
KINDS = {
    "intergovernmental-organisation": MRKG.IntergovernmentalOrganisation,
    "organisation-body": MRKG.OrganisationBody,
    "international-organisation": MRKG.InternationalOrganisation,
    "national-authority": MRKG.NationalAuthority,
    "non-governmental-organisation": MRKG.NonGovernmentalOrganisation,
    "funding-instrument": MRKG.FundingBody,
}


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
    kind: TypingLiteral[tuple(KINDS)]  # type: ignore[valid-type]
    country: str | None = None
    part_of: Identifier | None = None
    label: str = Field(min_length=1)
    alt_labels: list[str] = []
    label_ru: str | None = None
    note: str | None = None
    source: DocumentCitation
    wikidata: str | None = None  # filled from the reference CSV, not from YAML

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            known("country", value, info, "countries are ISO 3166 alpha-3 codes such as BLR")
        return value

    @model_validator(mode="after")
    def _country_for_national_bodies(self) -> "OrganisationRecord":
        if (self.kind == "national-authority") != (self.country is not None):
            raise ValueError("a national authority needs its country, and only a national authority has one")
        if (self.kind == "organisation-body") != (self.part_of is not None):
            raise ValueError("a body of an organisation needs part_of (the organisation), and only a body has one")
        return self


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[OrganisationRecord]]:
    links = _wikidata_links(root, problems)
    files = [(root / "curated" / FILE, None)] + list(curated_files(root, FILE, registry, problems))
    records: list[Located[OrganisationRecord]] = []
    for path, stem in files:
        graph = iris.REFERENCE_GRAPH if stem is None else iris.document_graph(stem)
        records.extend(read_yaml_list(path, root, "organisations", OrganisationRecord, KIND,
                                      registry, problems, graph, stem))
    for located in records:
        record = located.record
        if record.part_of is not None and not registry.has(KIND, record.part_of):
            problems.add(located.file, located.line, record.id, "part_of",
                         registry.unknown(KIND, repr(record.part_of), record.part_of), "the id of an organisation")
            continue
        if located.document is not None and record.source.stem != located.document:
            problems.add(located.file, located.line, record.id, "source",
                         f"cites {record.source.document}, not the document of its folder",
                         f"a citation of {located.document}.txt")
            continue
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
        if not re.fullmatch(r"Q[0-9]{1,12}", qid):  # str.isdigit would let '²' and Arabic-Indic digits in
            problems.add(display(path, root), row.line, row.get("org"), "wikidata_qid",
                         f"{qid!r} is not a Wikidata Q-id", "Q followed by digits")
            continue
        links[row["org"]] = qid
    return links


def triples(located: Located[OrganisationRecord]) -> Iterator[tuple]:
    o = located.record
    node = iris.organisation(o.id)
    yield node, RDF.type, ORG.FormalOrganization
    yield node, ORG.classification, KINDS[o.kind]
    if o.country:
        yield node, SCHEMA.areaServed, iris.country(o.country)
    if o.part_of:
        yield node, ORG.subOrganizationOf, iris.organisation(o.part_of)
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

