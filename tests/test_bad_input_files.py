"""Damaged, hostile and careless source files: refused with one clear problem, the store untouched.

The kinds of tests/test_bad_input.py (same table of cases, same good store, same checks), for what
reaches a loader before any record does: the file's type and archive, its bytes and characters,
its YAML shape, its numbers, its IRIs, and its provenance (checksum, SOURCE.txt, path, links).

A case that changes a dataset file updates its sha256 in documents.yaml too (as a curator
replacing a copy would), unless the case is about the checksum; a case on a statistical table
builds with the tables, the others without. Benign variants (CRLF line endings, reordered
columns a loader reads by name) must give exactly what the real files give.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

from mrkg.graph.build import build
from mrkg.graph.store import store_digest
from mrkg.loaders import read_sources
from mrkg.loaders.datasets import read_tables, undesa_stock
from test_bad_input import (  # noqa: F401 - `good` is the module-scoped good store fixture
    APPEND, I000, M000, O000, Case, GoodStore, _assert_str_names_everything, _bad_sources, _build_expecting_error,
    _find, _mutate, _store_state, good,
)

DOCUMENTS = "documents.yaml"
STOCK = "datasets/undesa-ims2019/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
TOTALS = "datasets/undesa-ims2019/stock_totals_2020.csv"
WB = "datasets/wb-bilateral-2017/WB_Bilateral_Estimates_Migrant_Stocks_2017.xlsx"
KNOMAD = "datasets/wdi-remittances/remittance-inflows.xlsx"
WDI = "datasets/wdi-remittances/personal-remittances-paid.xls"
HUGGO = "datasets/manytrade-treaties/HUGGO_MEM_additional.csv"
ICMW_SOURCE = "datasets/un-icmw-ratification/SOURCE.txt"
COUNTRY_LINKS = "reference/countries_wikidata_owid.csv"
ORG_LINKS = "reference/organisations_wikidata.csv"
OBSERVATION = ",2012,14500,,,person,"  # a value cell of O000 (the 2012 irregular stays)
OBSERVATION_ROW = "mia-belarus-rules-of-stay-violations-2012,"
TOTALS_ROW = "ARM,Armenia,51,1990,"  # the first Armenian row of the 2020 totals

SOURCES = Path(__file__).resolve().parent.parent / "sources"

# Special mutations (as `old`), beyond test_bad_input's text replacement.
DELETE = "<delete>"  # remove the file
SYMLINK = "<symlink>"  # replace the file with a link to `new` (a path relative to the link)
WHOLE = "<whole>"  # `new(data) -> bytes` rewrites the file's bytes


class FileCase(NamedTuple):
    case: Case
    tables: bool = False  # build with the statistical tables
    keep_checksum: bool = False  # do not update documents.yaml's sha256 of a changed dataset


def _rewrite_sheet(data: bytes, cell: str, value: str) -> bytes:
    """An .xlsx with one cell's stored value replaced (the sheet XML as written)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>'.encode(),
                                         rb"\g<1><v>" + value.encode() + b"</v>", content)
                assert count == 1
            target.writestr(info, content)
    return out.getvalue()


