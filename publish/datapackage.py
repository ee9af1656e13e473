"""``datapackage.json``: a Frictionless Tabular Data Package (specs.frictionlessdata.io) describing
``observations.csv``: every column with its type and meaning, the licence, the statistical
sources the figures come from, and the file's size and SHA-256.

The fields are declared here next to tidy.py's columns; a column added there without a field
here stops the export (``fields`` raises), so the descriptor cannot fall behind the CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

from mrkg import __version__
from mrkg.publish.describe import TITLE, citation
from mrkg.publish.tidy import HEADER

_CODE = "an ISO 3166-1 alpha-3 code, or the id of an area, programme or organisation (https://w3id.org/mrkg/id/...)"

# column -> (Frictionless type, description)
FIELDS = {
    "observation": ("string", "The observation's IRI (qb:Observation), unique per row.", "uri"),
    "measure": ("string", "What is counted: the id of an mrkg measure (e.g. net-migration, migration-arrivals)."),
    "origin": ("string", "Where migrants come from (flows, stocks by nationality): " + _CODE + "."),
    "destination": ("string", "Where migrants go or are counted: " + _CODE + "."),
    "area": ("string", "The area a figure is about, for measures of an area: " + _CODE + "."),
    "period": ("string", "When: a year (YYYY), a month (YYYY-MM), a day (YYYY-MM-DD) or a span of years "
                         "(YYYY-YYYY), as the source prints it."),
    "value": ("number", "The figure, in the unit of the unit column; a decimal number, never quoted or "
                        "formatted with thousands separators."),
    "qualifier": ("string", "Empty for an exact figure, else how exact it is: over, about, nearly, under, "
                            "up-to (a maximum) or range (see upper_value)."),
    "upper_value": ("number", "The upper bound when qualifier is range; else empty."),
    "unit": ("string", "The unit of value: the id of an mrkg unit (person, thousand-person, USD, ...)."),
    "statistical_source": ("string", "The body or publication the document names for the figure (an mrkg "
                                     "statistical-source id); empty when the document itself is the source."),
    "instrument": ("string", "For programme and provision figures: the id of the instrument."),
    "funding_source": ("string", "For budget figures: national-budget, local-budgets, other-sources, "
                                 "all-sources or eu-budget."),
    "status": ("string", "For programme figures: planned, reported or stipulated."),
    "dataset": ("string", "The qb:DataSet the observation belongs to (its id)."),
    "document": ("string", "The source document the figure is read from (its id in sources/documents.yaml)."),
    "locator": ("string", "Where in the document: table, row and column, page or paragraph."),
    "quote": ("string", "The figure as printed in the document, verbatim."),
    "graph": ("string", "The named graph (one per source) that holds the observation, as an IRI.", "uri"),
}


def fields() -> list[dict]:
    missing = [column for column in HEADER if column not in FIELDS]
    if missing:
        raise ValueError(f"observations.csv columns without a datapackage.json field: {', '.join(missing)}")
    described = []
    for column in HEADER:
        kind, description, *form = FIELDS[column]
        field = {"name": column, "type": kind, "description": description}
        if form:
            field["format"] = form[0]
        if column == "observation":
            field["constraints"] = {"required": True, "unique": True}
        described.append(field)
    return described


def data_package(size: int, sha256: str, sources: list[tuple[str, str]], licence: str) -> dict:
    """The descriptor; ``sources`` are (title, IRI) of the statistical sources, sorted."""
    return {
        "profile": "tabular-data-package",
        "name": "mrkg-observations",
        "title": f"{TITLE}: observations",
        "description": "The migration statistics of the graph, one row per qb:Observation, each citing "
                       "its source document, a locator and the printed figure.",
        "version": __version__,
        "homepage": "https://w3id.org/mrkg/",
        "citation": citation(),
        "licenses": [{"name": "CC-BY-4.0", "path": licence,
                      "title": "Creative Commons Attribution 4.0 International"}],
        "sources": [{"title": title, "path": iri} for title, iri in sources],
        "resources": [{
            "name": "observations",
            "path": "observations.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{sha256}",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": "\"", "doubleQuote": True,
                        "header": True},
            "schema": {"fields": fields(), "primaryKey": ["observation"], "missingValues": [""]},
        }],
    }


def statistical_sources(engine) -> list[tuple[str, str]]:
    """(label, IRI) of every statistical source an observation names, sorted by IRI."""
    rows = engine.run("""PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?source (MIN(?name) AS ?label) WHERE {
      ?observation mrkg:statisticalSource ?source .
      OPTIONAL { ?source rdfs:label ?name FILTER(LANG(?name) = "en" || LANG(?name) = "") }
    } GROUP BY ?source ORDER BY ?source""").rows
    return [(str(row["label"]) if row.get("label") is not None else str(row["source"]).rsplit("/", 1)[-1],
             str(row["source"])) for row in rows]


def write_data_package(path: Path, size: int, sha256: str, sources: list[tuple[str, str]], licence: str) -> None:
    path.write_text(json.dumps(data_package(size, sha256, sources, licence), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
