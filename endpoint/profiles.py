"""Profile pages: one page layout per kind of entity, each section a named query's answer.

Scholia-style: a section is never computed by the page itself. It is a query of the library
(``queries/*.rq``) run with the entity as its parameter, so the page and ``mrkg query NAME``
cannot disagree, and every section links to the same query (CSV, JSON, other parameters).
The charts and timelines draw the rows of a section; they add no facts of their own.
"""

from __future__ import annotations

import collections
import datetime as dt
import html as htmllib
import os
import re
import urllib.parse
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass

from rdflib import Literal, URIRef

from mrkg.ontology.namespace import MRKG
from mrkg.queries.execute import run_named
from mrkg.queries.library import QueryError, bind, named_queries


@dataclass(frozen=True)
class Section:
    """A named query run with the entity's identifier as ``param``; ``options`` are request
    parameters passed on to it (the country page's date)."""

    query: str
    param: str
    options: tuple[str, ...] = ()
    # ``(query, columns)``: a named query run for each row of this one, with those columns of the row as
    # its parameters besides the entity (the country's partners ranked per measure, source and latest year).
    each: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Profile:
    """A page layout (``templates/profile_<layout>.html``) and its sections, in page order."""

    layout: str
    sections: tuple[Section, ...]


PROFILES = {
    "instrument": Profile("instrument", (Section("instrument", "id"), Section("rules", "agreement"),
                                         Section("parties", "agreement"), Section("instrument-figures", "agreement"))),
    "programme": Profile("programme", (Section("instrument", "id"), Section("instrument-figures", "agreement"))),
    "country": Profile("country", (Section("memberships", "country"), Section("agreements-of", "country", ("on",)),
                                   # the kind (agreement, protocol) and coded provisions agreements-of cannot show
                                   Section("labour-agreements", "country"),
                                   Section("partner-years", "country",
                                           each=("top-partners", ("measure", "source", "year"))),
                                   Section("roles", "country"), Section("programmes", "country"),
                                   Section("visa-free", "passport"), Section("visa-free-into", "destination"),
                                   Section("citizenship-law", "country"))),
    "organisation": Profile("organisation", (Section("memberships", "organisation"),
                                             Section("instruments", "organisation"))),
    "observation": Profile("observation", (Section("observation", "id"),)),
    "document": Profile("document", (Section("document", "id"),)),
}

# Path kinds whose identifier may hold slashes (an observation of a table: dataset/measure/from/to/year).
_NESTED_KINDS = {"observation"}


def profile_of(iri: str, base: str, types: list[str]) -> tuple[Profile, str] | None:
    """The profile of ``iri`` and the identifier its sections take, or None for an IRI without one.
    ``types`` are the IRI's rdf:types: a programme is an instrument with a page of its own."""
    prefix = base + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, identifier = iri[len(prefix):].partition("/")
    if not identifier or ("/" in identifier and kind not in _NESTED_KINDS):
        return None
    if kind == "instrument" and str(MRKG.Programme) in types:
        kind = "programme"
    profile = PROFILES.get(kind)
    return (profile, identifier) if profile is not None else None


def has_profile(iri: str, base: str) -> bool:
    """Whether ``iri`` gets a profile page, whatever its types (a programme is an instrument)."""
    return profile_of(iri, base, []) is not None


#: Threads a page's sections are evaluated on. pyoxigraph lets go of the GIL while it evaluates, so a page's
#: queries share the cores: the country pages in about half the time on two cores (docs/benchmarks.md).
PAGE_THREADS = max(1, min(4, os.cpu_count() or 1))


def run_sections(view_factory, profile: Profile, identifier: str, options: dict[str, str]) -> list[dict]:
    """Each section of ``profile`` for the entity: the named query's columns and rows (each query run
    through a fresh ``view_factory()``, the evaluator with the row cap), and a link to the same query.
    The sections are evaluated side by side on ``PAGE_THREADS`` threads, and the queries a section runs
    for each of its rows as soon as it is answered, before the sections not yet started; the page lists
    them in its own order whatever order they finish in.
    Raises QueryError for an option the query refuses (a malformed date)."""
    queries = named_queries()
    planned = []
    for section in profile.sections:
        named = queries[section.query]
        given = {name: options[name] for name in section.options if options.get(name)}
        try:
            bind(named, {section.param: identifier})
        except QueryError:
            continue  # not an identifier the query takes (a country IRI that is not an ISO code)
        planned.append((section, named, {section.param: identifier, **given}))
    sections: list[dict] = [{} for _ in planned]

    def ask(task: tuple) -> dict:
        index, position, parameters = task
        section = planned[index][0]
        return _answer(view_factory, queries[section.each[0]] if position is not None else planned[index][1],
                       parameters)

    def answered(task: tuple, answer: dict) -> list[tuple]:
        """Store the answer; a section's parts, when it has any, are the tasks that follow it."""
        index, position, _ = task
        if position is not None:
            sections[index]["parts"][position] = answer
            return []
        sections[index].update(answer)
        section = planned[index][0]
        if section.each is None:
            return []
        columns = section.each[1]
        sections[index]["parts"] = [None] * len(answer["rows"])
        return [(index, position, {section.param: identifier, **{c: str(row[c]) for c in columns}})
                for position, row in enumerate(answer["rows"])]

    # A section whose rows start queries of their own is asked first.
    first = sorted(range(len(planned)), key=lambda index: planned[index][0].each is None)
    run_in_turn([(index, None, planned[index][2]) for index in first], ask, answered, PAGE_THREADS)
    return sections


