"""Every curated record is checked by a test that names it (in the style of Bioregistry).

The real sources are read once; each rule below is parametrised over every record it
applies to, with test ids such as ``instrument:cu-ces-treaty-1999``,
``participation:cu-ces-treaty-1999/BLR``, ``membership:ces/BLR``,
``observation:dyk-net-blr-kaz-2013`` and ``organisation:cis``, so that a failure names
the record to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from types import SimpleNamespace

from mrkg.loaders import (
    desta_treaties, documents, gptad_treaties, huggo_treaties, icmw_status, instruments, memberships, observations,
    organisations, read_sources,
)
from mrkg.loaders.treaty_tables import POST_SOVIET
from mrkg.loaders.types import DateRange, PartialDate, Period, parse_date_or_range, parse_partial_date

SOURCES = read_sources()
REGISTRY = SOURCES.registry
DOCUMENT_STEMS = {located.record.stem for located in SOURCES.of(documents)}
MAX_QUOTE = 300


@dataclass(frozen=True)
class Item:
    """One curated record, flattened for the rules: its id, document, locator, quote and record."""

    id: str
    kind: str
    document: str  # document file stem
    locator: str | None
    quote: str | None
    record: Any
    parent: Any = None  # the instrument of a participation


def _collect() -> list[Item]:
    items: list[Item] = []
    for located in SOURCES.of(organisations):
        o = located.record
        items.append(Item(f"organisation:{o.id}", "organisation", o.source.stem, o.source.locator,
                          o.source.quote, o))
    for located in SOURCES.of(instruments):
        inst = located.record
        items.append(Item(f"instrument:{inst.id}", "instrument", located.document, inst.locator, inst.quote, inst))
        for party in inst.parties:
            items.append(Item(f"participation:{inst.id}/{party.party}", "participation", located.document,
                              party.locator or inst.locator, party.quote, party, inst))
    for located in SOURCES.of(memberships):
        m = located.record
        items.append(Item(f"membership:{m.organisation}/{m.member}", "membership", located.document,
                          m.locator, m.quote, m))
    for located in SOURCES.of(observations):
        o = located.record
        items.append(Item(f"observation:{o.id}", "observation", located.document, o.locator, o.quote, o))
    # Treaties of the third-party treaty tables, and the ICMW status table.
    for module in (huggo_treaties, desta_treaties, gptad_treaties):
        for located in SOURCES.of(module):
            t = located.record
            items.append(Item(f"table-treaty:{t.notation}", "table-treaty", located.document, t.locator, None, t))
            for party in t.parties:
                items.append(Item(f"participation:{t.instrument}/{party.party}", "participation", located.document,
                                  party.locator or t.locator, party.quote, party, t))
    convention = SimpleNamespace(date=None)  # the ICMW table gives no date for the Convention
    for located in SOURCES.of(icmw_status):
        if hasattr(located.record, "party"):
            party = located.record.party
            items.append(Item(f"participation:icmw/{party.party}", "participation", located.document,
                              party.locator, party.quote, party, convention))
    return items


ITEMS = _collect()


def _dedupe_ids(items: list[Item]) -> list[Item]:
    """The same membership or participation may come from two documents: name both."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.id] = counts.get(item.id, 0) + 1
    return [Item(f"{i.id}@{i.document}", i.kind, i.document, i.locator, i.quote, i.record, i.parent)
            if counts[i.id] > 1 else i for i in items]


ITEMS = _dedupe_ids(ITEMS)


def of(*kinds: str) -> list:
    return [pytest.param(item, id=item.id) for item in ITEMS if item.kind in kinds]


def _is_country_or_organisation(value: str) -> bool:
    return REGISTRY.has("country", value) or REGISTRY.has("organisation", value)


def _is_place(value: str) -> bool:
    return REGISTRY.has("country", value) or REGISTRY.has("area", value)


def _assert_in_order(named_dates: list[tuple[str, PartialDate | DateRange | None]], record_id: str) -> None:
    """Each given date is not certainly after any later-listed one (precision and ranges respected)."""
    given = [(name, date) for name, date in named_dates if date is not None]
    for i, (first_name, first) in enumerate(given):
        for second_name, second in given[i + 1:]:
            assert first.earliest is None or second.latest is None or first.earliest <= second.latest, (
                f"{record_id}: {first_name} {first} is after {second_name} {second}"
            )


def _assert_parses(value: PartialDate | DateRange | None, field: str) -> None:
    if value is None:
        return
    assert isinstance(value, (PartialDate, DateRange)), f"{field} is not a date or a date range"
    again = parse_date_or_range(str(value))
    assert again == value, f"{field} {value} does not parse back to itself"
    assert value.earliest is None or value.latest is None or value.earliest <= value.latest, (
        f"{field} {value}: earliest after latest")


def test_there_are_records_of_every_kind():
    kinds = {item.kind for item in ITEMS}
    assert kinds == {"organisation", "instrument", "participation", "membership", "observation", "table-treaty"}


def test_record_ids_are_unique():
    ids = [item.id for item in ITEMS]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------
# Every record: citation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("item", of("organisation", "instrument", "participation", "membership", "observation",
                                   "table-treaty"))
def test_cites_a_listed_document_and_a_locator(item: Item):
    assert item.locator and item.locator.strip(), f"{item.id} has no locator"
    assert item.document in DOCUMENT_STEMS, f"{item.id} cites {item.document}, not in documents.yaml"


@pytest.mark.parametrize("item", [p for p in of("organisation", "instrument", "participation", "membership",
                                                "observation") if p.values[0].quote])
def test_quote_is_short(item: Item):
    assert len(item.quote) <= MAX_QUOTE, f"{item.id}: quote has {len(item.quote)} characters (max {MAX_QUOTE})"
    assert item.quote.strip(), f"{item.id}: quote is blank"