def _zip_bomb(data: bytes) -> bytes:
    """A real workbook plus one entry of 64 MB of zeros (about 64 KB compressed)."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(64 * 1024 * 1024))
    return out.getvalue()


def _alias_bomb() -> str:
    lines = ["memberships:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  - &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 10)]
    return "\n".join(lines) + "\n"


def _c(*args, **kwargs) -> Case:
    return Case(*args, **kwargs)


FILE_CASES = [
    # --- a file that is not what its name says, a damaged archive, a zip bomb ------------------------------
    FileCase(_c("xlsx-is-a-renamed-text-file", WB, WHOLE, lambda data: b"Year,Dest\n1990,Armenia\n",
                WB, None, None, "the file is a text file, not what its name says", ".xlsx workbook"), tables=True),
    FileCase(_c("xlsx-truncated", WB, WHOLE, lambda data: data[: len(data) // 2],
                WB, None, None, "the ZIP archive is damaged or truncated", ".xlsx workbook"), tables=True),
    FileCase(_c("xls-is-an-xlsx", WDI, WHOLE, lambda data: (SOURCES / KNOMAD).read_bytes(),
                WDI, None, None, "the file is a ZIP archive, not what its name says", ".xls workbook"), tables=True),
    FileCase(_c("xls-truncated", WDI, WHOLE, lambda data: data[: len(data) // 3],
                WDI, None, None, "the workbook cannot be read", "undamaged"), tables=True),
    FileCase(_c("csv-table-is-a-workbook", TOTALS, WHOLE, lambda data: (SOURCES / WB).read_bytes(),
                TOTALS, None, None, "the file is a ZIP archive, not what its name says", "a CSV text file"),
             tables=True),
    FileCase(_c("xlsx-zip-bomb", KNOMAD, WHOLE, _zip_bomb,
                KNOMAD, None, "xl/media/padding.bin", "the entry expands", "zip bomb"), tables=True),
    FileCase(_c("xlsx-nan-cell", KNOMAD, WHOLE, lambda data: _rewrite_sheet(data, "C10", "NaN"),
                KNOMAD, None, None, "the workbook cannot be read (ValueError", "undamaged"), tables=True),
    FileCase(_c("xlsx-infinite-cell", KNOMAD, WHOLE, lambda data: _rewrite_sheet(data, "C10", "1e309"),
                KNOMAD, 10, "2001", "inf is not a finite number", "a finite number"), tables=True),
    # --- bytes and characters of a CSV table ------------------------------------------------------------------
    FileCase(_c("csv-table-invalid-utf8", TOTALS, TOTALS_ROW, TOTALS_ROW.encode() + b"\xff",
                TOTALS, TOTALS_ROW, None, "invalid UTF-8 byte 0xff", "UTF-8 text"), tables=True),
    FileCase(_c("csv-table-nul-byte", TOTALS, TOTALS_ROW, TOTALS_ROW + "\x00",
                TOTALS, TOTALS_ROW, None, "control character \\x00 in column", "without control characters"),
             tables=True),
    FileCase(_c("csv-table-stray-quote", TOTALS, TOTALS_ROW, TOTALS_ROW.replace("Armenia", 'Arme"nia'),
                TOTALS, 'Arme"nia', None, "a quote inside an unquoted cell", "RFC 4180"), tables=True),
    FileCase(_c("csv-table-arabic-indic-population", TOTALS, TOTALS_ROW + "658789,3538164,",
                TOTALS_ROW + "659261,\u0663\u0665\u0665\u0666\u0665\u0663\u0669,",
                TOTALS, TOTALS_ROW, "pop", "cell '\\u0663\\u0665\\u0665\\u0666\\u0665\\u0663\\u0669' is not a count"),
             tables=True),
    FileCase(_c("csv-table-5000-digit-population", TOTALS, TOTALS_ROW + "658789,3538164,",
                TOTALS_ROW + "659261," + "9" * 5000 + ",",
                TOTALS, TOTALS_ROW, "pop", "(5000 characters) has 5000 digits before the point", "ASCII digits"),
             tables=True),
    FileCase(_c("csv-table-41-decimals", TOTALS, TOTALS_ROW + "658789,3538164,",
                TOTALS_ROW + "658789,3538164." + "1" * 41 + ",",
                TOTALS, TOTALS_ROW, "pop", "and 41 after it", "18 after it"), tables=True),
    # --- numbers in curated CSVs ----------------------------------------------------------------------------------
    FileCase(_c("superscript-digit", O000, OBSERVATION, OBSERVATION.replace("14500", "14500\u00b2"),
                O000, OBSERVATION_ROW, "value", "'14500\\xb2' is not a number")),
    FileCase(_c("arabic-indic-digits", O000, OBSERVATION, OBSERVATION.replace("14500", "\u0661\u0664\u0665\u0660\u0660"),
                O000, OBSERVATION_ROW, "value", "'\\u0661\\u0664\\u0665\\u0660\\u0660' is not a number")),
    FileCase(_c("infinity-1e309", O000, OBSERVATION, OBSERVATION.replace("14500", "1e309"),
                O000, OBSERVATION_ROW, "value", "'1e309' is not a number")),
    FileCase(_c("number-of-5000-digits", O000, OBSERVATION, OBSERVATION.replace("14500", "7" * 5000),
                O000, OBSERVATION_ROW, "value", "(5000 characters) has 5000 digits before the point")),
    FileCase(_c("number-with-41-decimals", O000, OBSERVATION, OBSERVATION.replace("14500", "1." + "3" * 41),
                O000, OBSERVATION_ROW, "value", "has 1 digits before the point and 41 after it")),
    # --- bytes and characters of curated files --------------------------------------------------------------------
    FileCase(_c("nul-byte-in-csv", O000, OBSERVATION, OBSERVATION.replace("person", "per\x00son"),
                O000, OBSERVATION_ROW, None, "control character \\x00 in column", "without control characters")),
    FileCase(_c("ansi-escape-in-csv", O000, OBSERVATION, OBSERVATION.replace("person", "\x1b[31mperson"),
                O000, OBSERVATION_ROW, None, "control character \\x1b", "without control characters")),
    FileCase(_c("stray-quote-in-csv", O000, OBSERVATION, OBSERVATION.replace("14500", '14"500'),
                O000, OBSERVATION_ROW, None, "a quote inside an unquoted cell", "RFC 4180")),
    FileCase(_c("unmatched-quote-in-csv", O000, OBSERVATION, OBSERVATION.replace(",14500", ',"14500'),
                O000, OBSERVATION_ROW, None, "(a stray or unmatched quote)", "RFC 4180")),
    FileCase(_c("escaped-control-character-in-yaml", I000, "    place: Minsk", '    place: "Minsk\\e[31m"',
                I000, '    place: "Minsk', None, "control character \\x1b in a string")),
    FileCase(_c("confusable-party-code", I000, "      - party: BLR\n", "      - party: \u0412LR\n",
                I000, "      - party: \u0412LR", "parties.0.party", "unknown party '\\u0412LR'")),
    # --- YAML shape --------------------------------------------------------------------------------------------------
    FileCase(_c("yaml-alias-bomb", M000, None, _alias_bomb(),
                M000, "  - &a6 [", None, "YAML more than 1000000 nodes once its aliases are expanded", "at most")),
    FileCase(_c("yaml-deep-nesting", M000, None, "memberships: " + "[" * 10000 + "]" * 10000 + "\n",
                M000, 1, None, "YAML nesting deeper than 64 levels", "at most 64 levels")),
    # --- IRIs ------------------------------------------------------------------------------------------------------------
    FileCase(_c("licence-iri-breaks-nquads", DOCUMENTS, "    licence: https://creativecommons.org/licenses/by/4.0/\n"
                "    citation: \"Hollway",
                "    licence: https://creativecommons.org/licenses/by/4.0/>\"<x\n    citation: \"Hollway",
                DOCUMENTS, "4.0/>\"<x", "licence", "is not an IRI: it contains '>'")),
    FileCase(_c("wikidata-iri-ending-in-angle-bracket", COUNTRY_LINKS, "http://www.wikidata.org/entity/Q399,",
                "http://www.wikidata.org/entity/Q399>,",
                COUNTRY_LINKS, "Q399>", "wikidata_uri", "is not a Wikidata entity IRI")),
    FileCase(_c("wikidata-qid-arabic-indic", ORG_LINKS, APPEND, "nowhere-org,Q\u0661\u0662,x,y,z\n",
                ORG_LINKS, "nowhere-org", "wikidata_qid", "'Q\\u0661\\u0662' is not a Wikidata Q-id")),
    # --- provenance --------------------------------------------------------------------------------------------------
    FileCase(_c("sha256-does-not-match", HUGGO, "Belarus,NA,1040,29.05.2014,", "Belarus,NA,1041,29.05.2014,",
                DOCUMENTS, "    sha256: 44948051da2dad9c6fb71c24e43d3aaae01d224a8e5f3766b83b540d2b5ba686", "sha256",
                "sources/" + HUGGO + " has SHA-256 ", "the sha256 of the file as copied"), keep_checksum=True),
    FileCase(_c("dataset-path-leaves-sources", DOCUMENTS, "    path: datasets/manytrade-treaties/DESTA.csv",
                "    path: datasets/../../manytrade-treaties/DESTA.csv",
                DOCUMENTS, "    path: datasets/../../", "path", "has an empty, '.' or '..' segment")),
    FileCase(_c("dataset-without-source-txt", ICMW_SOURCE, DELETE, "",
                ICMW_SOURCE, None, None, "the dataset's folder has no SOURCE.txt", "SOURCE.txt")),
    FileCase(_c("symlinked-curated-file", M000, SYMLINK, "../../../outside-memberships.yaml",
                M000, None, None, "is a symbolic link (to '../../../outside-memberships.yaml')", "regular file")),
    FileCase(_c("symlink-loop", "curated/000_e132173a8f0337db/loop", SYMLINK, "loop",
                "curated/000_e132173a8f0337db/loop", None, None, "is a symbolic link (to 'loop')", "regular file")),
]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _apply(sources: Path, file_case: FileCase) -> int | None:
    case = file_case.case
    path = sources / case.file
    before = path.read_bytes() if path.is_file() else None
    if case.old == DELETE:
        path.unlink()
        line = case.line if not isinstance(case.line, str) else None
    elif case.old == SYMLINK:
        if path.exists() or path.is_symlink():
            path.unlink()
        os.symlink(case.new, path)
        line = case.line if not isinstance(case.line, str) else None
    elif case.old == WHOLE:
        path.write_bytes(case.new(before))
        line = case.line
    else:
        _mutate(sources, case._replace(line=None))
        line = case.line
    if isinstance(line, str):
        data = (sources / case.problem_file).read_bytes()
        line = data[: data.index(line.encode())].count(b"\n") + 1
    if before is not None and case.file.startswith("datasets/") and not file_case.keep_checksum and path.is_file():
        listing = sources / DOCUMENTS
        listing.write_text(listing.read_text(encoding="utf-8").replace(_sha(before), _sha(path.read_bytes())),
                           encoding="utf-8")
    return line


def test_enough_cases():
    assert len(FILE_CASES) >= 25
    assert len({c.case.id for c in FILE_CASES}) == len(FILE_CASES)


@pytest.mark.parametrize("file_case", [pytest.param(c, id=c.case.id) for c in FILE_CASES])
def test_bad_file_is_refused_and_store_untouched(file_case: FileCase, good: GoodStore, tmp_path: Path):
    sources = _bad_sources(tmp_path, good)
    line = _apply(sources, file_case)

    error = _build_expecting_error(sources, good, file_case.tables)

    assert _store_state(good.store) == good.state, "a failed build changed the store"
    case = file_case.case
    problem = _find(error, case.problem_file, line, case.field, case.message)
    if case.expected is not None:
        assert problem.expected is not None and case.expected in problem.expected, repr(problem)
    _assert_str_names_everything(error, problem)
    assert len(str(problem)) < 600, "a problem quotes a huge value whole"


def test_values_in_problems_show_unclear_characters_escaped():
    from mrkg.loaders.strict import InputProblem

    problem = InputProblem("f.yaml", 3, "x\u200by", "party", "unknown party '\u0412LR' \x1b[2J", "B\u0430\u0441")
    assert str(problem) == ("f.yaml:3, record 'x\\u200by', field 'party': unknown party '\\u0412LR' \\x1b[2J "
                            "(expected B\\u0430\\u0441)")
    readable = InputProblem("f.yaml", 1, None, None, "'Беларусь' and 'Côte d’Ivoire'")
    assert readable.message == "'Беларусь' and 'Côte d’Ivoire'"


# ------------------------------------------------------------------------------------------------------------
# Benign variants: accepted, and read exactly as the real files
# ------------------------------------------------------------------------------------------------------------


def _crlf(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def test_crlf_line_endings_build_the_same_graph(good: GoodStore, tmp_path: Path):
    sources = _bad_sources(tmp_path, good)
    for name in (O000, M000, I000, "curated/organisations.yaml", COUNTRY_LINKS):
        _crlf(sources / name)
    report = build(sources=sources, store=tmp_path / "store", tables=False)
    assert report.digest == good.state["digest"]
    assert store_digest(tmp_path / "store") == good.state["digest"]


def _table_figures(sources: Path):
    return sorted(figure for table in read_tables(read_sources(sources), tables=(undesa_stock,))
                  for figure in table.figures)


def test_csv_table_crlf_and_reordered_origin_columns_read_the_same(good: GoodStore, tmp_path: Path):
    """The UN DESA matrix reads its origin columns by name: their order does not matter."""
    expected = _table_figures(good.sources)
    sources = _bad_sources(tmp_path, good)
    path = sources / STOCK
    before = path.read_bytes()
    rows = list(csv.reader(io.StringIO(before.decode("utf-8"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(row[:2] + row[2:][::-1] for row in rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    listing = sources / DOCUMENTS
    listing.write_text(listing.read_text(encoding="utf-8").replace(_sha(before), _sha(path.read_bytes())),
                       encoding="utf-8")
    assert _table_figures(sources) == expected


# ------------------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------------------


def test_cli_build_on_a_bad_file_exits_2_without_traceback(good: GoodStore, tmp_path: Path):
    sources = _bad_sources(tmp_path, good)
    bomb = next(c for c in FILE_CASES if c.case.id == "yaml-alias-bomb")
    _apply(sources, bomb)
    mrkg = Path(sys.executable).with_name("mrkg")
    command = [str(mrkg)] if mrkg.exists() else [sys.executable, "-c", "import sys; from mrkg.cli import main; "
                                                                        "sys.exit(main())"]
    result = subprocess.run([*command, "--store", str(good.store), "build", "--sources", str(sources), "--no-tables"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "YAML more than 1000000 nodes once its aliases are expanded" in result.stderr
    assert "the store was not changed" in result.stderr
    assert _store_state(good.store) == good.state
