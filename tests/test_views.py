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
from mrkg.views import agreements, commands, country, flows, organisation, page
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
    # Every participation is in the page (the date slider shows it on other days); the later ones are
    # not drawn on the date.
    assert later > 0 and len(view.edges) == int(total["n"]) and sum(e.hidden for e in view.edges) == later
    assert any(f"{later} participation(s) signed after 2015-01-01 hidden on that date" == f for f in view.filters)
    kinds = [n.kind for n in view.nodes.values()]
    assert kinds.count("instrument") <= int(total["instruments"])
    assert kinds.count("country") + kinds.count("organisation") <= int(total["parties"])
    # Kazakhstan's edges carry exactly the statuses `mrkg query agreements-of country=KAZ` gives.
    result = engine.run((QUERIES_DIR / "agreements-of.rq").read_text(),
                        {"country": iris.country("KAZ"), "on": Literal("2015-01-01", datatype=namespace.XSD.date)})
    expected = sorted((str(r["instrument"]), str(r["status"])) for r in result.rows if str(r["status"]) != "not yet signed")
    shown = sorted((e.target.split(":", 1)[1], e.facts[0].value) for e in view.edges
                   if e.source == "country:KAZ" and not e.hidden)
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
    (["view", "agreements", "--all", "--top", "5", "--out", "x.html"], "--top N or --all, not both"),
    (["view", "organisation", "eaeu", "--all", "--out", "x.html"], "takes no --all"),
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


# Readable views (issue 16): a default size, groups, short labels that never are party names alone,
# the status periods a date slider reads, and the flows scan.

def cli_view(real_store, *argv):
    from mrkg.cli import parser

    args = parser().parse_args(["--store", str(real_store), "view", *argv, "--out", "x.html"])
    return commands.build_view(OxigraphEngine.open(real_store), args)[0]


def test_default_agreements_view_keeps_the_nodes_with_most_ties(real_store, engine):
    default = cli_view(real_store, "agreements", "--on", "2015-01-01")
    whole = cli_view(real_store, "agreements", "--on", "2015-01-01", "--all")
    assert len(whole.nodes) > 150
    # 40 nodes chosen; a chosen node whose every tie leads outside the 40 is left out.
    assert 30 <= len(default.nodes) <= agreements.DEFAULT_TOP
    assert any(f"--top {agreements.DEFAULT_TOP}; --all for every one" in f for f in default.filters)
    degree = {}
    for edge in whole.edges:
        for end in (edge.source, edge.target):
            degree[end] = degree.get(end, 0) + 1
    kept = set(default.nodes)
    cutoff = sorted(degree.values(), reverse=True)[agreements.DEFAULT_TOP - 1]
    assert min(degree[n] for n in kept) >= cutoff
    # Ties above the cut are all drawn; the edges are every participation among the kept nodes.
    assert all(e.source in kept and e.target in kept for e in whole.edges
               if degree[e.source] > cutoff and degree[e.target] > cutoff)
    among = [(e.source, e.target) for e in whole.edges if e.source in kept and e.target in kept]
    assert sorted(among) == sorted((e.source, e.target) for e in default.edges)
    # Node sizes are their degrees in the view.
    assert all(node.value == sum(node_id in (e.source, e.target) for e in default.edges)
               for node_id, node in default.nodes.items())
    more = cli_view(real_store, "agreements", "--on", "2015-01-01", "--top", "80")
    assert len(default.nodes) < len(more.nodes) <= 80


def test_groups_are_organisations_and_title_families(engine):
    view = agreements.build(engine, ON)
    within = engine.run("""PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?instrument ?body WHERE { ?i mrkg:adoptedWithin ?o ; dcterms:identifier ?instrument .
                                         ?o dcterms:identifier ?body }""").rows
    cis = {f"instrument:{r['instrument']}" for r in within if str(r["body"]) == "cis"} & set(view.nodes)
    assert len(cis) >= 2
    assert {view.nodes[n].cluster for n in cis} == {"cluster:organisation:cis"}
    family = "cluster:family:Free trade agreement"
    members = {n for n, node in view.nodes.items() if node.cluster == family}
    assert "instrument:huggo-arm-geo-na-1995o" in members and len(members) >= 5
    assert all(view.nodes[n].label.startswith("Free trade agreement ") for n in members)
    # In the page: every group has an id, a label with its size, and two or more member nodes.
    payload = json.loads(page.render(view).split('id="mrkg-data">', 1)[1].split("</script>", 1)[0])
    groups = {g["id"]: g["label"] for g in payload["clusters"]}
    assert groups["cluster:organisation:cis"].startswith("adopted within Commonwealth of Independent States (")
    for group in groups:
        assert sum(1 for n in payload["nodes"] if n.get("cluster") == group) >= 2


