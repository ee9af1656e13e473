"""The consolidated layer on the real graph: one answer per instrument (and per party), one status per
instrument and party on a date, no title made only of names, every match decision resolved and
every close match listed in CURATION.md.

The queries run on the curated graph of the shipped sources (``real_store``, conftest.py): the
regime layer does not depend on the statistical tables.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

import mrkg
from mrkg.graph.consolidate import is_names_only, is_proper_title
from mrkg.loaders import read_sources
from mrkg.loaders import treaty_tables as tt

ROOT = Path(__file__).resolve().parents[1]
DATES = ("1995-01-01", "2000-06-15", "2010-01-01", "2020-01-01")


def rows(store, name, **params):
    return mrkg.query(name, store=store, **params).strings()


def sparql(store, text):
    return mrkg.sparql(text, store=store).strings()


@pytest.fixture(scope="module")
def parties(real_store) -> list[str]:
    """Every country that takes part in some instrument."""
    return sorted({r["code"] for r in sparql(real_store, """
        PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        SELECT DISTINCT ?code WHERE { ?p a mrkg:ConsolidatedParticipation ; mrkg:party ?c .
                                      ?c mrkg:iso3166Alpha3 ?code }""")})


def repeated(values) -> dict:
    return {value: n for value, n in Counter(values).items() if n > 1}


NOT_RECORDED = {"consented (entry into force not recorded)", "signed (entry into force not recorded)",
                "signed (no date recorded)", "party (no dates recorded)"}


def test_agreements_of_gives_one_row_and_one_status_per_instrument_for_every_country(real_store, parties):
    assert len(parties) > 60
    for day in DATES:
        for code in parties:
            result = rows(real_store, "agreements-of", country=code, on=day)
            assert not repeated(r["instrument"] for r in result), (code, day)
            assert all(r["in_force_on"] in ("in force", "not in force", "uncertain", "not known") for r in result)
            assert all((r["status"] == "in force") == (r["in_force_on"] == "in force") for r in result)
            assert all(r["status"].startswith("uncertain") == (r["in_force_on"] == "uncertain") for r in result)
            assert all((r["status"] in NOT_RECORDED) == (r["in_force_on"] == "not known") for r in result)


def test_agreements_binding_gives_one_row_per_instrument_and_party(real_store):
    for countries in ("BLR,KAZ", "BLR,RUS", "KAZ,KGZ,RUS", "ARM,BLR,KAZ,KGZ,RUS", "TJK,KGZ", "UKR"):
        for day in DATES:
            for uncertain in ("no", "yes"):
                result = rows(real_store, "agreements-binding", countries=countries, on=day, uncertain=uncertain)
                assert not repeated((r["instrument"], r["party"]) for r in result), (countries, day)
                listed = set(countries.split(","))
                by_instrument = {}
                for r in result:
                    by_instrument.setdefault(r["instrument"], set()).add(r["party"])
                assert all(found == listed for found in by_instrument.values()), (countries, day)


def test_binding_agrees_with_agreements_of(real_store, parties):
    """Both read the same status periods: an instrument binds a country on a date exactly when
    agreements-of says it is in force for it."""
    for code in ("BLR", "KAZ", "RUS", "KGZ", "TJK", "UKR", "GEO", "ARM"):
        for day in DATES:
            in_force = {r["instrument"] for r in rows(real_store, "agreements-of", country=code, on=day)
                        if r["in_force_on"] == "in force"}
            binding = {r["instrument"] for r in rows(real_store, "agreements-binding", countries=code, on=day)}
            assert binding == in_force, (code, day)


def test_parties_lists_each_party_once_for_every_instrument(real_store):
    ids = [r["instrument"] for r in rows(real_store, "instruments")]
    assert not repeated(ids)
    for ident in ids:
        assert not repeated(r["party"] for r in rows(real_store, "parties", agreement=ident)), ident


def test_timeline_repeats_no_event(real_store, parties):
    for code in parties:
        result = rows(real_store, "timeline", country=code)
        assert not repeated((r["date"], r["event"], r["id"]) for r in result), code


def test_instruments_of_a_country_repeat_none(real_store, parties):
    for code in parties:
        assert not repeated(r["instrument"] for r in rows(real_store, "instruments", country=code)), code


def test_members_lists_each_member_once(real_store):
    organisations = [r["id"] for r in sparql(real_store, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?id WHERE { ?m org:organization ?o . ?o dcterms:identifier ?id }""")]
    assert organisations
    for ident in organisations:
        for day in DATES:
            assert not repeated(r["member"] for r in rows(real_store, "members", organisation=ident, on=day)), ident


def test_no_instrument_is_titled_only_with_names(real_store):
    """No title is only country or organisation names; a title no curator wrote also says what
    kind of instrument it is (R6 builds one where the sources give none)."""
    titles = sparql(real_store, """
        PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id ?title ?curated WHERE {
          ?i a ?class ; dcterms:identifier ?id ; rdfs:label ?title .
          ?class rdfs:subClassOf mrkg:Instrument .
          OPTIONAL { ?record mrkg:recordOf ?i ; mrkg:curatedRecord ?curated } }""")
    names = [r["name"] for r in sparql(real_store, """
        PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?name WHERE {
          { ?x a mrkg:Country } UNION { ?x a org:FormalOrganization }
          ?x rdfs:label|skos:altLabel|skos:hiddenLabel ?name }""")]
    assert len(titles) > 150
    assert not repeated(r["id"] for r in titles)
    assert is_names_only("Belarus Russia", names) and is_names_only("Eurasian Economic Community (EAEC)", names)
    assert not is_names_only("Treaty between Belarus and Russia", names)
    bare = sorted((r["id"], r["title"]) for r in titles if is_names_only(r["title"], names))
    assert bare == []
    unspecific = sorted((r["id"], r["title"]) for r in titles if not r["curated"] and not is_proper_title(r["title"]))
    assert unspecific == []


def test_every_instrument_lists_its_sources(real_store):
    missing = sparql(real_store, """
        PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?i WHERE { ?i a ?class . ?class rdfs:subClassOf mrkg:Instrument .
                          FILTER NOT EXISTS { ?i mrkg:sourcesCited ?s } }""")
    assert missing == []


def test_every_candidate_duplicate_is_reviewed(real_store):
    assert rows(real_store, "duplicate-candidates") == []


# ---------------------------------------------------------------------------
# The match table
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matches():
    sources = read_sources()
    return tt.match_table(sources.root, sources.registry, None), sources


def test_every_match_entry_resolves(matches):
    table, sources = matches
    groups = sources.registry.detail("treaty-groups", "all")
    for located in table.entries:
        record = located.record
        if record.pair is not None:
            assert all(sources.registry.has("instrument", i) for i in record.pair), located.line
        else:
            for key in record.ids():
                assert key in groups, f"{table.file}:{located.line}: {key} is in no group"
            if record.instrument and not record.distinct:
                assert {groups[key].instrument for key in record.ids()} == {record.instrument}


def test_every_close_match_is_listed_in_curation(matches):
    table, _ = matches
    curation = (ROOT / "CURATION.md").read_text(encoding="utf-8")
    section = curation.split("### Close matches", 1)
    assert len(section) == 2, "CURATION.md has no 'Close matches' section"
    listed = section[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    for located in table.entries:
        if located.record.close is not None:
            a, b = located.record.close
            assert re.search(rf"`{re.escape(a)}`.*`{re.escape(b)}`|`{re.escape(b)}`.*`{re.escape(a)}`", listed), \
                f"close match {a} / {b} is not listed under 'Close matches' in CURATION.md"
