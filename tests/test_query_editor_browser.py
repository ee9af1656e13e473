"""The query editor (YASGUI at /sparql) in a real browser, served by `mrkg serve` over the curated
graph: it loads with no request leaving the server and no console error (a Content-Security-Policy
violation is one), runs a named query's example and shows its rows, a permalink opens its query,
result cells for countries show their labels and link to their pages, and data that looks like
markup stays text.

Chromium runs headless with a fresh profile; no host name resolves but this machine's, so nothing
could leave it even if the page tried. Skips without Chromium outside CI (see test_views_browser).
"""

from __future__ import annotations

import json
import urllib.parse

import pytest


pytestmark = pytest.mark.slow
WINDOW = "1400,1000"  # the browser fixture's window

COUNTRIES = """PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
SELECT ?country WHERE { ?country a mrkg:Country } ORDER BY ?country LIMIT 5"""
MARKUP = '<img src=x onerror="window.__pwned=1">'
INJECTION = f"""SELECT ?text ?link WHERE {{
  BIND({json.dumps(MARKUP)} AS ?text)
  BIND(IRI("javascript:window.__pwned=2") AS ?link)
}}"""


def select(server, query: str) -> dict:
    """The endpoint's own SPARQL JSON answer to ``query``, asked without the browser."""
    return json.loads(server.request("/sparql", method="POST", data=query.encode("utf-8"), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})[1])




def open_editor(driver, url: str) -> None:
    """Open ``url`` with no earlier tab or log left over; wait for the editor."""
    from selenium.webdriver.support.ui import WebDriverWait

    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
    driver.get(origin + "/static/yasgui/SOURCE.txt")  # a page of the origin, to clear its storage
    driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return !!window.mrkgEditor"))


def wait_for_rows(driver, count_at_least: int = 1) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 120).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.yasr table.dataTable tbody tr td .nonIri, .yasr table.dataTable "
        "tbody tr td .iri').length > 0 && !document.querySelector('.yasr .dt-empty')"))
    assert len(rows(driver)) >= count_at_least


def rows(driver) -> list[list[str]]:
    """The shown table's cells (without YASGUI's row number), row by row."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.yasr table.dataTable tbody tr')).map("
        "tr => Array.from(tr.querySelectorAll('td')).slice(1).map(td => td.textContent))")


def problems(driver, origin: str) -> dict[str, list]:
    """Console errors and warnings (CSP violations among them), and requests to any other origin."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    foreign = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(origin + "/") and not url.startswith("data:"):
                foreign.append(url)
    return {"errors": errors, "foreign": foreign}


def example(server, name: str) -> dict:
    status, page = server.request("/sparql", headers={"Accept": "text/html"})
    assert status == 200
    settings = json.loads(page.split('id="editor-settings">', 1)[1].split("</script>", 1)[0])
    return next(e for e in settings["examples"] if e["name"] == name)


def editor_text(driver) -> str:
    return driver.execute_script("return window.mrkgEditor.getTab().getQuery()")


def run_example(driver, name: str) -> None:
    driver.execute_script("const choice = document.getElementById('examples'); choice.value = arguments[0];"
                          "choice.dispatchEvent(new Event('change'));", name)


def test_the_editor_loads_from_this_server_alone(server, browser):
    open_editor(browser, server.url + "/sparql")
    assert browser.execute_script("return document.querySelector('.yasgui .CodeMirror') !== null")
    assert browser.find_element("id", "query-form").is_displayed() is False  # the no-JS form gives way
    assert "SELECT ?class" in editor_text(browser)
    found = problems(browser, server.url)
    assert found == {"errors": [], "foreign": []}


def test_an_example_runs_and_its_rows_are_shown(server, browser):
    members = example(server, "members")
    open_editor(browser, server.url + "/sparql")
    run_example(browser, "members")
    wait_for_rows(browser)
    assert editor_text(browser) == members["text"]
    answer = select(server, members["text"])
    shown = browser.execute_script("return window.mrkgEditor.getTab().getYasr().results.getBindings().length")
    assert shown == len(answer["results"]["bindings"]) == len(rows(browser))
    codes = {binding["member"]["value"] for binding in answer["results"]["bindings"]}
    assert {row[0] for row in rows(browser)} == codes  # the first column, as the endpoint answers it
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


def test_the_address_after_a_run_is_a_permalink_that_opens_and_runs_its_query(server, browser):
    members = example(server, "members")
    open_editor(browser, server.url + "/sparql")
    run_example(browser, "members")
    wait_for_rows(browser)
    link = browser.current_url
    assert urllib.parse.urlsplit(link).path == "/sparql" and "query=" in urllib.parse.urlsplit(link).fragment

    open_editor(browser, link)  # a fresh start: the tabs YASGUI stored are cleared first
    wait_for_rows(browser)
    assert editor_text(browser) == members["text"]
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


