"""Bilateral labour agreements of former Soviet republics: Chilton & Woda's BLA data (Stata files).

Files (``datasets/bilateral-labour-agreements/``, see its SOURCE.txt): ``BLAs_Formation_Data.dta``
(one row per agreement: the two parties, year, date signed, date "ratified") and
``BLAs_Coding_Data.dta`` (a subset of the agreements: title and the coded provisions). Each file is
a named graph of its own (``graph/document/<stem>``) and every value cites its row by treatyID.

Reader
    pandas' Stata reader (``pandas.read_stata``): a Stata 118 file holds typed columns, strL strings
    and missing-value codes that a reader of our own would have to decode bit by bit; pandas' is
    mature and already a test extra, so it is a main dependency now. The reading is still strict:
    the file must be a Stata 118 file (its header), hold exactly the columns below, in this order,
    with integer treatyIDs given once; every problem names file, treatyID (and row), column, what is
    wrong and what was expected.

Scope (``SCOPE``)
    A row is loaded when one of its parties is one of the 15 former Soviet republics (by the COW
    codes of ``COW_CODES``; Soviet agreements are coded as Russia, COW 365, and are in scope).
    SOURCE.txt counts 73 such rows; the others are counted as skipped, not read further. Country
    names of loaded rows are resolved by ``PlaceNames``; the name of a post-Soviet party must
    resolve to the state its COW code names.

The USSR
    The dataset has no code for the USSR: its agreements are coded "Russia". A party coded Russia
    whose signature (or, without a date, its year) is certainly before the USSR ceased to exist
    (``reference/state-lifespans.yaml``, code SUN: 1991-12-26) is recorded as the USSR (SUN), with a
    note; later ones are Russia, the USSR's continuator.

Dates (every repair is written on the record: what the file says, what is read, why)
    ``datesigned`` and ``ratified`` are "M/D/YYYY" strings (no padding, stray spaces), or empty.
    ``ratified`` is read as the date of entry into force (CURATION.md: for these bilateral
    intergovernmental agreements the one date after signature that the dataset gives).
    * no ``datesigned``: the signature is the ``year`` column's year (the variable label: "Year
      the treaty was signed"), unless ``year`` is 9999 (unknown): then no signature date;
    * a ``datesigned`` whose year is impossible (before 1900 or after the build date, like
      "5/2/2997"): the cell is left out; the signature is the ``year`` column's year, when that is
      a possible year; the day and month are not kept (no guess which digit is wrong);
    * a ``datesigned`` whose year differs from ``year``: the full date is kept, with a note;
    * a ``ratified`` before ``datesigned``: left out (not known what the date is), with a note.
    Any other cell that is not M/D/YYYY is an error.

Kind
    From the coding file's title: its head noun (``Agreement``, ``Protocol``, ``Treaty``,
    ``Memorandum``, ``Arrangement``, optionally after one qualifying word: "Implementation
    Protocol", "Migration Agreement"). A row without a title takes ``agreement``, the dataset's own
    category (it lists bilateral labour agreements), with a note.

Instruments and the match table
    Each row is an instrument ``bla-<treatyID>``, unless ``curated/matches.yaml`` links it (key
    ``bla``) to a curated instrument or a treaty-table treaty: then its records are added to that
    instrument, beside the other sources' records (treaty_tables' groups).

Coded provisions
    Every 0/1 variable of the coding file (the twenty ILO best-practice topics and their parts,
    and ``quota``, ``autorenew``, ``past_bla_amend``, ``past_bla_replace``) is a
    ``mrkg:CodedProvision`` with the dataset's value as printed (0 or 1), its code a
    ``skos:Concept`` of the scheme ``bla-provision-codes`` labelled with the Stata variable label
    verbatim. ``quota_num`` and ``recruit_auth_who`` are kept as text on the ``quota`` and
    ``recruit_auth`` provisions. A missing value (Stata ".") is not a provision: it is counted as
    skipped. The categorical variables (language, duration, prior BLAs) are not read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal as TypingLiteral

from pydantic import Field
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from mrkg.loaders import plausibility
from mrkg.loaders import treaty_tables as tt
from mrkg.loaders.base import Located, cite, display, document_graph
from mrkg.loaders.instruments import PartyRecord, instrument_record_triples, participation_triples
from mrkg.loaders.place_names import PlaceNames
from mrkg.loaders.registry import Registry
from mrkg.loaders.strict import Problems
from mrkg.loaders.types import Date, Identifier, PartialDate, Record, certainly_before, parse_partial_date
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG

KIND = "labour-agreement"
SKIPPED = "labour-agreement-skipped"  # registry kind: what each file left out, by reason (graph/build.py prints it)
FORMATION = "BLAs_Formation_Data"
CODING = "BLAs_Coding_Data"
SCOPE = tt.POST_SOVIET  # a row is loaded when one of its two parties is one of these
# Correlates of War codes of the 15 former Soviet republics (SOURCE.txt, "Country coding").
COW_CODES = {359: "MDA", 365: "RUS", 366: "EST", 367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR", 371: "ARM",
             372: "GEO", 373: "AZE", 701: "TKM", 702: "TJK", 703: "KGZ", 704: "UZB", 705: "KAZ"}
USSR, RUSSIA = "SUN", "RUS"
UNKNOWN_YEAR = 9999
EARLIEST_YEAR = 1900
STATA_RELEASE = b"<stata_dta><header><release>118</release>"

FORMATION_COLUMNS = [
    "treatyID", "countryA", "countryB", "codeA", "codeB", "dyadID", "year", "datesigned", "ratified",
    "copy_available", "evidence_available", "evidence_notavailable", "dataset_original", "copy_english",
    "copy_french", "copy_german", "copy_spanish", "copy_arabic", "copy_polish", "copy_russian", "copy_portugese",
]
PROVISION_CODES = [
    "autorenew", "past_bla_amend", "past_bla_replace", "quota", "intl_instr", "info_exch", "info_dissem",
    "govt_agencies", "joint_commit", "recruit_cost_mig", "recruit_auth", "labor_union_orig", "labor_union_dest",
    "labor_union_join", "emp_orgs", "ngos", "migrant_info", "prot_equal", "prot_women", "prot_women_det",
    "prot_other", "contract_req", "contract_standard", "contract_terms", "wage_prot", "housing_req",
    "housing_cond", "housing_monitor", "work_monitor", "passport", "social_security", "disputes_emp_mig",
    "mig_human_cap", "credentials", "remittances", "reintegration", "contract_renewal", "perm_resid",
]
CODING_COLUMNS = [
    "treatyID", "countryA", "countryB", "codeA", "codeB", "dyadID", "year", "agreement_title", "coded_orig_lang",
    "coded_google_translation", "autorenew", "bla_duration", "bla_duration_other", "bla_duration_years",
    "past_bla_amend", "past_bla_ref", "past_bla_replace", "quota", "quota_num", "intl_instr", "info_exch",
    "info_dissem", "govt_agencies", "joint_commit", "recruit_cost_mig", "recruit_auth", "recruit_auth_who",
    "labor_union_orig", "labor_union_dest", "labor_union_join", "emp_orgs", "ngos", "migrant_info", "prot_equal",
    "prot_women", "prot_women_det", "prot_other", "contract_req", "contract_standard", "contract_terms",
    "wage_prot", "housing_req", "housing_cond", "housing_monitor", "work_monitor", "passport", "social_security",
    "disputes_emp_mig", "mig_human_cap", "credentials", "remittances", "reintegration", "contract_renewal",
    "perm_resid",
]
CODED_TEXT = {"quota": "quota_num", "recruit_auth": "recruit_auth_who"}  # text that details a provision
KINDS = {"agreement": MRKG.Agreement, "protocol": MRKG.Protocol, "treaty": MRKG.Treaty,
         "memorandum": MRKG.Memorandum, "arrangement": MRKG.Arrangement}
_KIND = re.compile(r"^(?:[A-Za-z]+ )?(agreement|protocol|treaty|memorandum|arrangement)\b", re.IGNORECASE)
_MDY = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
DATE_FORMAT = "M/D/YYYY (month first, as in 5/19/1947), or empty"
SCHEME = iris.entity("scheme", "bla-provision-codes")


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


class CodedProvision(Record):
    code: str
    value: int = Field(ge=0, le=1)
    text: str | None = None


class LabourAgreement(Record):
    """One agreement of the formation file, with its coding when the coding file has it."""

    treaty_id: int
    instrument: Identifier
    describes: bool  # the instrument is this row's own (not a curated or treaty-table one)
    kind: TypingLiteral[tuple(KINDS)]  # type: ignore[valid-type]
    signed: Date | None = None
    in_force: Date | None = None
    parties: list[PartyRecord]
    locator: str
    quote: str
    note: str | None = None
    title: str | None = None
    coding_locator: str | None = None
    coding_quote: str | None = None
    provisions: list[CodedProvision] = []

    @property
    def notation(self) -> str:
        return tt.table_key("BLA", self.treaty_id)


@dataclass
class ProvisionScheme:
    """The codes of the coding file's 0/1 variables, with their Stata labels."""

    labels: dict[str, str]


