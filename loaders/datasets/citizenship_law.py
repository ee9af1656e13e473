"""GLOBALCIT Citizenship Law Dataset, country-year files v1.0 and v3.1: coded citizenship law.

Files (``datasets/globalcit-citizenship-law/``, provenance and column meanings in its SOURCE.txt):

* ``data_v1.0_country-year.csv``: laws in force on 1 January 2020, 190 states, one row each;
* ``data_v3.1_country-year.csv``: 201 states x 1960-2024 (13,065 rows); every mode for 2020-2024,
  only the dual-citizenship modes (A06b, L01, L05, dualcit_comb) before 2020; the Soviet Union is
  its own row (SUN, 1960-1992).

Scope: ``SCOPE``, the former Soviet republics (``treaty_tables.POST_SOVIET``) and the USSR (SUN):
16 of the 201 states, 1,040 of the 13,065 v3.1 rows and 15 of the 190 v1.0 rows; 6,295 provisions
(5,545 from v3.1, 750 from v1.0) of a v3.1 file of 4,172,578 bytes whose 1,319,565 value cells are
87.5% NA. Every row of both files is read and checked; rows of other states are counted as
skipped, not loaded.

Reading: one row is a state's law **in force on 1 January** of ``year`` (the dataset's definition;
a reform in force later in the year first shows in the next year's row). Each mode XX of a row
(``XX_bin``, ``XX_cat`` and, for A06a, the years of residence) becomes one ``Provision``: whether the
law has a provision (``_bin``: 1 yes, 0 no), its type (``_cat``: an integer code, 0 = no provision)
and the years of residence (A06a: ``A06a_yrs`` in v1.0, ``A06a_yrs_cat`` in v3.1, which holds years
too, not bands). ``dualcit_comb`` is a mode with a code only. Not values, counted as skipped: ``NA``
(no value) and, in v1.0, ``99`` (not applicable: the state has no residence-based naturalisation).
Anything else that is not a 0/1 flag or a whole number is an error naming line and column.

The codebook is not in mrkg's copy (it ships only in the Cadmus zip); the labels of modes and codes
in ``MODES`` and ``CATEGORIES`` are the ones SOURCE.txt documents, with where it found them. A mode
or code SOURCE.txt does not explain keeps its code and gets no invented label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from mrkg.loaders.datasets.figures import TableReport, csv_table_rows
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.treaty_tables import POST_SOVIET
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, QB, SDMX_DIMENSION, TIME

ID = "globalcit"
SCOPE = POST_SOVIET | frozenset({"SUN"})
SCOPE_NOTE = "the former Soviet republics and the USSR (SUN)"
VERSIONS = {"data_v1.0_country-year": "1.0", "data_v3.1_country-year": "3.1"}
FILES = tuple(VERSIONS)
YEARS = {"1.0": (2020, 2020), "3.1": (1960, 2024)}
NOT_APPLICABLE = {"1.0": "99"}  # v1.0's mark for "not applicable"; v3.1 leaves such cells NA

_MODES_V1 = ("A01a A01b A02a A02b A03a A03b A04 A05 A06 A06a A06b A06c A06d A06e A06f A07 A08 A09 A10 A11 "
             "A12a A12b A13 A14 A16 A18 A19 A20 A21 A22 A23 A24 A25 A26 L01 L02 L03 L04 L05 L06 L07 L08 L09 "
             "L10 L11 L12 L13a L13b L14").split()


def _header(version: str) -> list[str]:
    """The header each file has, column for column (SOURCE.txt: v3.1 adds iso2 and A02, renames
    A06a_yrs to A06a_yrs_cat and drops A06a_bin)."""
    columns = ["iso3", "country", "region", "year"] if version == "1.0" else ["iso2", "iso3", "country", "region", "year"]
    for mode in _MODES_V1:
        if mode == "A02a" and version == "3.1":
            columns += ["A02_bin", "A02_cat"]
        if mode == "A06a":
            columns += ["A06a_bin", "A06a_cat", "A06a_yrs"] if version == "1.0" else ["A06a_cat", "A06a_yrs_cat"]
        else:
            columns += [f"{mode}_bin", f"{mode}_cat"]
    return columns + ["dualcit_comb"]


HEADERS = {version: _header(version) for version in YEARS}
DUAL_CITIZENSHIP = "dualcit_comb"
_COLUMN = re.compile(r"^(A[0-9]{2}[a-f]?|L[0-9]{2}[ab]?)_(bin|cat|yrs|yrs_cat)$")
_ROLE = {"bin": "exists", "cat": "code", "yrs": "years", "yrs_cat": "years"}
_WHOLE = re.compile(r"^[0-9]{1,2}$")

# The modes SOURCE.txt explains: notation -> (label, definition). The others are coded modes of
# acquisition (A..) or loss (L..) whose meaning only the codebook gives.
MODES = {
    "A01a": ("Citizenship by descent (birth in country)",
             "Acquisition of citizenship at birth by descent from a citizen parent, for a child born in the country."),
    "A01b": ("Citizenship by descent (birth abroad)",
             "Acquisition of citizenship at birth by descent from a citizen parent, for a child born abroad."),
    "A02": ("Birth in the country (combined ius soli)",
            "The combined ius soli mode of v3.1 (acquisition by birth in the country)."),
    "A02a": ("Birth in the country (ius soli)", "Acquisition of citizenship by birth in the country."),
    "A02b": ("Double ius soli", "Acquisition by birth in the country of a child whose parent was also born there."),
    "A05": ("Socialisation-based acquisition",
            "Acquisition after birth in the country on the basis of socialisation in it."),
    "A06": ("Residence-based acquisition (ordinary naturalisation)",
            "Whether the law provides for ordinary naturalisation on the basis of residence."),
    "A06a": ("Residence requirement for naturalisation",
             "Years of residence required for ordinary naturalisation (mrkg:residenceYears); the code is the band "
             "(v3.1: 1 = 2-4, 2 = 5, 3 = 6-10, 4 = more than 10 years)."),
    "A06b": ("Renunciation requirement at naturalisation",
             "Whether renunciation of the previous citizenship is required at naturalisation (dual citizenship "
             "at acquisition)."),
    "A06c": ("Language condition for naturalisation", "A language or assimilation condition for naturalisation."),
    "A06d": ("Civic knowledge condition for naturalisation", "A civic knowledge condition for naturalisation."),
    "A06e": ("Criminal record or good character condition for naturalisation",
             "A criminal record or good character condition for naturalisation."),
    "A06f": ("Economic requirement for naturalisation",
             "A requirement relating to income, employment or welfare dependency for naturalisation."),
    "A08": ("Marriage-based naturalisation", "Acquisition of citizenship by a citizen's spouse."),
    "A16": ("Reacquisition", "Reacquisition of citizenship by a former citizen."),
    "L01": ("Voluntary renunciation", "Loss of citizenship by a citizen's voluntary renunciation."),
    "L05": ("Acquisition of foreign citizenship",
            "Loss of citizenship when a citizen voluntarily acquires another citizenship."),
    DUAL_CITIZENSHIP: ("Dual citizenship acceptance",
                       "GLOBALCIT's combined indicator of dual citizenship, derived from the renunciation "
                       "requirement at naturalisation (A06b) and the loss on acquiring another citizenship (L05)."),
}

NO_PROVISION = "No provision"  # SOURCE.txt: "XX_cat = type of provision, 0 = no provision"

# Code labels SOURCE.txt documents, by mode (code 0 of a _cat column is NO_PROVISION unless given here).
# L05 code 2 is left unlabelled: SOURCE.txt marks its label "(inferred)".
CATEGORIES: dict[str, dict[int, str]] = {
    "A01a": {1: "Generally applicable", 2: "Dual citizenship restriction", 3: "Wedlock restriction",
             4: "Gender restriction", 5: "Group restriction"},
    "A01b": {1: "Generally applicable", 2: "Dual citizenship restriction", 3: "Wedlock restriction",
             4: "Gender restriction", 5: "Group restriction", 6: "Generational transmission restriction"},
    "A02a": {1: "Unconditional", 2: "Conditional on parental residence", 3: "Gender or group restriction"},
    "A06a": {1: "2-4 years", 2: "5 years", 3: "6-10 years", 4: "More than 10 years"},
    "A06b": {0: "No renunciation requirement", 1: "Renunciation requirement with exceptions",
             2: "Renunciation requirement with exceptions",
             3: "Renunciation requirement without substantial exceptions",
             9: "No residence-based naturalisation"},
    "A06c": {0: "No language condition in the law",
             1: "General assimilation condition or language condition without test",
             2: "General assimilation condition or language condition without test",
             3: "Language condition with certification or test"},
    "A06d": {0: "No civic knowledge condition", 1: "Civic knowledge condition without test",
             2: "Civic knowledge condition with test"},
    "A06f": {0: "No requirement relating to income, employment or welfare dependency", 1: "Economic requirement"},
    "L05": {1: "Generally applicable provision (lapse)", 3: "Only applies to naturalised citizens",
            4: "Generally applicable provision (withdrawal)",
            5: "Generally applicable provision but with exceptions (withdrawal)",
            6: "Only applies to naturalised citizens"},
    DUAL_CITIZENSHIP: {0: "No dual citizenship acceptance", 1: "Only at acquisition abroad",
                       2: "Only for residence-based acquisition", 3: "Full dual citizenship acceptance"},
}
# Codes whose label holds in one version only: the A06a bands are v3.1's (in v1.0 they do not match
# the years, SOURCE.txt), and 9 in A06b is v3.1's mark (v1.0 writes 99, not applicable).
LABEL_VERSIONS = {("A06a", code): {"3.1"} for code in CATEGORIES["A06a"]} | {("A06b", 9): {"3.1"}}


def code_label(mode: str, code: int, version: str) -> str | None:
    """The documented label of a mode's code in a version, or None (no label is invented)."""
    if version not in LABEL_VERSIONS.get((mode, code), {version}):
        return None
    label = CATEGORIES.get(mode, {}).get(code)
    if label is None and code == 0 and mode != DUAL_CITIZENSHIP:
        return NO_PROVISION
    return label


