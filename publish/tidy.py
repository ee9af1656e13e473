"""The observations as one tidy CSV (a row per observation, a column per dimension), safe to open
in a spreadsheet.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
tab or carriage return can smuggle one in), so such a cell is written with a leading apostrophe,
which spreadsheets show as text. The one exception is a cell that is wholly a decimal number
(``-953``, ``+1.5``, ``-2e3``): a negative figure is data, not a formula, and stays as it is.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox

from mrkg.ontology.namespace import MRKG, QB, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_DCTERMS = "http://purl.org/dc/terms/"

# column -> predicate; IRIs of mrkg entities are written as their identifiers.
COLUMNS = {
    "measure": MRKG.measure,
    "origin": MRKG.origin,
    "destination": MRKG.destination,
    "area": SDMX_DIMENSION.refArea,
    "period": SDMX_DIMENSION.refPeriod,
    "value": SDMX_MEASURE.obsValue,
    "qualifier": MRKG.valueQualifier,
    "upper_value": MRKG.upperValue,
    "unit": SDMX_ATTRIBUTE.unitMeasure,
    "statistical_source": MRKG.statisticalSource,
    "instrument": MRKG.refInstrument,
    "funding_source": MRKG.fundingSource,
    "status": MRKG.figureStatus,
    "dataset": QB.dataSet,
    "document": _DCTERMS + "source",
    "locator": MRKG.locator,
    "quote": MRKG.quote,
}
HEADER = ["observation", *COLUMNS, "graph"]


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it (see the module's rule)."""
    if text.startswith(_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _value(term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.rsplit("/", 1)[-1] if term.value.startswith("https://w3id.org/mrkg/id/") else term.value
    return term.value


def write_observations(store: ox.Store, path: Path) -> int:
    """Write every ``qb:Observation`` that is a figure to ``path``; returns the number of rows."""
    wanted = {str(predicate): column for column, predicate in COLUMNS.items()}
    # Visa requirements are observations of a concept, not figures: no measure, value or unit to tabulate.
    not_figures = {quad.subject.value for quad in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF_TYPE)), ox.NamedNode(str(MRKG.VisaRequirementObservation)))}
    observations = sorted({quad.subject.value for quad in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF_TYPE)), ox.NamedNode(str(QB.Observation)))
        if isinstance(quad.subject, ox.NamedNode)} - not_figures)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for iri in observations:
            row: dict[str, list[str]] = {}
            graphs = set()
            for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
                column = wanted.get(quad.predicate.value)
                if column:
                    row.setdefault(column, []).append(_value(quad.object))
                    if column == "measure":
                        graphs.add(quad.graph_name.value)
            cells = [iri, *("; ".join(sorted(set(row.get(c, [])))) for c in COLUMNS), "; ".join(sorted(graphs))]
            writer.writerow([safe_cell(cell) for cell in cells])
    return len(observations)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
