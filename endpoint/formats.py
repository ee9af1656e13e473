"""Content negotiation and serialisation of answers.

Results of SELECT and ASK: SPARQL JSON, XML, CSV, TSV (and an HTML table for
browsers); graphs from CONSTRUCT and DESCRIBE: Turtle, N-Triples, JSON-LD (and
HTML). The JSON results are written from the ``Result`` and every other
results format is serialised by pyoxigraph from them; graphs are serialised by
pyoxigraph too.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mrkg.ontology.namespace import PREFIXES
from mrkg.queries.execute import to_oxigraph


@dataclass(frozen=True)
class Format:
    name: str  # the short name a ?format= parameter or a file extension gives
    media_type: str
    aliases: tuple[str, ...] = ()
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "n-triples"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


JSON = Format("json", "application/sparql-results+json", ("application/json",), ox.QueryResultsFormat.JSON)
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", (), ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", (), ox.QueryResultsFormat.TSV)
HTML = Format("html", "text/html", ("application/xhtml+xml",))
TURTLE = Format("ttl", "text/turtle", ("application/x-turtle",), rdf=ox.RdfFormat.TURTLE)
NTRIPLES = Format("nt", "application/n-triples", ("text/plain",), rdf=ox.RdfFormat.N_TRIPLES)
JSONLD = Format("jsonld", "application/ld+json", (), rdf=ox.RdfFormat.JSON_LD)

# In order of preference when a client accepts several equally.
RESULT_FORMATS = (JSON, XML, CSV, TSV, HTML)
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, HTML)
# Long names a ?format= parameter may also use.
_FORMAT_NAMES = {"turtle": TURTLE, "ntriples": NTRIPLES, "n-triples": NTRIPLES, "json-ld": JSONLD}


class NotAcceptable(Exception):
    """No format both the client accepts and the answer can be written in."""

    def __init__(self, offered: tuple[Format, ...], asked: str):
        self.offered = offered
        super().__init__(f"cannot answer in {asked!r}; this answer can be written as "
                         + ", ".join(f.media_type for f in offered)
                         + " (or ask with ?format=" + "|".join(f.name for f in offered) + ")")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q values, in the header's order."""
    ranges = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        quality = 1.0
        for parameter in bits[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((bits[0].lower(), quality))
    return ranges


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """The q value the most specific matching range gives ``fmt`` (RFC 9110, 12.5.1)."""
    best, specificity = 0.0, -1
    major = fmt.media_type.split("/")[0]
    for media_range, quality in ranges:
        if media_range in (fmt.media_type, *fmt.aliases):
            level = 2
        elif media_range == f"{major}/*":
            level = 1
        elif media_range == "*/*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = quality, level
    return best


def choose(offered: tuple[Format, ...], accept: str | None, format_name: str | None = None) -> Format:
    """The format to answer in: ``format_name`` (a ?format= parameter) wins; then the Accept header;
    no header, or */*, gives the first offered."""
    if format_name:
        wanted = format_name.strip().lower()
        for fmt in offered:
            if wanted in (fmt.name, fmt.media_type, *fmt.aliases) or _FORMAT_NAMES.get(wanted) is fmt:
                return fmt
        raise NotAcceptable(offered, format_name)
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    scored = [(_quality(fmt, ranges), -index, fmt) for index, fmt in enumerate(offered)]
    quality, _, fmt = max(scored, key=lambda item: item[:2])
    if quality <= 0:
        raise NotAcceptable(offered, accept or "")
    return fmt


def by_extension(name: str) -> Format | None:
    return next((fmt for fmt in (*GRAPH_FORMATS,) if fmt.name == name), None)


# -- serialisation ------------------------------------------------------------

def results_bytes(result, fmt: Format) -> bytes:
    """A SELECT or ASK ``Result`` in a SPARQL results format."""
    json_text = result.to_json().encode("utf-8")
    if fmt is JSON:
        return json_text
    parsed = ox.parse_query_results(json_text, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt.results)


def graph_bytes(triples, fmt: Format) -> bytes:
    """Triples (rdflib terms) in an RDF format; Turtle gets the project's prefixes."""
    converted = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples]
    # Grouped by subject, Turtle writes each subject once.
    converted.sort(key=lambda t: (str(t.subject), str(t.predicate)))
    prefixes = PREFIXES if fmt is TURTLE else None
    return ox.serialize(converted, format=fmt.rdf, prefixes=prefixes)