@dataclass
class Skipped:
    """Rows and cells not loaded, by reason (printed by ``mrkg build``)."""

    counts: Counter = field(default_factory=Counter)


# --------------------------------------------------------------------------
# Reading the Stata files
# --------------------------------------------------------------------------


def read_stata(path: Path, file: str, columns: list[str], problems: Problems):
    """(rows as dicts, variable labels), or None after reporting why the file cannot be read."""
    import pandas

    with path.open("rb") as handle:
        head = handle.read(len(STATA_RELEASE))
    if head != STATA_RELEASE:
        problems.add(file, None, None, None, f"is not a Stata 118 file (it starts {head[:40]!r})",
                     "a Stata .dta file of format 118 (Stata 14 or later), as copied")
        return None
    try:
        with pandas.io.stata.StataReader(path) as reader:
            labels = reader.variable_labels()
            frame = reader.read(convert_categoricals=False, convert_missing=False)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        problems.add(file, None, None, None, f"cannot be read as Stata ({type(error).__name__}: {error})",
                     "an undamaged Stata .dta file")
        return None
    found = list(frame.columns)
    if found != columns:
        missing = [c for c in columns if c not in found]
        extra = [c for c in found if c not in columns]
        problems.add(file, None, None, None,
                     f"has columns {found}" + (f"; missing {missing}" if missing else "")
                     + (f"; unexpected {extra}" if extra else ""),
                     f"exactly the columns {columns}, in this order")
        return None
    rows = frame.to_dict("records")
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        treaty_id = row["treatyID"]
        if not isinstance(treaty_id, int) or isinstance(treaty_id, bool):
            problems.add(file, number, None, "treatyID", f"{treaty_id!r} is not an integer", "an integer id")
        elif treaty_id in seen:
            problems.add(file, number, f"treatyID {treaty_id}", "treatyID",
                         f"treatyID {treaty_id} is given twice (rows {seen[treaty_id]} and {number})",
                         "each treatyID once")
        else:
            seen[treaty_id] = number
    return rows, labels


