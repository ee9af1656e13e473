"""What a dataset file is, by its content: checked before any reader library opens it.

A file's name says what it should be (``.xlsx``, ``.xls``, ``.csv``); its first bytes say what
it is. An ``.xlsx`` is a ZIP archive holding ``xl/workbook.xml``; its central directory is read
(without decompressing anything) and refused when it declares more than ``MAX_ENTRIES`` entries,
more than ``MAX_UNPACKED`` bytes in all or an entry that expands more than ``MAX_RATIO`` times
(a zip bomb): zipfile never returns more than an entry's declared size, so the declared sizes
bound what openpyxl reads. An ``.xls`` is an OLE2 compound document. A ``.csv`` is text (no NUL
byte, no ZIP or OLE2 signature); its decoding is read_text's business.

The largest real workbook unpacks to about 5 MB at a ratio of about 12; the limits leave a wide
margin and stop an archive of gigabytes.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from mrkg.loaders.strict import Problems

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100

EXPECTED = {
    ".xlsx": "an Excel .xlsx workbook (a ZIP archive with xl/workbook.xml)",
    ".xls": "an Excel 97-2003 .xls workbook (an OLE2 compound document)",
    ".csv": "a CSV text file",
}


def _kind(head: bytes) -> str:
    if not head:
        return "an empty file"
    if head.startswith(ZIP):
        return "a ZIP archive"
    if head.startswith(OLE2):
        return "an OLE2 compound document (an .xls workbook)"
    if b"\x00" in head:
        return "a binary file"
    return "a text file"


def check_file(path: Path, shown: str, problems: Problems) -> bool:
    """True when the file at ``path`` is what its extension says, within the size limits;
    otherwise add one problem saying what it is instead."""
    suffix = path.suffix.lower()
    expected = EXPECTED.get(suffix)
    if expected is None:
        problems.add(shown, None, None, None, f"files ending {suffix!r} are not read", "a .csv, .xls or .xlsx file")
        return False
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(shown, None, None, None, f"file has {size} bytes", f"at most {MAX_FILE_BYTES} bytes")
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    kind = _kind(head)
    fits = {".xlsx": kind == "a ZIP archive", ".xls": kind.startswith("an OLE2"), ".csv": kind == "a text file"}[suffix]
    if not fits:
        problems.add(shown, None, None, None, f"the file is {kind}, not what its name says", expected)
        return False
    if suffix == ".xlsx":
        return _check_archive(path, shown, problems, expected)
    return True


def _check_archive(path: Path, shown: str, problems: Problems, expected: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        problems.add(shown, None, None, None, f"the ZIP archive is damaged or truncated ({error})", expected)
        return False
    if len(entries) > MAX_ENTRIES:
        problems.add(shown, None, None, None, f"the archive has {len(entries)} entries",
                     f"at most {MAX_ENTRIES} entries")
        return False
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        problems.add(shown, None, None, None, "the ZIP archive has no xl/workbook.xml: it is not a workbook", expected)
        return False
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED:
        problems.add(shown, None, None, None, f"the archive unpacks to {total} bytes",
                     f"at most {MAX_UNPACKED} bytes unpacked")
        return False
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            problems.add(shown, None, None, entry.filename,
                         f"the entry expands {ratio:.0f} times ({entry.compress_size} to {entry.file_size} bytes)",
                         f"at most {MAX_RATIO} times (a larger ratio is a zip bomb)")
            return False
    return True


def unreadable_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl and xlrd raise on a damaged workbook that passed ``check_file``: a CRC that
    does not match, XML that does not parse, a part or record that is missing or cut short."""
    import xlrd
    import xlrd.compdoc

    errors: list[type[BaseException]] = [zipfile.BadZipFile, xlrd.XLRDError, xlrd.compdoc.CompDocError,
                                         ParseError, struct.error, zlib.error, EOFError, KeyError, IndexError, ValueError,
                                         TypeError, AssertionError, UnicodeDecodeError, OSError]
    try:
        from lxml.etree import LxmlError

        errors.append(LxmlError)
    except ImportError:
        pass
    return tuple(errors)
