"""The query editor at /sparql, in process: the vendored YASGUI and the editor's own files are
served with their content types (and nothing else under /static/), the page hands the editor every
named query's example, the project's prefixes and this server's endpoint, and its
Content-Security-Policy stays strict. The editor in a browser: tests/test_query_editor_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mrkg.endpoint import assets, editor
from mrkg.endpoint.app import Served, create_app
from mrkg.endpoint.evaluate import InlineEvaluator
from mrkg.ontology.namespace import PREFIXES
from mrkg.queries.execute import OxigraphEngine, with_values
from mrkg.queries.library import bind, named_queries

ROOT = Path(__file__).resolve().parent.parent
VENDORED = assets.STATIC / "yasgui"


@pytest.fixture(scope="module")
def client(real_store):
    app = create_app(InlineEvaluator.for_engine(OxigraphEngine.open(real_store), max_rows=100), max_rows=100)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def page(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response


def settings_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="editor-settings">(.*?)</script>', html,
                                re.S).group(1))


class Page(HTMLParser):
    """The scripts, style sheets and example options of a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.options, self.forms = [], [], [], []
        self._in_examples = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" in attrs:
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        if tag == "select" and attrs.get("id") == "examples":
            self._in_examples = True
        if tag == "option" and self._in_examples and attrs.get("value"):
            self.options.append(attrs["value"])
        if tag == "form":
            self.forms.append(attrs)

    def handle_endtag(self, tag):
        if tag == "select":
            self._in_examples = False


def parsed(html: str) -> Page:
    parser = Page()
    parser.feed(html)
    return parser


# -- the files ---------------------------------------------------------------------

@pytest.mark.parametrize("name, media_type", [
    ("yasgui/yasgui.min.js", "text/javascript"), ("yasgui/yasgui.min.css", "text/css"),
    ("editor.js", "text/javascript"), ("editor.css", "text/css"), ("icon.svg", "image/svg+xml"),
    ("yasgui/LICENSE.txt", "text/plain"), ("yasgui/SOURCE.txt", "text/plain")])
def test_each_file_of_the_editor_is_served_with_its_content_type(client, name, media_type):
    response = client.get("/static/" + name)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (assets.STATIC / name).read_bytes()


def test_a_current_copy_is_answered_304(client):
    first = client.get("/static/yasgui/yasgui.min.css")
    again = client.get("/static/yasgui/yasgui.min.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize("path", ["/static/query.js", "/static/yasgui/", "/static/yasgui/yasgui.min.js.map",
                                  "/static/../app.py", "/static/%2e%2e/app.py", "/static/yasgui/../editor.py",
                                  "/static/Editor.js", "/static/editor.js/"])
def test_only_the_listed_files_are_served(client, path):
    assert client.get(path).status_code == 404


def test_the_page_loads_only_files_of_this_server(page):
    found = parsed(page.text)
    assert found.scripts == [assets.url("yasgui/yasgui.min.js"), assets.url("editor.js")]
    assert found.styles == [assets.url("yasgui/yasgui.min.css"), assets.url("editor.css")]


def test_source_txt_names_the_package_and_the_digest_of_each_kept_file():
    source = (VENDORED / "SOURCE.txt").read_text(encoding="utf-8")
    assert "package:    @zazuko/yasgui" in source
    version = re.search(r"^version:\s+(\S+)", source, re.M).group(1)
    assert f"https://registry.npmjs.org/@zazuko/yasgui/-/yasgui-{version}.tgz" in source
    assert re.search(r"^integrity:\s+sha512-\S+$", source, re.M)
    digests = dict((name, digest) for digest, name in re.findall(r"^\s+([0-9a-f]{64})\s+(\S+)$", source, re.M))
    assert set(digests) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in digests.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDORED / "LICENSE.txt").read_text(encoding="utf-8")