def text_cell(row: dict, column: str) -> str:
    value = row[column]
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def row_locator(treaty_id: int, number: int) -> str:
    return f"treatyID {treaty_id}, row {number}"


def row_quote(row: dict, columns: list[str]) -> str:
    """What the file says, cell by cell, for the columns a record reads."""
    return "; ".join(f"{column} {row[column]!r}" if isinstance(row[column], str) else f"{column} {row[column]}"
                     for column in columns)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


class DateCellError(ValueError):
    pass


def month_first_date(text: str) -> PartialDate | None:
    """An M/D/YYYY cell (spaces around it are ignored); None when empty."""
    text = text.strip()
    if not text:
        return None
    match = _MDY.fullmatch(text)
    if not match:
        raise DateCellError(f"{text!r} is not a date")
    try:
        return parse_partial_date(f"{match[3]}-{int(match[1]):02d}-{int(match[2]):02d}")
    except ValueError as error:
        raise DateCellError(f"{text!r}: {error}") from None


def possible_year(year: int, today: dt.date) -> bool:
    return EARLIEST_YEAR <= year <= today.year


@dataclass
class ReadDates:
    signed: PartialDate | None
    in_force: PartialDate | None
    repairs: list[str]


def read_dates(row: dict, today: dt.date) -> ReadDates:
    """The signature and entry into force of a row, with every repair said in words.

    Raises DateCellError (with the column) for a cell that fits no rule."""
    repairs = []
    year = row["year"]
    year_known = isinstance(year, int) and year != UNKNOWN_YEAR and possible_year(year, today)
    if isinstance(year, int) and year != UNKNOWN_YEAR and not year_known:
        repairs.append(f"year {year} is impossible and is not read")
    signed_text, ratified_text = text_cell(row, "datesigned"), text_cell(row, "ratified")
    try:
        signed = month_first_date(signed_text)
    except DateCellError as error:
        raise DateCellError("datesigned", str(error)) from None
    try:
        in_force = month_first_date(ratified_text)
    except DateCellError as error:
        raise DateCellError("ratified", str(error)) from None
    if signed is not None and not possible_year(signed.earliest.year, today):
        fallback = f"; the signature is the year column's {year}" if year_known else "; no signature date is known"
        repairs.append(f"datesigned {signed_text!r} has an impossible year ({signed.earliest.year}) and is left out"
                       f"{fallback} (the day and month are not kept: which digit is wrong is not known)")
        signed = None
        signed_from_year = True
    else:
        signed_from_year = signed is None
        if signed is None and year_known:
            repairs.append(f"datesigned is empty; the signature is the year column's {year}")
        elif signed is None and year == UNKNOWN_YEAR:
            repairs.append("datesigned is empty and year is 9999 (unknown): no signature date is known")
    if signed is not None and year_known and signed.earliest.year != year:
        repairs.append(f"datesigned {signed_text!r} and the year column ({year}) disagree; the full date is kept")
    if signed_from_year and year_known:
        signed = parse_partial_date(str(year))
    if in_force is not None and not possible_year(in_force.earliest.year, today):
        repairs.append(f"ratified {ratified_text!r} has an impossible year and is left out")
        in_force = None
    if in_force is not None and signed is not None and certainly_before(in_force, signed):
        repairs.append(f"ratified {ratified_text!r} is before the signature {signed} and is left out (what the "
                       "date is, is not known)")
        in_force = None
    return ReadDates(signed, in_force, repairs)


