"""What the three treaty-table loaders share: selection, dates, the match table, the treaty record.

The manytrade package redistributes three tables of trade agreements: HUGGO's membership table
(``huggo_treaties``), DESTA (``desta_treaties``) and GPTAD (``gptad_treaties``). Each loader reads
its own table; this module holds what they have in common.

Selection
    A treaty is loaded when it has at least two state parties and every party is one of the 15
    former Soviet republics (``POST_SOVIET``), or when the match table names it, or when it is the
    same treaty as a loaded one (HUGGO's ``destaID``/``gptadID`` columns, or the match table).
    Only the codes and names of candidate treaties (those with at least one former Soviet
    republic, or named by the match table or by a loaded HUGGO treaty) are resolved; one of them
    that maps to nothing is an error listing every such value, so no treaty among these states is
    dropped because of a spelling.

One instrument per real treaty
    Table treaties that are the same treaty are linked by HUGGO's ``destaID`` and ``gptadID``
    columns and by the match table (``curated/matches.yaml``), which adds links the columns lack,
    breaks the ones that are wrong (``distinct: true``) and links a treaty to a curated instrument
    (``instrument:``). Each group of linked treaties is one instrument: the curated instrument when
    the match table names one, otherwise a new instrument classified by the first table of the
    group in the order HUGGO, DESTA, GPTAD, with an identifier derived from that table's id
    (``huggo-ersneu-2014o``, ``desta-654``, ``gptad-106``). Every table of the group adds its record
    of the treaty (``mrkg:InstrumentRecord``: its title, its id, its dates), its id on the
    instrument (``skos:notation``) and its participations, in its own named graph and citing its
    own rows. The instrument's label is the consolidation's (graph/consolidate.py).

Dates
    Every date keeps the precision the table gives. Nothing is padded or guessed: a cell that
    fits no stated format is an error naming file, line, treaty, state and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from mrkg.loaders.base import Located, display, document_graph, read_yaml_list
from mrkg.loaders.instruments import PartyRecord, instrument_record_triples, participation_triples
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import CsvRow, Problems
from mrkg.loaders.types import Date, Identifier, PartialDate, Record, parse_partial_date
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

# The 15 former Soviet republics, ISO 3166 alpha-3.
POST_SOVIET = frozenset("ARM AZE BLR EST GEO KAZ KGZ LVA LTU MDA RUS TJK TKM UKR UZB".split())

MATCH_FILE = "curated/matches.yaml"
TABLES = ("HUGGO", "DESTA", "GPTAD", "BLA")  # the order in which a group's describing table is chosen
PREFIX = {"HUGGO": "huggo", "DESTA": "desta", "GPTAD": "gptad", "BLA": "bla"}
MAX_QUOTE = 300


# --------------------------------------------------------------------------
# Dates as the tables print them
# --------------------------------------------------------------------------


class DateFormatError(ValueError):
    pass


_DMY = re.compile(r"^([0-9]{2})\.([0-9]{2})\.([0-9]{4})$")
_MDY = re.compile(r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$")
_ISO = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")


def huggo_date(text: str | None, column: str, end: bool = False) -> PartialDate | None:
    """A HUGGO cell: dd.mm.yyyy or yyyy-mm-dd (day), yyyy-mm (month), yyyy (year), NA (not given).

    31.12.9999 is HUGGO's "no end" and stands only in the end columns, where it gives None.
    """
    if text is None or text == "NA":
        return None
    if text == "31.12.9999":
        if end:
            return None
        raise DateFormatError(f"'31.12.9999' (HUGGO's 'no end') in the {column} column")
    match = _DMY.fullmatch(text)
    iso = f"{match[3]}-{match[2]}-{match[1]}" if match else text
    if not (match or _ISO.fullmatch(text)):
        raise DateFormatError(f"{text!r} is not a date")
    try:
        return parse_partial_date(iso)
    except ValueError as error:
        raise DateFormatError(f"{text!r}: {error}") from None


HUGGO_DATE_FORMATS = "dd.mm.yyyy, yyyy-mm-dd, yyyy-mm, yyyy, NA (not given) or, in end columns, 31.12.9999 (no end)"


def gptad_date(text: str | None) -> PartialDate | None:
    """A GPTAD cell: mm/dd/yyyy (month first), or n/a, N/A or empty (not given)."""
    if text is None or text.strip().lower() == "n/a":
        return None
    match = _MDY.fullmatch(text.strip())
    if not match:
        raise DateFormatError(f"{text!r} is not a date")
    try:
        return parse_partial_date(f"{match[3]}-{match[1]}-{match[2]}")
    except ValueError as error:
        raise DateFormatError(f"{text!r}: {error}") from None


GPTAD_DATE_FORMATS = "mm/dd/yyyy (month first), n/a or N/A (not given)"


def year(text: str | None) -> PartialDate | None:
    """A DESTA year cell: yyyy, or NA (not given)."""
    if text is None or text == "NA":
        return None
    if not re.fullmatch(r"[0-9]{4}", text):
        raise DateFormatError(f"{text!r} is not a year")
    return parse_partial_date(text)


# --------------------------------------------------------------------------
# The match table
# --------------------------------------------------------------------------


class MatchRecord(Record):
    """One decision of the match table.

    * rows of several tables that are one treaty, or one curated instrument (``huggo``, ``desta``,
      ``gptad``, ``bla`` for a row of the bilateral labour agreements data, ``instrument``): they
      become one instrument;
    * ``distinct: true``: a link of HUGGO's ``destaID``/``gptadID`` columns that is wrong;
    * ``close: [a, b]``: two instruments (by identifier) that may be the same real instrument, but
      the evidence is not conclusive; they stay two, linked by ``skos:closeMatch`` with the reason;
    * ``different: [a, b]``: two instruments with the same parties and year that were reviewed and
      are different instruments (``owl:differentFrom``), so the duplicate report stops listing them.
    """

    huggo: str | None = Field(default=None, min_length=1)
    desta: int | None = None  # DESTA `number` of a base treaty or a protocol
    gptad: int | None = None  # gptadID: the row's position among GPTAD_MEM.csv's data rows (1 = line 2)
    bla: int | None = None  # treatyID of the bilateral labour agreements data (loaders/labour_agreements.py)
    instrument: Identifier | None = None  # a curated instrument
    distinct: bool = False
    close: list[Identifier] | None = None
    different: list[Identifier] | None = None
    reason: str = Field(min_length=10)

    @field_validator("instrument")
    @classmethod
    def _curated(cls, value: str | None, info: ValidationInfo) -> str | None:
        registry = (info.context or {}).get("registry")
        if value is not None and registry is not None and not registry.has("instrument", value):
            raise ValueError(f"{registry.unknown('instrument', repr(value), value, 'curated instrument')}; give the id of an instrument of some "
                             "sources/curated/<document>/instruments.yaml")
        return value

    @model_validator(mode="after")
    def _shape(self) -> "MatchRecord":
        ids = self.ids()
        pair = self.close if self.close is not None else self.different
        if self.close is not None or self.different is not None:
            if self.close is not None and self.different is not None:
                raise ValueError("an entry says close or different, not both")
            if ids or self.instrument is not None or self.distinct:
                raise ValueError("close and different name two instruments by identifier, and nothing else")
            if len(pair) != 2 or pair[0] == pair[1]:
                raise ValueError("close and different name exactly two different instruments")
        elif self.distinct:
            if self.instrument is not None or self.huggo is None or len(ids) != 2:
                raise ValueError("distinct: true separates a HUGGO treaty from the DESTA or GPTAD treaty its "
                                 "destaID or gptadID column names: give huggo and one of desta, gptad")
        elif len(ids) + (self.instrument is not None) < 2:
            raise ValueError("a match names at least two of huggo, desta, gptad, bla and instrument (a curated "
                             "instrument)")
        return self

    @property
    def pair(self) -> list[str] | None:
        return self.close if self.close is not None else self.different

    def ids(self) -> list[str]:
        return [key for table, value in (("HUGGO", self.huggo), ("DESTA", self.desta), ("GPTAD", self.gptad),
                                         ("BLA", self.bla))
                if value is not None for key in [table_key(table, value)]]


def table_key(table: str, table_id: object) -> str:
    return f"{table} {table_id}"


@dataclass
class MatchTable:
    file: str
    entries: list[Located[MatchRecord]] = field(default_factory=list)

    def named(self, table: str) -> dict[str, Located[MatchRecord]]:
        """Table ids the match table names (as strings), with the entry naming them."""
        out = {}
        for located in self.entries:
            value = {"HUGGO": located.record.huggo, "DESTA": located.record.desta,
                     "GPTAD": located.record.gptad, "BLA": located.record.bla}[table]
            if value is not None:
                out[str(value)] = located
        return out


def match_table(root: Path, registry: Registry, problems: Problems) -> MatchTable:
    """The match table, read and validated once (the first treaty loader reads it)."""
    if registry.has("treaty-match-table", MATCH_FILE):
        return registry.detail("treaty-match-table", MATCH_FILE)
    path = root / MATCH_FILE
    table = MatchTable(display(path, root))
    table.entries = list(read_yaml_list(path, root, "matches", MatchRecord, "treaty-match", registry, problems,
                                        iris.REFERENCE_GRAPH, None, id_field=None))
    seen: dict[str, int] = {}
    for located in table.entries:
        if located.record.distinct or located.record.pair is not None:
            continue
        for key in located.record.ids():
            if key in seen:
                problems.add(table.file, located.line, key, None,
                             f"{key} is in two matches (the first on line {seen[key]})",
                             "each table treaty in at most one match")
            seen.setdefault(key, located.line)
    registry.define("treaty-match-table", MATCH_FILE, table.file, table)
    return table


# --------------------------------------------------------------------------
# Groups of table treaties that are one instrument
# --------------------------------------------------------------------------


@dataclass
class Link:
    """A link between two table treaties, with the file, line and column it comes from."""

    a: str
    b: str
    file: str
    line: int
    column: str


@dataclass
class Group:
    instrument: str
    curated: bool
    describer: str | None  # the table key that describes the instrument, None for a curated one
    members: list[str]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def derived_id(key: str) -> str:
    table, _, table_id = key.partition(" ")
    return f"{PREFIX[table]}-{slug(table_id)}"


def huggo_links(registry: Registry) -> list[Link]:
    return [registry.detail("treaty-link", key) for key in registry.ids("treaty-link")]


def groups(root: Path, registry: Registry, problems: Problems) -> dict[str, Group]:
    """Table key -> its group. Computed once, after the HUGGO loader registered its links."""
    if registry.has("treaty-groups", "all"):
        return registry.detail("treaty-groups", "all")
    matches = match_table(root, registry, problems)
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    curated: dict[str, str] = {}  # root-independent: table key -> curated id
    for located in matches.entries:
        record = located.record
        if record.distinct or record.pair is not None:
            continue
        keys = record.ids()
        for key in keys:
            find(key)
        for a, b in zip(keys, keys[1:]):
            union(a, b)
        if record.instrument is not None:
            for key in keys:
                curated[key] = record.instrument
    for link in huggo_links(registry):
        union(link.a, link.b)
    members: dict[str, list[str]] = {}
    for key in list(parent):
        members.setdefault(find(key), []).append(key)
    result: dict[str, Group] = {}
    for keys in members.values():
        keys.sort(key=lambda k: (TABLES.index(k.split(" ", 1)[0]), k))
        for table in TABLES:
            same_table = [k for k in keys if k.startswith(table + " ")]
            if len(same_table) > 1:
                problems.add(matches.file, None, " + ".join(same_table), None,
                             f"{' and '.join(same_table)} would be one instrument (linked through "
                             f"{', '.join(k for k in keys if k not in same_table)}); a table lists a treaty once",
                             "a distinct: true match that breaks the wrong link, in " + MATCH_FILE)
        named = {curated[k] for k in keys if k in curated}
        if len(named) > 1:
            problems.add(matches.file, None, " + ".join(keys), "instrument",
                         f"the linked treaties {', '.join(keys)} are matched to several curated instruments: "
                         + ", ".join(sorted(named)), "one curated instrument per treaty")
        if named:
            group = Group(sorted(named)[0], True, None, keys)
        else:
            group = Group(derived_id(keys[0]), False, keys[0], keys)
        for key in keys:
            result[key] = group
    registry.define("treaty-groups", "all", MATCH_FILE, result)
    return result


def group_of(key: str, root: Path, registry: Registry, problems: Problems) -> Group:
    found = groups(root, registry, problems).get(key)
    if found is None:  # a treaty linked to nothing: a group of its own
        found = Group(derived_id(key), False, key, [key])
        registry.detail("treaty-groups", "all")[key] = found
    return found


# --------------------------------------------------------------------------
# The record every treaty loader yields
# --------------------------------------------------------------------------


class TableTreaty(Record):
    """One treaty of one table, with the instrument it is and its parties as that table gives them."""

    table: TypingLiteral["HUGGO", "DESTA", "GPTAD"]
    table_id: str
    instrument: Identifier
    describes: bool  # this table describes the instrument (class, label, type, dates)
    title: str = Field(min_length=1)
    source_type: str | None = Field(default=None, min_length=1)  # the table's own classification, as printed
    type: TypingLiteral["agreement", "protocol"] = "agreement"
    date: Date | None = None
    entry_into_force: Date | None = None
    termination: Date | None = None
    locator: str = Field(min_length=1)
    note: str | None = None
    parties: list[PartyRecord] = []

    @property
    def notation(self) -> str:
        return table_key(self.table, self.table_id)


TYPES = {"agreement": MRKG.Agreement, "protocol": MRKG.Protocol}


def treaty_triples(located: Located[TableTreaty]) -> Iterator[tuple]:
    """The describing table classifies the instrument; every table adds its record (title, table id,
    dates) and its participations, in its own graph. The instrument's label is given by the
    consolidation (graph/consolidate.py), which builds a title where the tables give only names."""
    treaty = located.record
    stem = located.document
    node = iris.instrument(treaty.instrument)
    if treaty.describes:
        yield node, RDF.type, MRKG.InternationalAgreement
        yield node, DCTERMS.identifier, Literal(treaty.instrument)
        yield node, MRKG.instrumentType, TYPES[treaty.type]
        yield node, MRKG.policyArea, MRKG.EconomicIntegration
    yield node, SKOS.notation, Literal(treaty.notation)
    yield from instrument_record_triples(treaty.instrument, stem, treaty.title, treaty.locator, note=treaty.note,
                                         notation=treaty.notation, date=treaty.date,
                                         entry_into_force=treaty.entry_into_force, termination=treaty.termination,
                                         source_type=treaty.source_type)
    for party in treaty.parties:
        yield from participation_triples(treaty.instrument, party, stem, treaty.locator)


# --------------------------------------------------------------------------
# Helpers for reading rows
# --------------------------------------------------------------------------


def dataset_file(root: Path, registry: Registry, stem: str) -> Path | None:
    """The copied dataset file, when documents.yaml lists it (a sources tree may leave it out)."""
    record = registry.detail("document", stem)
    if record is None or record.kind != "dataset":
        return None
    return root / record.path


def raw_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def prefix_fields(line: str, count: int, delimiter: str = ",") -> str:
    """The verbatim start of a CSV line up to the end of its ``count``-th field."""
    quoted = False
    fields = 0
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            fields += 1
            if fields == count:
                return line[:index]
    return line


def row_quote(line: str, count: int, delimiter: str = ",") -> str | None:
    """The whole line when short enough, else its first ``count`` fields; None if still too long."""
    if len(line) <= MAX_QUOTE:
        return line
    short = prefix_fields(line, count, delimiter)
    return short if len(short) <= MAX_QUOTE else None


def party_record(values: dict, registry: Registry, problems: Problems, file: str, line: int | None,
                 record: str, columns: dict[str, str]) -> PartyRecord | None:
    """Validate one party's dates with the curated participations' model; errors name the table's columns.

    ``columns`` maps PartyRecord fields to the table's column names. A problem about how two dates
    relate (their order) names no field: it is about the row.
    """
    try:
        return PartyRecord.model_validate({k: v for k, v in values.items() if v is not None},
                                          context={"registry": registry})
    except ValidationError as error:
        for item in error.errors():
            loc = [str(part) for part in item["loc"]]
            message = item["msg"].removeprefix("Value error, ")
            column = columns.get(loc[0]) if loc else None
            problems.add(file, line, record, column, message,
                         "dates in the order signature, consent, entry into force, end" if not loc else None)
        return None


def unknown_values_problem(problems: Problems, file: str, column: str, unknown: dict[str, list[int]],
                           expected: str) -> None:
    """One problem listing every value of a column that maps to nothing, with its lines."""
    if not unknown:
        return
    listed = "; ".join(f"{value!r} (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:5]))}"
                       f"{', …' if len(lines) > 5 else ''})" for value, lines in sorted(unknown.items()))
    first = min(line for lines in unknown.values() for line in lines)
    problems.add(file, first, None, column, f"{len(unknown)} value(s) map to no country: {listed}", expected)


def all_empty(row: CsvRow) -> bool:
    return not any(value.strip() for value in row.values())


def register_instrument(registry: Registry, problems: Problems, treaty: TableTreaty, file: str,
                        line: int | None) -> bool:
    """Define a described instrument's identifier; a clash with any other instrument is an error."""
    first = registry.define("instrument", treaty.instrument, f"{file}:{line}")
    if first is not None:
        problems.add(file, line, treaty.notation, None,
                     f"instrument identifier {treaty.instrument!r} is already defined at {first}",
                     "an identifier used once")
        return False
    return True


def yield_treaty(treaty: TableTreaty, stem: str, file: str, line: int | None) -> Located[TableTreaty]:
    return Located(document_graph(stem), stem, treaty, file, line)
