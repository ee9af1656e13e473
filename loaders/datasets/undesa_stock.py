"""UN DESA International Migrant Stock 2019, by origin and destination, 1990-2019.

The file is one wide matrix: a row per year and destination (``Year``,
``Dest``), a column per origin (232 countries, UN English names); persons at
mid-year. Read as UN DESA prints it:

* ``..`` is "not available": no figure.
* ``-`` is zero: a figure of 0.
* ``0``: the cleaned file writes 0 where UN DESA's table has an empty cell (UN
  DESA marks a true zero with ``-``), so 0 is "no estimate": no figure.
* Destination rows that name a region (Caribbean, Melanesia, ...) are not
  countries: the whole row is skipped and counted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from mrkg.loaders.datasets.figures import UNKNOWN, Figure, TableReport, csv_table_rows
from mrkg.loaders.place_names import PlaceNames

ID = "un-ims-2019"
FILES = ("UN_MigrantStockByOriginAndDestination_2019_clean",)
YEARS = {1990, 1995, 2000, 2005, 2010, 2015, 2019}


def figures(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Figure]:
    rows = csv_table_rows(path, report)
    header = next(rows, (1, None))[1]
    if not header or header[:2] != ["Year", "Dest"]:
        report.problem(1, None, f"header starts {header[:2] if header else 'empty'}",
                       "Year, Dest, then one column per origin country")
        return
    origins = [report.place(places, name, 1) for name in header[2:]]
    for line, row in rows:
        if len(row) != len(header):
            report.problem(line, None, f"{len(row)} cells", f"{len(header)} cells, as in the header")
            continue
        year_text, dest_name = row[0], row[1]
        if year_text not in {str(year) for year in YEARS}:
            report.problem(line, "Year", f"{year_text!r} is not a year of this edition",
                           ", ".join(map(str, sorted(YEARS))))
            continue
        destination = report.place(places, dest_name, line)
        if destination is UNKNOWN:
            continue
        if destination is None:
            report.skip(f"rows of a region, not a country (Dest {dest_name!r})")
            continue
        for origin_name, origin, cell in zip(header[2:], origins, row[2:]):
            if cell == "..":
                report.skip("'..' cells (not available)")
            elif cell == "0":
                report.skip("0 cells (an empty cell in UN DESA's table: no estimate)")
            elif origin is None or origin is UNKNOWN:
                report.skip("cells of an origin that is not a country")
            elif cell == "-" or re.fullmatch("[0-9]+", cell):
                value = "0" if cell == "-" else report.text_value(line, origin_name, str(int(cell)))
                if value is None:
                    continue
                yield Figure("migrant-stock", origin, destination, None, int(year_text), value, "person",
                             f"line {line} ({year_text}, {dest_name}), column {origin_name}")
            else:
                report.problem(line, origin_name, f"cell {cell!r} is not a count",
                               "a whole number, '..' (not available) or '-' (zero)")

