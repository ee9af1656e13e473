"""Profile pages in process (Starlette's TestClient): each kind of entity gets its layout, and each
section equals the named query it names, run with the entity as its parameter. Data crafted to inject
markup renders as text."""

from __future__ import annotations

import re
import urllib.parse

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF, RDFS
from starlette.testclient import TestClient

from mrkg.endpoint import profiles
from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import InlineEvaluator, OxigraphRunner
from mrkg.ontology.namespace import MRKG
from mrkg.queries.execute import OxigraphEngine
from mrkg.queries.library import QueryError
from profile_pages import expected_table, section_table, section_tables

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def engine(real_store):
    return OxigraphEngine.open(real_store)


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(InlineEvaluator.for_engine(engine))) as test_client:
        yield test_client


def page(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    return response.text


def test_instrument_page_has_its_record_rules_and_participants_table(client, engine):
    html = page(client, "/id/instrument/icmw")
    assert section_table(html, "parties") == expected_table(engine, "parties", agreement="icmw")
    assert section_table(html, "rules") == expected_table(engine, "rules", agreement="icmw")
    assert '<dl class="record" data-query="instrument">' in html
    assert re.search(r'<dt>title</dt><dd data-column="title">International Convention on the Protection', html)
    header = section_table(html, "parties")[0]
    for column in ("signed", "consent", "consent_date", "in_force", "in_force_basis", "withdrawn", "suspended",
                   "sources"):
        assert column in header
    assert any(row[header.index("in_force_basis")] == "derived" for row in section_table(html, "parties")[1:])
    assert 'href="/id/country/' in html  # each participant links to its page


def test_participants_table_equals_mrkg_query_parties(client, engine):
    html = page(client, "/id/instrument/cu-ces-treaty-1999")
    table = section_table(html, "parties")
    assert table == expected_table(engine, "parties", agreement="cu-ces-treaty-1999")
    assert [row[0] for row in table[1:]] == ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert section_table(html, "rules") is None  # no rule recorded: no empty section


def test_country_page_sections_for_a_date(client, engine):
    html = page(client, "/id/country/KAZ?on=2010-01-01")
    assert section_table(html, "agreements-of") == expected_table(engine, "agreements-of", country="KAZ",
                                                                  on="2010-01-01")
    assert section_table(html, "memberships") == expected_table(engine, "memberships", country="KAZ")
    assert section_table(html, "roles") == expected_table(engine, "roles", country="KAZ")
    assert section_table(html, "programmes") == expected_table(engine, "programmes", country="KAZ")
    assert '<input type="date" name="on" value="2010-01-01" required>' in html
    assert 'href="/queries/agreements-of?country=KAZ&amp;on=2010-01-01"' in html
    assert '<svg class="timeline"' in html and 'data-from="2015-01-01"' in html


def test_country_page_lists_its_labour_agreements_with_kind_and_provisions(client, engine):
    html = page(client, "/id/country/TJK")
    table = section_table(html, "labour-agreements")
    assert table == expected_table(engine, "labour-agreements", country="TJK")
    assert [row[0] for row in table[1:]] == ["bla-1222", "bla-1223"]
    assert "kind" in table[0] and "provisions" in table[0]
    assert section_table(page(client, "/id/country/TKM"), "labour-agreements") == [table[0]]  # none recorded


def test_country_page_ranks_partners_per_measure_and_source_in_its_latest_year(client, engine):
    html = page(client, "/id/country/RUS")
    years = expected_table(engine, "partner-years", country="RUS")
    assert years[0] == ["measure", "source", "year", "figures"] and len(years) > 2
    tables = section_tables(html, "top-partners")
    expected = {}
    for measure, source, year, _ in years[1:]:
        parameters = {"country": "RUS", "measure": measure, "source": source, "year": year}
        expected["/queries/top-partners?" + urllib.parse.urlencode(parameters)] = expected_table(
            engine, "top-partners", **parameters)
    assert tables == expected
    assert ["1", "BLR"] == tables["/queries/top-partners?country=RUS&measure=migration-arrivals&source=belstat&year=1991"][1][:2]


def test_country_page_defaults_to_today_and_refuses_a_bad_date(client, engine):
    import datetime as dt

    today = dt.date.today().isoformat()
    html = page(client, "/id/country/KAZ")
    assert f'value="{today}"' in html
    assert section_table(html, "agreements-of") == expected_table(engine, "agreements-of", country="KAZ", on=today)
    bad = client.get("/id/country/KAZ?on=2010-13-45", headers=HTML)
    assert bad.status_code == 400 and "2010-13-45" in bad.text


def test_organisation_page_has_members_timeline_and_instruments(client, engine):
    html = page(client, "/id/organisation/eaeu")
    assert section_table(html, "memberships") == expected_table(engine, "memberships", organisation="eaeu")
    assert section_table(html, "instruments") == expected_table(engine, "instruments", organisation="eaeu")
    bars = re.findall(r'<rect data-from="([^"]*)" data-to="([^"]*)"', html)
    assert sorted(bars) == [("2015-01-01", ""), ("2015-01-01", ""), ("2015-01-01", ""), ("2015-01-02", ""),
                            ("2015-08-12", "")]
    cis = page(client, "/id/organisation/cis")
    instruments = section_table(cis, "instruments")
    assert instruments == expected_table(engine, "instruments", organisation="cis") and len(instruments) > 1


def test_programme_page_draws_the_budget_from_its_figures(client, engine):
    html = page(client, "/id/instrument/nurly-kosh")
    assert section_table(html, "instrument-figures") == expected_table(engine, "instrument-figures",
                                                                       agreement="nurly-kosh")
    assert section_table(html, "parties") is None  # a programme has its own layout
    bars = {(year, source): value for year, source, value in
            re.findall(r'<rect data-year="(\d+)" data-source="([^"]+)" data-value="([^"]+)"', html)}
    assert bars == {("2009", "local budgets"): "25.8", ("2009", "national budget"): "17551.5",
                    ("2009", "other sources"): "7207.2", ("2010", "local budgets"): "5208.9",
                    ("2010", "national budget"): "85267.3", ("2010", "other sources"): "850.6",
                    ("2011", "local budgets"): "4946.6", ("2011", "national budget"): "76737.7"}
    assert "kzt-million" in html


def test_observation_and_document_pages_read_as_citations(client):
    html = page(client, "/id/observation/dyk-net-blr-kaz-2013")
    citation = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r'<blockquote class="citation" id="citation">(.*?)'
                                                                       r"</blockquote>", html, re.S).group(1)))
    assert "net migration, from BLR to KAZ, 2013: -953 persons." in citation
    assert "Table 2, row Belarus, column 2013" in citation and "003_7758bc43b281afd9.txt" in citation
    html = page(client, "/id/document/000_e132173a8f0337db")
    assert "e079900c373b1dc0f1b0f2b33c15c573cbdc90e6273758b72858edbfee709e13" in html
    assert 'href="/graph/document/000_e132173a8f0337db"' in html


