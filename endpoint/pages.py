"""HTML pages, rendered with Jinja2 with autoescaping: every value from the data is escaped,
and only http(s) IRIs become links."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rdflib import Literal, URIRef

from mrkg.endpoint.resolve import compact
from mrkg.ontology.iris import BASE

TEMPLATES = Path(__file__).resolve().parent / "templates"


def local_path(iri: str, base: str) -> str | None:
    """The path on this server at which ``iri`` resolves, if it is under ``base``."""
    return "/" + iri[len(base):] if iri.startswith(base) else None


def term_html(term, label=None, base: str = BASE) -> Markup:
    """One RDF term as HTML: IRIs as links (local ones to this server), literals as text."""
    if term is None:
        return Markup("")
    if isinstance(term, URIRef):
        iri = str(term)
        text = str(label) if label is not None else compact(iri)
        href = local_path(iri, base) or (iri if iri.lower().startswith(("http://", "https://")) else None)
        if href is None:
            return Markup('<span class="iri">{}</span>').format(text)
        return Markup('<a href="{}" title="{}">{}</a>').format(href, iri, text)
    if isinstance(term, Literal):
        suffix = f" @{term.language}" if term.language else ""
        return Markup("{}<span class=\"muted\">{}</span>").format(str(term), suffix)
    return Markup("<span class=\"iri\">_:{}</span>").format(str(term))


@lru_cache(maxsize=8)
def environment(base: str = BASE) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["term"] = lambda term, label=None: term_html(term, label, base)
    env.globals["base"] = base
    env.filters["fragment"] = lambda iri: iri.rsplit("#", 1)[-1]
    return env


def render(template: str, base: str = BASE, **values) -> str:
    return environment(base).get_template(template).render(**values)


def results_page(result, form: str, query: str = "", base: str = BASE, title: str | None = None,
                 subtitle: str | None = None, truncated: str | None = None) -> str:
    return render("results.html", base, title=title or f"{form} answer", subtitle=subtitle, query=query,
                  variables=result.variables, rows=result.rows, boolean=result.boolean, truncated=truncated)
