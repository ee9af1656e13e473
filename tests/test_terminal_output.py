"""Data values printed by the CLI cannot drive the terminal: ANSI escape codes, other control
characters and bidirectional overrides in a literal are shown escaped in tables, written as
``\\uXXXX`` (the same data) in JSON and Turtle, and left exact in CSV sent to a file or pipe."""

from __future__ import annotations

import json
import sys
import re

import pytest
from rdflib import Graph, Literal, URIRef

import mrkg.cli
from mrkg.cli.terminal import printable
from mrkg.graph.store import install

EVIL = "Evil\x1b[31mRed\x1b[2J\x07\x9b1A\u202eReversed\rOverwritten"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
ENTITY = "https://w3id.org/mrkg/id/country/EVL"


def _nquads_literal(text: str) -> str:
    return '"' + "".join(ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04X}" for ch in text) + '"'


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "store"
    graph = "<https://w3id.org/mrkg/graph/reference>"
    lines = [f"<{ENTITY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
             f"<https://w3id.org/mrkg/ontology#Country> {graph} .",
             f"<{ENTITY}> <http://purl.org/dc/terms/identifier> \"EVL\" {graph} .",
             f"<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#label> {_nquads_literal(EVIL)} {graph} ."]
    install(path, ("\n".join(sorted(lines)) + "\n").encode("utf-8"), "hostile", {})
    return path


def _run(store, capsys, *args) -> str:
    assert mrkg.cli.main(["--store", str(store), *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [("describe", ENTITY), ("list", "countries"),
                                  ("sparql", "SELECT ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> "
                                             "?label }")])
def test_tables_show_control_characters_escaped(store, capsys, args):
    out = _run(store, capsys, *args)
    assert not UNSAFE.search(out), f"raw control characters in {args[0]}'s table: {out!r}"
    assert "\r" not in out
    assert "Evil\\x1b[31mRed\\x1b[2J\\x07\\x9b1A\\u202eReversed" in out


def test_json_escapes_them_and_keeps_the_value(store, capsys):
    out = _run(store, capsys, "sparql", "SELECT ?p ?value WHERE { ?s ?p ?value }", "--format", "json")
    assert not UNSAFE.search(out) and "\r" not in out
    values = [b["value"]["value"] for b in json.loads(out)["results"]["bindings"]]
    assert EVIL in values


def test_turtle_escapes_them_and_keeps_the_value(store, capsys):
    out = _run(store, capsys, "sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not UNSAFE.search(out) and "\r" not in out
    graph = Graph().parse(data=out, format="turtle")
    assert graph.value(URIRef(ENTITY), URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == Literal(EVIL)


def test_csv_to_a_file_keeps_the_exact_value(store, capsys):
    out = _run(store, capsys, "list", "countries", "--format", "csv")
    assert EVIL in out  # not a terminal (captured): the data, exactly


def test_error_messages_show_them_escaped(store, capsys):
    assert mrkg.cli.main(["--store", str(store), "describe", "nothing\x1b[2Jhere"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err


@pytest.mark.parametrize("text,shown", [
    ("plain Кириллица 中文 text", "plain Кириллица 中文 text"),
    ("a\x1b[0mb", "a\\x1b[0mb"),
    ("\x00\x7f\x85", "\\x00\\x7f\\x85"),
    ("right\u202eleft\u2066", "right\\u202eleft\\u2066"),
    ("line\u2028break", "line\\u2028break"),
    ("tab\tnew\nline", "tab\\x09new\\x0aline"),
])
def test_printable(text, shown):
    assert printable(text) == shown


def test_csv_to_a_terminal_shows_them_escaped(store, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    out = _run(store, capsys, "list", "countries", "--format", "csv")
    assert not UNSAFE.search(out) and "\r" not in out
    assert "Evil\\x1b[31mRed" in out


def test_a_query_text_longer_than_a_file_name_is_run_as_a_query(store, capsys):
    # `mrkg sparql` first asks whether its argument names a file; the system refuses the lookup of
    # a name over 255 bytes, which must not stop the query.
    out = _run(store, capsys, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # " + "x" * 400)
    assert out.splitlines()[0].strip() == "n"