# --------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------


def ussr_end(registry: Registry) -> PartialDate | None:
    lifespan = registry.detail("state-lifespan", USSR)
    return lifespan.end if lifespan is not None else None


def soviet_reading(state: str, signed: PartialDate | None, end: PartialDate | None) -> tuple[str, str | None]:
    """(party, note): a party coded Russia that signed certainly before the USSR's end is the USSR."""
    if state == RUSSIA and signed is not None and end is not None and signed.latest < end.earliest:
        return USSR, (f"coded 'Russia' (COW 365) in the dataset, which has no code for the USSR; signed {signed}, "
                      f"before the USSR ceased to exist ({end}): the USSR's agreement")
    return state, None


def kind_of(title: str | None) -> str | None:
    if title is None:
        return "agreement"
    match = _KIND.match(title.strip())
    return match[1].lower() if match else None


# --------------------------------------------------------------------------
# read
# --------------------------------------------------------------------------


def read(root: Path, registry: Registry, problems: Problems) -> Iterator[Located]:
    formation_path = tt.dataset_file(root, registry, FORMATION)
    if formation_path is None:
        return
    formation_file = display(formation_path, root)
    problems_before = len(problems.items)  # problems of other sources do not stop this one's reading
    formation = read_stata(formation_path, formation_file, FORMATION_COLUMNS, problems)
    coding_path = tt.dataset_file(root, registry, CODING)
    coding_file = display(coding_path, root) if coding_path else None
    coding = read_stata(coding_path, coding_file, CODING_COLUMNS, problems) if coding_path else None
    if formation is None or (coding_path is not None and coding is None) or len(problems.items) > problems_before:
        return
    rows, _ = formation
    coded: dict[int, tuple[int, dict]] = {}
    labels: dict[str, str] = {}
    if coding is not None:
        coding_rows, labels = coding
        coded = {row["treatyID"]: (number, row) for number, row in enumerate(coding_rows, start=1)}
        formation_ids = {row["treatyID"] for row in rows}
        for treaty_id, (number, _) in sorted(coded.items()):
            if treaty_id not in formation_ids:
                problems.add(coding_file, number, f"treatyID {treaty_id}", "treatyID",
                             f"treatyID {treaty_id} is not a row of {formation_path.name}",
                             "the coding file's agreements are a subset of the formation file's")
    skipped, coding_skipped = Skipped(), Skipped()
    registry.define(SKIPPED, formation_file, formation_file, skipped)
    if coding_file is not None:
        registry.define(SKIPPED, coding_file, coding_file, coding_skipped)
    in_scope = [(number, row) for number, row in enumerate(rows, start=1)
                if row["codeA"] in COW_CODES or row["codeB"] in COW_CODES]
    skipped.counts["rows without a former Soviet republic (out of scope)"] = len(rows) - len(in_scope)
    places = PlaceNames.from_registry(registry)
    names = sorted({row[c] for _, row in in_scope for c in ("countryA", "countryB")})
    resolved = places.resolve_all(names, formation_file, problems)
    if len(resolved) < len(names):
        return
    in_scope_ids = {row["treatyID"] for _, row in in_scope}
    for treaty_id, located in tt.match_table(root, registry, problems).named("BLA").items():
        if int(treaty_id) not in in_scope_ids:
            problems.add(located.file, located.line, f"BLA {treaty_id}", "bla",
                         f"{treaty_id} is not the treatyID of a loaded row of {formation_path.name}",
                         "the treatyID of an agreement with a former Soviet republic")
    yield Located(iris.REFERENCE_GRAPH, None, ProvisionScheme(labels_of(labels)), coding_file or formation_file,
                  None)
    today = plausibility.build_date()
    end = ussr_end(registry)
    for number, row in in_scope:
        record = _agreement(number, row, resolved, coded, coding_skipped, end, today, root, registry, problems,
                            formation_file, coding_file)
        if record is None:
            continue
        where = f"{formation_file}:{number}"
        registry.define(KIND, str(record.treaty_id), where, record)
        if record.describes and (first := registry.define("instrument", record.instrument, where)) is not None:
            problems.add(formation_file, number, record.notation, None,
                         f"instrument identifier {record.instrument!r} is already defined at {first}",
                         "an identifier used once")
            continue
        yield Located(document_graph(FORMATION), FORMATION, record, formation_file, number)


