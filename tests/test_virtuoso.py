"""Round trip through a real Virtuoso 7 (Debian's virtuoso-opensource): push the curated graph with
``mrkg build``, then every named query's examples must answer as on the embedded store.

The server is the ``virtuoso`` fixture (tests/virtuoso_server.py): its own ``virtuoso-t`` on 127.0.0.1,
pushed to through the digest-authenticated ``/sparql-auth`` endpoint. Without Virtuoso it skips, except
under ``CI=true``, where it fails. The visa data: tests/test_virtuoso_visa.py.
"""

from __future__ import annotations

import pytest
from rdflib import Literal

import mrkg.cli
from mrkg.graph.checks import violation_queries
from mrkg.graph.remote import RemoteEngine
from mrkg.ontology import iris
from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import QUERIES_DIR, bind, named_queries
from virtuoso_server import canonical


@pytest.fixture(scope="module")
def pushed(virtuoso):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MRKG_SPARQL_USER", "dba")
        patch.setenv("MRKG_SPARQL_PASSWORD", virtuoso["password"])
        code = mrkg.cli.main(["--store", virtuoso["url"], "build", "--no-tables",
                              "--update-url", virtuoso["update_url"]])
    assert code == 0
    return virtuoso


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_answer_the_same_on_virtuoso(pushed, real_store, name):
    query = named_queries()[name]
    remote, local = RemoteEngine.open(pushed["url"], timeout=60), OxigraphEngine.open(real_store)
    for example in query.examples:
        bindings = bind(query, example)
        assert canonical(run_named(remote, query, bindings)) == canonical(run_named(local, query, bindings)), example


@pytest.mark.virtuoso
def test_push_to_virtuoso_needs_the_password(virtuoso, monkeypatch, capsys):
    monkeypatch.setenv("MRKG_SPARQL_USER", "dba")
    monkeypatch.setenv("MRKG_SPARQL_PASSWORD", "not-the-password")
    assert mrkg.cli.main(["--store", virtuoso["url"], "build", "--no-tables",
                          "--update-url", virtuoso["update_url"]]) == 2
    assert "refused the request as user 'dba'" in capsys.readouterr().err


LIST_BINDINGS = {"find": {"text": Literal("kaz")}, "describe": {"entity": iris.country("KAZ")}}


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(path.stem for path in (QUERIES_DIR / "lists").glob("*.rq")))
def test_lists_answer_the_same_on_virtuoso(pushed, real_store, name):
    text = (QUERIES_DIR / "lists" / f"{name}.rq").read_text(encoding="utf-8")
    bindings = LIST_BINDINGS.get(name, {})
    remote, local = RemoteEngine.open(pushed["url"], timeout=60), OxigraphEngine.open(real_store)
    expected = canonical(local.run(text, bindings))
    assert expected, f"{name} finds nothing on the embedded store: the comparison would prove nothing"
    assert canonical(remote.run(text, bindings)) == expected


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", sorted(violation_queries()))
def test_graph_checks_pass_on_virtuoso(pushed, name):
    assert RemoteEngine.open(pushed["url"], timeout=60).run(violation_queries()[name], {}).rows == []