# --------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------

LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@pytest.mark.parametrize("item", of("instrument"))
def test_instrument_title_is_english(item: Item):
    title = item.record.title
    assert title and title.strip(), f"{item.id} has an empty title"
    assert LATIN.search(title) and not CYRILLIC.search(title), f"{item.id}: title {title!r} is not English"
    if item.record.title_ru is not None:
        assert CYRILLIC.search(item.record.title_ru), f"{item.id}: title_ru {item.record.title_ru!r} is not Russian"


@pytest.mark.parametrize("item", of("instrument"))
def test_instrument_dates_in_order(item: Item):
    inst = item.record
    for field in ("date", "entry_into_force", "termination"):
        _assert_parses(getattr(inst, field), field)
    _assert_in_order([("date", inst.date), ("entry into force", inst.entry_into_force),
                      ("termination", inst.termination)], item.id)
    if inst.period is not None:
        assert isinstance(inst.period, Period)
        assert inst.period.start <= inst.period.end


@pytest.mark.parametrize("item", of("instrument"))
def test_instrument_references_are_known(item: Item):
    inst = item.record
    if inst.adopted_within is not None:
        assert REGISTRY.has("organisation", inst.adopted_within), f"unknown organisation {inst.adopted_within}"
    if inst.jurisdiction is not None:
        assert REGISTRY.has("country", inst.jurisdiction), f"unknown country {inst.jurisdiction}"


# --------------------------------------------------------------------------
# Treaties of the treaty tables
# --------------------------------------------------------------------------


@pytest.mark.parametrize("item", of("table-treaty"))
def test_table_treaty_dates_in_order(item: Item):
    treaty = item.record
    for field in ("date", "entry_into_force", "termination"):
        _assert_parses(getattr(treaty, field), field)
    _assert_in_order([("date", treaty.date), ("entry into force", treaty.entry_into_force),
                      ("termination", treaty.termination)], item.id)


@pytest.mark.parametrize("item", of("table-treaty"))
def test_table_treaty_is_among_former_soviet_republics(item: Item):
    """The selection rule: at least two state parties, all former Soviet republics (no match widens it)."""
    parties = {party.party for party in item.record.parties}
    assert len(parties) >= 2 and parties <= POST_SOVIET, f"{item.id}: parties {sorted(parties)}"


@pytest.mark.parametrize("item", of("table-treaty"))
def test_table_treaty_instrument_is_known(item: Item):
    treaty = item.record
    assert REGISTRY.has("instrument", treaty.instrument), f"{item.id}: unknown instrument {treaty.instrument}"
    assert treaty.title.strip() and LATIN.search(treaty.title), f"{item.id}: title {treaty.title!r}"


# --------------------------------------------------------------------------
# Participations
# --------------------------------------------------------------------------


@pytest.mark.parametrize("item", of("participation"))
def test_participation_dates_in_order(item: Item):
    party = item.record
    for field in ("signed", "consent_date", "in_force", "withdrawn", "suspended", "suspension_ended"):
        _assert_parses(getattr(party, field), field)
    _assert_in_order([("signature", party.signed), ("consent", party.consent_date),
                      ("entry into force", party.in_force), ("withdrawal", party.withdrawn)], item.id)
    _assert_in_order([("suspension", party.suspended), ("end of suspension", party.suspension_ended)], item.id)
    # Nobody is bound before the instrument exists.
    _assert_in_order([("instrument date", item.parent.date), ("entry into force", party.in_force)], item.id)


@pytest.mark.parametrize("item", of("participation"))
def test_participation_party_is_known(item: Item):
    assert _is_country_or_organisation(item.record.party), f"unknown party {item.record.party}"


# --------------------------------------------------------------------------
# Memberships
# --------------------------------------------------------------------------


@pytest.mark.parametrize("item", of("membership"))
def test_membership_dates_in_order(item: Item):
    m = item.record
    _assert_parses(m.start, "from")
    _assert_parses(m.end, "to")
    _assert_in_order([("start", m.start), ("end", m.end)], item.id)


@pytest.mark.parametrize("item", of("membership"))
def test_membership_organisation_and_member_are_known(item: Item):
    assert REGISTRY.has("organisation", item.record.organisation), f"unknown organisation {item.record.organisation}"
    assert REGISTRY.has("country", item.record.member), f"unknown member {item.record.member}"


# --------------------------------------------------------------------------
# Observations
# --------------------------------------------------------------------------


@pytest.mark.parametrize("item", of("observation"))
def test_observation_places_are_known(item: Item):
    o = item.record
    for field in ("origin", "destination", "area"):
        value = getattr(o, field)
        if value is not None:
            assert _is_place(value), f"{field} {value!r} is neither a country nor an area"
    if o.instrument is not None:
        assert REGISTRY.detail("instrument", o.instrument) is not None, f"unknown instrument {o.instrument}"


@pytest.mark.parametrize("item", of("observation"))
def test_observation_unit_fits_measure(item: Item):
    o = item.record
    measure = REGISTRY.detail("measure", o.measure)
    assert measure is not None, f"unknown measure {o.measure}"
    assert o.unit in measure.units, f"unit {o.unit} is not allowed by {o.measure} ({measure.units})"
    if measure.non_negative:
        assert o.value >= 0, f"{o.measure} is a count, and the value is {o.value}"


@pytest.mark.parametrize("item", of("observation"))
def test_observation_period_parses(item: Item):
    period = item.record.period
    assert isinstance(period, Period)
    assert period.start <= period.end
    if item.record.statistical_source is not None:
        assert REGISTRY.has("statistical-source", item.record.statistical_source)
