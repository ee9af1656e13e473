"""Regenerate the README's screenshots (docs/screenshots/*.png) with headless Chromium.

    .venv/bin/python docs/screenshots.py --store /path/to/store [--server http://127.0.0.1:8000] [--only NAME ...]

A development script, not an installed command: it needs the test extras (selenium) and Debian's
``chromium`` and ``chromium-driver``, which users of the package do not. Each entry of ``SHOTS`` is
one picture:

* ``ViewShot``: ``mrkg view …`` is written from ``--store`` to a temporary file and opened from
  file:// with the network off (as the browser tests do), then captured once drawn;
* ``PageShot``: a path of a running ``mrkg serve`` (``--server``), captured once loaded; without
  ``--server`` these are skipped, and said so. A new page (a profile page, search, the query editor)
  is one more entry.

Pictures are taken at a fixed window size so that they stay small (about 100-250 kB each).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent / "screenshots"
WINDOW = (1280, 900)


@dataclass(frozen=True)
class ViewShot:
    name: str
    argv: tuple[str, ...]  # `mrkg view` arguments, without --out


@dataclass(frozen=True)
class PageShot:
    name: str
    path: str  # on the server, e.g. "/id/country/KAZ"


SHOTS = [
    ViewShot("agreements", ("agreements", "--on", "2015-01-01")),
    ViewShot("flows", ("flows", "--measure", "migrant-stock", "--year", "2019", "--source", "un-desa", "--top", "80")),
    ViewShot("country", ("country", "KAZ", "--on", "2015-01-01")),
    ViewShot("organisation", ("organisation", "eaeu", "--on", "2016-01-01")),
    ViewShot("visa", ("visa", "--on", "2024-06-01")),
    PageShot("queries", "/queries"),
    PageShot("profile-country", "/id/country/KAZ?on=2015-01-01"),
    PageShot("profile-instrument", "/id/instrument/icmw"),
    PageShot("search", "/search?q=kazakh"),
    PageShot("editor", "/sparql"),
]


def chromium(profile: Path, offline: bool):
    """Headless Chromium with a fresh profile; ``offline``: no request can leave the machine."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--user-data-dir={profile}",
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    if offline:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    return driver


def view_shot(driver, shot: ViewShot, store: Path, folder: Path, out: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait
    from mrkg.cli import main

    page = folder / f"{shot.name}.html"
    if main(["--store", str(store), "view", *shot.argv, "--out", str(page)]) != 0:
        raise SystemExit(f"mrkg view {' '.join(shot.argv)} failed")
    driver.get(page.resolve().as_uri())
    WebDriverWait(driver, 120).until(lambda d: d.execute_script("return !!(window.mrkgView && mrkgView.drawn)"))
    driver.save_screenshot(str(out))


def page_shot(driver, shot: PageShot, server: str, out: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.rstrip("/") + shot.path)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.save_screenshot(str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--store", type=Path, required=True, help="the store the views are written from")
    parser.add_argument("--server", help="a running `mrkg serve`, e.g. http://127.0.0.1:8000, for page shots")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these shots")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder of the PNGs (default {OUT})")
    args = parser.parse_args(argv)
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (apt-get install chromium chromium-driver)", file=sys.stderr)
        return 2
    shots = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        views = [shot for shot in shots if isinstance(shot, ViewShot)]
        pages = [shot for shot in shots if isinstance(shot, PageShot)]
        if views:
            driver = chromium(folder / "profile-views", offline=True)
            try:
                for shot in views:
                    view_shot(driver, shot, args.store, folder, args.out / f"{shot.name}.png")
                    print(f"{args.out / shot.name}.png", file=sys.stderr)
            finally:
                driver.quit()
        if pages and not args.server:
            print(f"skipped without --server: {', '.join(shot.name for shot in pages)}", file=sys.stderr)
        elif pages:
            driver = chromium(folder / "profile-pages", offline=False)
            try:
                for shot in pages:
                    page_shot(driver, shot, args.server, args.out / f"{shot.name}.png")
                    print(f"{args.out / shot.name}.png", file=sys.stderr)
            finally:
                driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
