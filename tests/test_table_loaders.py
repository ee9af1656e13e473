"""The statistical-table loaders on short real excerpts: golden N-Quads and the reading rules.

``tests/fixtures/tables`` holds a few real rows of every table file (README.md there says which
rows, and the licence; ``make_excerpts.py`` writes them). The excerpts replace the full files in a
temporary copy of the sources tree, which is read by ``read_tables`` exactly as a build reads it.
The WDI ``.xls`` files cannot be written here: their excerpts are the rows as xlrd reads them, fed
to ``wdi.rows_figures``. Workbook excerpts keep the real row numbers, so their locators name the
real row; a CSV excerpt's locators give the excerpt's line (README.md maps it to the real line).

Each excerpt's N-Quads are compared with ``tests/fixtures/tables/golden/<file stem>.nq``, graph by
graph, with ``rdflib.compare.isomorphic``. After a deliberate change of a loader, rewrite the
goldens with ``MRKG_WRITE_TABLE_GOLDEN=1 pytest tests/test_table_loaders.py`` and review the diff
against the excerpt before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib.compare import graph_diff, isomorphic

from mrkg.loaders import read_sources
from mrkg.loaders.datasets import TABLES, _check_figures, citizenship_law, knomad, read_tables, undesa_stock, undesa_totals, \
    wb_matrices, wdi
from mrkg.loaders.datasets.figures import TableReport, nquads
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.strict import InputError

SOURCES = Path(__file__).resolve().parents[1] / "sources"
TABLES_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"
GOLDEN = TABLES_FIXTURES / "golden"
FILE_TABLES = (undesa_stock, undesa_totals, wb_matrices, knomad, citizenship_law)  # read from files; wdi from rows
# The visa requirements (passport_index) have their golden graph in tests/test_visa.py.
STEMS = [stem for module in TABLES if not hasattr(module, "requirements") for stem in module.FILES]


def _documents(sources):
    from mrkg.loaders import documents
    return {located.record.stem: located.record for located in sources.of(documents)}


def _excerpt_tree(tmp: Path, edit=None) -> Path:
    """A copy of the sources tree whose statistical-table files are the excerpts (checksums
    updated); the WDI .xls files are left out (see the module docstring). ``edit(name, text)``
    may change a CSV excerpt's text first."""
    real = read_sources(SOURCES)
    docs = _documents(real)
    table_paths = {docs[stem].path for stem in STEMS}
    root = tmp / "sources"
    shutil.copytree(SOURCES, root, ignore=lambda folder, names: [
        n for n in names if (Path(folder) / n).relative_to(SOURCES).as_posix() in table_paths])
    listing = (root / "documents.yaml").read_text(encoding="utf-8")
    for stem in STEMS:
        path = docs[stem].path
        excerpt = TABLES_FIXTURES / Path(path).name
        if not excerpt.exists():
            continue  # the WDI .xls
        data = excerpt.read_bytes()
        if edit is not None and excerpt.suffix == ".csv":
            data = edit(excerpt.name, data.decode("utf-8")).encode("utf-8")
        (root / path).write_bytes(data)
        listing = listing.replace(docs[stem].sha256, hashlib.sha256(data).hexdigest())
    (root / "documents.yaml").write_text(listing, encoding="utf-8")
    return root