def labels_of(labels: dict[str, str]) -> dict[str, str]:
    return {code: labels.get(code) or code for code in PROVISION_CODES}


def _agreement(number: int, row: dict, resolved: dict, coded: dict, skipped: Skipped, end, today: dt.date,
               root: Path, registry: Registry, problems: Problems, formation_file: str,
               coding_file: str | None) -> LabourAgreement | None:
    treaty_id = row["treatyID"]
    name = f"treatyID {treaty_id}"
    bad = False
    states = []
    for side in "AB":
        state = resolved[row[f"country{side}"]]
        code = row[f"code{side}"]
        if code in COW_CODES and state != COW_CODES[code]:
            problems.add(formation_file, number, name, f"country{side}",
                         f"{row[f'country{side}']!r} resolves to {state}, but its COW code {code} is "
                         f"{COW_CODES[code]}", "a name and a COW code of the same state")
            bad = True
        states.append(state)
    if states[0] == states[1]:
        problems.add(formation_file, number, name, "countryB", f"both parties are {states[0]}", "two states")
        bad = True
    try:
        dates = read_dates(row, today)
    except DateCellError as error:
        column, message = error.args
        problems.add(formation_file, number, name, column, message, DATE_FORMAT)
        return None
    if bad:
        return None
    locator = row_locator(treaty_id, number)
    quote = row_quote(row, ["treatyID", "countryA", "countryB", "codeA", "codeB", "year", "datesigned", "ratified"])
    title, provisions, coding_locator, coding_quote = None, [], None, None
    if treaty_id in coded:
        coding_number, coding_row = coded[treaty_id]
        title = text_cell(coding_row, "agreement_title") or None
        coding_locator = row_locator(treaty_id, coding_number)
        coding_quote = row_quote(coding_row, ["treatyID", "countryA", "countryB", "year", "agreement_title"])
        provisions = list(_provisions(coding_row, skipped, problems, coding_file, coding_number))
    kind = kind_of(title)
    if kind is None:
        problems.add(coding_file, coded[treaty_id][0], name, "agreement_title",
                     f"the title {title[:80]!r} names no kind of instrument",
                     "a title whose head noun is Agreement, Protocol, Treaty, Memorandum or Arrangement")
        return None
    notes = list(dates.repairs)
    if title is None:
        notes.append("kind: agreement, the dataset's own category (the coding file gives no title)")
    parties = []
    for state in sorted(states):
        party, soviet = soviet_reading(state, dates.signed, end)
        party_notes = [soviet] if soviet else []
        party_notes += ["the dataset's 'ratified' date is read as the entry into force"] if dates.in_force else []
        record = tt.party_record(
            {"party": party, "signed": dates.signed, "in_force": dates.in_force, "locator": locator, "quote": quote,
             "note": "; ".join(party_notes) or None},
            registry, problems, formation_file, number, f"{name}/{party}",
            {"signed": "datesigned", "in_force": "ratified"})
        if record is None:
            return None
        parties.append(record)
    parties.sort(key=lambda p: p.party)
    key = tt.table_key("BLA", treaty_id)
    group = tt.group_of(key, root, registry, problems)
    return LabourAgreement(
        treaty_id=treaty_id, instrument=group.instrument, describes=group.describer == key, kind=kind,
        signed=dates.signed, in_force=dates.in_force, parties=parties, locator=locator, quote=quote,
        note="; ".join(notes) or None, title=title, coding_locator=coding_locator, coding_quote=coding_quote,
        provisions=provisions)


