"""Visa requirements: the Passport Index Dataset, one file per snapshot (2019-11-23 ... 2025-01-12).

Each file is a tidy table ``Passport, Destination, <value>`` (ISO 3166 alpha-3 codes; XKX for
Kosovo) scraped from passportindex.org on the date the file is named after. The date is a
*scrape* date: a change between two snapshots happened, or was noticed by Passport Index,
somewhere in between. Every requirement becomes a ``qb:Observation`` of the dataset
``passport-index-visa`` in its own named graph, with the passport's state, the destination, the
scrape date, a concept of ``mrkg:visaRequirements``, the number of visa-free days where the
file gives one, the value as printed, and the file and line it was read from.

SCOPE: only pairs where the passport's state or the destination is a former Soviet republic
(``SCOPE`` = treaty_tables.POST_SOVIET), the region of the graph: 5,730-5,745 rows per file,
45,780 observations in all (~0.6 M quads). All 199 x 199 pairs of the eight files would be
about 313,000 observations and 3 M quads. The whole file is still read and checked; rows out of
scope are counted as skipped.

The value schemes (SOURCE.txt, quoted there from the dataset's README at each commit) are
mapped explicitly, one table per scheme (``SCHEME_*``); a value in none of them is an error
naming the file, line and value:

* 2019-11-23: codes 3, 2, 1, 0.
* 2020-02-07: days, VF, VOA, ETA, VR, where the file swaps VOA and ETA (the notebook that made
  it writes ``'ETA' if i == 1 else 'VOA'``, contradicting its own comment). The swap is
  corrected here and each corrected observation says so (``skos:editorialNote``, and
  ``mrkg:sourceValue`` keeps what the file says).
* 2021-01-25 on: days, 'visa free', 'visa on arrival', 'e-visa', 'visa required', 'no admission',
  'covid ban'; 'eta' in the current file only (before it, ETAs are inside 'e-visa', so 'e-visa'
  of the legacy files is read as the broader "e-visa or eTA"); 'EVW' (UK electronic visa
  waiver, undocumented, 4 cells of 2021-01-25) as an eTA, as the current README classes it.
* -1 (passport = destination) is not a requirement: the row is skipped and counted.

A number of days is a visa-free stay of that many days (documented range 7-360); a number
outside that range is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from mrkg.loaders.base import corridor_nquads
from mrkg.loaders.datasets.figures import TableReport, by_subject, csv_table_rows
from mrkg.loaders.treaty_tables import POST_SOVIET
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB

ID = "passport-index-visa"
PUBLISHER = "passport-index"
TITLE = "Passport Index Dataset: visa requirements, snapshots 2019-2025 (former Soviet republics)"
GRAPH = iris.graph(ID)
SCOPE = POST_SOVIET  # a row is loaded when its passport's state or its destination is one of these
NON_ISO = {"XKX": "kosovo"}  # Kosovo, which has no ISO 3166 code (an area of reference/areas.yaml)
DAYS = range(7, 361)  # "7-360: number of visa-free days" (README, 2020-02-07 and later)

# Concepts of mrkg:visaRequirements by notation.
VISA_FREE = "visa-free"
VISA_ON_ARRIVAL = "visa-on-arrival"
ELECTRONIC = "electronic-authorisation"  # e-visa or eTA, not distinguished by the file
ETA = "eta"
E_VISA = "e-visa"
VISA_REQUIRED = "visa-required"
NO_ADMISSION = "no-admission"
COVID_BAN = "covid-ban"
OWN_PASSPORT = None  # -1: not a requirement

CONCEPTS = {
    VISA_FREE: MRKG.VisaFree, VISA_ON_ARRIVAL: MRKG.VisaOnArrival, ELECTRONIC: MRKG.ElectronicAuthorisation,
    ETA: MRKG.ElectronicTravelAuthorisation, E_VISA: MRKG.EVisa, VISA_REQUIRED: MRKG.VisaRequired,
    NO_ADMISSION: MRKG.NoAdmission, COVID_BAN: MRKG.CovidEntryBan,
}


class Reading(NamedTuple):
    """How one printed value is read: a requirement (None: not a requirement), and, for a value
    the file gets wrong, a note saying what it says and why it was changed."""

    requirement: str | None
    note: str | None = None


# a) 2019-11-23 (README at 92a08338): "|3| visa-free travel| |2| visa on arrival| |1| eTA
#    (electronic travel authority) required| |0| visa required| |-1| where passport=destination|".
#    Code 1 covers e-visas too (USA->IND is 1), hence the broader concept.
SCHEME_CODES = {
    "3": Reading(VISA_FREE), "2": Reading(VISA_ON_ARRIVAL), "1": Reading(ELECTRONIC),
    "0": Reading(VISA_REQUIRED), "-1": Reading(OWN_PASSPORT),
}

_SWAP = ("The file says {printed!r}, which this snapshot's README defines as {defined}; read as {read}: the "
         "2020-02-07 file swaps VOA and ETA (its notebook writes 'ETA' if i == 1 else 'VOA' although i=1 is "
         "visa on arrival; 8,262 of the 8,358 code-2 cells of 2019-11-23 became ETA), see SOURCE.txt.")

# b) 2020-02-07 (README at ba7ae952): days, VF (visa-free, days unknown or not applicable),
#    VOA (visa on arrival), ETA (eTA required), VR (visa required) -- with VOA and ETA swapped.
SCHEME_LETTERS = {
    "VF": Reading(VISA_FREE),
    "VOA": Reading(ELECTRONIC, _SWAP.format(printed="VOA", defined="visa on arrival", read="eTA or e-visa")),
    "ETA": Reading(VISA_ON_ARRIVAL, _SWAP.format(printed="ETA", defined="eTA required", read="visa on arrival")),
    "VR": Reading(VISA_REQUIRED),
}

# c) 2021-01-25 to 2025-01-02 (README, legacy values included): ETAs are inside 'e-visa' until
#    the current file, so 'e-visa' is the broader concept here.
SCHEME_WORDS = {
    "visa free": Reading(VISA_FREE), "visa on arrival": Reading(VISA_ON_ARRIVAL),
    "e-visa": Reading(ELECTRONIC), "visa required": Reading(VISA_REQUIRED),
    "no admission": Reading(NO_ADMISSION), "covid ban": Reading(COVID_BAN),
    "EVW": Reading(ETA), "-1": Reading(OWN_PASSPORT),
}

# c') the current file (12 January 2025): 'eta' is new and "e-visa ... excludes ETAs".
SCHEME_CURRENT = {**SCHEME_WORDS, "e-visa": Reading(E_VISA), "eta": Reading(ETA)}
del SCHEME_CURRENT["EVW"]


@dataclass(frozen=True)
class Snapshot:
    scraped: dt.date
    value_column: str
    scheme: dict[str, Reading]
    days: bool  # whether a number of days is a value of this scheme


# The stem of each copied file (documents.yaml), its scrape date and its scheme.
SNAPSHOTS = {
    "passport-index-tidy-iso3-2019-11-23": Snapshot(dt.date(2019, 11, 23), "Code", SCHEME_CODES, False),
    "passport-index-tidy-iso3-2020-02-07": Snapshot(dt.date(2020, 2, 7), "Code", SCHEME_LETTERS, True),
    **{f"passport-index-tidy-iso3-{day}": Snapshot(dt.date.fromisoformat(day), "Requirement", SCHEME_WORDS, True)
       for day in ("2021-01-25", "2022-01-05", "2023-01-11", "2024-01-05", "2025-01-02")},
    "passport-index-tidy-iso3-2025-01-12": Snapshot(dt.date(2025, 1, 12), "Requirement", SCHEME_CURRENT, True),
}
FILES = tuple(SNAPSHOTS)


class Requirement(NamedTuple):
    """One visa requirement as a snapshot records it."""

    passport: str  # ISO 3166 alpha-3, or an area id (kosovo)
    destination: str
    scraped: dt.date
    requirement: str  # a notation of CONCEPTS
    days: int | None
    printed: str  # the value as the file prints it
    note: str | None
    line: int


def read_value(snapshot: Snapshot, printed: str) -> tuple[Reading, int | None] | None:
    """The reading of a printed value and its number of days, or None for a value the scheme lacks."""
    if snapshot.days and re.fullmatch(r"[1-9][0-9]*", printed):
        return Reading(VISA_FREE), int(printed)
    reading = snapshot.scheme.get(printed)
    return (reading, None) if reading is not None else None


def _place(code: str) -> str:
    return NON_ISO.get(code, code)


def requirements(path: Path, stem: str, known_places, report: TableReport) -> Iterator[Requirement]:
    """The in-scope requirements of one snapshot file; problems and skipped rows go to ``report``.
    ``known_places(id)`` says whether the graph has that country or area."""
    snapshot = SNAPSHOTS[stem]
    rows = csv_table_rows(path, report)
    header = next(rows, (1, None))[1]
    expected = ["Passport", "Destination", snapshot.value_column]
    if header != expected:
        report.problem(1, None, f"header {header}", ", ".join(expected))
        return
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        if len(row) != 3:
            report.problem(line, None, f"{len(row)} cells", "3 cells: Passport, Destination, " + snapshot.value_column)
            continue
        codes = []
        for column, code in zip(expected[:2], row[:2]):
            if not re.fullmatch(r"[A-Z]{3}", code) or not known_places(_place(code)):
                report.problem(line, column, f"{code!r} is not a country the graph knows",
                               "an ISO 3166 alpha-3 code, or XKX (Kosovo)")
            codes.append(code)
        printed = row[2]
        read = read_value(snapshot, printed)
        if read is None:
            allowed = ", ".join(repr(value) for value in snapshot.scheme)
            report.problem(line, snapshot.value_column, f"unknown value {printed!r}",
                           ("a number of days 7-360 or " if snapshot.days else "") + allowed)
            continue
        (reading, days) = read
        if days is not None and days not in DAYS:
            report.problem(line, snapshot.value_column, f"{days} visa-free days", "a number of days 7-360")
            continue
        pair = (codes[0], codes[1])
        if pair in seen:
            report.problem(line, None, f"a second row for {pair[0]} -> {pair[1]}", "one row per passport and destination")
            continue
        seen.add(pair)
        if codes[0] not in SCOPE and codes[1] not in SCOPE:
            report.skip("rows of pairs without a former Soviet republic (out of scope)")
            continue
        if reading.requirement is OWN_PASSPORT:
            report.skip(f"rows of a passport in its own country ({printed!r}: not a requirement)")
            continue
        if codes[0] == codes[1]:
            report.problem(line, None, f"passport and destination are both {codes[0]} but the value is {printed!r}",
                           "-1 for a passport in its own country")
            continue
        yield Requirement(_place(codes[0]), _place(codes[1]), snapshot.scraped, reading.requirement, days, printed,
                          reading.note, line)


def observation_iri(requirement: Requirement) -> str:
    return str(iris.entity("observation", ID, requirement.passport, requirement.destination,
                           requirement.scraped.isoformat()))


def slice_iri(dimension: str, place: str, scraped: dt.date) -> str:
    """The qb:Slice of one snapshot's requirements with a fixed passport state (``dimension``
    "passport") or destination ("destination"): the queries go from a country to its ~200
    observations of one snapshot through it, instead of filtering all eight snapshots. Its key is
    ``SLICE_KEYS[dimension]``."""
    return str(iris.entity("dataset", ID, "slice", dimension, place, scraped.isoformat()))


def _slice_nquads(node: str, dimension: str, place: str, scraped: dt.date, dataset: str,
                  document: str) -> Iterator[str]:
    date = ox.Literal(scraped.isoformat(), datatype=ox.NamedNode(str(XSD.date)))
    yield f"{node} {_P['type']} {_iri(QB.Slice)}{_TAIL}"
    yield f"{node} {_P['sliceStructure']} {_iri(SLICE_KEYS[dimension])}{_TAIL}"
    yield f"{dataset} {_P['slice']} {node}{_TAIL}"
    yield f"{node} {_P[dimension]} {_iri(iris.place(place))}{_TAIL}"
    yield f"{node} {_P['date']} {date}{_TAIL}"
    yield f"{node} {_P['document']} {document}{_TAIL}"


def _iri(node) -> str:
    return f"<{node}>"


_TAIL = f" {_iri(GRAPH)} ."
_P = {name: _iri(term) for name, term in {
    "type": RDF.type, "dataSet": QB.dataSet, "passport": MRKG.passportState, "destination": MRKG.visaDestination,
    "corridor": MRKG.corridor,
    "date": MRKG.scrapeDate, "requirement": MRKG.visaRequirement, "days": MRKG.visaFreeDays,
    "printed": MRKG.sourceValue, "note": SKOS.editorialNote, "document": DCTERMS.source, "locator": MRKG.locator,
    "source": MRKG.statisticalSource, "label": RDFS.label, "structure": QB.structure, "partOf": DCTERMS.isPartOf,
    "slice": QB.slice, "next": MRKG.nextScrapeDate, "observation": QB.observation,
    "sliceStructure": QB.sliceStructure,
}.items()}
SLICE_KEYS = {"passport": MRKG.passportSnapshotSliceKey, "destination": MRKG.destinationSnapshotSliceKey}


def dataset_nquads() -> Iterator[str]:
    """The qb:DataSet every snapshot's observations belong to."""
    dataset = _iri(iris.entity("dataset", ID))
    yield f"{dataset} {_P['type']} {_iri(QB.DataSet)}{_TAIL}"
    yield f"{dataset} {_P['structure']} {_iri(MRKG.visaRequirementStructure)}{_TAIL}"
    yield f"{dataset} {_P['label']} {ox.Literal(TITLE, language='en')}{_TAIL}"
    yield f"{dataset} {_P['source']} {_iri(iris.entity('statistical-source', PUBLISHER))}{_TAIL}"


