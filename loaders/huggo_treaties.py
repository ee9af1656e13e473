"""Treaties among former Soviet republics from manytrade's HUGGO membership table.

File: ``datasets/manytrade-treaties/HUGGO_MEM_additional.csv`` (one row per treaty and state),
loaded into the dataset's named graph and cited row by row.

Selection (see ``treaty_tables``): a treaty (``manyID``) is loaded when it has at least two state
parties and all of them are among ARM AZE BLR EST GEO KAZ KGZ LVA LTU MDA RUS TJK TKM UKR UZB, or
when ``matches.yaml`` names it. ``stateID`` is ISO 3166 alpha-3; the only other codes the table
uses in treaties with a former Soviet republic are EC and EFTA (organisations, not states), ALG
(Algeria), BUL (Bulgaria) and KOS (Kosovo), read through ``NON_ISO``. Only candidate treaties
(with at least one of the 15 states, or named by the match table) are resolved; any other code
in them is an error that lists every such code with its lines.

Readings, per state row (columns in brackets):

* signature [StateSignature], entry into force [StateForce], each with the precision printed
  (dd.mm.yyyy or yyyy-mm-dd: day; yyyy-mm: month; yyyy: year); NA is "not given".
* consent: ratification [StateRatification], or accession [Accession]. A StateSignature equal
  to the Accession date is the date of the accession, not a signature of the treaty, and is not
  recorded as a signature; a different one beside an Accession date is an error. Rat=Notif is NA
  in every loaded row; a loaded row with another value is an error (the table does not say what
  the notified act is).
* end [StateEnd]: 31.12.9999 and NA are "no end". An end equal to the treaty's End is the end of
  the treaty for every party (``mrkg:terminationDate`` of the instrument, from the End column);
  a different one is the state's withdrawal (``mrkg:withdrawalDate``).
* per treaty: Title (label), Signature (date of the instrument), Force (its entry into force),
  End (its termination); they must be the same on every row of a treaty. Begin, treatyID,
  StateName, Coder, Source and Succession are not read.
* ``destaID`` and ``gptadID`` link the treaty to DESTA's ``number`` and GPTAD's row (see
  ``treaty_tables``); ``matches.yaml`` adds, corrects and breaks links.

The last line of the file is a row of empty cells (a spreadsheet export's artefact) and is
skipped.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterator

from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located, display
from mrkg.loaders.instruments import _before
from mrkg.loaders.numbers import is_ascii_number
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems, read_csv

KIND = "huggo-treaty"
STEM = "HUGGO_MEM_additional"
COLUMNS = [
    "manyID", "treatyID", "Title", "Begin", "stateID", "Signature", "Force", "End", "StateName", "gptadID",
    "destaID", "StateSignature", "StateRatification", "StateForce", "StateEnd", "Rat=Notif", "Coder", "Source",
    "Succession", "Accession",
]
QUOTE_FIELDS = 15  # a long row is quoted up to StateEnd
# Codes of this table that are not ISO 3166 alpha-3, in treaties with a former Soviet republic.
# None: not a state (such a treaty is not among states only, and is not loaded).
NON_ISO: dict[str, str | None] = {
    "EC": None,  # the European Communities
    "EFTA": None,  # the European Free Trade Association
    "ALG": "DZA",  # Algeria (EC-Algeria, 1976)
    "BUL": "BGR",  # Bulgaria (Albania-Bulgaria-... 2006)
    "KOS": "kosovo",  # Kosovo (CEFTA), which has no ISO 3166 code
}
TREATY_COLUMNS = ("Title", "Signature", "Force", "End", "gptadID", "destaID")
PARTY_COLUMNS = {"signed": "StateSignature", "consent_date": "StateRatification", "in_force": "StateForce",
                 "withdrawn": "StateEnd", "consent": "StateRatification"}


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located[tt.TableTreaty]]:
    path = tt.dataset_file(root, registry, STEM)
    if path is None:
        return
    matches = tt.match_table(root, registry, problems)
    file = display(path, root)
    lines = tt.raw_lines(path)
    treaties: dict[str, list] = defaultdict(list)
    for row in read_csv(path, COLUMNS, problems):
        if tt.all_empty(row):
            continue
        if "manyID" not in row:
            problems.add(file, row.line, None, "manyID", "no treaty id", "a manyID")
            continue
        treaties[row["manyID"]].append(row)
    named = matches.named("HUGGO")
    for many_id, located in named.items():
        if many_id not in treaties:
            problems.add(matches.file, located.line, f"HUGGO {many_id}", "huggo",
                         f"{many_id!r} is not a manyID of {path.name}", "a manyID of the HUGGO membership table")

    # Resolve the state codes of candidate treaties.
    codes: dict[int, str | None] = {}
    unknown: dict[str, list[int]] = defaultdict(list)
    candidates = [m for m, rows in treaties.items()
                  if m in named or any(r.get("stateID") in tt.POST_SOVIET for r in rows)]
    for many_id in candidates:
        for row in treaties[many_id]:
            code = row.get("stateID", "")
            if registry.has("country", code):
                codes[row.line] = code
            elif code in NON_ISO:
                codes[row.line] = NON_ISO[code]
            else:
                unknown[code].append(row.line)
    tt.unknown_values_problem(problems, file, "stateID", unknown,
                              "ISO 3166 alpha-3 codes, or a code of huggo_treaties.NON_ISO")
    if unknown:
        return

    selected = []
    for many_id in candidates:
        states = [codes[r.line] for r in treaties[many_id]]
        if many_id in named or (len(set(states)) >= 2 and all(s in tt.POST_SOVIET for s in states)):
            selected.append(many_id)

    # Links to DESTA and GPTAD from the destaID and gptadID columns, less the ones the match table breaks.
    distinct = {frozenset(l.record.ids()) for l in matches.entries if l.record.distinct}
    for located in matches.entries:
        record = located.record
        if record.distinct and record.huggo in treaties:
            row = treaties[record.huggo][0]
            column, value = ("destaID", record.desta) if record.desta is not None else ("gptadID", record.gptad)
            if row.get(column) != str(value):
                problems.add(matches.file, located.line, f"HUGGO {record.huggo}", "distinct",
                             f"the {column} of {record.huggo} is {row.get(column)!r}, not {value}: "
                             "there is no link to break", f"the value of the {column} column")
    for many_id in selected:
        first = treaties[many_id][0]
        for row in treaties[many_id][1:]:
            for column in TREATY_COLUMNS:
                if row.get(column) != first.get(column):
                    problems.add(file, row.line, many_id, column,
                                 f"{row.get(column)!r} differs from {first.get(column)!r} on line {first.line}",
                                 "the same treaty-level value on every row of a treaty")
        key = tt.table_key("HUGGO", many_id)
        for table, column in (("DESTA", "destaID"), ("GPTAD", "gptadID")):
            value = first.get(column, "NA")
            if value == "NA":
                continue
            if not is_ascii_number(value):
                problems.add(file, first.line, many_id, column, f"{value!r} is not a number", "a number or NA")
                continue
            other = tt.table_key(table, int(value))
            if frozenset((key, other)) in distinct:
                continue
            registry.define("treaty-link", f"{key} -> {other}", f"{file}:{first.line}",
                            tt.Link(key, other, file, first.line, column))

    tt.groups(root, registry, problems)  # every link is known now
    for many_id in selected:
        treaty = _treaty(many_id, treaties[many_id], codes, lines, file, root, registry, problems)
        if treaty is None:
            continue
        registry.define(KIND, many_id, f"{file}:{treaties[many_id][0].line}", treaty)
        if treaty.describes and not tt.register_instrument(registry, problems, treaty, file,
                                                              treaties[many_id][0].line):
            continue
        yield tt.yield_treaty(treaty, STEM, file, treaties[many_id][0].line)


def _date(row, column: str, problems: Problems, file: str, record: str, end: bool = False, bad: list | None = None):
    try:
        return tt.huggo_date(row.get(column), column, end=end)
    except tt.DateFormatError as error:
        problems.add(file, row.line, record, column, str(error), tt.HUGGO_DATE_FORMATS)
        if bad is not None:
            bad.append(column)
        return None


def _treaty(many_id: str, rows: list, codes: dict[int, str | None], lines: list[str], file: str, root: Path,
            registry: Registry, problems: Problems) -> tt.TableTreaty | None:
    key = tt.table_key("HUGGO", many_id)
    group = tt.group_of(key, root, registry, problems)
    first = rows[0]
    bad: list[str] = []
    title = first.get("Title", "")
    signature = _date(first, "Signature", problems, file, many_id, bad=bad)
    force = _date(first, "Force", problems, file, many_id, bad=bad)
    end = _date(first, "End", problems, file, many_id, end=True, bad=bad)
    if _before(force, signature):
        problems.add(file, first.line, many_id, None, f"entry into force {force} is before signature {signature}",
                     "dates in the order signature, entry into force, end")
        bad.append("Force")
    if _before(end, force) or _before(end, signature):
        problems.add(file, first.line, many_id, None, f"end {end} is before entry into force or signature",
                     "dates in the order signature, entry into force, end")
        bad.append("End")
    parties = []
    seen: dict[str, int] = {}
    for row in rows:
        state = codes[row.line]
        record = f"{many_id}/{row.get('stateID')}"
        if state is None or not state.isupper():
            problems.add(file, row.line, record, "stateID", f"{row.get('stateID')!r} is not a state",
                         "a state party (ISO 3166 alpha-3)")
            continue
        if state in seen:
            problems.add(file, row.line, record, "stateID", f"{state} is listed twice (first on line {seen[state]})",
                         "one row per state")
            continue
        seen[state] = row.line
        row_bad: list[str] = []
        signed = _date(row, "StateSignature", problems, file, record, bad=row_bad)
        ratified = _date(row, "StateRatification", problems, file, record, bad=row_bad)
        in_force = _date(row, "StateForce", problems, file, record, bad=row_bad)
        state_end = _date(row, "StateEnd", problems, file, record, end=True, bad=row_bad)
        accession = _date(row, "Accession", problems, file, record, bad=row_bad)
        if row.get("Rat=Notif", "NA") != "NA":
            problems.add(file, row.line, record, "Rat=Notif", f"{row.get('Rat=Notif')!r} cannot be read",
                         "NA (the table does not say what a notified act is)")
            row_bad.append("Rat=Notif")
        consent = consent_date = None
        columns = dict(PARTY_COLUMNS)
        if accession is not None:
            if ratified is not None:
                problems.add(file, row.line, record, "Accession",
                             f"both a ratification ({ratified}) and an accession ({accession})",
                             "one way of consenting")
                row_bad.append("Accession")
            if signed is not None and signed != accession:
                problems.add(file, row.line, record, "StateSignature",
                             f"a signature {signed} beside an accession on {accession}",
                             "a StateSignature equal to the Accession date (the accession) or none")
                row_bad.append("StateSignature")
            signed = None  # the StateSignature of an accession is the date of the accession
            consent, consent_date = "accession", accession
            columns.update(consent_date="Accession", consent="Accession")
        elif ratified is not None:
            consent, consent_date = "ratification", ratified
        withdrawn = state_end if state_end is not None and state_end != end else None
        if row_bad:
            bad.extend(row_bad)
            continue
        line_text = lines[row.line - 1] if row.line <= len(lines) else ""
        party = tt.party_record(
            {"party": state, "signed": signed, "consent": consent, "consent_date": consent_date,
             "in_force": in_force, "withdrawn": withdrawn,
             "locator": f"line {row.line}, manyID {many_id}, stateID {row.get('stateID')}",
             "quote": tt.row_quote(line_text, QUOTE_FIELDS)},
            registry, problems, file, row.line, record, columns)
        if party is None:
            bad.append(record)
            continue
        if _before(party.in_force, signature):
            problems.add(file, row.line, record, None,
                         f"entry into force {party.in_force} is before the treaty's signature {signature}",
                         "nobody bound before the treaty exists")
            bad.append(record)
            continue
        parties.append(party)
    if bad:
        return None
    last = rows[-1].line
    return tt.TableTreaty(
        table="HUGGO", table_id=many_id, instrument=group.instrument, describes=group.describer == key,
        title=title,
        date=signature, entry_into_force=force, termination=end,
        locator=f"manyID {many_id}, line{'s' if last != first.line else ''} {first.line}"
                + (f"-{last}" if last != first.line else ""),
        parties=parties,
    )


def triples(located: Located[tt.TableTreaty]) -> Iterator[tuple]:
    yield from tt.treaty_triples(located)
