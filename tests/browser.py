"""Headless Chromium for the browser tests (Debian's `chromium` and `chromium-driver`, installed by
.ci/run): a fresh profile, console and network logs kept, and no host name resolving but this
machine's, so nothing a page does can leave it. Outside CI, without them, the tests skip; with
CI=true they fail instead.

The fixtures ``browser`` (one Chromium per test module; a module may set ``WINDOW``, e.g.
"1400,1000") and ``server`` (one running `mrkg serve` over the curated graph per module) are
imported by the browser test modules."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def require_chromium():
    """Skip on a developer machine without Chromium, but never in CI."""
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install 'mrkg[test]')")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI; missing: {', '.join(missing)}")
        pytest.skip(f"browser tests skipped: {', '.join(missing)} not found (apt-get install chromium chromium-driver)")


def chromium(profile: Path, window: str = "1400,900"):
    """A headless Chromium driver with ``profile`` as its fresh user-data folder."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--disable-default-apps", "--disable-extensions", f"--window-size={window}",
                     f"--user-data-dir={profile}",
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory, request):
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), window=getattr(request.module, "WINDOW", "1400,900"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(real_store):
    from test_endpoint_server import Server

    running = Server(real_store)
    yield running
    running.stop()
