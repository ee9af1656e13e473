"""Where the VALUES block of a named query's parameters goes (queries.execute.with_values), and
the pair parameter type and the corridor a header names: one block per WHERE clause that uses a parameter, none in a clause that
only wraps sub-SELECTs, braces in comments, strings and IRIs ignored."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from mrkg.queries.execute import with_values
from mrkg.queries.library import QueryError, bind, get, parse_header

BINDINGS = {"country": Literal("BLR")}
BLOCK = 'VALUES (?country) { ("BLR") }'


def test_a_block_opens_each_clause_that_uses_the_parameter():
    text = """SELECT * WHERE {
  ?x <p> ?country .
  { SELECT ?y WHERE { ?y <q> ?country } }
  { SELECT ?z WHERE { ?z <r> ?other } }
}"""
    bound = with_values(text, BINDINGS)
    assert bound.count(BLOCK) == 2
    assert bound.index(BLOCK) < bound.index("?x <p>")
    inner = bound.index("SELECT ?y WHERE {")
    assert bound.index(BLOCK, inner) < bound.index("?y <q>")
    assert BLOCK not in bound[bound.index("SELECT ?z"):]


def test_a_clause_that_only_wraps_sub_selects_gets_no_block():
    text = """SELECT ?a ?country WHERE {
  { SELECT ?a WHERE { ?a <p> ?country } }
  UNION
  { SELECT ?a WHERE { ?a <q> ?country } }
}"""
    bound = with_values(text, BINDINGS)
    assert bound.count(BLOCK) == 2
    assert bound.index(BLOCK) > bound.index("SELECT ?a WHERE {")


def test_braces_and_variables_in_comments_strings_and_iris_are_not_code():
    text = """PREFIX ex: <http://example.org/a#>