def mode_kind(mode: str) -> str:
    return "acquisition" if mode.startswith("A") else "loss" if mode.startswith("L") else "dual citizenship"


@dataclass(frozen=True)
class Provision:
    """One mode of one state's law in force on 1 January of ``year``, as one file codes it."""

    version: str
    state: str
    mode: str
    year: int
    exists: bool | None  # the _bin flag
    code: int | None  # the _cat code (dualcit_comb's value)
    residence_years: int | None  # A06a only
    line: int
    columns: tuple[str, ...]

    @property
    def locator(self) -> str:
        return f"line {self.line} ({self.state} {self.year}), column{'s' if len(self.columns) > 1 else ''} " + \
            ", ".join(self.columns)

    def values(self) -> dict[str, object]:
        """The coded values, by kind, leaving out those the file does not give."""
        return {name: value for name, value in (("exists", self.exists), ("code", self.code),
                                                 ("years", self.residence_years)) if value is not None}


def provisions(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Provision]:
    yield from rows_provisions(csv_table_rows(path, report), VERSIONS[stem], places, report)


def rows_provisions(rows, version: str, places: PlaceNames, report: TableReport,
                    scope: frozenset[str] = SCOPE) -> Iterator[Provision]:
    """The provisions of the rows (line, cells) of one file; the first row is the header."""
    expected = HEADERS[version]
    header: list[str] | None = None
    seen: dict[tuple[str, int], int] = {}
    first, last = YEARS[version]
    for line, cells in rows:
        if header is None:
            if cells != expected:
                report.problem(line, None, f"header is {cells[:6]}... ({len(cells)} columns)",
                               f"the GLOBALCIT v{version} header: {', '.join(expected[:6])}... ({len(expected)} columns)")
                return
            header = cells
            groups = _mode_columns(header)
            continue
        if len(cells) != len(header):
            report.problem(line, None, f"row has {len(cells)} cells", f"{len(header)} cells, one per column")
            continue
        row = dict(zip(header, cells))
        state, year = row["iso3"], row["year"]
        if not re.fullmatch(r"[A-Z]{3}", state):
            report.problem(line, "iso3", f"{state!r}", "an ISO 3166 alpha-3 code (three capital letters)")
            continue
        if not re.fullmatch(r"[0-9]{4}", year) or not first <= int(year) <= last:
            report.problem(line, "year", f"{year!r}", f"a year from {first} to {last}")
            continue
        year_number = int(year)
        if (state, year_number) in seen:
            report.problem(line, "iso3", f"a second row for {state} {year} (first on line {seen[state, year_number]})",
                           "one row per state and year")
            continue
        seen[state, year_number] = line
        in_scope = state in scope
        if in_scope and not places.is_country_code(state):
            report.problem(line, "iso3", f"{state!r} is not a country mrkg knows", "a code of reference/countries")
            continue
        for mode, columns in groups:
            provision = _provision(version, state, mode, year_number, line, columns, row, report, in_scope)
            if provision is not None:
                yield provision
        if not in_scope:
            report.skip(f"rows of states outside the scope ({SCOPE_NOTE})")
    if header is None:
        report.problem(1, None, "no header row", f"the GLOBALCIT v{version} header")


