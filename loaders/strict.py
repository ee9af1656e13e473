"""Strict readers for the files people edit, and the error they raise.

Every problem names the file, the line, the record, the field, what is wrong
and what was expected. Readers collect all problems of a file before raising,
so one run shows every mistake, not just the first.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, ValidationError


# Characters that do not show as themselves: controls (ANSI escapes included), format characters
# (zero-width, bidirectional overrides), separators other than the space, unassigned and private
# code points.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}
_WORD = re.compile(r"\w+")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_word(match: re.Match) -> str:
    word = match.group()
    if word.isascii():
        return word
    # A non-ASCII digit reads as a digit it is not (Arabic-Indic, superscript); a word whose letters
    # come from several scripts has look-alikes ('ВLR' with a Cyrillic В), while 'Côte' does not.
    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in word if c.isalpha()}
    mixed = len(scripts) > 1
    return "".join(_escape(c) if not c.isascii() and (mixed or unicodedata.category(c) in ("Nd", "No"))
                   else c for c in word)


def escape_unclear(text: str) -> str:
    """Text with the characters a reader cannot see or tell apart written as escapes (``\\u0412``).

    Words in one script stay readable ('Беларусь', 'Côte'); a word mixing scripts has its non-ASCII
    characters escaped, and so has every non-ASCII digit.
    """
    if text.isascii() and text.isprintable():
        return text
    text = "".join(_escape(c) if c != " " and unicodedata.category(c) in _INVISIBLE else c for c in text)
    return _WORD.sub(_escape_word, text)


def _quoted(text: str) -> str:
    """A name in quotes, as repr() writes it, without doubling the backslash of an escape."""
    return repr(text) if "\\" not in text else "'" + text.replace("'", "\\'") + "'"


@dataclass(frozen=True)
class InputProblem:
    """One problem of the sources. Every text is stored with its unclear characters escaped (see
    ``escape_unclear``), so that a message shows the value as it is, whatever prints it."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    expected: str | None = None

    def __post_init__(self) -> None:
        for name in ("file", "record", "field", "message", "expected"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, escape_unclear(str(value)))

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.record:
            parts.append(f"record {_quoted(self.record)}")
        if self.field:
            parts.append(f"field {_quoted(self.field)}")
        text = ", ".join(parts) + f": {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class InputError(Exception):
    """Raised when source files are invalid; carries every problem found."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems while a whole source tree is read."""

    items: list[InputProblem] = field(default_factory=list)

    def add(self, file, line, record, field_name, message, expected=None) -> None:
        self.items.append(InputProblem(str(file), line, record, field_name, message, expected))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


