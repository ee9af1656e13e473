"""`mrkg network stats|export` on a fixture graph, checked against networkx run on a graph written
down by hand (not derived through mrkg), and against degrees counted by hand."""

from __future__ import annotations

import datetime as dt
import json
from itertools import combinations

import networkx as nx
import pytest

from mrkg.cli import main
from mrkg.ontology import iris
from mrkg.views import network
from views_fixtures import Fixture, engine as fixture_engine

ON = dt.date(2010, 1, 1)

# Five countries. In force on 2010-01-01: t1 (AAA, BBB, CCC), t2 (AAA, BBB), t3 (CCC, DDD).
# Not ties on the date: t4 enters into force in 2012; EEE only signed t3; t5 is signed in 2011.
FIXTURE = Fixture(
    countries={"AAA": "Aland", "BBB": "Bland", "CCC": "Cland", "DDD": "Dland", "EEE": "Eland"},
    instruments={"t1": "Treaty one", "t2": "Treaty two", "t3": "Treaty three", "t4": "Treaty four",
                 "t5": "Treaty five"},
    participations=[
        ("t1", "AAA", "2000-01-01", "2001-01-01"), ("t1", "BBB", "2000-01-01", "2001-01-01"),
        ("t1", "CCC", "2000-01-01", "2003-05-01"),
        ("t2", "AAA", "2004-01-01", "2005-01-01"), ("t2", "BBB", "2004-01-01", "2005-01-01"),
        ("t3", "CCC", "2006-01-01", "2007-01-01"), ("t3", "DDD", "2006-01-01", "2007-01-01"),
        ("t3", "EEE", "2006-01-01", None),
        ("t4", "DDD", "2009-01-01", "2012-01-01"), ("t4", "EEE", "2009-01-01", "2012-01-01"),
        ("t5", "AAA", "2011-01-01", None), ("t5", "DDD", "2011-01-01", None),
    ],
    flows=[
        ("AAA", "BBB", "migrant-stock", 2019, 100, "src"), ("BBB", "AAA", "migrant-stock", 2019, 50, "src"),
        ("CCC", "AAA", "migrant-stock", 2019, 25, "src"), ("AAA", "DDD", "migrant-stock", 2019, 10, "src"),
        ("AAA", "DDD", "migrant-stock", 2017, 999, "src"),  # older: the 2019 figure counts
        ("DDD", "CCC", "migrant-stock", 2019, 0, "src"),  # zero: left out
        ("AAA", "BBB", "migrant-stock", 2019, 7, "other"),  # another source: never mixed in
    ],
)


@pytest.fixture(scope="module")
def engine():
    return fixture_engine(FIXTURE)


def by_hand_agreements() -> nx.Graph:
    graph = nx.Graph()
    for members in (["AAA", "BBB", "CCC"], ["AAA", "BBB"], ["CCC", "DDD"]):
        for a, b in combinations(members, 2):
            weight = graph[a][b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


def by_hand_flows() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_weighted_edges_from([("AAA", "BBB", 100.0), ("BBB", "AAA", 50.0), ("CCC", "AAA", 25.0),
                                   ("AAA", "DDD", 10.0)])
    return graph


def rows(result):
    return {row["country"]: row for row in result.strings()}


def test_agreements_stats_match_networkx_on_the_hand_made_graph(engine):
    result = rows(network.stats(network.agreements_graph(engine, ON)))
    expected = by_hand_agreements()
    assert set(result) == {"AAA", "BBB", "CCC", "DDD"}  # EEE is in no instrument in force
    # Degrees counted by hand: AAA-BBB (t1, t2), AAA-CCC, BBB-CCC (t1), CCC-DDD (t3).
    assert {c: int(r["degree"]) for c, r in result.items()} == {"AAA": 2, "BBB": 2, "CCC": 3, "DDD": 1}
    assert {c: int(r["weighted_degree"]) for c, r in result.items()} == {"AAA": 3, "BBB": 3, "CCC": 3, "DDD": 1}
    betweenness = nx.betweenness_centrality(expected, normalized=True)
    pagerank = nx.pagerank(expected, weight="weight")
    for code, row in result.items():
        assert float(row["betweenness"]) == pytest.approx(betweenness[code], abs=1e-6)
        assert float(row["pagerank"]) == pytest.approx(pagerank[code], abs=1e-6)
    assert float(result["CCC"]["betweenness"]) == pytest.approx(2 / 3, abs=1e-6)  # on every path to DDD
    assert [r["country"] for r in network.stats(network.agreements_graph(engine, ON)).strings()][0] == "CCC"


def test_the_date_changes_the_ties(engine):
    later = rows(network.stats(network.agreements_graph(engine, dt.date(2013, 1, 1))))
    assert set(later) == {"AAA", "BBB", "CCC", "DDD", "EEE"}  # t4 in force from 2012
    assert int(later["DDD"]["degree"]) == 2
    with pytest.raises(network.ViewError, match="no country is party"):
        network.agreements_graph(engine, dt.date(1999, 1, 1))


def test_flows_stats_match_networkx(engine):
    graph = network.flows_graph(engine, iris.entity("measure", "migrant-stock"), "migrant-stock", None,
                                iris.entity("statistical-source", "src"), "src")
    result = rows(network.stats(graph))
    expected = by_hand_flows()
    pagerank = nx.pagerank(expected, weight="weight")
    betweenness = nx.betweenness_centrality(expected, normalized=True)
    assert set(result) == set(expected)
    for code, row in result.items():
        assert int(row["degree"]) == expected.degree(code)
        assert float(row["weighted_degree"]) == pytest.approx(expected.degree(code, weight="weight"))
        assert float(row["pagerank"]) == pytest.approx(pagerank[code], abs=1e-6)
        assert float(row["betweenness"]) == pytest.approx(betweenness[code], abs=1e-6)
    assert float(result["AAA"]["weighted_degree"]) == 185
    assert "1 figures of zero or less left out" in graph.description[0]


def test_flows_pick_one_source_and_say_so(engine):
    graph = network.flows_graph(engine, iris.entity("measure", "migrant-stock"), "migrant-stock", 2019, None, None)
    assert graph.graph["AAA"]["BBB"]["weight"] == 100  # "src" has more figures than "other"
    assert "from src (of other, src" in graph.description[0]


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_reads_back_in_networkx(engine, tmp_path, fmt, reader):
    out = network.export(network.agreements_graph(engine, ON), tmp_path / f"g.{fmt}", fmt)
    back = reader(out)
    expected = by_hand_agreements()
    assert {frozenset(e) for e in back.edges()} == {frozenset(e) for e in expected.edges()}
    for a, b in expected.edges():
        assert float(back[a][b]["weight"]) == expected[a][b]["weight"]
    assert back.nodes["AAA"]["iri"] == str(iris.country("AAA"))
    assert float(back.nodes["CCC"]["degree"]) == 3


def test_cli_stats_on_the_shipped_graph(real_store, capsys):
    assert main(["--store", str(real_store), "network", "stats", "--on", "2015-01-01", "--format", "json"]) == 0
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert answer["head"]["vars"] == network.COLUMNS
    countries = [b["country"]["value"] for b in answer["results"]["bindings"]]
    assert {"BLR", "KAZ", "RUS"} <= set(countries)
    assert "agreements in force on 2015-01-01" in captured.err