def _mode_columns(header: list[str]) -> list[tuple[str, dict[str, str]]]:
    """(mode, {role: column}) for every mode in the header, in its order."""
    groups: dict[str, dict[str, str]] = {}
    for column in header:
        if column == DUAL_CITIZENSHIP:
            groups[DUAL_CITIZENSHIP] = {"code": column}
            continue
        match = _COLUMN.match(column)
        if match:
            groups.setdefault(match.group(1), {})[_ROLE[match.group(2)]] = column
    return list(groups.items())


def _provision(version: str, state: str, mode: str, year: int, line: int, columns: dict[str, str], row: dict,
               report: TableReport, in_scope: bool) -> Provision | None:
    """The provision of one mode of a row; every cell is checked, only rows in scope are counted and kept."""
    values: dict[str, int | bool] = {}
    used: list[str] = []
    for role, column in columns.items():
        cell = row[column]
        if cell == "NA" or cell == NOT_APPLICABLE.get(version):
            if in_scope:
                report.skip("NA cells (no value)" if cell == "NA" else "99 cells (v1.0: not applicable)")
            continue
        if role == "exists":
            if cell not in ("0", "1"):
                report.problem(line, column, f"{cell!r}", "0 or 1 (or NA" + (", 99" if version in NOT_APPLICABLE else "")
                               + ")")
                continue
            values[role] = cell == "1"
        else:
            if not _WHOLE.match(cell) or (role == "years" and cell == "0"):
                report.problem(line, column, f"{cell!r}",
                               ("a number of years (1-98)" if role == "years" else "a whole-number code")
                               + " or NA" + (" or 99" if version in NOT_APPLICABLE else ""))
                continue
            values[role] = int(cell)
        used.append(column)
    if not in_scope or not values:
        return None
    return Provision(version, state, mode, year, values.get("exists"), values.get("code"), values.get("years"),
                     line, tuple(used))