def _provisions(row: dict, skipped: Skipped, problems: Problems, file: str, number: int
                ) -> Iterator[CodedProvision]:
    for code in PROVISION_CODES:
        value = row[code]
        if is_missing(value):
            skipped.counts["coded provisions missing (Stata '.')"] += 1
            continue
        if value not in (0, 1):
            problems.add(file, number, f"treatyID {row['treatyID']}", code, f"{value!r} is not a coding",
                         "0 or 1, or missing (Stata '.')")
            continue
        text = text_cell(row, CODED_TEXT[code]) if code in CODED_TEXT else ""
        yield CodedProvision(code=code, value=int(value), text=text or None)


# --------------------------------------------------------------------------
# triples
# --------------------------------------------------------------------------


def triples(located: Located) -> Iterator[tuple]:
    if isinstance(located.record, ProvisionScheme):
        yield from scheme_triples(located.record)
    else:
        yield from agreement_triples(located.record)


def code_iri(code: str):
    return iris.entity("bla-provision-code", code.replace("_", "-"))


def scheme_triples(scheme: ProvisionScheme) -> Iterator[tuple]:
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, SKOS.prefLabel, Literal("Provision codes of the Bilateral Labor Agreements coding data "
                                          "(Chilton and Woda 2022)", lang="en")
    yield SCHEME, DCTERMS.source, iris.document(CODING)
    for code, label in scheme.labels.items():
        node = code_iri(code)
        yield node, RDF.type, SKOS.Concept
        yield node, SKOS.inScheme, SCHEME
        yield node, SKOS.notation, Literal(code)
        yield node, SKOS.prefLabel, Literal(label, lang="en")


def agreement_triples(agreement: LabourAgreement) -> Iterator[tuple]:
    """The instrument (when it is the row's own), the formation file's record and participations in
    its graph, and the coding file's record and coded provisions in the coding file's graph."""
    node = iris.instrument(agreement.instrument)
    if agreement.describes:
        yield node, RDF.type, MRKG.InternationalAgreement
        yield node, DCTERMS.identifier, Literal(agreement.instrument)
        yield node, MRKG.instrumentType, KINDS[agreement.kind]
    yield node, MRKG.policyArea, MRKG.LabourMigration
    yield node, SKOS.notation, Literal(agreement.notation)
    yield from instrument_record_triples(agreement.instrument, FORMATION, None, agreement.locator,
                                         quote=agreement.quote, note=agreement.note, notation=agreement.notation,
                                         date=agreement.signed, entry_into_force=agreement.in_force)
    for party in agreement.parties:
        yield from participation_triples(agreement.instrument, party, FORMATION, agreement.locator)
    if agreement.coding_locator is None:
        return
    coding = document_graph(CODING)
    for triple in instrument_record_triples(agreement.instrument, CODING, agreement.title, agreement.coding_locator,
                                            quote=agreement.coding_quote, notation=agreement.notation):
        yield (*triple, coding)
    for provision in agreement.provisions:
        item = iris.entity("coded-provision", agreement.instrument, provision.code.replace("_", "-"))
        for triple in (
            (item, RDF.type, MRKG.CodedProvision),
            (item, MRKG.provisionOf, node),
            (item, MRKG.provisionTopic, code_iri(provision.code)),
            (item, RDF.value, Literal(provision.value, datatype=XSD.integer)),
            *([(item, MRKG.codedText, Literal(provision.text))] if provision.text else []),
            *cite(item, CODING, f"{agreement.coding_locator}, column {provision.code}"),
        ):
            yield (*triple, coding)