def test_raw_statements_stay_at_the_bottom_collapsed(client):
    html = page(client, "/id/country/BLR")
    assert html.index('<details id="raw-facts">') > html.index('data-query="agreements-of"')


def test_rdf_of_a_profiled_iri_is_unchanged(client):
    response = client.get("/id/instrument/icmw", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")


def test_code_links_go_to_profile_pages():
    from rdflib import Literal

    assert profiles.code_path("party", Literal("RUS")) == "/id/country/RUS"
    assert profiles.code_path("party", Literal("eu")) == "/id/organisation/eu"
    assert profiles.code_path("amends", Literal("icmw")) == "/id/instrument/icmw"
    assert profiles.code_path("title", Literal("RUS")) is None


# -- crafted data renders as text ------------------------------------------------------------------

EVIL = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def crafted():
    """A participation in an instrument whose title, party label and note carry markup."""
    base = "https://w3id.org/mrkg/"
    store = ox.Store()
    graph = ox.NamedNode(base + "graph/evil")
    def node(iri):
        return ox.NamedNode(str(iri))

    def add(subject, predicate, value):
        store.add(ox.Quad(subject, predicate if isinstance(predicate, ox.NamedNode) else node(predicate), value, graph))

    treaty, party = node(base + "id/instrument/evil-treaty"), node(base + "id/country/RUS")
    participation = node(base + "id/participation/evil-treaty/RUS")
    dcterms = "http://purl.org/dc/terms/"
    add(treaty, RDFS.label, ox.Literal(EVIL))
    add(treaty, RDF.type, node(MRKG.InternationalAgreement))
    add(party, node(dcterms + "identifier"), ox.Literal("RUS"))
    add(party, RDFS.label, ox.Literal("Russia " + EVIL))
    add(participation, RDF.type, node(MRKG.ConsolidatedParticipation))
    add(participation, node(MRKG.instrument), treaty)
    add(participation, node(MRKG.party), party)
    add(participation, node(MRKG.sourcesCited), ox.Literal("doc.txt (" + EVIL + ")"))
    add(participation, node("http://www.w3.org/2004/02/skos/core#editorialNote"), ox.Literal(EVIL))
    with TestClient(create_app(InlineEvaluator(OxigraphRunner(store), base=base), base=base)) as test_client:
        yield test_client


def test_data_in_titles_labels_and_notes_render_as_text(crafted):
    html = page(crafted, "/id/instrument/evil-treaty")
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html
    table = section_table(html, "parties")
    assert table[1][:2] == ["RUS", "Russia " + EVIL]


def test_country_ego_network_is_the_view_page_with_its_own_policy(client):
    html = page(client, "/id/country/KAZ?on=2015-01-01")
    assert 'href="/views/country/KAZ?on=2015-01-01"' in html
    response = client.get("/views/country/KAZ?on=2015-01-01")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    # The page's inline scripts are allowed by their hashes only; nothing may be fetched or framed.
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "'self'" not in policy
    assert "'unsafe-inline'" not in policy and policy.endswith("frame-ancestors 'none'")
    own = policy.removesuffix("; frame-ancestors 'none'")
    assert 'content="' + own.replace("'", "&#39;") + '"' in response.text  # the policy the page itself states
    assert "Kazakhstan (KAZ) on 2015-01-01" in response.text
    assert client.get("/views/country/KAZ?on=2015-13-01").status_code == 400
    assert client.get("/views/country/ATA").status_code == 400


class CountingEvaluator(InlineEvaluator):
    """Counts the queries run, to tell a page computed from one served from the recent pages."""

    runs = 0

    def run(self, text, bindings=None, max_rows=None, first=None):
        CountingEvaluator.runs += 1
        return super().run(text, bindings, max_rows, first)


def test_a_repeated_page_runs_no_section_query_again(engine):
    with TestClient(create_app(CountingEvaluator.for_engine(engine))) as counted:
        first = page(counted, "/id/country/KAZ?on=2010-01-01")
        before = CountingEvaluator.runs
        assert page(counted, "/id/country/KAZ?on=2010-01-01") == first
        assert CountingEvaluator.runs - before == 1  # the IRI's own statements (is it known?), not the sections
        before = CountingEvaluator.runs
        other_day = page(counted, "/id/country/KAZ?on=2020-01-01")
        assert other_day != first and CountingEvaluator.runs - before > 5


class _TimedEvaluator(InlineEvaluator):
    """Records when each query ran; each takes at least 20 ms, so queries run one after the other
    never overlap."""

    def __init__(self, runner):
        super().__init__(runner)
        self.spans = []

    def run(self, text, bindings=None, max_rows=None, first=None):
        import time

        started = time.perf_counter()
        answer = super().run(text, bindings, max_rows, first)
        time.sleep(0.02)
        self.spans.append((started, time.perf_counter()))
        return answer


def test_a_pages_sections_run_side_by_side_and_keep_the_page_order(engine, monkeypatch):
    monkeypatch.setattr(profiles, "PAGE_THREADS", 2)
    timed = _TimedEvaluator(OxigraphRunner(engine.store))
    sections = timed.sections(profiles.PROFILES["country"], "RUS", {"on": "2010-01-01"}, None)
    monkeypatch.setattr(profiles, "PAGE_THREADS", 1)
    alone = _TimedEvaluator(OxigraphRunner(engine.store))
    expected = alone.sections(profiles.PROFILES["country"], "RUS", {"on": "2010-01-01"}, None)

    def overlapping(spans):
        spans = sorted(spans)
        return sum(1 for (_, end), (start, _) in zip(spans, spans[1:]) if start < end)

    assert overlapping(timed.spans) > 0 and overlapping(alone.spans) == 0
    assert [s["name"] for s in sections] == [s.query for s in profiles.PROFILES["country"].sections]
    parts = [s for s in sections if s.get("parts")]
    assert parts, "RUS has partner figures: the partner-years section runs top-partners for each row"
    assert sections == expected  # the same answers in the same order, parts in the order of their rows


def test_a_sections_parts_are_asked_before_the_sections_not_yet_started():
    started = []

    def run(task):
        started.append(task)
        return task.upper()

    def answered(task, result):
        return [f"{task}-part-{n}" for n in (1, 2)] if task == "partners" else []

    profiles.run_in_turn(["partners", "visas", "laws"], run, answered, threads=1)
    assert started == ["partners", "partners-part-1", "partners-part-2", "visas", "laws"]


def test_a_failed_section_query_is_raised_after_the_running_ones_finish():
    finished = []

    def run(task):
        if task == "broken":
            raise QueryError("a malformed date")
        finished.append(task)
        return task

    with pytest.raises(QueryError, match="malformed date"):
        profiles.run_in_turn(["broken", "fine"], run, lambda task, result: [], threads=2)
    assert finished == ["fine"]