# ---------------------------------------------------------------------------
# RDF: observations in the file's document graph, the codebook scheme in the reference graph
# ---------------------------------------------------------------------------

MODE_SCHEME = iris.entity("concept-scheme", "globalcit-modes")
CATEGORY_SCHEME = iris.entity("concept-scheme", "globalcit-categories")


def mode_iri(mode: str) -> URIRef:
    return iris.entity("citizenship-mode", mode)


def category_iri(mode: str, code: int) -> URIRef:
    return iris.entity("citizenship-mode", mode, str(code))


def provision_iri(provision: Provision) -> URIRef:
    return iris.entity("citizenship-provision", f"v{provision.version}", provision.state, provision.mode,
                       str(provision.year))


def dataset_iri(stem: str) -> URIRef:
    return iris.entity("dataset", stem)


def quads(provisions: list[Provision], stem: str, title: str) -> Iterator[tuple]:
    """The quads of one file: its qb:DataSet and provisions in the document's named graph; the
    modes and codes it uses, and the years, in the reference graph (shared by both files)."""
    graph = iris.document_graph(stem)
    dataset, document = dataset_iri(stem), iris.document(stem)
    yield dataset, RDF.type, QB.DataSet, graph
    yield dataset, RDFS.label, Literal(title, lang="en"), graph
    yield dataset, OWL.versionInfo, Literal(VERSIONS[stem]), graph
    yield dataset, DCTERMS.source, document, graph
    years: set[int] = set()
    codes: set[tuple[str, int, str]] = set()
    for provision in provisions:
        years.add(provision.year)
        node = provision_iri(provision)
        yield node, RDF.type, MRKG.CitizenshipProvision, graph
        yield node, QB.dataSet, dataset, graph
        yield node, SDMX_DIMENSION.refArea, iris.place(provision.state), graph
        yield node, SDMX_DIMENSION.refPeriod, iris.entity("period", str(provision.year)), graph
        yield node, MRKG.inForceOn, Literal(f"{provision.year}-01-01", datatype=XSD.date), graph
        yield node, MRKG.citizenshipMode, mode_iri(provision.mode), graph
        if provision.exists is not None:
            yield node, MRKG.provisionExists, Literal(provision.exists), graph
        if provision.code is not None:
            yield node, MRKG.provisionCode, Literal(provision.code), graph
            if code_label(provision.mode, provision.code, provision.version) is not None:
                yield node, MRKG.provisionCategory, category_iri(provision.mode, provision.code), graph
                codes.add((provision.mode, provision.code, provision.version))
        if provision.residence_years is not None:
            yield node, MRKG.residenceYears, Literal(provision.residence_years), graph
        yield node, DCTERMS.source, document, graph
        yield node, MRKG.locator, Literal(provision.locator), graph
    yield from scheme_quads({p.mode for p in provisions}, codes)
    yield from period_quads(years)