def _wdi_table(stem: str, places: PlaceNames, document):
    excerpt = json.loads((TABLES_FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    report = TableReport(f"sources/{document.path}")
    figures = list(wdi.rows_figures(((line, values) for line, values in excerpt["rows"]), stem, places, report))
    return figures, report


class Excerpts:
    """What the loaders read from the excerpts: figures, skipped counts and N-Quads per file stem."""

    def __init__(self, tmp: Path):
        root = _excerpt_tree(tmp)
        sources = read_sources(root)
        self.figures, self.skipped, self.nquads = {}, {}, {}
        for table in read_tables(sources, tables=FILE_TABLES):
            self.figures[table.stem] = table.figures or table.provisions  # citizenship law: coded provisions
            self.skipped[table.stem] = table.skipped
            self.nquads[table.stem] = list(table.nquads())
        docs = _documents(sources)
        places = PlaceNames.from_registry(sources.registry)
        for stem in wdi.FILES:
            figures, report = _wdi_table(stem, places, docs[stem])
            _check_figures(figures, sources.registry, report)
            assert not report.all_problems(), report.all_problems()
            self.figures[stem] = figures
            self.skipped[stem] = dict(report.skipped)
            self.nquads[stem] = list(nquads(figures, wdi.ID, stem, docs[stem].publisher, docs[stem].title))

    def cell(self, stem, measure, origin=None, destination=None, area=None, year=None):
        """The figures of one cell (a list, so that a missing or doubled figure shows)."""
        return [f for f in self.figures[stem] if (f.measure, f.origin, f.destination, f.area, f.year)
                == (measure, origin, destination, area, year)]


@pytest.fixture(scope="module")
def excerpts(tmp_path_factory):
    return Excerpts(tmp_path_factory.mktemp("tables"))


# ---------------------------------------------------------------------------
# Golden N-Quads
# ---------------------------------------------------------------------------


def test_every_table_file_has_an_excerpt_and_a_golden_file():
    for stem in STEMS:
        assert list(TABLES_FIXTURES.glob(f"{stem}.*")), f"no excerpt of {stem} in {TABLES_FIXTURES}"
        assert (GOLDEN / f"{stem}.nq").is_file(), f"no golden/{stem}.nq"


def _graphs(dataset: Dataset) -> dict:
    return {str(graph.identifier): graph for graph in dataset.graphs() if len(graph)}


@pytest.mark.parametrize("stem", STEMS)
def test_excerpt_matches_golden(excerpts, stem):
    lines = sorted(excerpts.nquads[stem])
    golden_file = GOLDEN / f"{stem}.nq"
    if os.environ.get("MRKG_WRITE_TABLE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert excerpts.figures[stem], f"the excerpt of {stem} gives no figure"
    output = _graphs(Dataset().parse(data="\n".join(lines), format="nquads"))
    golden = _graphs(Dataset().parse(golden_file, format="nquads"))
    assert set(output) == set(golden), f"{stem}: named graphs differ"
    for name in golden:
        if not isomorphic(output[name], golden[name]):
            _, only_golden, only_output = graph_diff(golden[name], output[name])
            pytest.fail(f"{stem}, graph {name} differs from golden/{stem}.nq\n"
                        f"--- only in golden ({len(only_golden)}):\n{only_golden.serialize(format='nt')}\n"
                        f"--- only in output ({len(only_output)}):\n{only_output.serialize(format='nt')}",
                        pytrace=False)


# ---------------------------------------------------------------------------
# Reading rules, cell by cell (values copied from the real files)
# ---------------------------------------------------------------------------

UN = "UN_MigrantStockByOriginAndDestination_2019_clean"
TOTALS = "stock_totals_2020"
WB_STOCK = "WB_Bilateral_Estimates_Migrant_Stocks_2017"
WB_REM = "WB_Bilateral_Remittance_Estimates_2017"


class TestUNStock:
    def test_dash_is_a_zero_figure(self, excerpts):
        # real line 218 (excerpt line 5): 1990, Montenegro, column Albania holds '-'
        figures = excerpts.cell(UN, "migrant-stock", "ALB", "MNE", year=1990)
        assert [(f.value, f.locator) for f in figures] == [("0", "line 5 (1990, Montenegro), column Albania")]

    def test_not_available_is_no_figure(self, excerpts):
        # real line 16: 1990, Somalia: Ethiopia 460000, Yemen '..' (the excerpt's only '..')
        assert [f.value for f in excerpts.cell(UN, "migrant-stock", "ETH", "SOM", year=1990)] == ["460000"]
        assert excerpts.cell(UN, "migrant-stock", "YEM", "SOM", year=1990) == []
        assert excerpts.skipped[UN]["'..' cells (not available)"] == 1

    def test_zero_is_no_estimate(self, excerpts):
        # real line 16: 1990, Somalia, column Afghanistan holds 0
        assert excerpts.cell(UN, "migrant-stock", "AFG", "SOM", year=1990) == []

    def test_region_row_is_skipped_and_counted(self, excerpts):
        # real line 110: 1990, Caribbean (a region row with 131 non-zero cells)
        assert excerpts.skipped[UN]["rows of a region, not a country (Dest 'Caribbean')"] == 1
        assert not [f for f in excerpts.figures[UN] if "Caribbean" in f.locator]

    def test_orientation_rows_are_destinations_columns_origins(self, excerpts):
        # real line 1501 (excerpt line 6): 2019, Kyrgyzstan, column Russian Federation = 109511: persons
        # born in Russia living in Kyrgyzstan
        figures = excerpts.cell(UN, "migrant-stock", "RUS", "KGZ", year=2019)
        assert [(f.value, f.unit, f.locator) for f in figures] == [
            ("109511", "person", "line 6 (2019, Kyrgyzstan), column Russian Federation")]
        assert excerpts.cell(UN, "migrant-stock", "KGZ", "RUS", year=2019) == []  # not in the excerpt

    def test_alias_destination(self, excerpts):
        # real line 196: 1990, Channel Islands (an area, through the alias table)
        assert {f.destination for f in excerpts.figures[UN] if "Channel Islands" in f.locator} == {"channel-islands"}

    def test_figure_count(self, excerpts):
        # non-zero, non-'..' cells of real lines 16, 196, 218 ('-') and 1501: 1 + 4 + 1 + 23
        assert len(excerpts.figures[UN]) == 29


class TestUNTotals:
    def test_columns_and_directions(self, excerpts):
        # real line 428: TJK, 2020: fb 276031, pop 9537642, refugee 5204, disp 586851
        assert [f.value for f in excerpts.cell(TOTALS, "migrant-stock", "world", "TJK", year=2020)] == ["276031"]
        assert [f.value for f in excerpts.cell(TOTALS, "migrant-stock", "TJK", "world", year=2020)] == ["586851"]
        assert [f.value for f in excerpts.cell(TOTALS, "refugees", area="TJK", year=2020)] == ["5204"]
        assert [f.value for f in excerpts.cell(TOTALS, "population", area="TJK", year=2020)] == ["9537642"]

    def test_tilde_is_no_figure(self, excerpts):
        # real line 9: COM, 1990, refugee '~'
        assert excerpts.cell(TOTALS, "refugees", area="COM", year=1990) == []
        assert [f.value for f in excerpts.cell(TOTALS, "population", area="COM", year=1990)] == ["411598"]

    def test_decimal_population_kept_as_printed(self, excerpts):
        # real line 32: ETH, 2000, pop 66224808.99999999
        assert [f.value for f in excerpts.cell(TOTALS, "population", area="ETH", year=2000)] == ["66224808.99999999"]

    def test_channel_islands_placed_by_name(self, excerpts):
        # real line 841: alpha3 NA, name 'Channel Islands*'
        assert [f.value for f in excerpts.cell(TOTALS, "migrant-stock", "world", "channel-islands", year=2020)] == [
            "84087"]
        assert excerpts.cell(TOTALS, "migrant-stock", "world", "NAM", year=2020) == []  # NA is not Namibia here

    def test_derived_columns_not_loaded(self, excerpts):
        assert not {f.measure for f in excerpts.figures[TOTALS]} - {"migrant-stock", "refugees", "population"}
        assert excerpts.skipped[TOTALS]["fb_share, disp_share and imm cells (derived or empty; not loaded)"] == 3 * 7


class TestWorldBankMatrices:
    def test_migration_rows_are_origins(self, excerpts):
        # row 100 (Kazakhstan), column Russian Federation: 2,562,079 persons born in Kazakhstan in Russia
        figures = excerpts.cell(WB_STOCK, "migrant-stock", "KAZ", "RUS", year=2017)
        assert [(f.value, f.unit) for f in figures] == [("2562079", "person")]
        assert figures[0].locator == "sheet Bilateral_Migration_2017, row 100 (Kazakhstan), column Russian Federation"

    def test_remittance_rows_are_senders_in_millions(self, excerpts):
        # row 100 (Kazakhstan sending), column Russian Federation (receiving): US$ 1,713.13 million
        figures = excerpts.cell(WB_REM, "remittances", "KAZ", "RUS", year=2017)
        assert [(f.value, f.unit) for f in figures] == [("1713.1297741842732", "usd-million")]

    def test_dash_in_remittance_matrix_is_no_figure(self, excerpts):
        # row 89 (India), column Pakistan holds '-'
        assert excerpts.cell(WB_REM, "remittances", "IND", "PAK", year=2017) == []
        assert excerpts.skipped[WB_REM]["'-' cells (the workbook has no legend for them: read as no estimate)"] == 1

    def test_aggregate_rows_and_columns_skipped(self, excerpts):
        # rows 217 (Other North) and 219 (World); columns Other North, Other South, World
        assert excerpts.skipped[WB_STOCK]["rows that are not a country (residual groups, world total)"] == 2
        assert excerpts.skipped[WB_REM]["rows that are not a country (residual groups, world total)"] == 1  # WORLD
        assert not {f.destination for f in excerpts.figures[WB_STOCK]} & {"world", None}
        assert excerpts.skipped[WB_STOCK]["rows without figures (notes under the table)"] == 2

    def test_all_zero_row_gives_nothing(self, excerpts):
        # row 49: Cote d'Ivoire sends nothing (every cell 0) in the remittance matrix
        assert not [f for f in excerpts.figures[WB_REM] if f.origin == "CIV"]


class TestKnomad:
    def test_inflow_tajikistan_2022(self, excerpts):
        # remittance-inflows.xlsx row 189 (Tajikistan), column 2022
        figures = excerpts.cell("remittance-inflows", "remittances", "world", "TJK", year=2022)
        assert [(f.value, f.unit, f.locator) for f in figures] == [
            ("5345.546873545998", "usd-million", "row 189 (Tajikistan), column 2022")]

    def test_zero_is_not_reported(self, excerpts):
        # row 189: Tajikistan 2000 and 2001 are 0
        assert excerpts.cell("remittance-inflows", "remittances", "world", "TJK", year=2000) == []

    def test_aggregates_and_notes_skipped(self, excerpts):
        # rows 216 (Low-and Middle-Income Countries), 217 (World); row 5 (American Samoa) and the notes
        assert excerpts.skipped["remittance-inflows"]["rows of an aggregate (world, country groups)"] == 2
        assert excerpts.skipped["remittance-inflows"]["rows without figures (notes under the table)"] == 3
        assert not [f for f in excerpts.figures["remittance-inflows"] if f.destination == "ASM"]

    def test_outflow_years_as_text_and_share_column_not_loaded(self, excerpts):
        # remittance-outflows.xlsx: header on row 2, years as text, then '% of GDP in 2022'
        assert [f.value for f in excerpts.cell("remittance-outflows", "remittances", "RUS", "world", year=2001)] == [
            "914.69"]
        assert excerpts.skipped["remittance-outflows"]["columns that are not a year ('% of GDP in 2022')"] == 1

    def test_alias_turkiye(self, excerpts):
        assert {f.destination for f in excerpts.figures["remittance-inflows"] if "Türkiye" in f.locator} == {"TUR"}


class TestWDI:
    def test_received_in_us_dollars(self, excerpts):
        # personal-remittances-received.xls row 239 (Tajikistan), column 2022: 3,200,000,000
        figures = excerpts.cell("personal-remittances-received", "remittances", "world", "TJK", year=2022)
        assert [(f.value, f.unit, f.locator) for f in figures] == [
            ("3200000000", "usd", "sheet Data, row 239 (Tajikistan), column 2022")]

    def test_paid_is_from_the_economy(self, excerpts):
        # personal-remittances-paid.xls row 239 (Tajikistan), 2021: 166749288.78; 2022 empty
        assert [f.value for f in excerpts.cell("personal-remittances-paid", "remittances", "TJK", "world", year=2021)] \
            == ["166749288.78"]
        assert excerpts.cell("personal-remittances-paid", "remittances", "TJK", "world", year=2022) == []

    def test_share_of_gdp_is_an_area_figure(self, excerpts):
        figures = excerpts.cell("remittances-received-percent-gdp", "remittances-share-of-gdp", area="TJK", year=2021)
        assert [(f.value, f.unit) for f in figures] == [("33.405244685855216", "percent")]

    def test_zero_is_a_reported_zero(self, excerpts):
        # row 21 (Burundi), 2020 holds 0.0 in the received file
        assert [f.value for f in excerpts.cell("personal-remittances-received", "remittances", "world", "BDI",
                                               year=2020)] == ["0"]

    def test_aggregates_skipped(self, excerpts):
        # rows 70 (Europe & Central Asia) and 115 (Not classified)
        for stem in wdi.FILES:
            assert excerpts.skipped[stem]["rows of an aggregate (region, income group, world)"] == 2, stem


# ---------------------------------------------------------------------------
# Names that map to nothing: one error, every name with its line
# ---------------------------------------------------------------------------


def test_unknown_names_reported_together(tmp_path):
    def rename(name, text):
        if name != f"{UN}.csv":
            return text
        return text.replace("\n1990,Somalia,", "\n1990,Somaliland,").replace("\n2019,Kyrgyzstan,", "\n2019,Kirgizia,")
    sources = read_sources(_excerpt_tree(tmp_path, rename))
    with pytest.raises(InputError) as raised:
        read_tables(sources, tables=FILE_TABLES)
    problems = [p for p in raised.value.problems if "map to no country" in p.message]
    assert len(problems) == 1, [str(p) for p in raised.value.problems]
    assert problems[0].file == f"sources/datasets/undesa-ims2019/{UN}.csv"
    assert "'Kirgizia' (line 6)" in problems[0].message and "'Somaliland' (line 2)" in problems[0].message
    assert problems[0].message.startswith("2 place name(s)")


def test_unknown_name_in_a_workbook_row(tmp_path):
    """A WDI row whose name is unknown is an error too, not a skipped row."""
    sources = read_sources(SOURCES)
    places = PlaceNames.from_registry(sources.registry)
    rows = json.loads((TABLES_FIXTURES / "personal-remittances-received.json").read_text(encoding="utf-8"))["rows"]
    rows = [[line, ["Tadjikistan", *values[1:]] if line == 239 else values] for line, values in rows]
    report = TableReport("x")
    figures = list(wdi.rows_figures(rows, "personal-remittances-received", places, report))
    assert not [f for f in figures if f.destination == "TJK"]
    assert report.unknown_names == {"Tadjikistan": 239}