def test_a_country_cell_shows_its_label_and_links_to_its_page(server, browser):
    open_editor(browser, server.url + "/sparql#query=" + urllib.parse.quote(COUNTRIES))
    wait_for_rows(browser, 5)
    assert editor_text(browser) == COUNTRIES
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('.yasr table.dataTable tbody a.iri')).map("
        "a => [a.textContent, a.getAttribute('href'), a.title])")
    iris = [binding["country"]["value"] for binding in select(server, COUNTRIES)["results"]["bindings"]]
    labels = select(server, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                           "SELECT ?iri ?label WHERE { VALUES ?iri { " + " ".join(f"<{i}>" for i in iris)
                           + ' } ?iri rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }')
    label_of = {b["iri"]["value"]: b["label"]["value"] for b in labels["results"]["bindings"]}
    expected = [[label_of[iri], "/" + iri.removeprefix("https://w3id.org/mrkg/"), iri] for iri in iris]
    assert links == expected
    assert all(href.startswith("/id/country/") for _, href, _ in links)
    status, page = server.request(links[0][1], headers={"Accept": "text/html"})
    assert status == 200 and links[0][0] in page
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


def test_a_link_naming_another_endpoint_or_headers_still_queries_only_this_server(server, browser):
    """YASGUI's own links may name an endpoint, request headers and extra parameters: the editor
    keeps only the query and how it is shown, so a link cannot send the query elsewhere."""
    fragment = urllib.parse.urlencode({"query": COUNTRIES, "endpoint": "http://elsewhere.example/sparql",
                                       "headers": json.dumps({"X-Extra": "1"}), "extra": "1"})
    open_editor(browser, server.url + "/sparql#" + fragment)
    wait_for_rows(browser, 5)
    assert editor_text(browser) == COUNTRIES
    assert browser.execute_script("return window.mrkgEditor.getTab().getEndpoint()") == server.url + "/sparql"
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


def test_markup_in_answers_stays_text(server, browser):
    open_editor(browser, server.url + "/sparql#query=" + urllib.parse.quote(INJECTION))
    wait_for_rows(browser)
    assert MARKUP in rows(browser)[0][0]
    assert browser.execute_script("return document.querySelectorAll('.yasr img').length") == 0
    assert browser.execute_script("return document.querySelectorAll('.yasr a[href^=\"javascript\"]').length") == 0
    assert browser.execute_script("return window.__pwned === undefined")
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


def test_resizing_a_column_breaks_no_policy(server, browser):
    """The result table writes two inline style sheets (``editor.RESIZER_STYLES``): the page's
    policy allows them by hash, so drawing the table and dragging a column log no violation."""
    from selenium.webdriver.common.action_chains import ActionChains

    open_editor(browser, server.url + "/sparql#query=" + urllib.parse.quote(COUNTRIES))
    wait_for_rows(browser)
    handle = browser.find_element("css selector", ".yasr .grip-handle .grip-resizable")
    ActionChains(browser).click_and_hold(handle).move_by_offset(40, 0).release().perform()
    assert browser.execute_script("return document.querySelectorAll('style').length") >= 1
    assert problems(browser, server.url) == {"errors": [], "foreign": []}


@pytest.mark.parametrize("typed, offered", [
    ("PREFIX sk", ["skos: <http://www.w3.org/2004/02/skos/core#>"]),
    ("PREFIX mrkg: <https://w3id.org/mrkg/ontology#>\nSELECT * WHERE { ?s a mrkg:Coun", ["mrkg:Country"]),
    ("PREFIX mrkg: <https://w3id.org/mrkg/ontology#>\nSELECT * WHERE { ?s mrkg:adop", ["mrkg:adoptedWithin"]),
])
def test_completion_offers_the_project_prefixes_and_the_ontology_terms(server, browser, typed, offered):
    """Prefixes from ontology/namespace.py, classes and properties from the ontology: the page
    carries them, so completing asks no other site (YASGUI would ask prefix.cc and LOV)."""
    from selenium.webdriver.support.ui import WebDriverWait

    open_editor(browser, server.url + "/sparql")
    browser.execute_script("const yasqe = window.mrkgEditor.getTab().getYasqe(); yasqe.setValue(arguments[0]);"
                           "yasqe.focus(); yasqe.setCursor(yasqe.lineCount() - 1, 1000); yasqe.autocomplete();", typed)
    hints = "return Array.from(document.querySelectorAll('.CodeMirror-hints li')).map(li => li.textContent)"
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(hints))
    assert browser.execute_script(hints) == offered
    assert problems(browser, server.url) == {"errors": [], "foreign": []}
