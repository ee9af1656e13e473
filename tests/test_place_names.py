"""The alias table (sources/reference/place-names.yaml) against the table files it serves.

The place names are listed from each copied statistical table here, independently of the table
readers (which rows and columns hold a place name is each file's layout, stated in SOURCE.txt):
every one must resolve, through pycountry or the alias table, to a place or to an explicit
not-a-place entry. The alias table also serves GPTAD's member names (treaty table): the names of
its rows with a former Soviet republic among the members must resolve too, read with the
loader's two documented readings of a Membership cell (split at commas outside brackets; "A and
B" as two names). Every entry of the alias table must be printed by some file, or be kept here
with its reason.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mrkg.loaders import documents, gptad_treaties, labour_agreements, read_sources
from mrkg.loaders.treaty_tables import POST_SOVIET
from mrkg.loaders.datasets import TABLES
from mrkg.loaders.datasets.figures import is_number
from mrkg.loaders.place_names import KIND, PlaceNames

SOURCES = Path(__file__).resolve().parents[1] / "sources"

# Entries no table file prints, kept on purpose (the reason is the value).
KEPT: dict[str, str] = {}


def _un_stock(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        yield from ((name, 1) for name in header[2:])
        yield from ((row[1], line) for line, row in enumerate(rows, start=2))


def _un_totals(path: Path, places: PlaceNames):
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if not places.is_country_code(row["alpha3"]):  # rows with an ISO code are placed by the code
                yield row["name"], line


def _workbook(path: Path, header_line: int | None):
    """Column A of every row with a number after the header; and the header's names when given."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for line, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if line == header_line:
                yield from ((str(cell), line) for cell in row[1:] if cell is not None)
            elif line > (header_line or 2) and row and row[0] is not None and any(is_number(c) for c in row[1:]):
                yield str(row[0]), line
    finally:
        book.close()


def _wdi(path: Path):
    import xlrd

    sheet = xlrd.open_workbook(str(path)).sheet_by_name("Data")
    for index in range(4, sheet.nrows):  # the header is row 4
        yield sheet.cell_value(index, 0), index + 1


def _gptad(path: Path, places: PlaceNames):
    """(name, line, must resolve) for every member name of every row."""
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            names = gptad_treaties.expand(places, gptad_treaties.split_members(row["Membership"]))
            candidate = False
            for name in names:
                try:
                    candidate = candidate or places.resolve(name) in POST_SOVIET
                except KeyError:
                    pass
            for name in names:
                yield name, line, candidate


def printed_names(stem: str, path: Path, places: PlaceNames):
    if stem == "UN_MigrantStockByOriginAndDestination_2019_clean":
        return _un_stock(path)
    if stem == "stock_totals_2020":
        return _un_totals(path, places)
    if stem.startswith("WB_Bilateral"):
        return _workbook(path, 2)
    if stem.startswith("remittance-"):
        return _workbook(path, None)
    return _wdi(path)


@pytest.fixture(scope="module")
def names_by_file():
    sources = read_sources(SOURCES)
    places = PlaceNames.from_registry(sources.registry)
    listed = {located.record.stem: located.record for located in sources.of(documents)}
    found: dict[str, dict[str, int]] = {}
    for module in TABLES:
        if hasattr(module, "provisions") or hasattr(module, "requirements"):
            continue  # citizenship law and visa requirements name states by ISO code, checked by their loaders
        for stem in module.FILES:
            path = SOURCES / listed[stem].path
            names: dict[str, int] = {}
            for name, line in printed_names(stem, path, places):
                names.setdefault(" ".join(str(name).split()), line)
            found[f"sources/{listed[stem].path}"] = names
    gptad = f"sources/{listed[gptad_treaties.STEM].path}"
    found[gptad], gptad_others = {}, set()
    for name, line, candidate in _gptad(SOURCES / listed[gptad_treaties.STEM].path, places):
        if candidate:
            found[gptad].setdefault(name, line)
        else:
            gptad_others.add(name)
    labour = f"sources/{listed[labour_agreements.FORMATION].path}"
    found[labour] = {}
    for name, number in _labour(SOURCES / listed[labour_agreements.FORMATION].path):
        found[labour].setdefault(name, number)
    return sources, places, found, gptad_others


def _labour(path: Path):
    """(name, row) of both parties of every row the labour-agreements loader loads (a former Soviet republic's)."""
    import pandas

    frame = pandas.read_stata(path)
    for number, row in enumerate(frame.to_dict("records"), start=1):
        if row["codeA"] in labour_agreements.COW_CODES or row["codeB"] in labour_agreements.COW_CODES:
            yield row["countryA"], number
            yield row["countryB"], number


def test_every_printed_name_resolves(names_by_file):
    _, places, found, _ = names_by_file
    unknown = []
    for file, names in found.items():
        assert names, f"{file}: no place name found (layout changed?)"
        for name, line in names.items():
            try:
                places.resolve(name)
            except KeyError:
                unknown.append(f"{file}:{line}: {name!r}")
    assert not unknown, "names that resolve to nothing:\n" + "\n".join(unknown)


def test_rows_that_are_not_places_are_explicit(names_by_file):
    """A name that reads as "not a place" does so only through an explicit alias entry."""
    sources, places, found, _ = names_by_file
    not_places = {name for name in sources.registry.ids(KIND) if sources.registry.detail(KIND, name).place is None}
    for file, names in found.items():
        for name in names:
            if name in places.aliases or name in places.iso:
                if places.resolve(name) is None:
                    assert name in not_places, f"{file}: {name!r}"


def test_no_alias_is_unused(names_by_file):
    sources, _, found, gptad_others = names_by_file
    printed = set().union(*found.values(), gptad_others)
    unused = sorted(set(sources.registry.ids(KIND)) - printed - set(KEPT))
    assert not unused, f"entries of sources/reference/place-names.yaml no table file prints: {unused}"
    assert not set(KEPT) & printed, "a kept entry is printed after all: remove it from KEPT"


def test_known_aliases_resolve(names_by_file):
    places = names_by_file[1]
    assert places.resolve("Kyrgyz Republic") == "KGZ"  # pycountry's official name
    assert places.resolve("Republic of Moldova") == "MDA"
    assert places.resolve("Russian Federation") == "RUS"
    assert places.resolve("Türkiye, Rep. of") == "TUR"
    assert places.resolve("Europe & Central Asia") is None
    with pytest.raises(KeyError):
        places.resolve("Kirgizia")
