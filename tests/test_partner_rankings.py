"""The partner rankings (graph/partner_rankings.py): on hand-made figures, on the whole graph against the
figures they list, and the named queries that read them (top-partners, group-total, partner-years)
against their former texts, which found the same figures by testing each of the place's figures
(tests/fixtures/*-from-figures.rq)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

import mrkg
from mrkg.graph.compare import Comparable
from mrkg.graph.partner_rankings import RANKINGS_GRAPH, nquads, rankings, sorted_blocks
from mrkg.graph.store import open_read_only
from mrkg.loaders.datasets.figures import by_subject
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG
from mrkg.queries.execute import OxigraphEngine, run_named
from mrkg.queries.library import bind, named_queries

FIXTURES = Path(__file__).parent / "fixtures"
STOCK, REMITTANCES = (str(iris.entity("measure", m)) for m in ("migrant-stock", "remittances"))
UN, KNOMAD = (str(iris.entity("statistical-source", s)) for s in ("un-desa", "knomad"))
DOC_UN, DOC_KN, DOC_UNDESCRIBED = (str(iris.document(s)) for s in ("un-ims-2019", "knomad-2017", "nowhere"))
PLACE = {code: str(iris.place(code)) for code in ("KAZ", "KGZ", "RUS", "TJK", "UZB")}
WORLD = str(iris.place("world"))
MID_YEAR = str(iris.entity("period", "2019-07"))  # a period that is not a calendar year


def figure(node, value, origin, destination, year=2019, source=UN, document=DOC_UN, measure=STOCK, period=None):
    return Comparable(f"https://example.org/{node}", measure, (origin, destination, None, None, None, None),
                      period or str(iris.entity("period", str(year))), None if period else year, Decimal(value),
                      "person", source, value, str(XSD.decimal), str(iris.entity("unit", "person")), document)


@pytest.fixture
def described():
    """The countries (typed, with codes), the documents' names and the one period that is not a year."""
    data = Dataset()
    graph = data.graph(URIRef("https://example.org/g"))
    for code, place in PLACE.items():
        graph.add((URIRef(place), RDF.type, MRKG.Country))
        graph.add((URIRef(place), DCTERMS.identifier, Literal(code)))
    graph.add((URIRef(WORLD), DCTERMS.identifier, Literal("world")))  # an area, not a country
    graph.add((URIRef(DOC_UN), DCTERMS.identifier, Literal("un-ims-2019")))
    graph.add((URIRef(DOC_KN), DCTERMS.identifier, Literal("knomad-2017")))
    graph.add((URIRef(MID_YEAR), MRKG.periodStart, Literal("2019-07-01", datatype=XSD.date)))
    return data


def listed(found, place, role, **key) -> list[str]:
    [ranking] = [r for r in found if (r.place, r.role) == (PLACE[place], str(role))
                 and all(getattr(r, k) == v for k, v in key.items())]
    return [node.rsplit("/", 1)[1] for node in ranking.figures]


def test_partners_are_ranked_largest_first_then_by_code_in_both_directions(described):
    found = rankings(described, [figure("kgz", "50", PLACE["KGZ"], PLACE["RUS"]),
                                 figure("uzb", "900", PLACE["UZB"], PLACE["RUS"]),
                                 figure("kaz", "50", PLACE["KAZ"], PLACE["RUS"]),
                                 figure("rus-kaz", "7", PLACE["RUS"], PLACE["KAZ"])])
    assert listed(found, "RUS", MRKG.origin) == ["uzb", "kaz", "kgz"]  # 50 and 50: KAZ before KGZ
    assert listed(found, "RUS", MRKG.destination) == ["rus-kaz"]
    assert listed(found, "KAZ", MRKG.origin) == ["rus-kaz"]
    assert listed(found, "KGZ", MRKG.destination) == ["kgz"]


def test_each_source_and_document_is_ranked_on_its_own(described):
    found = rankings(described, [figure("un", "10", PLACE["KAZ"], PLACE["RUS"]),
                                 figure("kn", "99", PLACE["UZB"], PLACE["RUS"], source=KNOMAD, document=DOC_KN),
                                 figure("un-uzb", "5", PLACE["UZB"], PLACE["RUS"])])
    assert listed(found, "RUS", MRKG.origin, source=UN) == ["un", "un-uzb"]
    assert listed(found, "RUS", MRKG.origin, source=KNOMAD, dataset="knomad-2017") == ["kn"]


def test_measures_and_years_are_ranked_apart_and_a_period_counts_in_the_year_it_starts(described):
    found = rankings(described, [figure("2019", "1", PLACE["KAZ"], PLACE["RUS"]),
                                 figure("2018", "2", PLACE["KAZ"], PLACE["RUS"], year=2018),
                                 figure("mid", "3", PLACE["UZB"], PLACE["RUS"], period=MID_YEAR),
                                 figure("money", "4", PLACE["UZB"], PLACE["RUS"], measure=REMITTANCES)])
    assert listed(found, "RUS", MRKG.origin, year=2019, measure=STOCK) == ["mid", "2019"]
    assert listed(found, "RUS", MRKG.origin, year=2018) == ["2018"]
    assert listed(found, "RUS", MRKG.origin, measure=REMITTANCES) == ["money"]


