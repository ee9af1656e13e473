"""The network views without a browser: what they contain (checked against the named queries
and SPARQL counts), what the page is made of (offline, escaped, CSP) and the CLI's errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import base64
import json
import re
from html.parser import HTMLParser

import pytest
from rdflib import Literal
from rdflib import namespace

from mrkg.cli import main
from mrkg.loaders.types import parse_date_or_range
from mrkg.ontology import iris
from mrkg.queries.execute import OxigraphEngine
from mrkg.queries.library import QUERIES_DIR
from mrkg.views import agreements, country, flows, organisation, page
from views_fixtures import Fixture, engine as fixture_engine

ON = dt.date(2015, 1, 1)
XSS = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def engine(real_store):
    return OxigraphEngine.open(real_store)


STATUSES = [  # every status graph/consolidate.status_on gives, with its answer
    ("draft", "not in force", "draft"), ("non-binding", "not in force", "non-binding"),
    ("terminated", "not in force", "withdrawn"), ("withdrawn", "not in force", "withdrawn"),
    ("suspended", "not in force", "withdrawn"), ("in force", "in force", "in-force"),
    ("uncertain (entry into force: 2000-01-01 to 2000-12-31)", "uncertain", "uncertain"),
    ("not yet signed", "not in force", None), ("not yet in force", "not in force", "signed-only"),
    ("consented (entry into force not recorded)", "not in force", "signed-only"),
    ("signed (entry into force not recorded)", "not in force", "signed-only"),
    ("signed (no date recorded)", "not in force", "signed-only"),
    ("party (no dates recorded)", "not in force", "undated"),
]


@pytest.mark.parametrize("status, in_force_on, category", STATUSES)
def test_every_status_of_agreements_of_has_a_style(status, in_force_on, category):
    assert agreements.status_category({"status": status, "in_force_on": in_force_on}) == category
    assert category is None or category in agreements.STATUS_STYLES


def test_agreements_view_has_an_edge_per_participation_with_the_named_query_status(engine):
    view = agreements.build(engine, ON)
    # Signed after the date: not a tie on the date. One edge per instrument and party (consolidated).
    counted = engine.run("""PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(*) AS ?n) WHERE {
          ?p a mrkg:ConsolidatedParticipation ; mrkg:signatureEarliest ?s ; mrkg:instrument ?i .
          ?i a ?class . ?class rdfs:subClassOf mrkg:BindingInstrument .
          FILTER(?s > "2015-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }""").rows[0]
    total = engine.run("""PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?i) AS ?instruments) (COUNT(DISTINCT ?c) AS ?parties)
        WHERE { ?p a mrkg:ConsolidatedParticipation ; mrkg:instrument ?i ; mrkg:party ?c }""").rows[0]
    later = int(counted["n"])
    assert later > 0 and len(view.edges) == int(total["n"]) - later
    assert any(f"{later} participation(s) signed after 2015-01-01 left out" == f for f in view.filters)
    kinds = [n.kind for n in view.nodes.values()]
    assert kinds.count("instrument") <= int(total["instruments"])
    assert kinds.count("country") + kinds.count("organisation") <= int(total["parties"])
    # Kazakhstan's edges carry exactly the statuses `mrkg query agreements-of country=KAZ` gives.
    result = engine.run((QUERIES_DIR / "agreements-of.rq").read_text(),
                        {"country": iris.country("KAZ"), "on": Literal("2015-01-01", datatype=namespace.XSD.date)})
    expected = sorted((str(r["instrument"]), str(r["status"])) for r in result.rows if str(r["status"]) != "not yet signed")
    shown = sorted((e.target.split(":", 1)[1], e.facts[0].value) for e in view.edges if e.source == "country:KAZ")
    assert shown == expected
    assert all(e.facts[-1].name == "sources" and e.facts[-1].value for e in view.edges)


def test_status_changes_with_the_date(engine):
    def status(day):
        view = agreements.build(engine, day)
        return {e.category for e in view.edges if e.source == "country:BLR"
                and e.target == "instrument:migrant-workers-legal-status-agreement-2010"}
    assert status(dt.date(2011, 1, 1)) == {"signed-only"}
    assert status(dt.date(2013, 1, 1)) == {"in-force"}


def test_agreements_filters_narrow_and_are_stated(engine):
    whole = agreements.build(engine, ON)
    narrowed = agreements.build(engine, ON, area=agreements_area("labour-migration"), filter_text=["policy area: x"])
    assert 0 < len(narrowed.edges) < len(whole.edges)
    assert "policy area: x" in narrowed.filters
    areas = {n.id for n in narrowed.nodes.values() if n.kind == "instrument"}
    assert all("labour migration" in next(f.value for f in narrowed.nodes[i].facts if f.name == "policy areas")
               for i in areas)


def agreements_area(name):
    from mrkg.loaders.instruments import POLICY_AREAS
    return POLICY_AREAS[name]


def test_flows_view_tooltips_and_filters(engine):
    measure = iris.entity("measure", "net-migration")
    view = flows.build(engine, measure, "net-migration", top=3)
    assert len(view.edges) == 3
    figures = flows.latest_per_pair(flows.figures(engine, measure))
    largest = sorted((abs(f.value) for f in figures), reverse=True)[:3]
    shown = sorted((abs(float(e.facts[1].value.split()[0])) for e in view.edges), reverse=True)
    assert shown == largest
    assert [f.name for f in view.edges[0].facts] == ["measure", "value", "period", "statistical source", "source",
                                                      "observation"]
    assert all(e.directed for e in view.edges)
    assert any("the 3 largest of" in f and "--top 3" in f for f in view.filters)
    widths = [e.width for e in view.edges]
    assert widths == sorted(widths, reverse=True) and widths[0] == flows.MAX_WIDTH
    at_least = flows.build(engine, measure, "net-migration", top=None, minimum=1000)
    assert at_least.edges and all(abs(float(e.facts[1].value.split()[0])) >= 1000 for e in at_least.edges)
    assert "absolute value at least 1000" in at_least.filters


def test_organisation_view_agrees_with_members_query(engine):
    view = organisation.build(engine, iris.organisation("eaeu"), "eaeu", dt.date(2015, 6, 1))
    members = engine.run((QUERIES_DIR / "members.rq").read_text(),
                         {"organisation": iris.organisation("eaeu"), "on": Literal("2015-06-01", datatype=namespace.XSD.date)})
    dated_members = {str(r["member"]) for r in members.rows if str(r["status"]) == "member"}
    shown = {e.source.split(":", 1)[1] for e in view.edges if e.category == "member"}
    assert shown == dated_members and shown
    assert {e.category for e in view.edges} >= {"member", "not-yet"}  # Kyrgyzstan joined in August 2015
    assert view.title == "Members of Eurasian Economic Union over time"


@pytest.mark.parametrize("start,end,category", [
    ("2016", None, "not-yet"), ("2015", None, "uncertain"), ("2014", None, "member"), (None, "2015-01-01", "ended"),
    ("2010-01-01", "2016", "member"), ("2010-01-01", "2015", "uncertain"), (None, None, "undated"),
    ("2015-07", None, "not-yet"), ("2015-06", None, "uncertain"), ("2015-05", None, "member"),
])
def test_membership_on_a_date(start, end, category):
    row = {"from": start or "", "to": end or ""}
    for name, text in (("start", start), ("end", end)):
        date = parse_date_or_range(text) if text else None
        row[f"{name}_earliest"] = date.earliest.isoformat() if date else ""
        row[f"{name}_latest"] = date.latest.isoformat() if date else ""
    assert organisation.membership_category(row, dt.date(2015, 6, 1)) == category


def test_country_view_is_the_ego_network(engine):
    view = country.build(engine, iris.country("KAZ"), "KAZ", ON, iris.entity("measure", "net-migration"),
                         "net-migration", top=2)
    kinds = {n.kind for n in view.nodes.values()}
    assert kinds == {"country", "instrument", "organisation", "programme", "partner"}
    assert all("country:KAZ" in (e.source, e.target) for e in view.edges)
    partner_edges = [e for e in view.edges if e.category.startswith("source:")]
    assert 0 < len(partner_edges) <= 4
    assert len({e.category for e in partner_edges}) == 1  # one statistical source, never mixed


def test_injection_is_escaped_in_the_page():
    fixture = Fixture(countries={"AAA": XSS, "BBB": 'Title with <a href="javascript:alert(1)">href</a>'},
                      organisations={"evil": f"</script><script>window.__pwned=1</script>{XSS}"},
                      instruments={"t": f"href {XSS}"},
                      participations=[("t", "AAA", "2000-01-01", "2000-02-01"), ("t", "BBB", None, None)],
                      memberships=[("evil", "AAA", "2001-01-01", None)])
    engine = fixture_engine(fixture)
    for view in (agreements.build(engine, ON), organisation.build(engine, iris.organisation("evil"), "evil", ON)):
        html = page.render(view)
        data = html.split('<script type="application/json" id="mrkg-data">', 1)[1].split("</script>", 1)[0]
        assert "<" not in data and XSS not in html and "<img" not in html.replace(XSS, "")
        assert "<script>window.__pwned" not in html
        payload = json.loads(data)
        assert any(XSS in node["label"] for node in payload["nodes"])
        if view.title.startswith("Members"):
            assert "<h1 id=\"view-title\">Members of &lt;/script&gt;&lt;script&gt;" in html


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self.styles, self._inside = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._inside = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._inside == "script":
            self.scripts.append((self.tags[-1][1], data))
        elif self._inside == "style":
            self.styles.append(data)
        self._inside = None


def test_page_is_self_contained_and_under_a_strict_policy(engine):
    html = page.render(agreements.build(engine, ON))
    parsed = _Tags()
    parsed.feed(html)
    # No element loads anything: no src, no stylesheet link, no remote url() in CSS.
    assert not [t for t, attrs in parsed.tags if "src" in attrs or t in ("link", "iframe", "object", "embed", "img")]
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html) and "@import" not in html
    # Outside the inlined vis-network library, the only http(s) references are the graph's own IRIs.
    vis_js = (page.VIS / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (page.VIS / "vis-network.css").read_text(encoding="utf-8")
    rest = html.replace(vis_js, "").replace(vis_css, "")
    assert set(re.findall(r"https?://[^/\"'\\\s]+", rest)) == {"https://w3id.org"}
    policy = next(a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    inline = [data for attrs, data in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(inline) == 2
    for script in inline + parsed.styles:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_layout_is_deterministic_and_spreads_the_nodes(engine):
    first = page.render(agreements.build(engine, ON))
    assert first == page.render(agreements.build(engine, ON))
    view = agreements.build(engine, ON)
    page.layout.place(view)
    positions = {(n.x, n.y) for n in view.nodes.values()}
    assert len(positions) == len(view.nodes)


@pytest.mark.parametrize("argv,message", [
    (["view", "flows", "--out", "x.html"], "needs --measure"),
    (["view", "country", "QQQ", "--out", "x.html"], "not an ISO 3166 alpha-3"),
    (["view", "agreements", "--on", "2015-02-30", "--out", "x.html"], "2015-02-30"),
    (["view", "agreements", "--measure", "remittances", "--out", "x.html"], "takes no --measure"),
    (["view", "organisation", "Not An Id", "--out", "x.html"], "not a organisation identifier"),
    (["view", "organisation", "no-such-body", "--out", "x.html"], "no organisation 'no-such-body'"),
    (["view", "agreements", "--type", "sonnet", "--out", "x.html"], "not an instrument type"),
    (["view", "flows", "--measure", "net-migration", "--min", "1e12", "--out", "x.html"], "reaches --min"),
    (["network", "stats", "--graph", "agreements", "--measure", "remittances"], "applies to --graph flows"),
    (["network", "export", "--format", "graphml"], "needs --out"),
    (["network", "stats", "--format", "gexf"], "table, csv or json"),
])
def test_cli_errors_are_one_clear_line(real_store, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["--store", str(real_store), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


def test_cli_writes_a_view(real_store, tmp_path, capsys):
    out = tmp_path / "sub" / "eaeu.html"
    assert main(["--store", str(real_store), "view", "organisation", "eaeu", "--on", "2016-01-01",
                 "--out", str(out)]) == 0
    assert "Members of Eurasian Economic Union" in out.read_text(encoding="utf-8")
    assert "6 nodes" in capsys.readouterr().err
