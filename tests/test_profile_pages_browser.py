"""Profile pages in a real browser: headless Chromium opens each kind of page from a running
`mrkg serve` (worker pool, row cap) over the curated graph. The instrument's participants table
equals `mrkg query parties` row for row; the country's agreements, for a date picked in the page's
date input, equal `mrkg query agreements-of`; no console errors; no request leaves the server; data
crafted to inject markup renders as text.

Chromium and chromedriver are Debian's `chromium` and `chromium-driver`; without them these tests
skip, and with CI=true they fail instead (``require_chromium``).
"""

from __future__ import annotations

import json
import socket
import threading
import time

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF, RDFS

from mrkg.endpoint.app import create_app
from mrkg.endpoint.evaluate import InlineEvaluator, OxigraphRunner
from mrkg.ontology.namespace import MRKG
from mrkg.queries.execute import OxigraphEngine
from profile_pages import expected_table

pytestmark = pytest.mark.slow




@pytest.fixture(scope="module")
def engine(real_store):
    return OxigraphEngine.open(real_store)


def drain(driver):
    driver.get_log("browser")
    driver.get_log("performance")


def checked(driver, origin: str) -> None:
    """No console error or warning, and every request went to ``origin`` (data: URLs are Chromium's own
    images, such as the date input's calendar icon). The browser's own request for /favicon.ico, which
    no page makes, answers 404 on every mrkg server and is not the page's doing."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")
              and "/favicon.ico " not in entry["message"]]
    requests = [json.loads(entry["message"])["message"]["params"]["request"]["url"]
                for entry in driver.get_log("performance")
                if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"]
    assert errors == []
    assert requests and [url for url in requests if not url.startswith((origin + "/", "data:"))] == []


def visit(driver, url: str) -> None:
    driver.get("about:blank")
    drain(driver)
    driver.get(url)


def shown_table(driver, query: str) -> list[list[str]]:
    """The rendered table of a section, as the reader sees its text."""
    return driver.execute_script(
        "var t = document.querySelector('table.section[data-query=\"' + arguments[0] + '\"]');"
        "if (!t) return null;"
        "return Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.textContent.trim()));", query)


@pytest.mark.parametrize("agreement", ["cu-ces-treaty-1999", "icmw"])
def test_participants_table_equals_mrkg_query_parties(browser, server, engine, agreement):
    visit(browser, f"{server.url}/id/instrument/{agreement}")
    table = shown_table(browser, "parties")
    assert table == expected_table(engine, "parties", agreement=agreement)
    assert len(table) > 2
    checked(browser, server.url)


def test_country_agreements_for_the_date_picked(browser, server, engine):
    visit(browser, f"{server.url}/id/country/KAZ")
    field = browser.find_element("css selector", "form.on-date input[name=on]")
    browser.execute_script("arguments[0].value = '2010-01-01'", field)
    drain(browser)
    browser.find_element("css selector", "form.on-date button").click()
    deadline = time.monotonic() + 60
    while "on=2010-01-01" not in browser.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.current_url == f"{server.url}/id/country/KAZ?on=2010-01-01"
    assert shown_table(browser, "agreements-of") == expected_table(engine, "agreements-of", country="KAZ",
                                                                    on="2010-01-01")
    assert shown_table(browser, "memberships") == expected_table(engine, "memberships", country="KAZ")
    assert browser.execute_script("return document.querySelectorAll('svg.timeline rect').length") == 2
    checked(browser, server.url)


@pytest.mark.parametrize("path,drawn", [("/id/organisation/eaeu", "svg.timeline rect"),
                                        ("/id/instrument/nurly-kosh", "svg.chart rect[data-year]"),
                                        ("/id/observation/dyk-net-blr-kaz-2013", "blockquote.citation"),
                                        ("/id/document/000_e132173a8f0337db", "blockquote.citation")])
def test_each_kind_of_page_renders_with_no_error_and_no_request_elsewhere(browser, server, path, drawn):
    visit(browser, server.url + path)
    assert browser.execute_script("return document.querySelectorAll(arguments[0]).length", drawn) > 0
    checked(browser, server.url)


def test_country_ego_network_opens_from_the_profile_page(browser, server):
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, f"{server.url}/id/country/KAZ?on=2015-01-01")
    browser.find_element("css selector", "#ego-network a").click()
    WebDriverWait(browser, 120).until(lambda d: d.execute_script("return !!(window.mrkgView && window.mrkgView.drawn)"))
    assert browser.current_url == f"{server.url}/views/country/KAZ?on=2015-01-01"
    nodes, edges = browser.execute_script("return [mrkgView.nodes.length, mrkgView.edges.length]")
    assert nodes > 5 and edges > 5
    checked(browser, server.url)


# -- crafted data renders as text ------------------------------------------------------------------

XSS = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def crafted_server():
    """The application over a store whose title, labels and quotes carry markup, served on loopback."""
    import uvicorn

    base = "https://w3id.org/mrkg/"
    store, graph = ox.Store(), ox.NamedNode(base + "graph/evil")

    def add(subject, predicate, value):
        store.add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(str(predicate)), value, graph))

    treaty, party = base + "id/instrument/evil-treaty", base + "id/country/RUS"
    participation = base + "id/participation/evil-treaty/RUS"
    add(treaty, RDFS.label, ox.Literal(XSS))
    add(treaty, RDF.type, ox.NamedNode(str(MRKG.InternationalAgreement)))
    add(party, "http://purl.org/dc/terms/identifier", ox.Literal("RUS"))
    add(party, RDFS.label, ox.Literal("Russia " + XSS))
    add(participation, RDF.type, ox.NamedNode(str(MRKG.ConsolidatedParticipation)))
    add(participation, MRKG.instrument, ox.NamedNode(treaty))
    add(participation, MRKG.party, ox.NamedNode(party))
    add(participation, MRKG.sourcesCited, ox.Literal("doc.txt (" + XSS + ")"))
    observation = base + "id/observation/evil"
    add(observation, MRKG.quote, ox.Literal(XSS))
    add(observation, MRKG.locator, ox.Literal(XSS))
    app = create_app(InlineEvaluator(OxigraphRunner(store), base=base), base=base)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield "http://127.0.0.1:%d" % sock.getsockname()[1]
    running.should_exit = True
    thread.join(10)


def test_data_in_titles_labels_and_quotes_render_as_text(browser, crafted_server):
    visit(browser, crafted_server + "/id/instrument/evil-treaty")
    assert browser.execute_script("return document.querySelector('h1').textContent") == XSS
    assert browser.title.startswith(XSS)
    table = shown_table(browser, "parties")
    assert table[1][:2] == ["RUS", "Russia " + XSS]
    assert XSS in table[1][table[0].index("sources")]
    visit(browser, crafted_server + "/id/observation/evil")
    assert XSS in browser.execute_script("return document.body.textContent")
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert browser.execute_script("return window.__pwned === undefined")
    checked(browser, crafted_server)
