"""What a person waits for: ``mrkg view`` and the server's pages, timed on the built store.

Each runs in a child process of its own (``pages_child``) on the store the benchmark built, with
the embedded Oxigraph engine, as ``mrkg view`` and ``mrkg serve`` use it (the pages' child with the
allocator of the server's query workers: ``run.views_and_pages``):

* views: each of ``VIEWS`` is built (``views.commands.build_view``, the graph ``mrkg view``
  draws; writing the HTML file is left out) ``repeat`` times; the median in seconds. A view
  that cannot be drawn on this graph (no figures for the measure) is reported with its error.
* pages: the Starlette application (``endpoint.app.create_app``) over an inline evaluator,
  through Starlette's test client (no network). The server is *warm*: the answers it computes
  once at start (graph sizes, the ontology, the search index) are computed first, untimed.
  Each page of ``PAGES`` is then asked ``repeat`` times with the server's cache of rendered
  profile pages emptied before each request, so every run evaluates the page's queries; the
  median in milliseconds. A page answered from that cache costs well under a millisecond and
  would say nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

#: (label, ``mrkg view`` arguments, whether the issue's target applies: a whole measure and year).
VIEWS = (
    ("flows migrant-stock 2019", {"kind": "flows", "measure": "migrant-stock", "year": "2019"}, True),
    ("flows remittances 2017", {"kind": "flows", "measure": "remittances", "year": "2017"}, True),
    ("flows migrant-stock (every year)", {"kind": "flows", "measure": "migrant-stock"}, False),
    ("country RUS", {"kind": "country", "subject": "RUS"}, False),
    ("agreements", {"kind": "agreements"}, False),
    ("organisation eaeu", {"kind": "organisation", "subject": "eaeu"}, False),
)

#: Server pages (the issue names the country, organisation and instrument profiles, / and search).
PAGES = ("/", "/id/country/KAZ", "/id/country/RUS", "/id/organisation/eaeu", "/id/instrument/nurly-kosh",
         "/search?q=labour")

_VIEW_OPTIONS = ("kind", "subject", "measure", "year", "source", "top", "all", "min", "on", "organisation", "type",
                 "area")


def view_arguments(given: dict) -> argparse.Namespace:
    """The namespace ``mrkg view`` parses, with ``given`` set and every other option left out."""
    return argparse.Namespace(**{name: given.get(name, False if name == "all" else None) for name in _VIEW_OPTIONS})


def time_views(engine, repeat: int) -> list[dict]:
    from mrkg.queries.library import QueryError
    from mrkg.views.commands import build_view
    from mrkg.views.agreements import ViewError

    measured = []
    for label, given, targeted in VIEWS:
        entry = {"view": label, "whole_measure_and_year": targeted, "seconds": None}
        runs = []
        try:
            for _ in range(repeat):
                started = time.perf_counter()
                build_view(engine, view_arguments(given))
                runs.append(time.perf_counter() - started)
        except (ViewError, QueryError) as error:
            entry["error"] = str(error)
        if runs:
            entry.update(seconds=round(statistics.median(runs), 3), runs=len(runs))
        measured.append(entry)
    return measured


def time_pages(engine, repeat: int) -> list[dict]:
    from starlette.testclient import TestClient

    from mrkg.endpoint.app import create_app
    from mrkg.endpoint.evaluate import InlineEvaluator

    app = create_app(InlineEvaluator.for_engine(engine))
    measured = []
    with TestClient(app) as client:
        for warm_up in ("/", "/search?q=a"):  # the answers computed once per server: sizes, ontology, index
            client.get(warm_up, headers={"accept": "text/html"})
        for path in PAGES:
            runs, status = [], None
            for _ in range(repeat):
                app.state.recent_pages.clear()
                started = time.perf_counter()
                response = client.get(path, headers={"accept": "text/html"})
                runs.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            entry = {"page": path, "status": status, "ms": None}
            if status == 200:
                entry.update(ms=round(statistics.median(runs), 2), runs=len(runs))
            measured.append(entry)
    return measured


def pages_child(store: str, repeat: int, in_memory: bool, part: str) -> dict:
    """The views or the pages (``part``) on the built ``store``, or on its graph loaded into memory,
    and the allocator this process ran with (a benchmark child: see ``children.run_in_child``)."""
    from mrkg.graph.allocator import allocator_of
    from mrkg.graph.remote import open_engine

    timers = {"views": time_views, "pages": time_pages}
    if part not in timers:
        raise ValueError(f"unknown part {part!r}: expected views or pages")
    engine = open_engine(Path(store), in_memory=in_memory)
    return {part: timers[part](engine, repeat), "allocator": allocator_of()}
