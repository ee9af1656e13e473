"""`duplicate-candidates` reads the parties of the candidate instruments only (rule 37 in
docs/benchmarks.md). The full graph has no candidate left after review, so this builds a small graph
with one pair and compares the answer with the former text (tests/fixtures), which read the parties of
every instrument."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox

from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import bind, get

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/mrkg/id/"

GRAPH = f"""
@prefix mrkg: <https://w3id.org/mrkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix id: <{ID}> .

id:instrument\\/a mrkg:possibleDuplicateOf id:instrument\\/b ; dcterms:identifier "a" ; rdfs:label "Agreement A"@en ;
    mrkg:sourcesCited "doc-1" ; schema:legislationDate "1994-04-15"^^<http://www.w3.org/2001/XMLSchema#date> .
id:instrument\\/b mrkg:possibleDuplicateOf id:instrument\\/a ; dcterms:identifier "b" ; rdfs:label "Agreement B"@en ;
    mrkg:sourcesCited "doc-2" .
id:instrument\\/c dcterms:identifier "c" ; rdfs:label "Agreement C"@en ; mrkg:sourcesCited "doc-3" .
id:country\\/KAZ dcterms:identifier "KAZ" .
id:country\\/BLR dcterms:identifier "BLR" .
id:country\\/RUS dcterms:identifier "RUS" .
id:p1 a mrkg:ConsolidatedParticipation ; mrkg:instrument id:instrument\\/a ; mrkg:party id:country\\/KAZ ;
    mrkg:statusPeriod id:p1\\/1, id:p1\\/2 .
id:p2 a mrkg:ConsolidatedParticipation ; mrkg:instrument id:instrument\\/a ; mrkg:party id:country\\/BLR ;
    mrkg:statusPeriod id:p2\\/1 .
id:p3 a mrkg:ConsolidatedParticipation ; mrkg:instrument id:instrument\\/b ; mrkg:party id:country\\/RUS ;
    mrkg:statusPeriod id:p3\\/1 .
id:p4 a mrkg:ConsolidatedParticipation ; mrkg:instrument id:instrument\\/c ; mrkg:party id:country\\/RUS ;
    mrkg:statusPeriod id:p4\\/1 .
# a source's record of a participation is not a consolidated one: its party is not listed
id:r1 a mrkg:Participation ; mrkg:instrument id:instrument\\/a ; mrkg:party id:country\\/RUS .
"""


def _engine() -> OxigraphEngine:
    store = ox.Store()
    store.load(GRAPH.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/mrkg/graph/test"))
    return OxigraphEngine(store)


def test_a_pair_of_candidates_is_listed_once_with_both_sides_parties():
    query = get("duplicate-candidates")
    answer = run_named(_engine(), query, bind(query, {})).strings()
    assert answer == [{"instrument_a": "a", "title_a": "Agreement A", "instrument_b": "b", "title_b": "Agreement B",
                       "year": "1994", "parties_a": "BLR KAZ", "parties_b": "RUS",
                       "sources_a": "doc-1", "sources_b": "doc-2"}]


def test_the_answer_is_the_former_texts():
    query = get("duplicate-candidates")
    former = dataclasses.replace(query, text=(FIXTURES / "duplicate-candidates-from-every-participation.rq")
                                 .read_text(encoding="utf-8"))
    engine = _engine()
    assert run_named(engine, query, {}).strings() == run_named(engine, former, {}).strings() != []
