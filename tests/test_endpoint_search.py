"""The server's /search and the search box on every page: HTML by default and JSON by negotiation,
the answer's shape, helpful pages for texts with nothing to search, bounds, the index built once,
escaping of data and of the text searched for, and (in Chromium) the box on a page submitting and
leading to Kazakhstan's page."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import InlineEvaluator, OxigraphRunner
from mrkg.queries.execute import OxigraphEngine
from mrkg.queries.library import get
from mrkg.queries.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT

KAZ = {"kind": "country", "id": "KAZ", "label": "Kazakhstan", "iri": "https://w3id.org/mrkg/id/country/KAZ",
       "href": "/id/country/KAZ", "match": "identifier", "matched": "KAZ"}
BOX = re.compile(r'<header>.*<form action="/search" method="get" role="search"><input type="search" name="q"',
                 re.DOTALL)


class Counting(InlineEvaluator):
    """Counts how often the search index's query is evaluated."""

    index_runs = 0

    def run(self, text, bindings=None, max_rows=None, first=None):
        if text == get("search-index").text:
            Counting.index_runs += 1
        return super().run(text, bindings, max_rows, first)


@pytest.fixture(scope="module")
def client(real_store):
    evaluator = Counting.for_engine(OxigraphEngine.open(real_store))
    with TestClient(create_app(evaluator)) as test_client:
        yield test_client


def search(client, accept=None, **params):
    return client.get("/search", params=params, headers={"Accept": accept} if accept else {})


def results_table(html: str) -> list[list[str]]:
    table = re.search(r'<table id="search-results">(.*?)</table>', html, re.DOTALL).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]  # after the header row
    return [re.findall(r"<td>(.*?)</td>", row, re.DOTALL) for row in rows]


@pytest.mark.parametrize("path", ["/", "/queries", "/sparql", "/id/country/KAZ", "/ontology", "/search",
                                  "/queries/members?organisation=cis"])
def test_every_page_has_the_search_box(client, path):
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and BOX.search(page.text)


def test_html_by_default_with_kazakhstan_linked_first(client):
    response = search(client, q="KAZ")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    rows = results_table(response.text)
    assert rows[0] == ["country", "<code>KAZ</code>", '<a href="/id/country/KAZ">Kazakhstan</a>', "identifier: KAZ"]
    assert "content-security-policy" in response.headers and "Accept" in response.headers["vary"]


def test_json_by_accept_and_by_format(client):
    by_accept = search(client, "application/json", q="KAZ")
    by_format = search(client, "text/html", q="KAZ", format="json")
    for response in (by_accept, by_format):
        assert response.status_code == 200 and response.headers["content-type"] == "application/json; charset=utf-8"
    assert by_accept.json() == by_format.json()


def test_json_shape(client):
    answer = search(client, q="kazakh", format="json", limit="5").json()
    assert set(answer) == {"query", "kind", "limit", "total", "results"}
    assert (answer["query"], answer["kind"], answer["limit"]) == ("kazakh", None, 5)
    assert len(answer["results"]) == 5 and answer["total"] > 5
    assert answer["results"][0] == {**KAZ, "match": "prefix", "matched": "Kazakhstan"}
    for result in answer["results"]:
        assert set(result) == set(KAZ)
        assert result["href"] == "/" + result["iri"].removeprefix("https://w3id.org/mrkg/")


def test_kind_filter_and_limits(client):
    answer = search(client, q="kazakh", kind="programme", format="json").json()
    assert answer["results"] and {r["kind"] for r in answer["results"]} == {"programme"}
    assert len(search(client, q="a", format="json").json()["results"]) == DEFAULT_LIMIT
    assert len(search(client, q="a", format="json", limit=str(MAX_LIMIT)).json()["results"]) == MAX_LIMIT
    page = search(client, q="a").text
    assert f'href="/search?q=a&amp;limit={MAX_LIMIT}">show more</a>' in page