# --------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    line: int = 0


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises.

    ``NO`` (Norway), ``on`` and ``yes`` stay strings; only ``true``/``false``
    are booleans. Dates stay strings so that our own parser can keep their
    precision and report impossible dates with a line number.
    """


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|false)$"),
    list("tf"),
)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"mapping key {key!r} is not a string", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _construct_string(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    """A string; a control character written as an escape ("\\e[31m", "\\0") is refused, as in the file."""
    value = loader.construct_scalar(node)
    control = _CONTROL.search(value)
    if control:
        raise yaml.constructor.ConstructorError(
            None, None, f"control character {_escape(control.group())} in a string", node.start_mark)
    return value


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _construct_string)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# Characters a text source cannot hold: the C0 and C1 controls (NUL and ANSI escapes included)
# other than tab, line feed and carriage return, and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_TEXT_BYTES = 64 * 1024 * 1024  # the largest source file is about 1 MB


def read_text(path: Path, problems: Problems, shown: str | Path | None = None) -> str | None:
    """Read a file as strict UTF-8 without control characters; report the line of the first bad byte.

    ``shown`` is how problems name the file (the path itself by default).
    """
    shown = path if shown is None else shown
    if path.is_symlink():
        problems.add(shown, None, None, None, "is a symbolic link, which is not followed",
                     "a regular file inside the sources folder")
        return None
    if not path.is_file():
        problems.add(shown, None, None, None, "file is missing", "a readable file")
        return None
    if path.stat().st_size > MAX_TEXT_BYTES:
        problems.add(shown, None, None, None, f"file has {path.stat().st_size} bytes",
                     f"a text file of at most {MAX_TEXT_BYTES} bytes")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(shown, line, None, None, f"invalid UTF-8 byte 0x{data[error.start]:02x}", "UTF-8 text")
        return None
    if text.startswith("\ufeff"):
        problems.add(shown, 1, None, None, "file starts with a byte-order mark", "UTF-8 without BOM")
        return None
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - text.rfind("\n", 0, control.start())
        problems.add(shown, line, None, None,
                     f"control character {_escape(control.group())} in column {column}",
                     "text without control characters other than tab and line breaks")
        return None
    return text


# Limits on a YAML file's shape, checked on its event stream before anything is built: the
# curated files nest at most 6 levels and use no aliases, and the largest has about 20,000 nodes.
# Without them a 10,000-deep nesting ends in RecursionError and an alias bomb (each level
# repeating the one before) in minutes of work and gigabytes of memory.
MAX_YAML_DEPTH = 64
MAX_YAML_ALIASES = 100
MAX_YAML_NODES = 1_000_000  # nodes once every alias is expanded


def _yaml_shape_problem(text: str) -> tuple[int, str, str] | None:
    """(line, message, expected) for a YAML text beyond the limits, or None.

    Walks the parser's events (the parser keeps its own stack, so depth costs no recursion) and
    counts the nodes each anchor stands for, so that an alias bomb is caught before it expands.
    """
    sizes: dict[str, int] = {}
    open_nodes: list[list] = [[None, 0]]  # per open collection: its anchor, the nodes inside it
    aliases = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(open_nodes) > MAX_YAML_DEPTH:
                return line, f"nesting deeper than {MAX_YAML_DEPTH} levels", f"at most {MAX_YAML_DEPTH} levels"
            open_nodes.append([event.anchor, 0])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, inside = open_nodes.pop()
            size = inside + 1
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                return line, f"more than {MAX_YAML_ALIASES} aliases", f"at most {MAX_YAML_ALIASES} aliases (*name)"
            anchor, size = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        open_nodes[-1][1] += size
        if open_nodes[-1][1] > MAX_YAML_NODES:
            return (line, f"more than {MAX_YAML_NODES} nodes once its aliases are expanded",
                    f"at most {MAX_YAML_NODES} nodes (an alias repeats its anchor's whole node)")
    return None


def read_yaml(path: Path, problems: Problems, expected: str = "a YAML mapping of records") -> Any:
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        shape = _yaml_shape_problem(text)
        if shape is not None:
            line, message, limit = shape
            problems.add(path, line, None, None, f"YAML {message}", limit)
            return None
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        problems.add(path, line, None, None, f"invalid YAML: {problem}", "well-formed YAML without duplicate keys")
        return None
    if data is None:
        problems.add(path, 1, None, None, "file is empty", expected)
    return data


def line_of(mapping: Any, key: str | None = None) -> int | None:
    if isinstance(mapping, LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return getattr(mapping, "line", None)


def validate(model: type[BaseModel], raw: Any, path: Path, record: str | None, problems: Problems, context: dict | None = None):
    """Validate one raw YAML/CSV record against a typed model.

    Returns the model instance, or None after recording each field error with
    the line of the offending key.
    """
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as error:
        for item in error.errors():
            loc = [part for part in item["loc"]]
            node = raw
            line = line_of(raw)
            for part in loc:
                if isinstance(node, LineDict) and isinstance(part, str):
                    line = line_of(node, part) or line
                    node = node.get(part)
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    node = node[part]
                    line = line_of(node) or line
                else:
                    break
            field_name = ".".join(str(part) for part in loc) or None
            message = item["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            if item["type"] == "extra_forbidden":
                message = "unknown field"
                expected = "one of: " + ", ".join(_field_names(model, loc[:-1]))
            elif item["type"] == "missing":
                expected = "a value"
                message = "required field is missing"
            else:
                expected = None
            problems.add(path, line, record, field_name, message, expected)
        return None


# --------------------------------------------------------------------------
# IRIs
# --------------------------------------------------------------------------


def iri_problem(text: str) -> str | None:
    """Why ``text`` cannot be written as an absolute http(s) IRI in N-Quads, or None.

    Checked by Oxigraph's own IRI parser (RFC 3987), and for the characters an N-Triples IRI
    reference cannot hold (``<``, ``>``, ``"``, spaces, ``{}|^`` and backquotes, backslashes), so
    that a value such as ``https://…/4.0/>"<x`` cannot end the IRI early in a dump.
    """
    import pyoxigraph

    if not re.match(r"https?://[^/?#]", text):
        return f"{text!r} is not an http(s) IRI"
    bad = re.search(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]', text)
    if bad:
        char = bad.group()
        named = "a space" if char == " " else repr(char) if char.isprintable() else _escape(char)
        return f"{text!r} is not an IRI: it contains {named}"
    try:
        pyoxigraph.NamedNode(text)
    except ValueError as error:
        return f"{text!r} is not an IRI: {error}"
    return None


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


class CsvRow(dict):
    line: int = 0


class MalformedCsv(ValueError):
    """A CSV text that is not RFC 4180: ``line`` is where the reader stopped."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _stray_quote(record: str, delimiter: str) -> int | None:
    """The offset of a quote inside an unquoted field of one CSV record, or None.

    Python's csv module keeps such a quote as part of the cell (``12"5`` reads as 12"5), even in
    strict mode; RFC 4180 allows a quote only in a quoted field, doubled.
    """
    start_of_field, unquoted, quoted, quote_in_quoted = range(4)
    state = start_of_field
    for offset, char in enumerate(record):
        if state == quoted:
            if char == '"':
                state = quote_in_quoted
        elif char == delimiter or char in "\r\n":
            state = start_of_field
        elif state == quote_in_quoted:
            state = quoted if char == '"' else unquoted
        elif char == '"':
            if state == unquoted:
                return offset
            state = quoted
        else:
            state = unquoted
    return None


def csv_rows(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each record of a CSV text; raise MalformedCsv at the first malformed record.

    ``line`` is the record's last line (a quoted cell may span lines).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    lines = None
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if str(error) == "unexpected end of data":
                raise MalformedCsv(previous + 1, "malformed CSV: a quoted cell that starts on this line "
                                                 "never ends (an unmatched quote)") from None
            if str(error).endswith("expected after '\"'"):
                raise MalformedCsv(reader.line_num, f"malformed CSV: a quoted cell is followed by text before the "
                                                    f"next {delimiter!r} (a stray or unmatched quote)") from None
            raise MalformedCsv(reader.line_num, f"malformed CSV: {error}") from None
        if any('"' in cell for cell in cells):
            lines = lines if lines is not None else text.splitlines(keepends=True)
            record = "".join(lines[previous:reader.line_num])
            offset = _stray_quote(record, delimiter)
            if offset is not None:
                line = previous + record.count("\n", 0, offset) + 1
                raise MalformedCsv(line, f"malformed CSV: a quote inside an unquoted cell, "
                                         f"at {record[max(0, offset - 12):offset + 12].strip()!r}")
        previous = reader.line_num
        yield reader.line_num, cells


def read_csv(path: Path, columns: list[str], problems: Problems, delimiter: str = ",") -> Iterator[CsvRow]:
    """Yield rows of a strict UTF-8 CSV (comma-separated unless ``delimiter`` says otherwise)
    with exactly ``columns``.

    Empty cells become absent keys, so that models see "not given" rather than
    an empty string.
    """
    text = read_text(path, problems)
    if text is None:
        return
    rows = csv_rows(text, delimiter)
    try:
        header = next(rows, None)
        if header is None:
            problems.add(path, 1, None, None, "file is empty", "a header row: " + ",".join(columns))
            return
        if header[1] != columns:
            problems.add(path, 1, None, None, f"header is {','.join(header[1])}", "header " + ",".join(columns))
            return
        for line, cells in rows:
            if not cells:
                continue
            if len(cells) != len(columns):
                problems.add(
                    path, line, cells[0] or None, None,
                    f"row has {len(cells)} cells", f"{len(columns)} cells, one per column",
                )
                continue
            row = CsvRow((name, value) for name, value in zip(columns, cells) if value != "")
            row.line = line
            yield row
    except MalformedCsv as error:
        problems.add(path, error.line, None, None, str(error), "RFC 4180 CSV (a quote only in a quoted cell, doubled)")


def _field_names(model: type[BaseModel], loc: list) -> list[str]:
    """The field names (as written in files, i.e. aliases) of the model at ``loc``."""
    import typing

    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            break
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        nested = [c for c in candidates for c in [c, *typing.get_args(c)]
                  if isinstance(c, type) and issubclass(c, BaseModel)]
        if not nested:
            break
        current = nested[0]
    return sorted(f.alias or name for name, f in current.model_fields.items())
