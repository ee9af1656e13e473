"""UN DESA International Migrant Stock 2020: country totals, 1990-2020 (every five years).

One row per country and year: ``alpha3, name, country_code, year, fb, pop,
fb_share, refugee, pob_code, disp, imm, disp_share``. Loaded columns:

* ``fb``, the international migrant stock in the country: measure migrant-stock
  from ``world`` to the country;
* ``disp``, the country's emigrants living abroad: migrant-stock from the
  country to ``world``;
* ``refugee``: refugees in the country; ``pop``: its population (from World
  Population Prospects; 29 populations are printed with decimals, which are
  kept as printed).

``NA`` and ``~`` mean no figure. ``fb_share`` and ``disp_share`` are ratios the
repository authors computed from the other columns (in percent and as a
fraction respectively), and ``imm`` is empty (NA) throughout: they are not
loaded. A row is placed by its ISO alpha-3 code; a code that is not ISO (the
Channel Islands are coded NA) is placed by its name through the alias table.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from mrkg.loaders.datasets.figures import UNKNOWN, Figure, TableReport, csv_table_rows
from mrkg.loaders.place_names import PlaceNames

ID = "un-ims-2020-totals"
FILES = ("stock_totals_2020",)
HEADER = ["alpha3", "name", "country_code", "year", "fb", "pop", "fb_share", "refugee", "pob_code", "disp", "imm",
          "disp_share"]
NO_FIGURE = {"NA", "~"}
NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


def figures(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Figure]:
    rows = csv_table_rows(path, report)
    header = next(rows, (1, None))[1]
    if header != HEADER:
        report.problem(1, None, f"header is {header}", ", ".join(HEADER))
        return
    for line, row in rows:
        if len(row) != len(HEADER):
            report.problem(line, None, f"{len(row)} cells", f"{len(HEADER)} cells, as in the header")
            continue
        cells = dict(zip(HEADER, row))
        if not re.fullmatch(r"(19|20)[0-9][0-9]", cells["year"]):
            report.problem(line, "year", f"{cells['year']!r} is not a year", "YYYY")
            continue
        place = cells["alpha3"] if places.is_country_code(cells["alpha3"]) else \
            report.place(places, cells["name"], line)
        if place is UNKNOWN:
            continue
        if place is None:
            report.skip("rows that are not a country")
            continue
        year = int(cells["year"])
        where = f"line {line} ({cells['name']}, {year}), column"
        for column, measure, origin, destination, area in (
            ("fb", "migrant-stock", "world", place, None),
            ("disp", "migrant-stock", place, "world", None),
            ("refugee", "refugees", None, None, place),
            ("pop", "population", None, None, place),
        ):
            cell = cells[column]
            if cell in NO_FIGURE:
                report.skip(f"{column} cells 'NA' or '~' (no figure)")
            elif NUMBER.fullmatch(cell):
                value = report.text_value(line, column, cell)
                if value is not None:
                    yield Figure(measure, origin, destination, area, year, value, "person", f"{where} {column}")
            else:
                report.problem(line, column, f"cell {cell!r} is not a count", "a number, NA or ~")
        report.skip("fb_share, disp_share and imm cells (derived or empty; not loaded)", 3)