def run_in_turn(tasks: list, run, answered, threads: int) -> None:
    """``run(task)`` for each task, at most ``threads`` at once; when one finishes, ``answered(task,
    result)`` returns the tasks that follow from it, which start before the tasks not yet started (a
    page's parts before its remaining sections: the page then waits for its work, not for its slowest
    section before any part may start). An error of a task is raised once the running ones finish."""
    following: collections.deque = collections.deque()
    waiting = collections.deque(tasks)
    running: dict = {}
    with ThreadPoolExecutor(threads, thread_name_prefix="mrkg-section") as pool:
        while following or waiting or running:
            while len(running) < threads and (following or waiting):
                task = (following or waiting).popleft()
                running[pool.submit(run, task)] = task
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                following.extend(answered(running.pop(future), future.result()))


def sections_on(runner, profile: Profile, identifier: str, options: dict[str, str],
                max_rows: int | None) -> list[dict]:
    """``run_sections`` with each query run by ``runner`` (anything with ``run(text, bindings, max_rows) ->
    (Result, truncated)``: an evaluator, or a worker's ``OxigraphRunner``) under the row cap."""
    from mrkg.endpoint.evaluate import CappedView

    return run_sections(lambda: CappedView(runner, max_rows), profile, identifier, options)


def _answer(view_factory, named, parameters: dict[str, str]) -> dict:
    """One named query's answer for the page, with the link to the same query."""
    view = view_factory()
    result = run_named(view, named, bind(named, parameters))
    return {"name": named.name, "title": named.title, "question": named.question,
            "href": f"/queries/{named.name}?" + urllib.parse.urlencode(parameters), "parameters": parameters,
            "columns": result.variables, "rows": result.rows, "truncated": view.truncated}


def by_name(sections: list[dict]) -> dict[str, dict]:
    return {section["name"]: section for section in sections}


# -- links from codes to profile pages -----------------------------------------------------------

# Columns that hold an identifier of an entity with a page, and that entity's IRI kind.
_CODE_KINDS = {"instrument": "instrument", "amends": "instrument", "part_of": "instrument", "programme": "instrument",
               "adopted_within": "organisation", "body": "organisation", "member": "country",
               "jurisdiction": "country", "observation": "observation"}
_COUNTRY_CODE = re.compile(r"[A-Z]{3}")


def code_path(column: str, value) -> str | None:
    """The path of the profile page a code in ``column`` names (``BLR`` in ``party``), if any."""
    if not isinstance(value, Literal) or not str(value):
        return None
    code = str(value)
    kind = _CODE_KINDS.get(column)
    if column == "party":  # a party is a state, or an organisation such as the EU
        kind = "country" if _COUNTRY_CODE.fullmatch(code) else "organisation"
    if kind is None:
        return None
    return f"/id/{kind}/" + urllib.parse.quote(code, safe="/")


# -- drawings of a section's rows ---------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})")


def _first_year(value) -> int | None:
    match = _YEAR.search(str(value)) if value is not None else None
    return int(match.group(1)) if match else None


def _last_year(value) -> int | None:
    found = _YEAR.findall(str(value)) if value is not None else []
    return int(found[-1]) if found else None


