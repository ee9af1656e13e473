"""Content negotiation and serialisation of answers.

Results of SELECT and ASK: SPARQL JSON, XML, CSV, TSV (and an HTML table for
browsers); graphs from CONSTRUCT and DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML
(and HTML). A format may also be named by parameters (``format``, ``output``,
``results``: SPARQLWrapper sends all three, some twice); a short name means the
results format or the graph format by the query's form (``xml`` is SPARQL XML for
a SELECT and RDF/XML for a CONSTRUCT, as SPARQLWrapper means it). The JSON results are written from the ``Result`` and every other
results format is serialised by pyoxigraph from them; graphs are serialised by
pyoxigraph too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox

from mrkg.ontology.namespace import PREFIXES
from mrkg.queries.execute import to_oxigraph


@dataclass(frozen=True)
class Format:
    name: str  # the short name a ?format= parameter or a file extension gives
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types for the same format
    names: tuple[str, ...] = ()  # other short names a format parameter may use
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "n-triples"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


JSON = Format("json", "application/sparql-results+json", ("application/json",), (),
              ox.QueryResultsFormat.JSON)
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"), (),
             ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", (), (), ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", (), (), ox.QueryResultsFormat.TSV)
HTML = Format("html", "text/html", ("application/xhtml+xml",))
# Answers of this server's own shape (search results), not SPARQL results.
PLAIN_JSON = Format("json", "application/json")
# Turtle is a subset of N3: a client asking for N3 can read it.
TURTLE = Format("ttl", "text/turtle", ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
                ("turtle", "n3"), rdf=ox.RdfFormat.TURTLE)
NTRIPLES = Format("nt", "application/n-triples", ("text/plain",), ("ntriples", "n-triples"),
                  rdf=ox.RdfFormat.N_TRIPLES)
# "json" for a graph is JSON-LD (SPARQLWrapper's JSON for CONSTRUCT).
JSONLD = Format("jsonld", "application/ld+json", ("application/x-json+ld",), ("json-ld", "json"),
                rdf=ox.RdfFormat.JSON_LD)
# "xml" for a graph is RDF/XML: SPARQLWrapper's and rdflib's default for CONSTRUCT and DESCRIBE.
RDFXML = Format("rdf", "application/rdf+xml", ("application/xml", "text/xml"), ("rdf+xml", "rdfxml", "xml", "owl"),
                rdf=ox.RdfFormat.RDF_XML)

# In order of preference when a client accepts several equally.
RESULT_FORMATS = (JSON, XML, CSV, TSV, HTML)
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML, HTML)
# The fragment of the endpoint's URL naming its row cap in the service description; cut answers link to it.
ROW_LIMIT_FRAGMENT = "#row-limit"
# The parameters a client may name the format with (SPARQLWrapper sends all three).
FORMAT_PARAMETERS = ("format", "output", "results")


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


def named(offered: tuple[Format, ...], name: str) -> Format | None:
    """The offered format a format parameter's value names (short name or media type), if any. A
    value may list media types as an Accept header does (SPARQLWrapper sends
    ``format=application/ld+json,application/x-json+ld``): the first offered one counts."""
    for item in name.split(","):
        wanted = item.split(";")[0].strip().lower()
        found = next((fmt for fmt in offered if wanted in (fmt.name, fmt.media_type, *fmt.aliases, *fmt.names)), None)
        if found is not None:
            return found
    return None


def choose(offered: tuple[Format, ...], accept: str | None, format_name: str | Sequence[str] | None = None) -> Format:
    """The format to answer in: format parameters win (one value, or several that name the same
    format, as SPARQLWrapper's ``format=tsv&format=text/tab-separated-values``); then the Accept
    header; no header, or */*, gives the first offered."""
    names = [format_name] if isinstance(format_name, str) else list(format_name or ())
    names = [name for name in names if name.strip()]
    if names:
        chosen = {named(offered, name) for name in names}
        if None in chosen or len(chosen) > 1:
            raise NotAcceptable(offered, " and ".join(dict.fromkeys(names)))
        return chosen.pop()
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


def mark_truncated(body: bytes, fmt: Format, message: str, link: str | None = None) -> bytes:
    """``body`` with a note that the answer was cut, where the format has room for one: SPARQL
    JSON gets ``head.link`` and a top-level ``truncated`` member (readers ignore members they do
    not know), SPARQL XML a ``<link>`` in its head and a comment, Turtle and N-Triples a comment,
    RDF/XML a comment. CSV, TSV and JSON-LD have no place for it (the header ``MRKG-Truncated``
    still says so); the HTML page shows it itself. ``link`` points to what states the cap (the
    service description)."""
    if fmt is JSON:
        document = json.loads(body)
        if link:
            document.setdefault("head", {}).setdefault("link", []).append(link)
        document["truncated"] = message
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    comment = message.replace("--", "- -")  # "--" cannot be inside an XML comment
    if fmt is XML:
        marked = (f'<link href="{escape(link, quote=True)}"/>' if link else "").encode("utf-8")
        for head_end, replacement in ((b"</head>", marked + b"</head>"), (b"<head/>", b"<head>" + marked + b"</head>")):
            if head_end in body:
                body = body.replace(head_end, replacement, 1)
                break
        return body.rstrip(b"\n") + f"\n<!-- {comment} -->\n".encode("utf-8")
    if fmt in (TURTLE, NTRIPLES):
        return body.rstrip(b"\n") + b"\n# " + message.replace("\n", " ").encode("utf-8") + b"\n"
    if fmt is RDFXML:
        return body.rstrip(b"\n") + f"\n<!-- {comment} -->\n".encode("utf-8")
    return body
