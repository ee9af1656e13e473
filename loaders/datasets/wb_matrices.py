"""World Bank-KNOMAD bilateral matrices 2017: migrant stocks and remittances.

Each workbook has one data sheet: a title row, then a header row whose first
cell states the orientation, then one row per country. The orientation is
checked, not assumed, because the two files differ:

* migration: "destination (across) / origin (down)": rows are origins,
  columns destinations; persons, mid-2017.
* remittances: "receiving (across) / sending (down)": rows are the sending
  countries (the origin of the money), columns the receiving ones; US$
  millions, 2017.

A 0 cell is "no estimate" (the matrices are sparse estimates), and is not
loaded. Four cells of the remittance matrix hold ``-`` (India-Pakistan,
Israel-Lebanon pairs); the workbook gives no legend, so they are read as no
estimate too, not as a figure of zero. ``Other North``, ``Other South`` and the ``World``/``WORLD`` totals
(sums of the country cells) are not places. Rows without any number are the
notes under the table. Sheets the repository author added (a name lookup with
errors, a share) are not read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from mrkg.loaders.datasets.figures import UNKNOWN, Figure, TableReport, is_number
from mrkg.loaders.place_names import PlaceNames

ID = "wb-bilateral-2017"
# file stem -> (sheet, orientation label, measure, unit)
SPECS = {
    "WB_Bilateral_Estimates_Migrant_Stocks_2017":
        ("Bilateral_Migration_2017", "destination (across) / origin (down)", "migrant-stock", "person"),
    "WB_Bilateral_Remittance_Estimates_2017":
        ("Bilateral_Remittances_2017", "receiving (across) / sending (down)", "remittances", "usd-million"),
}
FILES = tuple(SPECS)
YEAR = 2017


def figures(path: Path, stem: str, places: PlaceNames, report: TableReport) -> Iterator[Figure]:
    import openpyxl

    sheet_name, orientation, measure, unit = SPECS[stem]
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet_name not in workbook.sheetnames:
            report.problem(None, None, f"no sheet {sheet_name!r} (sheets: {', '.join(workbook.sheetnames)})",
                           f"the data sheet {sheet_name!r}")
            return
        rows = workbook[sheet_name].iter_rows(values_only=True)
        next(rows, None)  # the title row
        header = next(rows, None) or ()
        if not header or str(header[0]).strip() != orientation:
            report.problem(2, "A", f"orientation label is {header[0] if header else None!r}", repr(orientation))
            return
        columns = [(index, str(name).strip(), report.place(places, str(name).strip(), 2))
                   for index, name in enumerate(header) if index > 0 and name is not None]
        for line, row in enumerate(rows, start=3):
            if not row or row[0] is None:
                continue
            if not any(is_number(cell) for cell in row[1:]):
                report.skip("rows without figures (notes under the table)")
                continue
            row_name = str(row[0]).strip()
            row_place = report.place(places, row_name, line)
            if row_place is UNKNOWN:
                continue
            if row_place is None:
                report.skip("rows that are not a country (residual groups, world total)")
                continue
            for index, column_name, column_place in columns:
                cell = row[index] if index < len(row) else None
                if column_place is None or column_place is UNKNOWN:
                    report.skip("cells of a column that is not a country (residual groups, world total)")
                elif cell is None or cell == 0:
                    report.skip("empty or 0 cells (no estimate)")
                elif isinstance(cell, str) and cell.strip() == "-":
                    report.skip("'-' cells (the workbook has no legend for them: read as no estimate)")
                elif is_number(cell) and cell > 0:
                    value = report.value(line, column_name, cell)
                    if value is None:
                        continue
                    yield Figure(measure, row_place, column_place, None, YEAR, value, unit,
                                 f"sheet {sheet_name}, row {line} ({row_name}), column {column_name}")
                else:
                    report.problem(line, column_name, f"cell {cell!r} is not a positive number",
                                   "a positive number, or 0/empty for no estimate")
    finally:
        workbook.close()
