"""Treaties among former Soviet republics from the DESTA table (as redistributed by manytrade).

File: ``datasets/manytrade-treaties/DESTA.csv`` (``;``-separated, one row per treaty event),
loaded into the dataset's named graph and cited row by row.

A DESTA treaty is a ``base_treaty`` or ``protocol or amendment`` row (its ``number``) with the
``accession`` and ``withdrawal`` rows whose ``base_treaty`` is that number. ``negotiation`` rows
(no agreement yet) and ``consolidated`` rows (a treaty restated with its protocols) are not
treaties and are skipped. Members are ``c1`` … ``c91``, ISO 3166 numeric codes (current or
historic, through pycountry; 900, DESTA's code for Kosovo, through ``NON_ISO``); ``mc1`` …
``mc91`` say, on an accession or withdrawal row, which state joins or leaves (1) and which are
already members (2).

Selection (see ``treaty_tables``): a treaty is loaded when its rows name at least two states and
all of them are former Soviet republics, when ``matches.yaml`` names it, or when a loaded HUGGO
treaty links to it (``destaID``). Only the codes of candidate treaties (with at least one of the
15 states, or linked or named) are resolved; a code that maps to nothing is an error listing
every such code.

Readings. DESTA gives years only (``year`` of signature, ``entryforceyear``; NA is "not given"):

* a base treaty or protocol with exactly two members is bilateral: both parties signed in
  ``year`` and the treaty entered into force for both in ``entryforceyear``;
* with more members, the years are the treaty's (``schema:legislationDate`` and
  ``mrkg:entryIntoForce`` of the instrument where DESTA describes it), not each party's: the
  parties are recorded without dates, since DESTA does not say whether every original party was
  bound from that year;
* an accession row: the joining state (mc 1) consented by accession in ``year`` and the treaty
  entered into force for it in ``entryforceyear`` where given;
* a withdrawal row: the leaving state (mc 1) withdrew in ``year``.

A protocol row is an instrument of type protocol. ``language``, ``typememb``, ``regioncon`` and
the WTO columns are not read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located, display
from mrkg.loaders.numbers import is_ascii_number
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import CsvRow, Problems, read_csv

KIND = "desta-treaty"
STEM = "DESTA"
MEMBERS = 91
COLUMNS = ["number", "base_treaty", "name", "entry_type", "consolidated", "year", "entryforceyear", "language",
           "typememb", "regioncon", "wto_listed", "wto_name"] + [f"c{i}" for i in range(1, MEMBERS + 1)] + [
    f"mc{i}" for i in range(1, MEMBERS + 1)]
QUOTE_FIELDS = 7  # number … entryforceyear
NON_ISO = {"900": "kosovo"}  # DESTA's code for Kosovo, which has no ISO 3166 numeric code
TREATY_TYPES = {"base_treaty": "agreement", "protocol or amendment": "protocol"}
EVENTS = {"accession", "withdrawal"}
SKIPPED = {"negotiation", "consolidated"}


@dataclass
class DestaTreaty:
    number: int
    base: CsvRow
    events: list[CsvRow] = field(default_factory=list)

    @property
    def rows(self) -> list[CsvRow]:
        return [self.base, *self.events]


def members(row: CsvRow) -> list[tuple[str, str]]:
    """(numeric code, membership code) of each member of a row."""
    return [(row[f"c{i}"], row.get(f"mc{i}", "NA")) for i in range(1, MEMBERS + 1)
            if row.get(f"c{i}", "NA") != "NA"]


def numeric_codes(registry: Registry) -> dict[str, str]:
    """ISO 3166 numeric (without leading zeros) -> alpha-3, current countries before historic ones."""
    out: dict[str, str] = {}
    records = [registry.detail("country", code) for code in registry.ids("country")]
    for record in sorted(records, key=lambda r: r.historic):
        if record.numeric:
            out.setdefault(record.numeric.lstrip("0"), record.code)
    return out


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[tt.TableTreaty]]:
    path = tt.dataset_file(root, registry, STEM)
    if path is None:
        return
    matches = tt.match_table(root, registry, problems)
    file = display(path, root)
    lines = tt.raw_lines(path)
    treaties: dict[int, DestaTreaty] = {}
    events: list[CsvRow] = []
    for row in read_csv(path, COLUMNS, problems, delimiter=";"):
        kind = row.get("entry_type")
        if kind in TREATY_TYPES:
            number = row.get("number", "")
            if not is_ascii_number(number):
                problems.add(file, row.line, number, "number", f"{number!r} is not a treaty number",
                             "a whole number on a base treaty or protocol row")
                continue
            treaties[int(number)] = DestaTreaty(int(number), row)
        elif kind in EVENTS:
            events.append(row)
        elif kind not in SKIPPED:
            problems.add(file, row.line, row.get("number"), "entry_type", f"unknown entry type {kind!r}",
                         "base_treaty, protocol or amendment, accession, withdrawal, negotiation or consolidated")
    for row in events:
        base = row.get("base_treaty", "")
        if not is_ascii_number(base) or int(base) not in treaties:
            problems.add(file, row.line, row.get("number"), "base_treaty",
                         f"{base!r} is not the number of a base treaty or protocol", "the number of its treaty")
            continue
        treaties[int(base)].events.append(row)

    numeric = numeric_codes(registry)
    post_soviet = {n for n, code in numeric.items() if code in tt.POST_SOVIET}
    named = matches.named("DESTA")
    groups = tt.groups(root, registry, problems)
    linked = {int(k.split(" ", 1)[1]) for k in groups if k.startswith("DESTA ")}
    for number in sorted(linked):
        if number not in treaties:
            where = named.get(str(number))
            links = [l for l in tt.huggo_links(registry) if l.b == tt.table_key("DESTA", number)]
            if where is not None:
                problems.add(matches.file, where.line, f"DESTA {number}", "desta",
                             f"{number} is not a base treaty or protocol number of {path.name}",
                             "the number of a base_treaty or protocol row of DESTA")
            for link in links:
                problems.add(link.file, link.line, link.a, link.column,
                             f"{number} is not a base treaty or protocol number of {path.name}",
                             "the number of a base_treaty or protocol row of DESTA, or NA")

    candidates = [t for n, t in sorted(treaties.items())
                  if n in linked or any(code in post_soviet for row in t.rows for code, _ in members(row))]
    states: dict[tuple[int, str], str | None] = {}
    unknown: dict[str, list[int]] = defaultdict(list)
    for treaty in candidates:
        for row in treaty.rows:
            for code, _ in members(row):
                if code in numeric:
                    states[(row.line, code)] = numeric[code]
                elif code in NON_ISO:
                    states[(row.line, code)] = NON_ISO[code]
                else:
                    unknown[code].append(row.line)
    tt.unknown_values_problem(problems, file, "c1 … c91", unknown,
                              "ISO 3166 numeric codes (pycountry, current or historic), or 900 (Kosovo)")
    if unknown:
        return

    for treaty in candidates:
        all_states = {states[(row.line, code)] for row in treaty.rows for code, _ in members(row)}
        if not (treaty.number in linked or (len(all_states) >= 2 and all_states <= tt.POST_SOVIET)):
            continue
        record = _treaty(treaty, states, lines, file, root, registry, problems)
        if record is None:
            continue
        registry.define(KIND, str(treaty.number), f"{file}:{treaty.base.line}", record)
        if record.describes and not tt.register_instrument(registry, problems, record, file, treaty.base.line):
            continue
        yield tt.yield_treaty(record, STEM, file, treaty.base.line)


def _year(row: CsvRow, column: str, problems: Problems, file: str, bad: list):
    try:
        return tt.year(row.get(column))
    except tt.DateFormatError as error:
        problems.add(file, row.line, row.get("number"), column, str(error), "yyyy or NA (not given)")
        bad.append(column)
        return None


def _treaty(treaty: DestaTreaty, states: dict, lines: list[str], file: str, root: Path, registry: Registry,
            problems: Problems) -> tt.TableTreaty | None:
    key = tt.table_key("DESTA", treaty.number)
    group = tt.group_of(key, root, registry, problems)
    base = treaty.base
    bad: list[str] = []
    signed_year = _year(base, "year", problems, file, bad)
    force_year = _year(base, "entryforceyear", problems, file, bad)
    if signed_year and force_year and force_year.latest < signed_year.earliest:
        problems.add(file, base.line, base.get("number"), None,
                     f"entry into force {force_year} is before signature {signed_year}",
                     "entryforceyear not before year")
        bad.append("entryforceyear")
    base_members = members(base)
    bilateral = len(base_members) == 2
    # Per state: the fields it gets and the rows they come from.
    values: dict[str, dict] = {}
    sources: dict[str, list[CsvRow]] = {}
    for code, mc in base_members:
        state = states[(base.line, code)]
        if mc not in ("0", "NA"):
            problems.add(file, base.line, base.get("number"), "mc1 … mc91", f"membership code {mc!r} for {code}",
                         "0 on a base treaty or protocol row")
            bad.append(code)
        if state in values:
            problems.add(file, base.line, base.get("number"), "c1 … c91", f"{code} is listed twice", "each member once")
            bad.append(code)
        values[state] = {"signed": signed_year, "in_force": force_year} if bilateral else {}
        sources[state] = [base]
    for row in sorted(treaty.events, key=_chronological):
        event_year = _year(row, "year", problems, file, bad)
        event_force = _year(row, "entryforceyear", problems, file, bad)
        kind = row["entry_type"]
        movers = 0
        for code, mc in members(row):
            state = states[(row.line, code)]
            if mc == "2":
                continue
            if mc != "1":
                problems.add(file, row.line, row.get("number"), "mc1 … mc91", f"membership code {mc!r} for {code}",
                             "1 (joins or leaves) or 2 (already a member) on an accession or withdrawal row")
                bad.append(code)
                continue
            movers += 1
            if kind == "accession":
                if state in values:
                    problems.add(file, row.line, row.get("number"), "mc1 … mc91",
                                 f"{state} accedes but is already a member (line {sources[state][0].line})",
                                 "an accession by a state that is not yet a member")
                    bad.append(code)
                    continue
                values[state] = {"consent": "accession", "consent_date": event_year, "in_force": event_force}
                sources[state] = [row]
            else:
                if state not in values:
                    problems.add(file, row.line, row.get("number"), "mc1 … mc91",
                                 f"{state} withdraws but is not a member", "a withdrawal by a member")
                    bad.append(code)
                    continue
                values[state]["withdrawn"] = event_year
                sources[state].append(row)
        if movers == 0:
            problems.add(file, row.line, row.get("number"), "mc1 … mc91", f"no state joins or leaves on this {kind} row",
                         "one member with membership code 1")
            bad.append(row.get("number"))
    if bad:
        return None
    parties = []
    for state, fields in values.items():
        rows = sources[state]
        record = f"{base.get('number')}/{state}"
        if state is None or not state.isupper():
            problems.add(file, rows[0].line, record, "c1 … c91", f"{state!r} is not a state", "a state party")
            bad.append(record)
            continue
        code = next(c for c, _ in members(rows[0]) if states[(rows[0].line, c)] == state)
        numbers = " and ".join(r.get("number") for r in rows)
        where = (f"line {rows[0].line}" if len(rows) == 1 else "lines " + " and ".join(str(r.line) for r in rows))
        dated = rows[-1]  # the row that gives the state's latest fact
        line_text = lines[dated.line - 1] if dated.line <= len(lines) else ""
        party = tt.party_record(
            {"party": state, **fields, "locator": f"{where}, number {numbers}, member {code}",
             "quote": tt.row_quote(line_text, QUOTE_FIELDS, ";")},
            registry, problems, file, dated.line, record,
            {"signed": "year", "in_force": "entryforceyear", "consent_date": "year", "withdrawn": "year"})
        if party is None:
            bad.append(record)
            continue
        parties.append(party)
    if bad:
        return None
    title = base.get("name", "")
    parties.sort(key=lambda p: p.party)
    return tt.TableTreaty(
        table="DESTA", table_id=str(treaty.number), instrument=group.instrument, describes=group.describer == key,
        title=title, type=tt_type(base),
        date=signed_year, entry_into_force=force_year,
        locator=f"number {treaty.number}, line {base.line}" + "".join(
            f"; {r.get('number')}, line {r.line}" for r in sorted(treaty.events, key=_chronological)),
        parties=parties,
    )


def _chronological(row: CsvRow) -> tuple:
    """Events in the order they happened (DESTA lists some withdrawals before the accession)."""
    return (row.get("year", "9999"), row["entry_type"] != "accession", row.line)


def tt_type(row: CsvRow) -> str:
    return TREATY_TYPES[row["entry_type"]]


def triples(located: Located[tt.TableTreaty]) -> Iterator[tuple]:
    yield from tt.treaty_triples(located)
