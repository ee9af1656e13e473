"""Countries: ISO 3166 from pycountry, Wikidata links from the OWID extract.

Every current ISO 3166-1 country is loaded, plus the dissolved states of
ISO 3166-3 (the USSR, SUN) whose codes do not clash with current ones.
Wikidata links are published only where the copied OWID extract gives them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pycountry
from pydantic import Field
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from mrkg.loaders import plausibility
from mrkg.loaders.base import Located, display
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, read_csv
from mrkg.loaders.types import Record
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "country"
WIKIDATA_FILE = "reference/countries_wikidata_owid.csv"
WIKIDATA_COLUMNS = [
    "code", "name", "iso_alpha2", "iso_alpha3", "imf_code", "cow_letter", "cow_code", "unctad_code",
    "marc_code", "ncd_code", "kansas_code", "penn_code", "wikidata_uri", "wikidata_label",
    "legacy_entity_id", "legacy_country_id", "members", "aliases",
]


class CountryRecord(Record):
    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str
    official_name: str | None = None
    alpha2: str | None = None
    numeric: str | None = None
    historic: bool = False
    wikidata: str | None = Field(default=None, pattern=r"^Q[0-9]+$")


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[CountryRecord]]:
    wikidata = _wikidata_links(root, problems)
    records = [
        CountryRecord(code=c.alpha_3, name=getattr(c, "common_name", None) or c.name,
                      official_name=getattr(c, "official_name", None), alpha2=c.alpha_2,
                      numeric=c.numeric, wikidata=wikidata.get(c.alpha_3))
        for c in pycountry.countries
    ]
    current = {r.code for r in records}
    for c in pycountry.historic_countries:
        if c.alpha_3 not in current:
            records.append(CountryRecord(code=c.alpha_3, name=c.name, historic=True,
                                         numeric=getattr(c, "numeric", None), wikidata=wikidata.get(c.alpha_3)))
            current.add(c.alpha_3)
    for record in sorted(records, key=lambda r: r.code):
        registry.define(KIND, record.code, "pycountry", record)
        yield Located(iris.REFERENCE_GRAPH, None, record, "pycountry", None)
    # Which codes are states, and when they existed: read here so that every later loader that
    # names a party can check it.
    plausibility.read_reference(root, registry, problems)


def _wikidata_links(root: Path, problems: Problems) -> dict[str, str]:
    path = root / WIKIDATA_FILE
    links = {}
    for row in read_csv(path, WIKIDATA_COLUMNS, problems):
        code, uri = row.get("iso_alpha3"), row.get("wikidata_uri", "")
        if code and re.fullmatch(r"http://www\.wikidata\.org/entity/Q[0-9]{1,12}", uri):
            links[code] = uri.rsplit("/", 1)[1]
        elif code and uri:
            problems.add(display(path, root), row.line, code, "wikidata_uri", f"{uri!r} is not a Wikidata entity IRI",
                         "http://www.wikidata.org/entity/Q…")
    return links


def triples(located: Located[CountryRecord]) -> Iterator[tuple]:
    c = located.record
    node = iris.country(c.code)
    yield node, RDF.type, MRKG.Country
    yield node, RDFS.label, Literal(c.name, lang="en")
    yield node, DCTERMS.identifier, Literal(c.code)
    yield node, MRKG.iso3166Alpha3, Literal(c.code)
    if c.official_name and c.official_name != c.name:
        yield node, SKOS.altLabel, Literal(c.official_name, lang="en")
    if c.alpha2:
        yield node, MRKG.iso3166Alpha2, Literal(c.alpha2)
    if c.numeric:
        yield node, MRKG.iso3166Numeric, Literal(c.numeric)
    if c.wikidata:
        yield node, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{c.wikidata}")
