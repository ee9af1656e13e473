"""Values of the DCAT record taken from the EU Publications Office authority tables (the "MDR"
controlled vocabularies that DCAT-AP 3 names) and from IANA's media types, by their IRIs.

SEMIC's ``mdr-vocabularies.shape.ttl`` checks a value by its ``skos:inScheme`` (the authority
table it belongs to) and ``range.ttl`` by its class (``dct:Location``, ``dct:LicenseDocument``...).
A catalogue that harvests the record has the tables loaded; a validator run on the record alone
has not (and these machines cannot download them), so :func:`describe` states each value's class
and scheme in the record itself: the same statements the authority table makes about it.

Only IRIs whose authority code is certain are minted here: a country by its ISO 3166-1 alpha-3
code (the country table's authority code for every current ISO country), and the file types,
licence, themes, frequency and language listed below.
"""

from __future__ import annotations

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

AUTHORITY = "http://publications.europa.eu/resource/authority/"
COUNTRY_TABLE = URIRef(AUTHORITY + "country")
FILE_TYPE_TABLE = URIRef(AUTHORITY + "file-type")
LICENCE_TABLE = URIRef(AUTHORITY + "licence")
DATA_THEME_TABLE = URIRef(AUTHORITY + "data-theme")
FREQUENCY_TABLE = URIRef(AUTHORITY + "frequency")
LANGUAGE_TABLE = URIRef(AUTHORITY + "language")
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

# CC BY 4.0, the data's licence (LICENSE-DATA), as the licence table names it.
CC_BY_4_0 = URIRef(AUTHORITY + "licence/CC_BY_4_0")
CC_BY_4_0_DEED = URIRef("https://creativecommons.org/licenses/by/4.0/")
# Population and society; government and public sector.
THEMES = (URIRef(AUTHORITY + "data-theme/SOCI"), URIRef(AUTHORITY + "data-theme/GOVE"))
# Releases follow the sources, not a calendar.
IRREGULAR = URIRef(AUTHORITY + "frequency/IRREG")
# The labels, definitions and descriptions are English; quotes keep their documents' language.
ENGLISH = URIRef(AUTHORITY + "language/ENG")

# file-type codes of the release's formats
FILE_TYPES = {
    "application/n-quads": "RDF_N_QUADS",
    "application/trig": "RDF_TRIG",
    "application/n-triples": "RDF_N_TRIPLES",
    "text/turtle": "RDF_TURTLE",
    "application/ld+json": "JSON_LD",
    "application/json": "JSON",
    "text/csv": "CSV",
    "text/html": "HTML",
    "text/plain": "TXT",
    "application/gzip": "GZIP",
}


def file_type(media_type: str) -> URIRef:
    return URIRef(AUTHORITY + "file-type/" + FILE_TYPES[media_type])


def media_type(name: str) -> URIRef:
    return URIRef(IANA_MEDIA_TYPES + name)


def country(code: str) -> URIRef | None:
    """The country table's IRI for an ISO 3166-1 alpha-3 code; None for any other code (a
    withdrawn state, an area): no IRI is guessed."""
    if len(code) == 3 and code.isascii() and code.isupper() and pycountry.countries.get(alpha_3=code):
        return URIRef(AUTHORITY + "country/" + code)
    return None


# English labels of the concepts used, as their tables give them (DCAT-AP wants a concept's
# skos:prefLabel and a concept scheme's dct:title in the record).
LABELS = {
    THEMES[0]: "Population and society",
    THEMES[1]: "Government and public sector",
    DATA_THEME_TABLE: "Data theme",
}


def describe(graph: Graph, value: URIRef, cls: URIRef, scheme: URIRef | None = None,
             label: str | None = None) -> URIRef:
    """State ``value``'s class (the range DCAT-AP expects), for an authority-table value its table,
    and for a concept its label; returns ``value``."""
    graph.add((value, RDF.type, cls))
    if scheme is not None:
        graph.add((value, SKOS.inScheme, scheme))
    label = label or LABELS.get(value)
    if label and cls == SKOS.Concept:
        graph.add((value, SKOS.prefLabel, Literal(label, lang="en")))
    elif label and cls == SKOS.ConceptScheme:
        graph.add((value, DCTERMS.title, Literal(label, lang="en")))
    return value


def describe_licence(graph: Graph) -> URIRef:
    describe(graph, CC_BY_4_0, DCTERMS.LicenseDocument, LICENCE_TABLE)
    graph.add((CC_BY_4_0, RDFS.seeAlso, CC_BY_4_0_DEED))  # the licence text
    return CC_BY_4_0