def membership_timeline(rows: list[dict], label_column: str, today: dt.date | None = None) -> dict | None:
    """Bars for the ``memberships`` rows: one per membership from its start year to its end year (or
    this year when no source records an end); memberships without a start are listed, not drawn."""
    this_year = (today or dt.date.today()).year
    bars, undated = [], []
    for row in rows:
        start = _first_year(row.get("from"))
        if start is None:
            undated.append(str(row[label_column]))
            continue
        end = _last_year(row.get("to"))
        bars.append({"label": str(row[label_column]), "start": start, "end": end or this_year, "open": end is None,
                     "from": str(row["from"]), "to": str(row["to"]) if row.get("to") is not None else ""})
    if not bars:
        return {"bars": [], "undated": undated} if undated else None
    first = min(bar["start"] for bar in bars)
    last = max(bar["end"] for bar in bars) + 1
    width, left, row_height = 640, 200, 22
    scale = (width - left - 10) / max(last - first, 1)
    for index, bar in enumerate(bars):
        bar["x"] = round(left + (bar["start"] - first) * scale, 1)
        bar["width"] = round(max((bar["end"] + 1 - bar["start"]) * scale, 2), 1)
        bar["y"] = 20 + index * row_height
    ticks = [{"year": year, "x": round(left + (year - first) * scale, 1)}
             for year in range(first, last + 1) if (year - first) % max(1, (last - first) // 6 or 1) == 0]
    return {"bars": bars, "undated": undated, "width": width, "height": 30 + len(bars) * row_height,
            "left": left, "ticks": ticks}


def budget_chart(rows: list[dict]) -> dict | None:
    """Stacked bars of a programme's budget by year and funding source, from ``instrument-figures`` rows:
    the figures of the measure programme-budget whose period is one year. A total over several years
    is left to the table (drawing it beside single years would mislead)."""
    by_year: dict[int, list[tuple[str, float]]] = {}
    units = set()
    for row in rows:
        period = str(row.get("period") or "")
        if str(row.get("measure")) != "programme-budget" or not re.fullmatch(r"\d{4}", period):
            continue
        by_year.setdefault(int(period), []).append((str(row.get("funding_source") or "unspecified"),
                                                    float(row["value"])))
        units.add(str(row["unit"]))
    if not by_year or len(units) != 1:
        return None
    sources = sorted({source for parts in by_year.values() for source, _ in parts})
    colours = ["#3b6fb6", "#e07b39", "#5aa469", "#b5485d", "#8a6fb0", "#c2a23a"]
    top = max(sum(value for _, value in parts) for parts in by_year.values()) or 1.0
    height, bottom, bar_width, gap, left = 220, 30, 60, 30, 70
    bars = []
    for index, year in enumerate(sorted(by_year)):
        y = height - bottom
        for source, value in sorted(by_year[year], key=lambda part: sources.index(part[0])):
            size = value / top * (height - bottom - 20)
            y -= size
            bars.append({"year": year, "source": source, "value": value, "x": left + index * (bar_width + gap),
                         "y": round(y, 1), "height": round(size, 1), "width": bar_width,
                         "colour": colours[sources.index(source) % len(colours)]})
    legend = [{"source": source, "colour": colours[i % len(colours)]} for i, source in enumerate(sources)]
    years = [{"year": year, "x": left + i * (bar_width + gap) + bar_width / 2}
             for i, year in enumerate(sorted(by_year))]
    return {"bars": bars, "legend": legend, "years": years, "unit": units.pop(), "top": top, "height": height,
            "width": left + len(by_year) * (bar_width + gap) + 200, "axis_y": height - bottom, "legend_x":
            left + len(by_year) * (bar_width + gap) + 10}


def is_iri(value) -> bool:
    return isinstance(value, URIRef)


# -- the country's ego network, as the `mrkg view country` page ---------------------------------------

_META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def country_view(view_factory, code: str, on: str, measure: str) -> tuple[str, str]:
    """The page `mrkg view country CODE --on ON --measure MEASURE` writes, built through the evaluator
    (``view_factory()``, with the row cap), and the Content-Security-Policy to serve it with: the page's
    own (its inline scripts and style by hash, nothing fetched), which the server's default
    (``script-src 'self'``) would otherwise narrow to nothing, plus ``frame-ancestors 'none'``, which a
    meta element cannot set. Raises QueryError for a bad parameter or a country the graph holds nothing
    about (the views' ViewError)."""
    from mrkg.queries.library import BINDERS
    from mrkg.views import country, page

    code, measure = code.upper(), measure or "migrant-stock"
    day = dt.date.fromisoformat(str(BINDERS["date"](on))) if on else dt.date.today()  # the binder validates it
    view = country.build(view_factory(), BINDERS["country"](code), code, day, BINDERS["measure"](measure), measure)
    html = page.render(view, f"country:{code}")
    policy = _META_POLICY.search(html)
    if policy is None:  # pragma: no cover - the view template always carries it
        raise RuntimeError("the view page carries no Content-Security-Policy")
    return html, htmllib.unescape(policy.group(1)) + "; frame-ancestors 'none'"
