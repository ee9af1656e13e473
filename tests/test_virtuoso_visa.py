"""The visa queries on a real Virtuoso 7, with the visa data (the round trip in ``test_virtuoso`` pushes
the curated build, which has none, so there they answer nothing on either engine).

A server of its own, started for this module: the curated graphs and the full build's visa graph are
pushed before any query runs. Virtuoso keeps a query's compiled plan: `visa-changes` run once on a
server without visa data then ran past 100 s after the push, where a fresh server takes about 5 s.
The server is the ``virtuoso`` fixture (tests/virtuoso_server.py). Without Virtuoso it skips, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mrkg.graph.push import push
from mrkg.graph.remote import Client, RemoteEngine
from mrkg.graph.store import open_read_only
from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import bind, named_queries
from virtuoso_server import canonical

VISA_GRAPH = "https://w3id.org/mrkg/graph/passport-index-visa"
VISA_QUERIES = sorted(name for name in named_queries() if name.startswith("visa-"))


@pytest.fixture(scope="module")
def pushed_with_visa(virtuoso, real_store, full_store):
    curated = open_read_only(real_store).dump(format=ox.RdfFormat.N_QUADS)
    lines = open_read_only(full_store).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(VISA_GRAPH))
    visa = b"".join(line[:-2] + f" <{VISA_GRAPH}> .\n".encode() for line in lines.splitlines(keepends=True))
    report = push(curated + visa, Client(virtuoso["url"], virtuoso["update_url"], 120, "dba", virtuoso["password"]))
    assert report.quads > 600_000
    return virtuoso


@pytest.mark.slow
@pytest.mark.virtuoso
@pytest.mark.parametrize("name", VISA_QUERIES)
def test_visa_queries_answer_the_same_on_virtuoso(pushed_with_visa, full_store, name):
    query = named_queries()[name]
    assert query.examples, f"{name} has no example to compare"
    remote, local = RemoteEngine.open(pushed_with_visa["url"], timeout=60), OxigraphEngine.open(full_store)
    for example in query.examples:
        bindings = bind(query, example)
        expected = canonical(run_named(local, query, bindings))
        assert expected, f"{name} {example} answers nothing on the full graph: the comparison would prove nothing"
        assert canonical(run_named(remote, query, bindings)) == expected, example


@pytest.mark.slow
@pytest.mark.virtuoso
def test_regime_between_visa_rows_are_the_same_on_virtuoso(pushed_with_visa, full_store):
    """Its visa parts read the pair's observations from the countries' IRIs bound with the codes (rule 31 in
    docs/benchmarks.md); the other parts need graphs this server does not have (the tables)."""
    query = named_queries()["regime-between"]
    bindings = bind(query, {"countries": "KAZ,TJK", "on": "2024-06-01"})
    remote, local = RemoteEngine.open(pushed_with_visa["url"], timeout=60), OxigraphEngine.open(full_store)

    def visa_rows(result):
        return sorted(repr(row) for row in result.strings() if row["aspect"] == "visa")

    expected = visa_rows(run_named(local, query, bindings))
    assert len(expected) == 2, expected  # each way between the two, on the 2024-01-05 snapshot
    assert visa_rows(run_named(remote, query, bindings)) == expected
