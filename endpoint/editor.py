"""The query editor at /sparql: what the page hands to YASGUI (static/editor.js) and the page's
Content-Security-Policy.

The page carries its settings as one JSON document (examples, prefixes, the ontology's terms for
autocompletion, this server's endpoint and the dataset base), so the script needs no request of
its own to start and no value from the data is ever written into markup or code.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from mrkg.endpoint import pages
from mrkg.ontology import ONTOLOGY_FILE
from mrkg.ontology.namespace import ONTOLOGY_NS, PREFIXES
from mrkg.queries.execute import with_values
from mrkg.queries.library import QueryError, bind, named_queries

DEFAULT_QUERY_BODY = """
SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n)
LIMIT 25
"""


def prologue() -> str:
    """PREFIX lines for the project's prefixes (ontology/namespace.py)."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


def default_query() -> str:
    return prologue() + DEFAULT_QUERY_BODY


def examples() -> list[dict[str, str]]:
    """Every named query that has an example, as the text ``mrkg query NAME`` runs for its first
    example: the parameters bound as a VALUES block (``with_values``), never pasted in."""
    found = []
    for named in named_queries().values():
        if not named.examples:
            continue
        try:
            text = with_values(named.text, bind(named, named.examples[0]))
        except (QueryError, ValueError):  # pragma: no cover - examples are checked by the tests
            continue
        found.append({"name": named.name, "title": named.title, "question": named.question, "text": text})
    return found


@lru_cache(maxsize=1)
def ontology_terms() -> dict[str, list[str]]:
    """The classes and properties of the mrkg ontology, sorted, for the editor's autocompletion
    (in place of YASGUI's default, which asks the Linked Open Vocabularies API over the web)."""
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")

    def of_types(*types) -> list[str]:
        return sorted({str(term) for kind in types for term in ontology.subjects(RDF.type, kind)
                       if str(term).startswith(ONTOLOGY_NS)})

    return {"classes": of_types(OWL.Class, RDFS.Class),
            "properties": of_types(RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty)}


def settings(endpoint: str, base: str) -> dict:
    """What static/editor.js reads from the page."""
    return {"endpoint": endpoint, "base": base, "prefixes": dict(PREFIXES), "examples": examples(),
            "defaultQuery": default_query(), **ontology_terms()}


# The two style sheets that YASGUI's result table (its column resizer, bundled in yasgui.min.js)
# writes into <style> elements: fixed texts for the options the table gives it (the default
# "col-resize" cursors), the first when a table is drawn, the second while a column is dragged.
# The editor page's policy allows exactly these by their hashes; tests/test_query_editor.py checks
# that each still appears verbatim in the vendored bundle.
RESIZER_STYLES = (
    " .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable > tbody > tr > th"
    "{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0!important;"
    " padding-right:0!important;} .grip-container{ height:0px; position:relative;} .grip-handle{margin-left:-5px;"
    " position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolute;background-color:red;"
    "filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip"
    "{position:absolute; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;}"
    " .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}",
    "*{cursor:col-resize!important}",
)


def content_security_policy() -> str:
    """The editor page's policy: the site-wide one (``app.content_security_policy``) with style
    sheets from this server too (YASGUI's and the editor's) and YASGUI's two inline style sheets
    by their hashes (``RESIZER_STYLES``). No 'unsafe-inline' and no 'unsafe-eval': YASGUI sets
    its other styles through the DOM (which CSP does not restrict) and runs no eval."""
    styles = " ".join([pages.style_hash(), *(css_hash(text) for text in RESIZER_STYLES)])
    return (f"default-src 'none'; script-src 'self'; style-src 'self' {styles}; img-src 'self'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def css_hash(text: str) -> str:
    """The CSP source that allows an inline style sheet of exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"
