"""HTML pages, rendered with Jinja2 with autoescaping: every value from the data is escaped,
and only two kinds of IRI become links: those under the dataset's base, made local, and other
absolute http(s) IRIs, as they are. A local link is always a path of this server: never one a
browser would read as protocol-relative (``//host``, ``/\\host``, or those with a tab or newline
that browsers drop), which would send the reader to another site."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from rdflib import Literal, URIRef

from mrkg.endpoint import profiles
from mrkg.endpoint.resolve import compact
from mrkg.queries.typed import code
from mrkg.ontology.iris import BASE
from mrkg.queries.search import MAX_TEXT

TEMPLATES = Path(__file__).resolve().parent / "templates"


# What an IRI may hold as is in a path (RFC 3986's pchar, "/", "?" and "#", and escapes).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%?#"


def local_path(iri: str, base: str) -> str | None:
    """The path on this server at which ``iri`` resolves, if it is under ``base`` and the rest
    makes a path of this server: percent-encoded where it is not plain ASCII, and never starting
    with a second slash or a backslash (a browser would go to another host)."""
    if not iri.startswith(base):
        return None
    rest = urllib.parse.quote(iri[len(base):], safe=_PATH_SAFE)
    if rest.startswith(("/", "%5C", "%5c")):
        return None
    return "/" + rest


def link_target(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` goes: its local path, or the IRI itself if it is absolute http(s);
    None for anything else (``javascript:``, ``data:``, relative or malformed IRIs)."""
    local = local_path(iri, base)
    if local is not None:
        return local
    if _ABSOLUTE_HTTP.match(iri) and not _UNSAFE_IN_LINK.search(iri):
        return iri
    return None


_ABSOLUTE_HTTP = re.compile(r"https?://[^/\\?#\s]", re.IGNORECASE)
_UNSAFE_IN_LINK = re.compile(r"[\x00-\x20\x7f\\]")  # browsers drop or rewrite these in URLs


def term_html(term, label=None, base: str = BASE) -> Markup:
    """One RDF term as HTML: IRIs as links (local ones to this server), literals as text."""
    if term is None:
        return Markup("")
    if isinstance(term, URIRef):
        iri = str(term)
        text = str(label) if label is not None else compact(iri)
        href = link_target(iri, base)
        if href is None:
            return Markup('<span class="iri">{}</span>').format(text)
        return Markup('<a href="{}" title="{}">{}</a>').format(href, iri, text)
    if isinstance(term, Literal):
        suffix = f" @{term.language}" if term.language else ""
        return Markup("{}<span class=\"muted\">{}</span>").format(str(term), suffix)
    return Markup("<span class=\"iri\">_:{}</span>").format(str(term))


def cell_html(column: str, value, base: str = BASE) -> Markup:
    """A cell of a profile section: a code of an entity with a page as a link to it, an IRI as a link
    labelled with its code, anything else as text. A function, not a template macro: a country page has
    thousands of cells, and a macro call costs several times the work it wraps."""
    if value is None:
        return Markup("")
    path = profiles.code_path(column, value)
    if path:
        return Markup('<a href="{}">{}</a>').format(path, value)
    if profiles.is_iri(value):  # labelled as `mrkg query` prints it: BLR, mrkg:Programme
        return term_html(value, code(str(value)), base)
    return escape(str(value))


@lru_cache(maxsize=8)
def environment(base: str = BASE) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["term"] = lambda term, label=None: term_html(term, label, base)
    env.globals["base"] = base
    env.globals["max_search_text"] = MAX_TEXT  # the search box in every page's header
    env.filters["fragment"] = lambda iri: iri.rsplit("#", 1)[-1]
    # Profile pages (profiles.py): links from codes to pages, and drawings of a section's rows.
    env.globals["membership_timeline"] = profiles.membership_timeline
    env.globals["budget_chart"] = profiles.budget_chart
    env.globals["cell_html"] = lambda column, value: cell_html(column, value, base)
    return env


@lru_cache(maxsize=1)
def style_hash() -> str:
    """The CSP source (``'sha256-...'``) of the pages' one inline style sheet (base.html), so that
    the policy can allow exactly it and no other inline style."""
    match = re.search(r"<style>(.*?)</style>", (TEMPLATES / "base.html").read_text(encoding="utf-8"), re.DOTALL)
    digest = hashlib.sha256(match.group(1).encode("utf-8")).digest() if match else b""
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(template: str, base: str = BASE, **values) -> str:
    return environment(base).get_template(template).render(**values)


def results_page(result, form: str, query: str = "", base: str = BASE, title: str | None = None,
                 subtitle: str | None = None, truncated: str | None = None) -> str:
    return render("results.html", base, title=title or f"{form} answer", subtitle=subtitle, query=query,
                  variables=result.variables, rows=result.rows, boolean=result.boolean, truncated=truncated)
