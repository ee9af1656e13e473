"""Strict readers for the files people edit, and the error they raise.

Every problem names the file, the line, the record, the field, what is wrong
and what was expected. Readers collect all problems of a file before raising,
so one run shows every mistake, not just the first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class InputProblem:
    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.record:
            parts.append(f"record {self.record!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
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


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a file as strict UTF-8; report the line of the first bad byte."""
    if not path.is_file():
        problems.add(path, None, None, None, "file is missing", "a readable file")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(path, line, None, None, f"invalid UTF-8 byte 0x{data[error.start]:02x}", "UTF-8 text")
        return None
    if text.startswith("\ufeff"):
        problems.add(path, 1, None, None, "file starts with a byte-order mark", "UTF-8 without BOM")
        return None
    return text


def read_yaml(path: Path, problems: Problems, expected: str = "a YAML mapping of records") -> Any:
    text = read_text(path, problems)
    if text is None:
        return None
    try:
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
# CSV
# --------------------------------------------------------------------------


class CsvRow(dict):
    line: int = 0


def read_csv(path: Path, columns: list[str], problems: Problems, delimiter: str = ",") -> Iterator[CsvRow]:
    """Yield rows of a strict UTF-8 CSV (comma-separated unless ``delimiter`` says otherwise)
    with exactly ``columns``.

    Empty cells become absent keys, so that models see "not given" rather than
    an empty string.
    """
    text = read_text(path, problems)
    if text is None:
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(path, 1, None, None, "file is empty", "a header row: " + ",".join(columns))
        return
    except csv.Error as error:
        problems.add(path, 1, None, None, f"malformed CSV: {error}", "RFC 4180 CSV")
        return
    if header != columns:
        problems.add(path, 1, None, None, f"header is {','.join(header)}", "header " + ",".join(columns))
        return
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.add(path, reader.line_num, None, None, f"malformed CSV: {error}", "RFC 4180 CSV")
            return
        if not cells:
            continue
        if len(cells) != len(columns):
            problems.add(
                path, reader.line_num, cells[0] or None, None,
                f"row has {len(cells)} cells", f"{len(columns)} cells, one per column",
            )
            continue
        row = CsvRow((name, value) for name, value in zip(columns, cells) if value != "")
        row.line = reader.line_num
        yield row


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