@pytest.mark.parametrize("title, parties, label, family", [
    ("Free trade agreement between Armenia and the Russian Federation (1992)",
     {"ARM": "Armenia", "RUS": "Russian Federation"}, "Free trade agreement ARM–RUS (1992)", "Free trade agreement"),
    ("Trade agreement between Latvia and Ukraine: Agriculture (1998)", {"LVA": "Latvia", "UKR": "Ukraine"},
     "Trade agreement LVA–UKR: Agriculture (1998)", "Trade agreement: Agriculture"),
    ("Agreement on visa-free entry between the Russian Federation and Armenia",
     {"ARM": "Armenia", "RUS": "Russian Federation"}, "Agreement on visa-free entry RUS–ARM", "Agreement on visa-free entry"),
    # Not only party names after "between": kept as written, no family.
    ("Memorandum between the CIS Executive Committee and IOM", {"KAZ": "Kazakhstan"},
     "Memorandum between the CIS Executive Committee and IOM", None),
    ("Trade agreement: Commonwealth of Independent States (CIS) Common Agrarian Market (CAM) (1998)", {},
     "Trade agreement: CIS Common Agrarian Market (CAM) (1998)", None),
    ("Decision of the Council of Heads of States of the Commonwealth of Independent States on coordination", {},
     "Decision of the Council of Heads of States of the…", None),
    # The labour agreements' titles: "Between", governments named, many capitalised words and no
    # abbreviation (the agreements view hung in the old abbreviation pattern on these titles).
    ("Agreement Between the Government of the Russian Federation and the Government of the Republic of Tajikistan "
     "on Employment and Protection of the Rights of Citizens of the Russian Federation in the Republic of Tajikistan",
     {"RUS": "Russian Federation", "TJK": "Tajikistan"}, "Agreement RUS–TJK on Employment and Protection of the…",
     "Agreement on Employment and Protection of the Rights of Citizens of the Russian Federation in the Republic of "
     "Tajikistan"),
])
def test_short_titles(title, parties, label, family):
    from mrkg.views.labels import short_title

    short = short_title(title, parties)
    assert (short.label, short.family) == (label, family)


def test_instrument_labels_are_never_only_party_names(engine):
    view = agreements.build(engine, ON)
    names = {p["label"] for p in page_parties(engine)} | {p["id"] for p in page_parties(engine)}
    labels = [n.label for n in view.nodes.values() if n.kind == "instrument"]
    assert len(labels) > 100
    for label in labels:
        rest = label
        for name in sorted(names, key=len, reverse=True):
            rest = rest.replace(name, " ")
        words = [w for w in re.findall(r"[^\W\d_]{3,}", rest) if w.lower() not in ("the", "and", "between", "among")]
        assert words, f"{label!r} names only its parties"
        assert len(label) <= 57
    # Short titles tell instruments apart far better than titles cut at a fixed length did.
    assert len(set(labels)) >= 0.95 * len(labels)


def page_parties(engine):
    from mrkg.views import sparql

    return list(sparql.parties(engine).values())


def test_edges_carry_the_status_periods_agreements_of_reads(engine):
    view = agreements.build(engine, ON)
    for day in ("1995-06-01", "2012-06-01"):
        result = engine.run((QUERIES_DIR / "agreements-of.rq").read_text(),
                            {"country": iris.country("KAZ"), "on": Literal(day, datatype=namespace.XSD.date)})
        expected = sorted((str(r["instrument"]), str(r["status"])) for r in result.rows)
        found = []
        for edge in view.edges:
            if edge.source == "country:KAZ":
                period = next(p for p in edge.periods if (not p[0] or p[0] <= day) and (not p[1] or day < p[1]))
                found.append((edge.target.split(":", 1)[1], period[3]))
        assert sorted(found) == expected


def test_flows_scan_gives_the_figures_with_their_labels(engine):
    measure = iris.entity("measure", "net-migration")
    everything = flows.figures(engine, measure)
    year = flows.figures(engine, measure, 2015)
    assert year and {f.start[:4] for f in year} == {"2015"}
    assert sorted(f.observation for f in year) == sorted(f.observation for f in everything if f.start[:4] == "2015")
    blr_kaz = [f for f in everything if f.origin_id == "BLR" and f.destination_id == "KAZ"]
    assert {(f.period, f.printed, f.unit, f.origin_label, f.destination_label, f.document) for f in blr_kaz} >= {
        ("2015", "-430", "person", "Belarus", "Kazakhstan", "003_7758bc43b281afd9.txt")}
    assert all(f.locator and f.source_id == "demographic-yearbook-kazakhstan" for f in blr_kaz) or blr_kaz
    view = flows.build(engine, measure, "net-migration", top=5)
    assert all(node.value == round(sum(e.width for e in view.edges if node_id in (e.source, e.target)), 2)
               for node_id, node in view.nodes.items())


@pytest.mark.parametrize("width, height, size", [(300, 200, 14), (1500, 900, 20), (5000, 3000, 22)])
def test_label_size_keeps_labels_readable_once_fitted(width, height, size):
    from mrkg.views.model import Node, ViewGraph

    view = ViewGraph(title="t")
    for index, (x, y) in enumerate(((0.0, 0.0), (width, height))):
        view.add_node(Node(id=f"n{index}", label="n", kind="country", x=x, y=y))
    assert page.label_size(view) == size
    # What the page asks vis-network for: labels of nodes sized by value between that size and 2 more.
    assert page.vis_options(view)["nodes"]["scaling"]["label"] == {"enabled": True, "min": size, "max": size + 2}