SELECT * WHERE {
  # a comment with { braces } and ?country
  { SELECT ?s WHERE { ?s <http://example.org/x#y> "a } ?country {" } }
  ?t ex:p ?country .
}"""
    bound = with_values(text, BINDINGS)
    assert bound.count(BLOCK) == 1
    assert bound.index(BLOCK) < bound.index("# a comment")
    ox.Store().query(bound)  # still valid SPARQL


def test_a_parameter_only_projected_is_bound_in_the_outermost_clause():
    bound = with_values("SELECT ?s ?country WHERE { ?s ?p ?o }", BINDINGS)
    assert bound.startswith("SELECT ?s ?country WHERE {\n  " + BLOCK)


def test_a_binding_the_text_does_not_name_is_left_out():
    text = "SELECT ?s ?country WHERE { ?s ?p ?country } # ?pair_forward only in a comment"
    bound = with_values(text, {**BINDINGS, "pair_forward": URIRef("https://w3id.org/mrkg/id/corridor/BLR/RUS")})
    assert bound.count(BLOCK) == 1
    assert "corridor/BLR/RUS" not in bound
    assert with_values("SELECT * WHERE { ?s ?p ?o }", BINDINGS) == "SELECT * WHERE { ?s ?p ?o }"


def test_a_given_optional_parameter_binds_its_given_flag():
    instruments = get("instruments")
    bound = bind(instruments, {"country": "KAZ"})
    assert bound["country_given"] == Literal(True)
    assert "organisation_given" not in bound and "area_given" not in bound
    assert "country_given" not in bind(instruments, {})
    assert "origin_given" not in bind(get("stock"), {"origin": "RUS", "destination": "TJK"})  # required


def test_a_part_for_a_given_parameter_is_empty_without_it_and_applies_with_it():
    # Oxigraph reads no pattern of a group whose FILTER names only variables nothing binds: the part
    # of instruments.rq for a country is empty without one, and the instruments are all there.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/i"), ox.NamedNode("http://example.org/p"),
                      ox.NamedNode("http://example.org/c")))
    text = """SELECT ?i ?of WHERE {
  ?i <http://example.org/p> ?any .
  OPTIONAL { SELECT ?i ?of WHERE { FILTER(?country_given) ?i <http://example.org/p> ?country BIND(true AS ?of) } }
}"""
    assert [s["of"] for s in store.query(text)] == [None]
    given = with_values(text, {"country": URIRef("http://example.org/c"), "country_given": Literal(True)})
    assert [s["of"].value for s in store.query(given)] == ["true"]


def test_no_where_clause_is_an_error():
    with pytest.raises(ValueError, match="no WHERE clause"):
        with_values("ASK { ?s ?p ?country }", BINDINGS)


def test_the_pair_type_binds_the_list_and_both_codes_in_order():
    bindings = bind(get("regime-between"), {"countries": "tjk, RUS", "on": "2020-01-01"})
    assert bindings["countries"] == Literal(" RUS TJK ")
    assert (bindings["countries_first"], bindings["countries_second"]) == (Literal("RUS"), Literal("TJK"))
    assert (bindings["countries_firstIri"], bindings["countries_secondIri"]) == (
        URIRef("https://w3id.org/mrkg/id/country/RUS"), URIRef("https://w3id.org/mrkg/id/country/TJK"))
    assert (bindings["countries_forward"], bindings["countries_backward"]) == (
        URIRef("https://w3id.org/mrkg/id/corridor/RUS/TJK"), URIRef("https://w3id.org/mrkg/id/corridor/TJK/RUS"))


def test_a_country_list_binds_the_list_and_its_first_code():
    bindings = bind(get("agreements-binding"), {"countries": "kaz,BLR,UKR", "on": "2020-01-01"})
    assert bindings["countries"] == Literal(" BLR KAZ UKR ")
    assert bindings["countries_first"] == Literal("BLR") and "countries_second" not in bindings
    assert bindings["countries_firstIri"] == URIRef("https://w3id.org/mrkg/id/country/BLR")
    assert "countries_secondIri" not in bindings and "countries_forward" not in bindings


@pytest.mark.parametrize("value", ["RUS", "RUS,RUS", "RUS,TJK,KAZ", ","])
def test_the_pair_type_needs_two_different_countries(value):
    with pytest.raises(QueryError, match="countries needs"):
        bind(get("regime-between"), {"countries": value})


TWO = {"country": Literal("BLR"), "on": Literal("2020-01-01")}


def test_a_sub_select_binds_only_the_parameters_it_names():
    text = """SELECT * WHERE {
  ?x <p> ?country .
  { SELECT ?y WHERE { ?y <q> ?on } }
}"""
    bound = with_values(text, TWO)
    outer, inner = bound.split("SELECT ?y WHERE {")
    assert 'VALUES (?country ?on) { ("BLR" "2020-01-01") }' in outer
    assert 'VALUES (?on) { ("2020-01-01") }' in inner


def test_a_sub_select_binds_what_its_projection_and_modifiers_name():
    text = """SELECT * WHERE {
  { SELECT ?y ?country WHERE { ?y <http://example.org/q> ?on } }
  { SELECT ?z WHERE { ?z <http://example.org/r> ?on } GROUP BY ?z HAVING(COUNT(?z) > STRLEN(?country)) }
}"""
    bound = with_values(text, TWO)
    projected = bound.split("SELECT ?y ?country WHERE {")[1].split("SELECT ?z WHERE {")[0]
    modified = bound.split("SELECT ?z WHERE {")[1]
    assert projected.lstrip().startswith('VALUES (?country ?on) { ("BLR" "2020-01-01") }')
    assert modified.lstrip().startswith('VALUES (?country ?on) { ("BLR" "2020-01-01") }')
    ox.Store().query(bound)  # still valid SPARQL


def test_the_outermost_clause_binds_every_parameter():
    bound = with_values("SELECT ?country ?on WHERE { ?s <p> ?on }", TWO)
    assert 'VALUES (?country ?on) { ("BLR" "2020-01-01") }' in bound
    solution = next(iter(ox.Store().query(bound.replace("?s <p> ?on", ""))))
    assert str(solution["country"]) == '"BLR"'


def test_a_corridor_header_binds_the_corridor_of_its_two_places():
    bindings = bind(get("stock"), {"origin": "world", "destination": "kaz"})
    assert bindings["corridor"] == URIRef("https://w3id.org/mrkg/id/corridor/world/KAZ")
    visa = bind(get("visa-requirement"), {"passport": "kosovo", "destination": "RUS"})
    assert visa["corridor"] == URIRef("https://w3id.org/mrkg/id/corridor/kosovo/RUS")
    assert "corridor" not in bind(get("flows"), {"origin": "RUS", "destination": "BLR"})


@pytest.mark.parametrize("line", ["origin", "origin year", "origin destination year", "destination nowhere"])
def test_a_corridor_line_names_two_required_places(tmp_path, line):
    path = tmp_path / "q.rq"
    path.write_text("# title: t\n# question: q\n# param: origin place required -- o\n"
                    "# param: destination place required -- d\n# param: year year optional -- y\n"
                    f"# columns: a\n# corridor: {line}\nSELECT ?a WHERE {{ ?a ?b ?c }}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad corridor line"):
        parse_header(path)