def nquads(requirements_read: list[Requirement], stem: str) -> Iterator[str]:
    """N-Quads lines (without their newline) for one snapshot's requirements, in GRAPH."""
    yield from dataset_nquads()
    dataset = _iri(iris.entity("dataset", ID))
    document = _iri(iris.document(stem))
    # The snapshot's date and the next snapshot's on its document: the queries find the snapshot
    # in force on a date among the eight documents, with a filter (no NOT EXISTS over observations).
    scraped = ox.Literal(SNAPSHOTS[stem].scraped.isoformat(), datatype=ox.NamedNode(str(XSD.date)))
    yield f"{document} {_P['date']} {scraped}{_TAIL}"
    yield f"{document} {_P['partOf']} {dataset}{_TAIL}"
    later = sorted(snapshot.scraped for snapshot in SNAPSHOTS.values() if snapshot.scraped > SNAPSHOTS[stem].scraped)
    if later:
        following = ox.Literal(later[0].isoformat(), datatype=ox.NamedNode(str(XSD.date)))
        yield f"{document} {_P['next']} {following}{_TAIL}"
    source = _iri(iris.entity("statistical-source", PUBLISHER))
    concepts = {notation: _iri(concept) for notation, concept in CONCEPTS.items()}
    constant = [f" {_P['type']} {_iri(QB.Observation)}{_TAIL}",
                f" {_P['type']} {_iri(MRKG.VisaRequirementObservation)}{_TAIL}",
                f" {_P['dataSet']} {dataset}{_TAIL}", f" {_P['document']} {document}{_TAIL}",
                f" {_P['source']} {source}{_TAIL}"]
    date_type = ox.NamedNode(str(XSD.date))
    integer_type = ox.NamedNode(str(XSD.integer))
    slices: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for r in requirements_read:
        node = f"<{observation_iri(r)}>"
        for suffix in constant:
            yield node + suffix
        for dimension, place in (("passport", r.passport), ("destination", r.destination)):
            slice_node = f"<{slice_iri(dimension, place, r.scraped)}>"
            if slice_node not in slices:
                slices.add(slice_node)
                yield from _slice_nquads(slice_node, dimension, place, r.scraped, dataset, document)
            yield f"{slice_node} {_P['observation']} {node}{_TAIL}"
        yield f"{node} {_P['passport']} {_iri(iris.place(r.passport))}{_TAIL}"
        yield f"{node} {_P['destination']} {_iri(iris.place(r.destination))}{_TAIL}"
        yield f"{node} {_P['corridor']} {_iri(iris.corridor(r.passport, r.destination))}{_TAIL}"
        if (r.passport, r.destination) not in pairs:
            pairs.add((r.passport, r.destination))
            yield from corridor_nquads(r.passport, r.destination)
        yield f"{node} {_P['date']} {ox.Literal(r.scraped.isoformat(), datatype=date_type)}{_TAIL}"
        yield f"{node} {_P['requirement']} {concepts[r.requirement]}{_TAIL}"
        yield f"{node} {_P['printed']} {ox.Literal(r.printed)}{_TAIL}"
        yield f"{node} {_P['locator']} {ox.Literal(f'line {r.line}')}{_TAIL}"
        if r.days is not None:
            yield f"{node} {_P['days']} {ox.Literal(str(r.days), datatype=integer_type)}{_TAIL}"
        if r.note is not None:
            yield f"{node} {_P['note']} {ox.Literal(r.note, language='en')}{_TAIL}"


@dataclass
class VisaTable:
    """The requirements read from one snapshot file, with what was skipped and why; shaped like
    datasets.Table (stem, file, figures, skipped, nquads) so that the build treats both alike."""

    stem: str
    file: str
    requirements: list[Requirement] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    figures: tuple = ()  # no statistical figures: nothing to compare with the other tables
    publisher: str = PUBLISHER

    @property
    def records(self) -> int:
        return len(self.requirements)

    @property
    def graph_name(self) -> str:
        """Every snapshot shares the dataset's one named graph."""
        return ID

    def nquads(self) -> Iterator[str]:
        return nquads(self.requirements, self.stem)

    def sorted_blocks(self) -> Iterator[tuple[str, list[str]]]:
        """(``"<subject> "``, sorted lines) subject by subject, for the streamed dump (graph/dump.py)."""
        return by_subject(sorted(set(self.nquads())))

    def sample_nquads(self, count: int) -> Iterator[str]:
        return nquads(self.requirements[:count], self.stem)