def scheme_quads(modes: set[str], codes: set[tuple[str, int, str]]) -> Iterator[tuple]:
    """The SKOS concepts of the modes and documented codes used, in the reference graph."""
    shared = iris.REFERENCE_GRAPH
    for scheme, label in ((MODE_SCHEME, "GLOBALCIT modes of acquisition and loss of citizenship"),
                          (CATEGORY_SCHEME, "GLOBALCIT codes of the modes of acquisition and loss of citizenship")):
        yield scheme, RDF.type, SKOS.ConceptScheme, shared
        yield scheme, SKOS.prefLabel, Literal(label, lang="en"), shared
        yield scheme, DCTERMS.source, iris.entity("statistical-source", "globalcit"), shared
    for mode in sorted(modes):
        node = mode_iri(mode)
        label, definition = MODES.get(mode, (f"GLOBALCIT mode {mode}", _UNEXPLAINED.format(
            kind=mode_kind(mode), mode=mode)))
        yield node, RDF.type, SKOS.Concept, shared
        yield node, SKOS.inScheme, MODE_SCHEME, shared
        yield node, SKOS.notation, Literal(mode), shared
        yield node, SKOS.prefLabel, Literal(label, lang="en"), shared
        yield node, SKOS.definition, Literal(definition, lang="en"), shared
    for mode, code, version in sorted(codes):
        node = category_iri(mode, code)
        yield node, RDF.type, SKOS.Concept, shared
        yield node, SKOS.inScheme, CATEGORY_SCHEME, shared
        yield node, SKOS.broader, mode_iri(mode), shared
        yield node, SKOS.notation, Literal(str(code)), shared
        yield node, SKOS.prefLabel, Literal(code_label(mode, code, version), lang="en"), shared


_UNEXPLAINED = ("A coded mode of {kind} of citizenship of the GLOBALCIT dataset ({mode}); its meaning is "
                "defined in the GLOBALCIT codebook, which is not part of mrkg's copy of the dataset.")


def period_quads(years: set[int]) -> Iterator[tuple]:
    shared = iris.REFERENCE_GRAPH
    for year in sorted(years):
        period = iris.entity("period", str(year))
        yield period, RDF.type, TIME.ProperInterval, shared
        yield period, RDFS.label, Literal(str(year)), shared
        yield period, MRKG.periodStart, Literal(f"{year}-01-01", datatype=XSD.date), shared
        yield period, MRKG.periodEnd, Literal(f"{year}-12-31", datatype=XSD.date), shared


def nquads(provisions: list[Provision], stem: str, title: str) -> Iterator[str]:
    """N-Quads lines (without newline) of ``quads``; an IRI is written once and reused (a few
    hundred IRIs make up most of the ~68,000 quads)."""
    written: dict[URIRef, str] = {}

    def n3(term) -> str:
        if not isinstance(term, URIRef):
            return term.n3()
        text = written.get(term)
        if text is None:
            text = written[term] = term.n3()
        return text

    for quad in quads(provisions, stem, title):
        yield " ".join(n3(term) for term in quad) + " ."
