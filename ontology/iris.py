"""How mrkg mints IRIs. Only validated identifiers reach these functions.

Entities live under ``{BASE}id/{kind}/{identifier}``, named graphs under
``{BASE}graph/{name}``. Changing BASE moves every IRI; the persistent-IRI
plan (w3id.org redirect) is described in the README.
"""

from __future__ import annotations

from rdflib import URIRef

BASE = "https://w3id.org/mrkg/"

KINDS = (
    "country", "area", "organisation", "instrument", "participation", "membership",
    "observation", "dataset", "measure", "unit", "statistical-source", "document", "period",
    "role", "zone", "region", "discrepancy", "instrument-record", "rule",
    # a place's partner countries ranked per measure, year and source (graph/partner_rankings.py)
    "ranking",
    # bilateral labour agreements: the scheme of provision codes, its codes, coded provisions;
    # a dataset's rights statement (documents.yaml) where its licence is not confirmed
    "scheme", "bla-provision-code", "coded-provision", "rights",
    # GLOBALCIT citizenship law (loaders/datasets/citizenship_law.py)
    "citizenship-provision", "citizenship-mode", "concept-scheme",
    # an origin and a destination as one node, named by the observations about the pair
    "corridor",
)


def entity(kind: str, *identifiers: str) -> URIRef:
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    return URIRef(f"{BASE}id/{kind}/" + "/".join(identifiers))


def graph(name: str) -> URIRef:
    return URIRef(f"{BASE}graph/{name}")


def country(code: str) -> URIRef:
    return entity("country", code)


def place(code: str) -> URIRef:
    """A country (ISO alpha-3, upper case) or an area aggregate (lowercase id)."""
    return entity("country", code) if code.isupper() else entity("area", code)


def corridor(origin: str, destination: str) -> URIRef:
    """The corridor from one place to another (codes as ``place`` takes them; a place id holds no slash)."""
    return entity("corridor", origin, destination)


def organisation(identifier: str) -> URIRef:
    return entity("organisation", identifier)


def party(identifier: str) -> URIRef:
    """Parties are countries (ISO alpha-3) or organisations (lowercase id)."""
    return country(identifier) if identifier.isupper() else organisation(identifier)


def instrument(identifier: str) -> URIRef:
    return entity("instrument", identifier)


def instrument_record(identifier: str, stem: str) -> URIRef:
    """What one source (a document or dataset, by file stem) says about an instrument as a whole."""
    return entity("instrument-record", identifier, stem)


def participation(instrument_id: str, party_id: str, stem: str | None = None) -> URIRef:
    """A party's participation in an instrument as one source records it (``stem``), or, without a
    source, as the consolidated layer states it."""
    return entity("participation", instrument_id, party_id, *([stem] if stem else []))


def membership(organisation_id: str, member: str, stem: str | None = None) -> URIRef:
    """A membership as one source records it (``stem``), or, without a source, consolidated."""
    return entity("membership", organisation_id, member, *([stem] if stem else []))


def document(stem: str) -> URIRef:
    return entity("document", stem)


def document_graph(stem: str) -> URIRef:
    return graph(f"document/{stem}")


REFERENCE_GRAPH = graph("reference")
ONTOLOGY_GRAPH = graph("ontology")
ENTAILMENTS_GRAPH = graph("ontology-entailments")
CONSOLIDATED_GRAPH = graph("consolidated")
MATCHES_GRAPH = graph("matches")