def test_the_package_data_takes_every_served_file():
    """The wheel gets the files from pyproject's package data: each served file must match a glob."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["mrkg.endpoint"]
    root = ROOT / "endpoint"
    packaged = {path.relative_to(root).as_posix() for pattern in globs for path in root.glob(pattern)}
    assert {"static/" + name for name in assets.ASSETS} <= packaged


# -- the page ----------------------------------------------------------------------

def test_the_page_offers_every_named_query_example_as_mrkg_query_runs_it(page):
    settings = settings_of(page.text)
    with_examples = {name: named for name, named in named_queries().items() if named.examples}
    assert [e["name"] for e in settings["examples"]] == list(with_examples)
    assert parsed(page.text).options == list(with_examples)
    for example in settings["examples"]:
        named = with_examples[example["name"]]
        assert example["title"] == named.title
        assert example["text"] == with_values(named.text, bind(named, named.examples[0]))


def test_every_example_answers_on_this_endpoint(client, page):
    for example in settings_of(page.text)["examples"]:
        answer = client.post("/sparql", content=example["text"],
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, (example["name"], answer.text)
        assert answer.json()["head"]["vars"], example["name"]


def test_the_editor_gets_this_endpoint_the_prefixes_and_the_ontology_terms(page):
    settings = settings_of(page.text)
    assert settings["endpoint"] == "http://testserver/sparql"
    assert settings["base"] == "https://w3id.org/mrkg/"
    assert settings["prefixes"] == PREFIXES
    assert all(f"PREFIX {p}: <{iri}>" in settings["defaultQuery"] for p, iri in PREFIXES.items())
    assert "https://w3id.org/mrkg/ontology#Country" in settings["classes"]
    assert "https://w3id.org/mrkg/ontology#adoptedWithin" in settings["properties"]
    assert settings["properties"] and all(p.startswith(PREFIXES["mrkg"]) for p in settings["properties"])
    assert not set(settings["classes"]) & set(settings["properties"])


def test_without_javascript_the_form_still_runs_a_query(client, page):
    forms = [form for form in parsed(page.text).forms if form.get("action") != "/search"]  # the header's search box
    assert forms == [{"id": "query-form", "method": "get", "action": "/sparql"}]
    answer = client.get("/sparql", params={"query": settings_of(page.text)["defaultQuery"], "format": "html"})
    assert answer.status_code == 200 and "<table>" in answer.text and "mrkg:Country" in answer.text


# -- the policy --------------------------------------------------------------------

def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split(";") if part.strip())}


def test_the_editor_page_policy_adds_only_this_server_and_hashes_for_styles(client, page):
    policy = directives(page.headers["content-security-policy"])
    site = directives(client.get("/queries").headers["content-security-policy"])
    assert policy.keys() == site.keys()
    assert all(policy[name] == site[name] for name in policy if name != "style-src")
    assert policy["script-src"] == ["'self'"]
    extra = set(policy["style-src"]) - set(site["style-src"])
    assert extra == {"'self'", *(editor.css_hash(text) for text in editor.RESIZER_STYLES)}
    assert all(source == "'self'" or source.startswith("'sha256-") for source in policy["style-src"])


def test_a_304_of_the_editor_page_keeps_its_policy(real_store):
    """A browser puts a 304's headers in place of its stored copy's: without the editor's own
    policy the site-wide one would come back with it and block YASGUI's style sheets."""
    served = Served(digest="0" * 64, built=1_700_000_000.0)
    app = create_app(InlineEvaluator.for_engine(OxigraphEngine.open(real_store), max_rows=10), served=served)
    with TestClient(app) as client:
        first = client.get("/sparql", headers={"Accept": "text/html"})
        again = client.get("/sparql", headers={"Accept": "text/html", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"] \
        == editor.content_security_policy()


def test_the_hashed_styles_are_those_the_vendored_bundle_writes():
    """A YASGUI update that changes them must change the policy too (else the browser blocks them)."""
    bundle = (VENDORED / "yasgui.min.js").read_text(encoding="utf-8")
    resizer, drag_cursor = editor.RESIZER_STYLES
    assert f"createStyle(a,`{resizer}`)" in bundle
    assert "createStyle(document.querySelector(`head`),`*{cursor:`+n.opt.dragCursor+`!important}`)" in bundle
    assert drag_cursor == "*{cursor:col-resize!important}" and "dragCursor:`col-resize`" in bundle


def test_the_editor_script_writes_data_only_as_text():
    script = (assets.STATIC / "editor.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script
    assert "textContent" in script
