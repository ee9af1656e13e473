"""KNOMAD remittance inflows and outflows (US$ million), 2000-2022, June 2023.

Each workbook has one sheet: a header row whose first cell names the table
and whose other cells are years (the outflow file writes them as text and adds
a "% of GDP in 2022" column, which is not loaded; its header is on the second
row), one row per economy, then notes. Read as KNOMAD prints it:

* inflows: remittances from ``world`` to the economy; outflows: from the
  economy to ``world``; US$ millions.
* A 0 cell is "not reported" (KNOMAD fills years without data with 0: for
  example Afghanistan 2000-2007, where WDI has no figure), so it is not loaded.
* ``World`` and ``Low-and Middle-Income Countries`` are not places; rows
  without numbers are the notes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from mrkg.loaders.datasets.figures import UNKNOWN, Figure, TableReport, is_number
from mrkg.loaders.place_names import PlaceNames

ID = "knomad-2023-06"
# file stem -> (title cell of the header row, side of the economy)
SPECS = {
    "remittance-inflows": ("Remittance inflows (US$ million)", "destination"),
    "remittance-outflows": ("Remittance outflows (US$ million)", "origin"),
}
FILES = tuple(SPECS)


def figures(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Figure]:
    import openpyxl

    title, side = SPECS[stem]
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        years: list[tuple[int, int]] = []
        for line, row in rows:
            if row and row[0] is not None and str(row[0]).strip() == title:
                years = [(index, int(str(cell))) for index, cell in enumerate(row)
                         if index > 0 and cell is not None and re.fullmatch(r"[0-9]{4}", str(cell).strip())]
                for index, cell in enumerate(row):
                    if index > 0 and cell is not None and not re.fullmatch(r"[0-9]{4}", str(cell).strip()):
                        report.skip(f"columns that are not a year ({cell!r})")
                break
            if line > 5:
                break
        if not years:
            report.problem(None, None, f"no header row starting {title!r} in the first rows",
                           f"a header row {title!r}, then years")
            return
        for line, row in rows:
            if not row or row[0] is None:
                continue
            if not any(is_number(row[i]) for i, _ in years if i < len(row)):
                report.skip("rows without figures (notes under the table)")
                continue
            name = str(row[0]).strip()
            place = report.place(places, name, line)
            if place is UNKNOWN:
                continue
            if place is None:
                report.skip("rows of an aggregate (world, country groups)")
                continue
            for index, year in years:
                cell = row[index] if index < len(row) else None
                if cell is None or cell == 0:
                    report.skip("empty or 0 cells (not reported)")
                elif is_number(cell) and cell > 0:
                    value = report.value(line, str(year), cell)
                    if value is None:
                        continue
                    origin, destination = ("world", place) if side == "destination" else (place, "world")
                    yield Figure("remittances", origin, destination, None, year, value, "usd-million",
                                 f"row {line} ({name}), column {year}")
                else:
                    report.problem(line, str(year), f"cell {cell!r} is not a positive number",
                                   "a positive number, or 0/empty when not reported")
    finally:
        workbook.close()
