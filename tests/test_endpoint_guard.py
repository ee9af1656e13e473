"""The checks that refuse a query before it is evaluated (mrkg.endpoint.guard)."""

from __future__ import annotations

import pytest

from mrkg.endpoint.guard import Refused, has_service_keyword, inspect

GRAPHS = frozenset({"https://w3id.org/mrkg/graph/reference", "https://w3id.org/mrkg/graph/ontology"})


def refusal(text: str) -> Refused:
    with pytest.raises(Refused) as caught:
        inspect(text, GRAPHS)
    return caught.value


@pytest.mark.parametrize("text, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("ASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <https://w3id.org/mrkg/id/country/BLR>", "DESCRIBE"),
])
def test_each_query_form_is_recognised(text, form):
    checked = inspect(text, GRAPHS)
    assert checked.form == form
    assert checked.returns_graph == (form in ("CONSTRUCT", "DESCRIBE"))
    assert not checked.has_dataset


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?q ?r } } } }",
    "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "ASK { service <http://x/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
])
def test_service_is_refused_wherever_it_is(text):
    refused = refusal(text)
    assert refused.status == 403
    assert "SERVICE" in refused.message


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:name ?service }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
])
def test_the_word_service_where_it_is_no_keyword_is_allowed(text):
    assert inspect(text, GRAPHS).form == "SELECT"


def test_lexical_check_finds_the_keyword_outside_strings_iris_and_comments():
    assert has_service_keyword("SELECT * { SERVICE <x:y> {} }")
    assert has_service_keyword("SELECT * {\n  sErViCe\t<x:y> {} }")
    assert not has_service_keyword('SELECT * { ?s ?p """a SERVICE b""" }')
    assert not has_service_keyword("SELECT ?service { ?service ex:SERVICE ?o }")


@pytest.mark.parametrize("text", [
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD <file:///etc/passwd> INTO GRAPH <http://x/>",
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/mrkg/graph/reference>",
    "CREATE GRAPH <http://x/g>",
    "COPY DEFAULT TO <http://x/g>",
    "MOVE <http://x/a> TO <http://x/b>",
    "ADD <http://x/a> TO <http://x/b>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://x/> INSERT DATA { ex:a ex:b ex:c } ; DROP ALL",
])
def test_updates_are_refused_as_writes(text):
    refused = refusal(text)
    assert refused.status == 403
    assert "read-only" in refused.message


@pytest.mark.parametrize("clause", ["FROM <file:///etc/passwd>", "FROM <http://127.0.0.1:9/g.ttl>",
                                    "FROM NAMED <http://example.org/g>",
                                    "FROM <https://w3id.org/mrkg/graph/reference> FROM NAMED <ftp://x/y>"])
def test_from_naming_a_graph_outside_the_dataset_is_refused(clause):
    refused = refusal(f"SELECT * {clause} WHERE {{ ?s ?p ?o }}")
    assert refused.status == 403
    assert "not a graph here" in refused.message


def test_from_with_graphs_of_the_dataset_is_allowed_and_reported():
    checked = inspect("PREFIX g: <https://w3id.org/mrkg/graph/> SELECT * FROM g:reference "
                      "FROM NAMED <https://w3id.org/mrkg/graph/ontology> WHERE { ?s ?p ?o }", GRAPHS)
    assert checked.default_graphs == ("https://w3id.org/mrkg/graph/reference",)
    assert checked.named_graphs == ("https://w3id.org/mrkg/graph/ontology",)
    assert checked.has_dataset


@pytest.mark.parametrize("text, expected", [
    ("SELECT * WHERE { ?s ?p }", "Expected"),
    ("SELECT * WHERE { ?s ex:p ?o }", "ex"),
    ("   ", "empty"),
])
def test_malformed_queries_get_400_with_the_parser_message(text, expected):
    refused = refusal(text)
    assert refused.status == 400
    assert expected in refused.message
