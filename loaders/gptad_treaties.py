"""Treaties among former Soviet republics from the World Bank's GPTAD table (as redistributed by manytrade).

File: ``datasets/manytrade-treaties/GPTAD_MEM.csv`` (one row per agreement), loaded into the
dataset's named graph and cited row by row. A row's id is its ``gptadID``, the position of the
row among the data rows (1 = line 2), the number manytrade's HUGGO table uses to link to it.

Members are printed names, comma-separated (commas inside brackets do not separate members).
Names are resolved by ``PlaceNames`` (pycountry names and the alias table
``reference/place-names.yaml``, block "added for GPTAD"). Two readings are applied first: the
literal characters ``\\r\\n`` that follow some names (line-break debris of an export) are
removed, and a name that resolves to nothing but is two resolvable names joined by " and "
("Russian Federation and Ukraine") is read as those two members.

Selection (see ``treaty_tables``): a row is loaded when it names at least two states and all of
them are former Soviet republics, when ``matches.yaml`` names it, or when a loaded HUGGO treaty
links to it (``gptadID``). Only the names of candidate rows (with at least one name that
resolves to one of the 15 states, or linked or named) must resolve; a name that maps to nothing
is an error listing every such name.

Readings. Dates are printed month first (mm/dd/yyyy: "12/25/2001"); n/a and N/A are "not given".
They are the agreement's dates: for a bilateral agreement (two members) they are both parties'
signature and entry into force; with more members they are recorded on the instrument only
(where GPTAD describes it) and the parties have no dates. ``In.force.status`` ("expired") gives
no date and is not recorded. ``Type`` ("Bilateral Free Trade Agreement", "Customs Union Primary
Agreement", ...) is GPTAD's classification of the agreement, kept on its record (``mrkg:sourceType``)
and used to title agreements that the tables name only by their parties. ``WTO.notified`` and
``Annexes.Available`` are not read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located, display
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import CsvRow, Problems, read_csv

KIND = "gptad-treaty"
STEM = "GPTAD_MEM"
COLUMNS = ["Common.Name", "Membership", "Type", "Date.of.Signature", "Date.of.Entry.into.Force", "WTO.notified",
           "In.force.status", "Annexes.Available"]
QUOTE_FIELDS = 5  # Common.Name … Date.of.Entry.into.Force
_DEBRIS = re.compile(r"(?:\\r|\\n)+")


def clean(name: str) -> str:
    """A printed name without the literal \\r\\n debris and surrounding spaces."""
    return " ".join(_DEBRIS.sub(" ", name).split())


def split_members(text: str) -> list[str]:
    """Comma-separated names; commas inside brackets belong to the name."""
    names, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [clean(name) for name in names if clean(name)]


def _resolvable(places: PlaceNames, name: str) -> bool:
    try:
        places.resolve(name)
        return True
    except KeyError:
        return False


def expand(places: PlaceNames, names: list[str]) -> list[str]:
    """Names, with "A and B" read as A, B where the whole name is unknown and both parts are known."""
    out = []
    for name in names:
        parts = name.split(" and ")
        if not _resolvable(places, name) and len(parts) == 2 and all(_resolvable(places, p) for p in parts):
            out.extend(parts)
        else:
            out.append(name)
    return out


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[tt.TableTreaty]]:
    path = tt.dataset_file(root, registry, STEM)
    if path is None:
        return
    matches = tt.match_table(root, registry, problems)
    file = display(path, root)
    lines = tt.raw_lines(path)
    rows: dict[int, CsvRow] = {}
    for position, row in enumerate(read_csv(path, COLUMNS, problems), start=1):
        rows[position] = row
    places = PlaceNames.from_registry(registry)
    named = matches.named("GPTAD")
    groups = tt.groups(root, registry, problems)
    linked = {int(k.split(" ", 1)[1]) for k in groups if k.startswith("GPTAD ")}
    for gptad_id in sorted(linked):
        if gptad_id not in rows:
            where = named.get(str(gptad_id))
            if where is not None:
                problems.add(matches.file, where.line, f"GPTAD {gptad_id}", "gptad",
                             f"{gptad_id} is not a row of {path.name} ({len(rows)} rows)",
                             "the position of a data row (1 = line 2)")
            for link in tt.huggo_links(registry):
                if link.b == tt.table_key("GPTAD", gptad_id):
                    problems.add(link.file, link.line, link.a, link.column,
                                 f"{gptad_id} is not a row of {path.name} ({len(rows)} rows)",
                                 "the position of a data row of GPTAD (1 = line 2), or NA")

    members: dict[int, list[str]] = {}
    for gptad_id, row in rows.items():
        names = expand(places, split_members(row.get("Membership", "")))
        known = []
        for name in names:
            try:
                known.append(places.resolve(name))
            except KeyError:
                pass
        if gptad_id in linked or any(place in tt.POST_SOVIET for place in known):
            members[gptad_id] = names
    resolved = places.resolve_all(sorted({n for names in members.values() for n in names}), file, problems)
    if len(resolved) < len({n for names in members.values() for n in names}):
        return

    for gptad_id, names in members.items():
        states = [resolved[name] for name in names]
        if not (gptad_id in linked or (len(set(states)) >= 2 and all(s in tt.POST_SOVIET for s in states))):
            continue
        row = rows[gptad_id]
        record = _treaty(gptad_id, row, names, states, lines, file, root, registry, problems)
        if record is None:
            continue
        registry.define(KIND, str(gptad_id), f"{file}:{row.line}", record)
        if record.describes and not tt.register_instrument(registry, problems, record, file, row.line):
            continue
        yield tt.yield_treaty(record, STEM, file, row.line)


def _treaty(gptad_id: int, row: CsvRow, names: list[str], states: list[str | None], lines: list[str], file: str,
            root: Path, registry: Registry, problems: Problems) -> tt.TableTreaty | None:
    key = tt.table_key("GPTAD", gptad_id)
    group = tt.group_of(key, root, registry, problems)
    record = f"GPTAD {gptad_id}"
    bad = []
    dates = {}
    for column in ("Date.of.Signature", "Date.of.Entry.into.Force"):
        try:
            dates[column] = tt.gptad_date(row.get(column))
        except tt.DateFormatError as error:
            problems.add(file, row.line, record, column, str(error), tt.GPTAD_DATE_FORMATS)
            bad.append(column)
    if bad:
        return None
    signed, in_force = dates["Date.of.Signature"], dates["Date.of.Entry.into.Force"]
    if signed and in_force and in_force.latest < signed.earliest:
        problems.add(file, row.line, record, None, f"entry into force {in_force} is before signature {signed}",
                     "Date.of.Entry.into.Force not before Date.of.Signature")
        return None
    bilateral = len(states) == 2
    line_text = lines[row.line - 1] if row.line <= len(lines) else ""
    parties = []
    seen = set()
    for name, state in zip(names, states):
        if state is None or not state.isupper():
            problems.add(file, row.line, f"{record}/{name}", "Membership", f"{name!r} is not a state",
                         "state members only")
            bad.append(name)
            continue
        if state in seen:
            problems.add(file, row.line, f"{record}/{name}", "Membership", f"{state} is listed twice", "each member once")
            bad.append(name)
            continue
        seen.add(state)
        party = tt.party_record(
            {"party": state, "signed": signed if bilateral else None, "in_force": in_force if bilateral else None,
             "locator": f"line {row.line} (gptadID {gptad_id}), member {name}",
             "quote": tt.row_quote(line_text, QUOTE_FIELDS)},
            registry, problems, file, row.line, f"{record}/{name}",
            {"signed": "Date.of.Signature", "in_force": "Date.of.Entry.into.Force"})
        if party is None:
            bad.append(name)
            continue
        parties.append(party)
    if bad:
        return None
    title = clean(row.get("Common.Name", ""))
    parties.sort(key=lambda p: p.party)
    return tt.TableTreaty(
        table="GPTAD", table_id=str(gptad_id), instrument=group.instrument, describes=group.describer == key,
        title=title, source_type=row.get("Type") or None,
        date=signed, entry_into_force=in_force, locator=f"line {row.line} (gptadID {gptad_id})", parties=parties,
    )


def triples(located: Located[tt.TableTreaty]) -> Iterator[tuple]:
    yield from tt.treaty_triples(located)