def test_only_countries_are_partners_and_figures_without_a_named_document_are_left_out(described):
    found = rankings(described, [figure("world", "1000", PLACE["KAZ"], WORLD),
                                 figure("nameless", "5", PLACE["UZB"], PLACE["RUS"], document=DOC_UNDESCRIBED),
                                 figure("area-only", "5", None, PLACE["RUS"])])
    # KAZ -> world: the world's ranking of origins lists it; KAZ's ranking of destinations does not list the world
    assert [(r.place, r.role) for r in found] == [(WORLD, str(MRKG.origin))]
    assert found[0].figures == ("https://example.org/world",)


def test_the_rankings_quads_name_place_role_measure_year_and_members_in_order(described):
    found = rankings(described, [figure("a", "1", PLACE["KAZ"], PLACE["RUS"]), figure("b", "2", PLACE["UZB"], PLACE["RUS"])])
    ranking = next(r for r in found if r.place == PLACE["RUS"])
    assert str(ranking.node) == "https://w3id.org/mrkg/id/ranking/RUS/origins/migrant-stock/2019/un-ims-2019/un-desa"
    data = Dataset()
    data.parse(data="\n".join(nquads([ranking])), format="nquads")
    graph = data.graph(RANKINGS_GRAPH)
    node = ranking.node
    assert set(graph.predicate_objects(node)) == {
        (RDF.type, MRKG.PartnerRanking), (MRKG.rankedPlace, URIRef(PLACE["RUS"])), (MRKG.partnerRole, MRKG.origin),
        (MRKG.rankedMeasure, URIRef(STOCK)), (MRKG.rankingYear, Literal(2019)), (MRKG.rankedDocument, URIRef(DOC_UN)),
        (MRKG.rankedSource, URIRef(UN)),
        (RDF._1, URIRef("https://example.org/b")), (RDF._2, URIRef("https://example.org/a"))}


# ---------------------------------------------------------------------------
# The whole graph
# ---------------------------------------------------------------------------

PREFIXES = """PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
"""

# What top-partners ranked before the rankings were written: each figure between two places, with the
# codes of those that are countries (the partners) and what orders it.
FIGURES = PREFIXES + """SELECT ?obs ?origin ?destination ?measure ?start ?value ?source ?dataset ?originCode ?destinationCode
WHERE {
  ?obs mrkg:origin ?origin ; mrkg:destination ?destination ; mrkg:measure ?measure ; sdmx-dimension:refPeriod ?period ;
       sdmx-measure:obsValue ?value ; dcterms:source ?document .
  ?period mrkg:periodStart ?start .
  ?document dcterms:identifier ?dataset .
  OPTIONAL { ?obs mrkg:statisticalSource ?source }
  OPTIONAL { ?origin a mrkg:Country ; dcterms:identifier ?originCode }
  OPTIONAL { ?destination a mrkg:Country ; dcterms:identifier ?destinationCode }
}"""

WRITTEN = PREFIXES + """SELECT ?ranking ?place ?role ?measure ?year ?source ?dataset ?member ?obs WHERE {
  ?ranking a mrkg:PartnerRanking ; mrkg:rankedPlace ?place ; mrkg:partnerRole ?role ; mrkg:rankedMeasure ?measure ;
           mrkg:rankingYear ?year ; mrkg:rankedDocument ?document ; ?member ?obs .
  ?document dcterms:identifier ?dataset .
  OPTIONAL { ?ranking mrkg:rankedSource ?source }
  FILTER(STRSTARTS(STR(?member), STR(rdf:_)))
}"""

KEY = ("place", "role", "measure", "year", "source", "dataset")


@pytest.mark.slow
def test_every_ranking_lists_its_places_figures_largest_first(full_store):
    expected: dict[tuple, list] = defaultdict(list)
    for row in mrkg.sparql(FIGURES, store=full_store).rows:
        rest = (str(row["measure"]), str(row["start"])[:4], str(row["source"] or ""), str(row["dataset"]))
        for place, role, partner in ((row["destination"], MRKG.origin, row["originCode"]),
                                     (row["origin"], MRKG.destination, row["destinationCode"])):
            if partner is not None:
                expected[(str(place), str(role), *rest)].append((-Decimal(str(row["value"])), str(partner), str(row["obs"])))
    written: dict[tuple, dict[int, str]] = defaultdict(dict)
    rankings_of_key: dict[tuple, set] = defaultdict(set)
    for row in mrkg.sparql(WRITTEN, store=full_store).rows:
        key = tuple(str(row[c] or "") for c in KEY)
        written[key][int(str(row["member"]).rsplit("_", 1)[1])] = str(row["obs"])
        rankings_of_key[key].add(str(row["ranking"]))
    assert len(expected) > 4000
    assert sorted(written) == sorted(expected)
    for key, figures in expected.items():
        assert len(rankings_of_key[key]) == 1, key
        members = written[key]
        assert [members[rank] for rank in range(1, len(members) + 1)] == [obs for *_, obs in sorted(figures)], key


