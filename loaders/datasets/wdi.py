"""World Development Indicators downloads: remittances received, paid, and received as % of GDP.

Each ``.xls`` has a ``Data`` sheet: two lines of metadata, a blank line, then
the header (line 4) ``Country Name, Country Code, Indicator Name, Indicator Code,
1960 ... 2022`` and one row per economy. The indicator code of every row is
checked against the file's. Economies are placed by name through the alias
table, and the name's ISO code must agree with the row's code; regional and
income aggregates are not places. An empty cell is no figure; a 0 is a
reported zero (WDI leaves missing years empty).

* received (BX.TRF.PWKR.CD.DT): remittances from ``world`` to the economy, US$;
* paid (BM.TRF.PWKR.CD.DT): remittances from the economy to ``world``, US$;
* % of GDP (BX.TRF.PWKR.DT.GD.ZS): remittances-share-of-gdp of the economy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from mrkg.loaders.datasets.figures import UNKNOWN, Figure, TableReport
from mrkg.loaders.place_names import PlaceNames

ID = "wdi-2023-05"
# file stem -> (indicator code, measure, unit, direction: which side the economy is on)
SPECS = {
    "personal-remittances-received": ("BX.TRF.PWKR.CD.DT", "remittances", "usd", "destination"),
    "personal-remittances-paid": ("BM.TRF.PWKR.CD.DT", "remittances", "usd", "origin"),
    "remittances-received-percent-gdp": ("BX.TRF.PWKR.DT.GD.ZS", "remittances-share-of-gdp", "percent", "area"),
}
FILES = tuple(SPECS)
HEADER = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
HEADER_LINE = 4


def figures(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Figure]:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        if "Data" not in book.sheet_names():
            report.problem(None, None, f"no sheet 'Data' (sheets: {', '.join(book.sheet_names())})", "a WDI download")
            return
        sheet = book.sheet_by_name("Data")
        yield from rows_figures(((index + 1, sheet.row_values(index)) for index in range(sheet.nrows)),
                                stem, places, report)
    finally:
        book.release_resources()


def rows_figures(rows: Iterable[tuple[int, list]], stem: str, places: PlaceNames,
                 report: TableReport) -> Iterator[Figure]:
    """The figures of the ``Data`` sheet's rows, given as (line, cell values as xlrd reads them:
    text, float or '' for an empty cell); lines before the header are not read."""
    indicator, measure, unit, side = SPECS[stem]
    header: list[str] = []
    for line, values in rows:
        if line < HEADER_LINE:
            continue
        if line == HEADER_LINE:
            header = [str(value).strip() for value in values]
            years = header[4:]
            if header[:4] != HEADER or not all(re.fullmatch(r"[0-9]{4}", y) for y in years):
                report.problem(HEADER_LINE, None, f"header is {header[:6]}...",
                               ", ".join(HEADER) + ", then one column per year")
                return
            continue
        if not header:
            break
        if len(values) < len(HEADER):
            report.problem(line, None, f"row has {len(values)} cells", f"at least {len(HEADER)} cells")
            continue
        name, code, _, row_indicator, *cells = values
        if row_indicator != indicator:
            report.problem(line, "Indicator Code", f"{row_indicator!r}", indicator)
            continue
        place = report.place(places, str(name).strip(), line)
        if place is UNKNOWN:
            continue
        if place is None:
            report.skip("rows of an aggregate (region, income group, world)")
            continue
        if places.is_country_code(code) and place != code:
            report.problem(line, "Country Code", f"{name!r} reads as {place} but the row's code is {code}",
                           "a name and a code of the same country")
            continue
        for year, cell in zip(years, cells):
            if cell == "":
                report.skip("empty cells (no figure)")
                continue
            if not isinstance(cell, float) or not cell >= 0:  # NaN is neither < 0 nor >= 0
                report.problem(line, year, f"cell {cell!r} is not a non-negative number", "a number or empty")
                continue
            value = report.value(line, year, cell)
            if value is None:
                continue
            origin, destination, area = {"destination": ("world", place, None),
                                         "origin": (place, "world", None),
                                         "area": (None, None, place)}[side]
            yield Figure(measure, origin, destination, area, int(year), value, unit,
                         f"sheet Data, row {line} ({name}), column {year}")
    if not header:
        report.problem(HEADER_LINE, None, "no header row", ", ".join(HEADER) + ", then one column per year")
