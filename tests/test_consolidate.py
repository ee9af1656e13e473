"""The consolidation rules (graph/consolidate.py) on hand-made records.

Golden cases: agreeing claims, more and less precise dates, conflicting claims and ties, a claim
from one source only, ranges; the treaty rules on hand-made ratifications (a deposit before the
treaty's own entry into force, after it, at a year's precision); three-valued in-force answers on
intervals; titles; possible duplicates. The real graph is checked in test_consolidated_graph.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, XSD

from mrkg.graph import consolidate as c
from mrkg.graph.assemble import add_ontology
from mrkg.loaders.types import EDTF, parse_date_or_range
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, SCHEMA

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "consolidation" / "golden.ttl"
D = dt.date


def date(text: str) -> Literal:
    value = parse_date_or_range(text)
    return value.literal()


class Records:
    """A hand-made dataset of source documents and records, as the loaders write them."""

    def __init__(self):
        self.data = Dataset()
        add_ontology(self.data)
        self.graph = self.data.graph(URIRef("https://example.org/graph"))

    def document(self, name: str, kind: str = "document") -> URIRef:
        node = iris.document(name.rsplit(".", 1)[0] if kind != "official-text" else name)
        self.graph.add((node, RDF.type, MRKG.SourceDocument))
        self.graph.add((node, DCTERMS.identifier, Literal(name)))
        if kind == "dataset":
            self.graph.add((node, RDF.type, DCAT.Dataset))
        if kind == "official-text":
            self.graph.add((node, SCHEMA.url, URIRef("https://example.org/" + name)))
        return node

    def instrument(self, ident: str, cls=MRKG.InternationalAgreement, type_=MRKG.Agreement) -> URIRef:
        node = iris.instrument(ident)
        self.graph.add((node, RDF.type, cls))
        self.graph.add((node, DCTERMS.identifier, Literal(ident)))
        self.graph.add((node, MRKG.instrumentType, type_))
        return node

    def record(self, ident: str, document: str, title: str | None = None, curated: bool = False,
               source_type: str | None = None, **dates) -> URIRef:
        stem = document.rsplit(".", 1)[0]
        node = iris.instrument_record(ident, stem)
        self.graph.add((node, RDF.type, MRKG.InstrumentRecord))
        self.graph.add((node, MRKG.recordOf, iris.instrument(ident)))
        self.graph.add((node, DCTERMS.source, iris.document(stem)))
        self.graph.add((node, MRKG.locator, Literal(f"{document} locator")))
        if title:
            self.graph.add((node, DCTERMS.title, Literal(title, lang="en")))
        if curated:
            self.graph.add((node, MRKG.curatedRecord, Literal(True)))
        if source_type:
            self.graph.add((node, MRKG.sourceType, Literal(source_type)))
        for prop, value in (("date", SCHEMA.legislationDate), ("in_force", MRKG.entryIntoForce),
                            ("termination", MRKG.terminationDate)):
            if prop in dates:
                self.graph.add((node, value, date(dates[prop])))
        return node

    def participation(self, ident: str, party: str, document: str, consent_type=None, signatory=False,
                      **dates) -> URIRef:
        stem = document.rsplit(".", 1)[0]
        node = iris.participation(ident, party, stem)
        self.graph.add((node, RDF.type, MRKG.Participation))
        self.graph.add((node, MRKG.instrument, iris.instrument(ident)))
        self.graph.add((node, MRKG.party, iris.party(party)))
        self.graph.add((node, DCTERMS.source, iris.document(stem)))
        self.graph.add((node, MRKG.locator, Literal(f"{document} row {party}")))
        for name, prop in (("signed", MRKG.signatureDate), ("consent_date", MRKG.consentDate),
                           ("in_force", MRKG.entryIntoForce), ("withdrawn", MRKG.withdrawalDate),
                           ("denounced", MRKG.denunciationDate), ("suspended", MRKG.suspensionDate),
                           ("resumed", MRKG.suspensionEndDate)):
            if name in dates:
                self.graph.add((node, prop, date(dates[name])))
        if consent_type is not None:
            self.graph.add((node, MRKG.consentType, consent_type))
        if signatory:
            self.graph.add((node, MRKG.signatory, Literal(True)))
        return node

    def country(self, code: str, label: str, *aliases: str) -> None:
        node = iris.country(code)
        self.graph.add((node, RDF.type, MRKG.Country))
        self.graph.add((node, RDFS.label, Literal(label, lang="en")))
        for alias in aliases:
            self.graph.add((node, SKOS.hiddenLabel, Literal(alias)))

    def rule(self, ident: str, kind, months=0, days=0, next_month=False, applies=None) -> None:
        node = iris.entity("rule", ident, "r")
        self.graph.add((node, RDF.type, MRKG.TreatyRule))
        self.graph.add((node, RDFS.label, Literal(f"rule of {ident}")))
        self.graph.add((node, MRKG.ruleOf, iris.instrument(ident)))
        self.graph.add((node, MRKG.ruleKind, kind))
        self.graph.add((node, MRKG.delayMonths, Literal(months)))
        self.graph.add((node, MRKG.delayDays, Literal(days)))
        self.graph.add((node, MRKG.firstDayOfNextMonth, Literal(next_month)))
        if applies is not None:
            self.graph.add((node, MRKG.appliesAfter, applies))

    def consolidate(self) -> c.Consolidated:
        return c.consolidate(self.data)


def consolidated_graph(result: c.Consolidated) -> Graph:
    graph = Graph()
    for s, p, o, _ in result.quads:
        graph.add((s, p, o))
    return graph


def value(result: c.Consolidated, subject: URIRef, prop: URIRef):
    found = [o for s, p, o, _ in result.quads if s == subject and p == prop]
    assert len(found) <= 1, f"{prop} has {len(found)} values"
    return found[0] if found else None


def claim(text: str, source: str, rank_kind: str = "document", record: str | None = None) -> c.Claim:
    parsed = parse_date_or_range(text)
    return c.Claim(record or f"https://example.org/{source}/{text}", MRKG.entryIntoForce, parsed.literal(), parsed,
                   c.Source(f"https://example.org/{source}", source, source, rank_kind))


# ---------------------------------------------------------------------------
# R1, R2: one date from every source's claim
# ---------------------------------------------------------------------------


class TestResolve:
    def test_a_claim_from_one_source_only_is_taken_as_it_is(self):
        resolved = c.resolve([claim("1999-12-23", "000")], "entry into force")
        assert resolved.literal == Literal("1999-12-23", datatype=XSD.date)
        assert (resolved.earliest, resolved.latest) == (D(1999, 12, 23), D(1999, 12, 23))
        assert resolved.conflicts == [] and resolved.note is None

    def test_agreeing_claims_combine_without_a_discrepancy(self):
        resolved = c.resolve([claim("2015-01-01", "HUGGO", "dataset"), claim("2015-01-01", "GPTAD", "dataset")], "x")
        assert str(resolved.literal) == "2015-01-01" and resolved.conflicts == []

    def test_the_most_precise_date_wins_when_the_others_contain_it(self):
        resolved = c.resolve([claim("2015", "DESTA", "dataset"), claim("2015-08", "A"),
                              claim("2015-08-12", "HUGGO", "dataset")], "x")
        assert resolved.literal == Literal("2015-08-12", datatype=XSD.date)
        assert resolved.conflicts == []

    def test_conflicting_claims_prefer_the_date_most_sources_agree_with(self):
        # Moldova-Ukraine 2003 in the treaty tables: HUGGO 2008-05-16, DESTA 2005, GPTAD 2005-05-19.
        huggo, desta, gptad = (claim("2008-05-16", "HUGGO_MEM_additional", "dataset"),
                               claim("2005", "DESTA", "dataset"), claim("2005-05-19", "GPTAD_MEM", "dataset"))
        resolved = c.resolve([huggo, desta, gptad], "entry into force")
        assert str(resolved.literal) == "2005-05-19"
        assert {frozenset((a.source.name, b.source.name)) for a, b in resolved.conflicts} == {
            frozenset(("HUGGO_MEM_additional", "DESTA")), frozenset(("HUGGO_MEM_additional", "GPTAD_MEM"))}
        assert "Preferred: 2005-05-19, because 2 of 3 sources agree with it (DESTA, GPTAD_MEM)" in resolved.note

    def test_a_tie_goes_to_the_more_precise_date_then_the_higher_ranked_source(self):
        resolved = c.resolve([claim("2014", "DESTA", "dataset"), claim("2015-03-01", "HUGGO_MEM_additional",
                                                                           "dataset")], "x")
        assert str(resolved.literal) == "2015-03-01" and "as many agree with another date" in resolved.note
        resolved = c.resolve([claim("2014-02-01", "DESTA", "dataset"), claim("2015-03-01", "000")], "x")
        assert str(resolved.literal) == "2015-03-01"  # a curated document ranks before DESTA

    def test_a_range_contains_the_dates_it_allows(self):
        resolved = c.resolve([claim("[1999-09-26..2001-07-02]", "000"), claim("2000", "HUGGO", "dataset")], "x")
        assert resolved.literal == Literal("2000", datatype=XSD.gYear) and resolved.conflicts == []

    def test_overlapping_ranges_combine_to_the_days_both_allow(self):
        resolved = c.resolve([claim("[1999-09..2000-06]", "A"), claim("[2000-01..2000-12]", "B")], "x")
        assert (resolved.earliest, resolved.latest) == (D(2000, 1, 1), D(2000, 6, 30))
        assert resolved.literal == Literal("[2000-01-01..2000-06-30]", datatype=EDTF)

    def test_an_open_range_keeps_its_open_end(self):
        resolved = c.resolve([claim("[..2001-07-02]", "A")], "x")
        assert (resolved.earliest, resolved.latest) == (None, D(2001, 7, 2))


class TestDateLiteral:
    @pytest.mark.parametrize("earliest, latest, expected", [
        (D(2003, 7, 1), D(2003, 7, 1), Literal("2003-07-01", datatype=XSD.date)),
        (D(2001, 1, 1), D(2001, 12, 31), Literal("2001", datatype=XSD.gYear)),
        (D(2004, 2, 1), D(2004, 2, 29), Literal("2004-02", datatype=XSD.gYearMonth)),
        (D(2003, 7, 1), D(2004, 4, 1), Literal("[2003-07-01..2004-04-01]", datatype=EDTF)),
        (None, D(2004, 4, 1), Literal("[..2004-04-01]", datatype=EDTF)),
    ])
    def test_the_shortest_honest_form(self, earliest, latest, expected):
        assert c.date_literal(earliest, latest) == expected


# ---------------------------------------------------------------------------
# R4, R5: treaty rules on hand-made ratifications
# ---------------------------------------------------------------------------

ICMW_87 = c.Rule("rule", MRKG.EntryIntoForceForLaterParty, 3, 0, True, MRKG.AfterEntryIntoForce, "Art. 87(2)")
REFUGEE_43 = c.Rule("rule", MRKG.EntryIntoForceForLaterParty, 0, 90, False, MRKG.AfterThreshold, "Art. 43(2)")
ICMW_89 = c.Rule("rule", MRKG.DenunciationTakesEffect, 12, 0, True, None, "Art. 89(2)")


def span(text: str) -> c.Resolved:
    parsed = parse_date_or_range(text)
    return c.Resolved(parsed.literal(), parsed.earliest, parsed.latest)


class TestTreatyRules:
    def test_first_day_of_the_month_following_three_months(self):
        # Guatemala deposited the twentieth instrument on 14 March 2003; the ICMW entered into force on 1 July.
        assert ICMW_87.apply(D(2003, 3, 14)) == D(2003, 7, 1)
        assert ICMW_87.apply(D(2003, 11, 30)) == D(2004, 3, 1)  # 30 February does not exist: 29 February
        assert ICMW_87.apply(D(2003, 3, 31)) == D(2003, 7, 1)

    def test_a_deposit_before_the_treatys_own_entry_into_force_binds_from_it(self):
        assert c.later_consent_bounds(ICMW_87, span("2003-07-01"), span("2002-01-08")) == (D(2003, 7, 1),
                                                                                          D(2003, 7, 1))

    def test_a_deposit_after_it_follows_the_rule(self):
        assert c.later_consent_bounds(ICMW_87, span("2003-07-01"), span("2003-09-29")) == (D(2004, 1, 1),
                                                                                          D(2004, 1, 1))

    def test_a_deposit_known_to_the_year_gives_a_range(self):
        # Kyrgyzstan, 2003: deposited before 1 July 2003 (bound from then) or later (up to 1 April 2004).
        assert c.later_consent_bounds(ICMW_87, span("2003-07-01"), span("2003")) == (D(2003, 7, 1), D(2004, 4, 1))
        # Tajikistan, 2002: every day of 2002 is before the Convention's own entry into force.
        assert c.later_consent_bounds(ICMW_87, span("2003-07-01"), span("2002")) == (D(2003, 7, 1), D(2003, 7, 1))

    def test_after_threshold_a_party_is_bound_from_the_later_of_the_two(self):
        assert c.later_consent_bounds(REFUGEE_43, span("1954-04-22"), span("2001")) == (D(2001, 4, 1),
                                                                                        D(2002, 3, 31))
        assert c.later_consent_bounds(REFUGEE_43, span("1954-04-22"), span("1953-01-10")) == (D(1954, 4, 22),
                                                                                              D(1954, 4, 22))

    def test_without_the_treatys_own_entry_into_force_nothing_is_derived(self):
        assert c.later_consent_bounds(ICMW_87, None, span("2003")) is None
        assert c.later_consent_bounds(ICMW_87, span("2003"), span("2003-05-01")) is None  # its day is needed

    def test_a_denunciation_takes_effect_by_its_rule(self):
        assert c.delay_bounds(ICMW_89, span("2010-03-15")) == (D(2011, 4, 1), D(2011, 4, 1))


# ---------------------------------------------------------------------------
# R7: three-valued in-force answers on intervals
# ---------------------------------------------------------------------------


def timeline(**dates) -> list[tuple]:
    resolved = {prop: span(dates[name]) if name in dates else None for name, prop in c.EVENTS.items()}
    termination = span(dates["termination"]) if "termination" in dates else None
    kind = dates.get("kind", "binding")
    return [(p.start, p.until, p.status, p.answer) for p in c.status_timeline(kind, resolved, termination)]


class TestStatusTimeline:
    def test_an_entry_into_force_within_bounds_is_uncertain_between_them(self):
        assert timeline(signature="1999-02-26", **{"entry into force": "[1999-09-26..2001-07-02]"}) == [
            (None, D(1999, 2, 26), "not yet signed", c.NO),
            (D(1999, 2, 26), D(1999, 9, 26), "not yet in force", c.NO),
            (D(1999, 9, 26), D(2001, 7, 2), "uncertain (entry into force: 1999-09-26 to 2001-07-02)", c.MAYBE),
            (D(2001, 7, 2), None, "in force", c.YES),
        ]

    def test_a_date_known_to_the_year_is_uncertain_during_that_year(self):
        assert timeline(**{"entry into force": "2000", "withdrawal": "2009-08"}) == [
            (None, D(2000, 1, 1), "not yet in force", c.NO),
            (D(2000, 1, 1), D(2000, 12, 31), "uncertain (entry into force: 2000-01-01 to 2000-12-31)", c.MAYBE),
            (D(2000, 12, 31), D(2009, 8, 1), "in force", c.YES),
            (D(2009, 8, 1), D(2009, 8, 31), "uncertain (withdrawal: 2009-08-01 to 2009-08-31)", c.MAYBE),
            (D(2009, 8, 31), None, "withdrawn", c.NO),
        ]

    def test_suspension_and_termination(self):
        assert timeline(**{"entry into force": "2000-01-01", "suspension": "2005-01-01",
                           "end of suspension": "2006-01-01", "termination": "2010-01-01"}) == [
            (None, D(2000, 1, 1), "not yet in force", c.NO),
            (D(2000, 1, 1), D(2005, 1, 1), "in force", c.YES),
            (D(2005, 1, 1), D(2006, 1, 1), "suspended", c.NO),
            (D(2006, 1, 1), D(2010, 1, 1), "in force", c.YES),
            (D(2010, 1, 1), None, "terminated", c.NO),
        ]

    def test_no_dates_or_only_a_consent_is_not_known_not_out_of_force(self):
        assert timeline() == [(None, None, "party (no dates recorded)", c.NOT_KNOWN)]
        assert timeline(consent="2001") == [(None, D(2001, 1, 1), "party (no dates recorded)", c.NOT_KNOWN),
                                            (D(2001, 1, 1), None, "consented (entry into force not recorded)",
                                             c.NOT_KNOWN)]

    def test_signed_with_no_entry_into_force_is_not_known_after_signature_only(self):
        assert timeline(signature="1999-02-26") == [
            (None, D(1999, 2, 26), "not yet signed", c.NO),
            (D(1999, 2, 26), None, "signed (entry into force not recorded)", c.NOT_KNOWN)]

    def test_non_binding_and_draft_instruments_never_bind(self):
        assert timeline(kind="non-binding", **{"entry into force": "2000"}) == [(None, None, "non-binding", c.NO)]
        assert timeline(kind="draft") == [(None, None, "draft", c.NO)]

    def test_the_last_possible_day_is_certain(self):
        # Entered into force on some day of 2000: on 31 December 2000 it certainly had.
        periods = timeline(**{"entry into force": "2000"})
        assert periods[-1] == (D(2000, 12, 31), None, "in force", c.YES)

    def test_every_day_falls_in_exactly_one_period(self):
        periods = timeline(signature="1999", consent="[1999-06..2000-02]", **{"entry into force": "2000",
                                                                             "withdrawal": "[2008..]"})
        for start, until in zip([p[1] for p in periods[:-1]], [p[0] for p in periods[1:]]):
            assert start == until
        assert periods[0][0] is None and periods[-1][1] is None


# ---------------------------------------------------------------------------
# The stage on a hand-made dataset: golden graph
# ---------------------------------------------------------------------------


@pytest.fixture
def records() -> Records:
    r = Records()
    r.document("000_doc.txt")
    r.document("HUGGO_MEM_additional.csv", "dataset")
    r.document("DESTA.csv", "dataset")
    r.document("GPTAD_MEM.csv", "dataset")
    r.document("treaty-text", "official-text")
    for code, label, *aliases in (("BLR", "Belarus"), ("RUS", "Russian Federation", "Russia"),
                                  ("TJK", "Tajikistan"), ("MDA", "Moldova"), ("UKR", "Ukraine")):
        r.country(code, label, *aliases)
    # A curated treaty also in a table: one entity, two records, the curated title.
    r.instrument("treaty-1999", type_=MRKG.Treaty)
    r.record("treaty-1999", "000_doc.txt", "Treaty on Things", curated=True, date="1999-02-26")
    r.record("treaty-1999", "DESTA.csv", "Belarus Russia", date="1999")
    r.participation("treaty-1999", "BLR", "000_doc.txt", signed="1999-02-26", in_force="1999-12-23")
    r.participation("treaty-1999", "BLR", "DESTA.csv", signed="1999", in_force="1999")
    r.participation("treaty-1999", "RUS", "000_doc.txt", signed="1999-02-26", in_force="[1999-09-26..2001-07-02]")
    # A table-only treaty named by its parties, with conflicting dates.
    r.instrument("ftz-2003")
    r.record("ftz-2003", "HUGGO_MEM_additional.csv", "Moldova Ukraine", date="2003-11-13")
    r.record("ftz-2003", "GPTAD_MEM.csv", "Moldova - Ukraine", source_type="Bilateral Free Trade Agreement",
             date="2003-11-13")
    r.participation("ftz-2003", "MDA", "HUGGO_MEM_additional.csv", in_force="2008-05-16")
    r.participation("ftz-2003", "MDA", "DESTA.csv", in_force="2005")
    r.participation("ftz-2003", "MDA", "GPTAD_MEM.csv", in_force="2005-05-19")
    r.participation("ftz-2003", "UKR", "GPTAD_MEM.csv", in_force="2005-05-19")
    # A convention with its own rule: an entry into force derived from a consent known to the year.
    r.instrument("convention", type_=MRKG.Convention)
    r.record("convention", "treaty-text", "Convention on Workers", in_force="2003-07-01")
    r.rule("convention", MRKG.EntryIntoForceForLaterParty, months=3, next_month=True,
           applies=MRKG.AfterEntryIntoForce)
    r.participation("convention", "TJK", "HUGGO_MEM_additional.csv", consent_date="2003",
                    consent_type=MRKG.RatificationOrAccession)
    return r


def test_consolidated_layer_matches_the_golden_graph(records):
    result = records.consolidate()
    expected = Graph().parse(GOLDEN, format="turtle")
    got = consolidated_graph(result)
    if not isomorphic(got, expected):
        missing = sorted(t for t in expected if t not in got)
        extra = sorted(t for t in got if t not in expected)
        raise AssertionError("consolidated graph differs from golden:\nmissing:\n"
                             + "\n".join(map(str, missing[:20])) + "\nextra:\n" + "\n".join(map(str, extra[:20])))


class TestStage:
    def test_one_participation_per_instrument_and_party_with_every_source(self, records):
        result = records.consolidate()
        node = iris.participation("treaty-1999", "BLR")
        assert str(value(result, node, MRKG.entryIntoForce)) == "1999-12-23"
        assert str(value(result, node, MRKG.sourcesCited)) == "000_doc.txt (000_doc.txt row BLR); DESTA.csv " \
                                                              "(DESTA.csv row BLR)"
        derived = {o for s, p, o, _ in result.quads if s == node and p == RDFS.label}
        assert derived == {Literal("BLR in treaty-1999")}

    def test_conflicts_are_published_and_linked(self, records):
        result = records.consolidate()
        node = iris.participation("ftz-2003", "MDA")
        assert str(value(result, node, MRKG.entryIntoForce)) == "2005-05-19"
        linked = {o for s, p, o, _ in result.quads if s == node and p == MRKG.hasDiscrepancy}
        assert linked == {d.node for d in result.discrepancies}
        assert len(result.discrepancies) == 2

    def test_a_derived_entry_into_force_says_so(self, records):
        result = records.consolidate()
        node = iris.participation("convention", "TJK")
        assert value(result, node, MRKG.entryIntoForce) == Literal("[2003-07-01..2004-04-01]", datatype=EDTF)
        assert value(result, node, MRKG.entryIntoForceRule) == iris.entity("rule", "convention", "r")
        assert "Entry into force derived, not recorded" in str(value(result, node, SKOS.editorialNote))

    def test_titles(self, records):
        result = records.consolidate()
        assert str(value(result, iris.instrument("treaty-1999"), RDFS.label)) == "Treaty on Things"
        assert str(value(result, iris.instrument("ftz-2003"), RDFS.label)) == \
            "Free trade agreement between Moldova and Ukraine (2003)"
        alt = {str(o) for s, p, o, _ in result.quads if s == iris.instrument("ftz-2003") and p == SKOS.altLabel}
        assert alt == {"Moldova Ukraine", "Moldova - Ukraine"}


@pytest.mark.parametrize("title, proper", [
    ("Belarus Russia", False), ("Armenia - Kyrgyz", False), ("Eurasian Economic Community (EAEC)", False),
    ("Common Economic Zone", False), ("Commonwealth of Independent States (CIS) Free Trade Agreement", True),
    ("Treaty on Customs Union and Common Economic Space", True), ("Mobility Partnership Facility (MPF)", True),
])
def test_a_proper_title_says_what_the_instrument_is(title, proper):
    assert c.is_proper_title(title) is proper


def test_possible_duplicates_need_the_same_year_and_parties():
    r = Records()
    r.document("a.txt")
    for ident, parties, year in (("one", ("BLR", "RUS"), "1999"), ("two", ("BLR", "RUS"), "1999-05-01"),
                                 ("three", ("BLR", "RUS"), "2000"), ("big", ("BLR", "RUS", "TJK", "KAZ"), "1999"),
                                 ("five", ("BLR", "RUS", "TJK", "KAZ", "KGZ"), "1999")):
        r.instrument(ident)
        r.record(ident, "a.txt", "Agreement " + ident, date=year)
        for party in parties:
            r.participation(ident, party, "a.txt")
    result = r.consolidate()
    pairs = {frozenset((str(s), str(o))) for s, p, o, _ in result.quads if p == MRKG.possibleDuplicateOf}
    assert pairs == {frozenset((str(iris.instrument("one")), str(iris.instrument("two")))),
                     frozenset((str(iris.instrument("big")), str(iris.instrument("five"))))}
    assert result.possible_duplicates == 2
