"""The search box in a real browser (headless Chromium, fresh profile, no name resolving but the
server's): from the landing page of a running `mrkg serve`, typing Kazakhstan's name and pressing
Enter lists Kazakhstan first, linked to /id/country/KAZ, and the link opens its page; crafted search
text renders as text. No console error, no request beyond the server.

Outside CI, without Chromium and chromedriver, these tests skip; with CI=true they fail instead.
"""

from __future__ import annotations

import json

import pytest


pytestmark = pytest.mark.slow




def open_fresh(driver, url: str) -> None:
    """Open ``url`` with the logs emptied of what came before (the browser's own start page)."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)


def problems(driver, origin: str) -> tuple[list, list]:
    """The console errors and the requests to anywhere but ``origin`` since the last call."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")
              and "favicon.ico" not in entry["message"]]
    foreign = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            # data: URLs are Chromium's own (the calendar icon of a date input) and never leave the page.
            if not url.startswith((origin + "/", "data:")):
                foreign.append(url)
    return errors, foreign


def test_typing_a_name_in_the_box_of_the_landing_page_leads_to_its_page(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    open_fresh(browser, server.url + "/")
    box = browser.find_element(By.CSS_SELECTOR, 'header form[action="/search"] input[name="q"]')
    box.send_keys("Kazakhstan", Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "search-results"))
    assert browser.current_url == server.url + "/search?q=Kazakhstan"
    first = browser.find_element(By.CSS_SELECTOR, "#search-results tr:nth-child(2)")
    cells = [cell.text for cell in first.find_elements(By.TAG_NAME, "td")]
    assert cells[:3] == ["country", "KAZ", "Kazakhstan"]
    link = first.find_element(By.LINK_TEXT, "Kazakhstan")
    assert link.get_attribute("href") == server.url + "/id/country/KAZ"
    link.click()
    WebDriverWait(browser, 60).until(lambda d: d.current_url == server.url + "/id/country/KAZ")
    assert "Kazakhstan" in browser.title
    assert problems(browser, server.url) == ([], [])


def test_crafted_search_text_renders_as_text(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    crafted = '"><img src=x onerror="window.__pwned=1">'
    open_fresh(browser, server.url + "/queries")
    box = browser.find_element(By.CSS_SELECTOR, 'header form[action="/search"] input[name="q"]')
    box.send_keys(crafted, Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: "/search?" in d.current_url)
    assert browser.execute_script("return window.__pwned === undefined && document.images.length === 0")
    assert crafted in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_element(By.CSS_SELECTOR, "#search-form input[name=q]").get_attribute("value") == crafted
    assert problems(browser, server.url) == ([], [])