def _combinations(store, years: int = 2) -> list[dict[str, str]]:
    """Parameter sets of top-partners taken from the graph: for a few places, each measure in both
    directions in its latest ``years`` years."""
    rows = mrkg.sparql(PREFIXES + """SELECT DISTINCT ?code ?role ?measureId ?year WHERE {
      ?ranking mrkg:rankedPlace ?place ; mrkg:partnerRole ?role ; mrkg:rankedMeasure ?measure ; mrkg:rankingYear ?year .
      ?place dcterms:identifier ?code . ?measure dcterms:identifier ?measureId .
      VALUES ?code { "RUS" "KAZ" "TJK" "BLR" "KGZ" "DEU" "UZB" }
    } ORDER BY ?code ?role ?measureId DESC(?year)""", store=store).rows
    chosen: dict[tuple, list] = defaultdict(list)
    for row in rows:
        key = (str(row["code"]), str(row["role"]), str(row["measureId"]))
        if len(chosen[key]) < years:
            chosen[key].append({"country": key[0], "measure": key[2], "year": str(row["year"]),
                                "direction": "in" if row["role"] == MRKG.origin else "out"})
    return [params for sets in chosen.values() for params in sets]


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["in", "out"])
def test_partner_years_answers_as_its_text_that_read_every_figure(full_store, direction):
    engine = OxigraphEngine(open_read_only(full_store))
    query = named_queries()["partner-years"]
    former = dataclasses.replace(query, text=(FIXTURES / "partner-years-from-figures.rq").read_text(encoding="utf-8"))
    for country in ("RUS", "KAZ", "TJK", "BLR", "KGZ", "DEU", "UZB", "UKR", "ARM"):
        bound = bind(query, {"country": country, "direction": direction})
        answer = run_named(engine, query, bound).rows
        assert answer and answer == run_named(engine, former, bound).rows, country


@pytest.mark.slow
def test_top_partners_and_group_total_answer_as_their_texts_that_read_every_figure(full_store):
    engine = OxigraphEngine(open_read_only(full_store))
    queries = named_queries()
    combinations = _combinations(full_store)
    assert len(combinations) > 90 and {p["direction"] for p in combinations} == {"in", "out"}
    for name, variants in (("top-partners", ({"n": "3"}, {}, {"n": "1000"}, {"source": "un-desa"})),
                           ("group-total", ({"members": "ARM,BLR,KAZ,KGZ,RUS,TJK,UZB,UKR"},))):
        query = queries[name]
        former = dataclasses.replace(query, text=(FIXTURES / f"{name}-from-figures.rq").read_text(encoding="utf-8"))
        for params in combinations:
            if name == "group-total":
                if params["direction"] != "in":
                    continue
                params = {"measure": params["measure"], "destination": params["country"], "year": params["year"]}
            for extra in variants:
                bound = bind(query, {**params, **extra})
                answer = run_named(engine, query, bound).rows
                assert answer == run_named(engine, former, bound).rows, (name, params, extra)
                # each parameter set is a ranking of the graph: with no other setting, it has rows
                assert answer or extra or name != "top-partners", params


def test_a_ranking_of_figures_that_name_no_statistical_source_names_its_document_only(described):
    [ranking] = [r for r in rankings(described, [figure("a", "1", PLACE["KAZ"], WORLD, source=DOC_UN)])]
    assert str(ranking.node).endswith("/un-ims-2019/unattributed")
    written = {line.split(" ")[1] for line in nquads([ranking])}
    assert f"<{MRKG.rankedDocument}>" in written and f"<{MRKG.rankedSource}>" not in written


def test_the_dumps_blocks_are_the_rankings_lines_in_order(described):
    # un-desa and un-desa-x: an IRI that begins another sorts after it as a line ("<...un-desa> " > "<...un-desa-x> ")
    other = str(iris.entity("statistical-source", "un-desa-x"))
    found = rankings(described, [figure("a", "1", PLACE["KAZ"], PLACE["RUS"]), figure("b", "2", PLACE["UZB"], PLACE["RUS"]),
                                 figure("c", "3", PLACE["KAZ"], PLACE["RUS"], source=other),
                                 *(figure(f"m{i}", str(i), PLACE["KGZ"], PLACE["TJK"], year=2000 + i % 3) for i in range(12))])
    assert list(sorted_blocks(found)) == list(by_subject(sorted(nquads(found))))
    assert list(sorted_blocks([])) == []