@pytest.mark.parametrize("q", [None, "", "   ", "?!", "«»—…"])
def test_nothing_to_search_is_a_helpful_page_not_an_error(client, q):
    response = search(client, **({} if q is None else {"q": q}))
    assert response.status_code == 200
    assert 'href="/search?q=Kazakhstan"' in response.text
    assert re.search(r"The index holds \d+ countries, \d+ organisations, \d+ instruments", response.text)
    answer = search(client, format="json", **({} if q is None else {"q": q})).json()
    assert answer["results"] == [] and answer["total"] == 0 and "message" in answer


@pytest.mark.parametrize("params,message", [
    ({"q": "x" * (MAX_TEXT + 1)}, f"give at most {MAX_TEXT}"),
    ({"q": "kaz", "kind": "treaty"}, "not a kind"),
    ({"q": "kaz", "limit": "0"}, f"from 1 to {MAX_LIMIT}"),
    ({"q": "kaz", "limit": "many"}, f"from 1 to {MAX_LIMIT}"),
    ({"q": "kaz", "limit": str(MAX_LIMIT + 1)}, f"from 1 to {MAX_LIMIT}"),
])
def test_bounds_answer_400_saying_what_is_expected(client, params, message):
    page = search(client, **params)
    assert page.status_code == 400 and message in page.text and 'class="error"' in page.text
    answer = search(client, format="json", **params)
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_the_longest_text_is_answered(client):
    assert search(client, q="k" * MAX_TEXT, format="json").json()["total"] == 0


def test_unacceptable_type_is_406(client):
    assert search(client, "text/turtle", q="KAZ").status_code == 406


def test_the_index_is_built_once(client):
    for text in ("KAZ", "kazakh", "1951 Convention", ""):
        assert search(client, q=text).status_code == 200
    assert Counting.index_runs == 1


def test_nothing_found_says_so(client):
    page = search(client, q="zzyzx", kind="measure").text
    assert "No measure has a name, code or identifier matching “zzyzx”" in page


# -- escaping: crafted data and crafted text ----------------------------------------------------

EVIL = '<script>alert("x")</script> & "quotes"'
BASE = "https://example.org/kg/"


@pytest.fixture(scope="module")
def crafted():
    store = ox.Store()
    graph = ox.NamedNode(BASE + "graph/main")
    country = ox.NamedNode("https://w3id.org/mrkg/ontology#Country")

    def add(subject, predicate, value):
        store.add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), value, graph))

    for iri, identifier, label in ((BASE + "id/country/EVL", "EVL", EVIL),
                                   ("javascript:alert(1)", "JSX", "Scripted"),
                                   (BASE + "id/country/YEL", "YEL", "Yellow town")):
        add(iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", country)
        add(iri, "http://purl.org/dc/terms/identifier", ox.Literal(identifier))
        add(iri, "http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(label, language="en"))
    add(BASE + "id/country/YEL", "http://www.w3.org/2004/02/skos/core#altLabel",
        ox.Literal("Жёлтый город", language="ru"))
    app = create_app(InlineEvaluator(OxigraphRunner(store), base=BASE), base=BASE)
    with TestClient(app) as test_client:
        yield test_client


def test_labels_are_escaped_and_iris_off_the_base_are_not_links(crafted):
    page = search(crafted, q="script").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in page
    assert '<a href="/id/country/EVL">' in page
    assert 'href="javascript:' not in page and "Scripted" in page
    assert search(crafted, q="JSX", format="json").json()["results"][0]["href"] is None


def test_the_text_searched_for_is_escaped(crafted):
    text = '"><script>alert(1)</script>'
    page = search(crafted, q=text).text
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert json.loads(search(crafted, q=text, format="json").text)["query"] == text


def test_cyrillic_names_are_found_without_their_diacritics(crafted):
    results = search(crafted, q="желтый", format="json").json()["results"]
    assert [(r["id"], r["matched"], r["href"]) for r in results] == [("YEL", "Жёлтый город", "/id/country/YEL")]
