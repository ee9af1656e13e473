"""Stage 4 of the build (graph/build.py, "consolidate"): the consolidated layer, one statement per
instrument, per party of an instrument and per membership.

Every source keeps its own records in its own named graph: an instrument record
(``mrkg:InstrumentRecord``: title, dates of the instrument as a whole), a participation record
(``mrkg:Participation``: one party's dates) and a membership record (``org:Membership``) per
source. The named queries answer from what this stage writes into ``graph/consolidated``: for each
instrument its label and dates, for each instrument and party one ``mrkg:ConsolidatedParticipation``,
for each organisation and member one ``mrkg:ConsolidatedMembership``, each listing every source
(``dcterms:source``, ``prov:wasDerivedFrom``, ``mrkg:sourcesCited``). The rules:

R1 **Agreeing dates combine.** Two records agree on a date when the days they allow overlap
   (``1999`` and ``1999-12-23``; ``[1999-09-26..2001-07-02]`` and ``2000``). The consolidated date
   is the span of days every record of the agreeing group allows: the most precise date when the
   others contain it, keeping that record's own form.
R2 **Conflicting dates are all kept; one is preferred.** When the records do not all agree, the
   preferred date is the one of the largest group of agreeing sources (most sources); a tie goes
   to the group whose common span is shortest (the most precise), then to the group with the
   highest-ranked source (``RANKS``: the treaty's official text, then the curated documents, then
   HUGGO, GPTAD, DESTA and the ICMW table). Every pair of disagreeing records from different
   sources is published as a discrepancy (comparison ``date``, ``graph/comparisons``), linked from
   the consolidated statement (``mrkg:hasDiscrepancy``), and the note says which was preferred
   and why.
R3 **Bounds.** Every consolidated date carries the first and last day it can be
   (``mrkg:entryIntoForceEarliest`` / ``Latest``, ...), so that "in force on a date" is answered
   in force, not in force, or uncertain (the date falls between the bounds of an event).
R4 **Derived entry into force.** Where no source gives a party's entry into force, the party has
   consented (a consent date), and the treaty's own rule for later consent is recorded
   (``treaty-provisions.yaml``), the entry into force is derived: from the treaty's own entry into
   force for a consent before it (``after-entry-into-force``), else the rule's delay after the
   consent; or the later of the two (``after-threshold``). A consent known only to a year gives a
   range. The statement says it is derived (``mrkg:entryIntoForceRule``) and the note says from
   what. Without the treaty's own entry into force, nothing is derived.
R5 **Derived withdrawal.** Likewise, a denunciation date and the treaty's denunciation rule give
   the date the withdrawal takes effect, where no source gives it.
R6 **Titles.** An instrument is labelled with its curated title where a curator recorded one;
   otherwise with the first source title that says what kind of instrument it is (``PROPER``),
   in the order official text, HUGGO, DESTA, GPTAD, ICMW table; otherwise with a title built from
   the sources: the kind (GPTAD's type, else "Trade agreement" for the trade-agreement tables),
   the parties or the name the source gives, and the year of signature, for example "Free trade
   agreement between Armenia and the Russian Federation (1992)". Every other source title is an
   alternative label; a built title says so in a note.
R7 **Status on any date, computed once.** From its consolidated dates and the instrument's class
   and termination, each participation gets a timeline of status periods (``mrkg:StatusPeriod``:
   from, until, a status such as "in force", "not yet in force", "withdrawn" or "uncertain (entry
   into force: 1999-09-26 to 2001-07-02)", and whether the instrument is in force for the party:
   in force, not in force, uncertain, or not known where no source records the entry into force of a
   signed or consented participation). A date falls in exactly one period, so an instrument has
   one status per party on any date, and every query reads the same answer.
R8 **Possible duplicates.** Two instruments with the same year of signature and the same parties,
   or with at least three parties of one all among those of the other (a treaty and the same treaty
   with its later accessions), that the match table neither merged,
   linked as a close match nor declared different, are published as
   ``mrkg:possibleDuplicateOf`` for review (``mrkg query duplicate-candidates``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from mrkg.graph.compare import Discrepancy
from mrkg.loaders.types import EDTF, DateRange, PartialDate, parse_date_or_range
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, ORG, SCHEMA, TIME

GRAPH = iris.CONSOLIDATED_GRAPH

# Source precedence, used only to break ties (R2) and to order lists: a treaty's official text,
# then what a curator read in a document (with a verbatim quote), then the tables: HUGGO codes
# each state's dates from the treaty texts, GPTAD prints the treaty's dates (month first), DESTA
# gives years only, and the ICMW table years of consent only.
RANKS = {"official-text": 0, "document": 1, "HUGGO_MEM_additional": 2, "GPTAD_MEM": 3, "DESTA": 4,
         "hr_status_icmw": 5}
OTHER_DATASET = 6

PARTICIPATION_DATES = {  # property -> (label, earliest, latest)
    MRKG.signatureDate: ("signature", MRKG.signatureEarliest, MRKG.signatureLatest),
    MRKG.consentDate: ("consent", MRKG.consentEarliest, MRKG.consentLatest),
    MRKG.entryIntoForce: ("entry into force", MRKG.entryIntoForceEarliest, MRKG.entryIntoForceLatest),
    MRKG.denunciationDate: ("denunciation", None, None),
    MRKG.withdrawalDate: ("withdrawal", MRKG.withdrawalEarliest, MRKG.withdrawalLatest),
    MRKG.suspensionDate: ("suspension", MRKG.suspensionEarliest, MRKG.suspensionLatest),
    MRKG.suspensionEndDate: ("end of suspension", MRKG.suspensionEndEarliest, MRKG.suspensionEndLatest),
}
INSTRUMENT_DATES = {
    SCHEMA.legislationDate: ("signature or adoption", MRKG.signatureEarliest, MRKG.signatureLatest),
    MRKG.entryIntoForce: ("entry into force", MRKG.entryIntoForceEarliest, MRKG.entryIntoForceLatest),
    MRKG.terminationDate: ("termination", MRKG.terminationEarliest, MRKG.terminationLatest),
}
MEMBERSHIP_DATES = {
    TIME.hasBeginning: ("start", SCHEMA.startDate, MRKG.startEarliest, MRKG.startLatest),
    TIME.hasEnd: ("end", SCHEMA.endDate, MRKG.endEarliest, MRKG.endLatest),
}
INSTANT_VALUES = (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear)
GENERIC_CONSENT = MRKG.RatificationOrAccession

# A title that says what kind of instrument it is (R6); "Belarus Russia" and "Common Economic
# Zone" do not.
PROPER = re.compile(
    r"\b(agreements?|treaty|convention|protocols?|decisions?|declaration|memorandum|law|decree|resolution|"
    r"concept|programme|program|strategy|project|plan|charter|accord|code|statute|arrangement|scheme|card|"
    r"system|facility|fund|regulations?|rules|amendments?|changes|version|partnership|procedure|licensing|"
    r"quota|instrument|initiative|mechanism|directive|fee|permit|visa|regime)\b", re.IGNORECASE)
TRADE_TABLES = {"HUGGO_MEM_additional", "GPTAD_MEM", "DESTA"}
GPTAD_KINDS = {
    "Bilateral Free Trade Agreement": "Free trade agreement",
    "Regional/Plurilateral Free Trade Agreement": "Free trade agreement",
    "Association Free Trade Agreement": "Free trade agreement",
    "Customs Union Primary Agreement": "Customs union agreement",
    "Customs Union Accession Agreement": "Customs union accession agreement",
    "Framework Agreement": "Framework agreement",
}
TITLE_ORDER = {"official-text": 0, "HUGGO_MEM_additional": 1, "DESTA": 2, "GPTAD_MEM": 3, "hr_status_icmw": 4,
               "document": 5}


# ---------------------------------------------------------------------------
# Dates: claims, agreement, preference
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    node: str
    name: str  # the document's identifier (file name), as tables show it
    stem: str
    kind: str  # "official-text", "document" or "dataset"

    @property
    def rank(self) -> tuple:
        return (RANKS.get(self.kind if self.kind != "dataset" else self.stem, OTHER_DATASET), self.name)


@dataclass(frozen=True)
class Claim:
    """One source's value of one date of one record."""

    record: str
    prop: URIRef
    literal: Literal
    date: PartialDate | DateRange
    source: Source

    @property
    def earliest(self) -> dt.date | None:
        return self.date.earliest

    @property
    def latest(self) -> dt.date | None:
        return self.date.latest

    def __str__(self) -> str:
        return f"{self.source.name} {self.date}"


@dataclass
class Resolved:
    """A consolidated date: its value, its bounds, and how it was reached."""

    literal: Literal
    earliest: dt.date | None
    latest: dt.date | None
    claims: list[Claim] = field(default_factory=list)
    conflicts: list[tuple[Claim, Claim]] = field(default_factory=list)
    note: str | None = None
    rule: str | None = None  # the treaty rule's IRI, for a derived date


def parse_literal(literal: Literal) -> PartialDate | DateRange | None:
    if not isinstance(literal, Literal):
        return None
    if literal.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear, EDTF):
        try:
            return parse_date_or_range(str(literal))
        except ValueError:
            return None
    return None


def overlap(a, b) -> bool:
    """Two claims (or spans) allow a common day."""
    return ((a.earliest is None or b.latest is None or a.earliest <= b.latest)
            and (b.earliest is None or a.latest is None or b.earliest <= a.latest))


def _contains(claim: Claim, day: dt.date) -> bool:
    return (claim.earliest is None or claim.earliest <= day) and (claim.latest is None or day <= claim.latest)


@dataclass(frozen=True)
class Span:
    earliest: dt.date | None
    latest: dt.date | None

    @property
    def width(self) -> float:
        if self.earliest is None or self.latest is None:
            return float("inf")
        return (self.latest - self.earliest).days


def common_span(claims: Iterable[Claim]) -> Span:
    starts = [c.earliest for c in claims if c.earliest is not None]
    ends = [c.latest for c in claims if c.latest is not None]
    return Span(max(starts) if starts else None, min(ends) if ends else None)


def date_literal(earliest: dt.date | None, latest: dt.date | None) -> Literal:
    """The shortest honest form of a span of possible days: a day, a month, a year, or an EDTF range."""
    if earliest is not None and latest is not None:
        if earliest == latest:
            return Literal(earliest.isoformat(), datatype=XSD.date)
        last_of_month = calendar.monthrange(latest.year, latest.month)[1]
        if earliest.day == 1 and latest.day == last_of_month and (earliest.year, earliest.month) == (
                latest.year, latest.month):
            return Literal(earliest.isoformat()[:7], datatype=XSD.gYearMonth)
        if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31) and earliest.year == latest.year:
            return Literal(str(earliest.year), datatype=XSD.gYear)
    start = earliest.isoformat() if earliest else ""
    end = latest.isoformat() if latest else ""
    return Literal(f"[{start}..{end}]", datatype=EDTF)


def resolve(claims: list[Claim], label: str) -> Resolved | None:
    """R1 and R2: the consolidated value of one date from every source's claim."""
    if not claims:
        return None
    claims = sorted(claims, key=lambda c: (c.source.rank, c.record))
    points = sorted({d for c in claims for d in (c.earliest, c.latest) if d is not None})
    groups = [[c for c in claims if _contains(c, p)] for p in points] or [claims]  # all open: one group
    best = min(groups, key=lambda g: (-len({c.source.node for c in g}), common_span(g).width,
                                      min(c.source.rank for c in g), [c.record for c in g]))
    span = common_span(best)
    same = [c for c in best if (c.earliest, c.latest) == (span.earliest, span.latest)]
    literal = same[0].literal if same else date_literal(span.earliest, span.latest)
    conflicts = [(a, b) for i, a in enumerate(claims) for b in claims[i + 1:]
                 if a.source.node != b.source.node and not overlap(a, b)]
    note = None
    if conflicts:
        sources = {c.source.node for c in claims}
        agreeing = sorted({c.source.name for c in best})
        ties = [g for g in groups if len({c.source.node for c in g}) == len({c.source.node for c in best})
                and {c.record for c in g} != {c.record for c in best}]
        why = (f"{len({c.source.node for c in best})} of {len(sources)} sources agree with it "
               f"({', '.join(agreeing)})")
        if ties:
            why += "; as many agree with another date, so the more precise date, then the source ranked first " \
                   "(official text, curated document, HUGGO, GPTAD, DESTA, ICMW table), is preferred"
        note = (f"Sources disagree on the {label}: " + "; ".join(str(c) for c in claims)
                + f". Preferred: {literal}, because {why}.")
    return Resolved(literal, span.earliest, span.latest, claims, conflicts, note)


# ---------------------------------------------------------------------------
# Treaty rules (R4, R5)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    node: str
    kind: URIRef
    months: int
    days: int
    next_month: bool
    applies: URIRef | None
    label: str

    def apply(self, day: dt.date) -> dt.date:
        month = day.month - 1 + self.months
        year, month = day.year + month // 12, month % 12 + 1
        moved = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])) + dt.timedelta(days=self.days)
        if self.next_month:
            moved = (moved.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return moved


def later_consent_bounds(rule: Rule, treaty: Resolved | None, consent: Resolved) -> tuple | None:
    """The span of days a party's entry into force can be, from its consent and the treaty's own
    entry into force (R4); None when the rule cannot be applied."""
    if treaty is None:
        return None
    if rule.applies == MRKG.AfterEntryIntoForce:
        if treaty.earliest is None or treaty.earliest != treaty.latest:
            return None  # the step at the treaty's entry into force needs its day
        start = treaty.earliest

        def bound(c: dt.date | None, low: bool) -> dt.date | None:
            if c is None:
                return start if low else None
            return start if c < start else rule.apply(c)
    else:
        def bound(c: dt.date | None, low: bool) -> dt.date | None:
            treaty_day = treaty.earliest if low else treaty.latest
            if treaty_day is None:
                return None if not low else (rule.apply(c) if c else None)
            if c is None:
                return treaty_day if low else None
            return max(treaty_day, rule.apply(c))
    return bound(consent.earliest, True), bound(consent.latest, False)


def delay_bounds(rule: Rule, notice: Resolved) -> tuple:
    return (rule.apply(notice.earliest) if notice.earliest else None,
            rule.apply(notice.latest) if notice.latest else None)


# ---------------------------------------------------------------------------
# Reading the records
# ---------------------------------------------------------------------------


@dataclass
class Graphs:
    """The records of every source, read once from the dataset (its named graphs as one union)."""

    data: Dataset
    sources: dict[str, Source] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in self.data.subjects(RDF.type, MRKG.SourceDocument, unique=True):
            name = str(self.data.value(node, DCTERMS.identifier))
            kind = ("dataset" if (node, RDF.type, DCAT.Dataset) in self.data
                    else "official-text" if self.data.value(node, SCHEMA.url) is not None else "document")
            self.sources[str(node)] = Source(str(node), name, name if kind == "official-text"
                                             else name.rsplit(".", 1)[0], kind)

    def source(self, record) -> Source | None:
        document = self.data.value(record, DCTERMS.source)
        return self.sources.get(str(document)) if document is not None else None

    def claims(self, record, props: Iterable[URIRef]) -> dict[URIRef, Claim]:
        source = self.source(record)
        out = {}
        if source is None:
            return out
        for prop in props:
            literal = self.data.value(record, prop)
            date = parse_literal(literal) if literal is not None else None
            if date is not None:
                out[prop] = Claim(str(record), prop, literal, date, source)
        return out

    def citation(self, record) -> tuple[tuple, str]:
        source = self.source(record)
        locator = self.data.value(record, MRKG.locator)
        text = source.name + (f" ({locator})" if locator is not None else "")
        return source.rank, text


def cited(graphs: Graphs, records: Iterable) -> str:
    return "; ".join(text for _, text in sorted({graphs.citation(r) for r in records}))


# ---------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------


@dataclass
class Consolidated:
    quads: list[tuple] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    possible_duplicates: int = 0

    def add(self, s, p, o) -> None:
        self.quads.append((s, p, o, GRAPH))


def consolidate(dataset: Dataset) -> Consolidated:
    """The consolidated layer of ``dataset`` (its named graphs read as one): quads for
    ``graph/consolidated`` and the date discrepancies between sources."""
    data = Dataset(store=dataset.store, default_union=True)
    graphs = Graphs(data)
    out = Consolidated()
    rules = _rules(data)
    instruments = _instruments(graphs, out)
    parties = _participations(graphs, out, rules, instruments)
    _titles(graphs, out, parties, instruments)
    _memberships(graphs, out)
    _possible_duplicates(graphs, out, parties, instruments)
    out.discrepancies.sort(key=lambda d: str(d.node))
    _disputed(out)
    return out


def _disputed(out: Consolidated) -> None:
    """Each source record involved in a date discrepancy says which of its dates are disputed,
    so that the per-source view (``claims``) shows it without aggregating."""
    labels = {str(prop): label for prop, (label, *_) in {**PARTICIPATION_DATES, **INSTRUMENT_DATES}.items()}
    labels.update({str(TIME.hasBeginning): "membership start", str(TIME.hasEnd): "membership end"})
    disputed: dict[str, set[str]] = defaultdict(set)
    for found in out.discrepancies:
        for record in (found.a, found.b):
            disputed[record].add(labels[found.date_property])
    for record, names in sorted(disputed.items()):
        out.add(URIRef(record), MRKG.disputedDates, Literal(", ".join(sorted(names))))


def add_to(dataset: Dataset, consolidated: Consolidated) -> None:
    target = dataset.graph(GRAPH)
    for s, p, o, _ in consolidated.quads:
        target.add((s, p, o))


def _rules(data: Dataset) -> dict[tuple[str, URIRef], Rule]:
    out = {}
    for node in data.subjects(RDF.type, MRKG.TreatyRule, unique=True):
        instrument, kind = data.value(node, MRKG.ruleOf), data.value(node, MRKG.ruleKind)
        months, days = data.value(node, MRKG.delayMonths), data.value(node, MRKG.delayDays)
        out[(str(instrument), kind)] = Rule(
            str(node), kind, int(months) if months is not None else 0, int(days) if days is not None else 0,
            bool(data.value(node, MRKG.firstDayOfNextMonth)), data.value(node, MRKG.appliesAfter),
            str(data.value(node, RDFS.label)))
    return out


def _link_discrepancies(out: Consolidated, node: URIRef, resolved: Resolved) -> None:
    for a, b in resolved.conflicts:
        first, second = sorted((a, b), key=lambda c: c.record)
        found = Discrepancy("date", first.record, second.record, date_property=str(a.prop))
        out.discrepancies.append(found)
        out.add(node, MRKG.hasDiscrepancy, found.node)


def _write_date(out: Consolidated, node: URIRef, prop: URIRef, resolved: Resolved, earliest: URIRef | None,
                latest: URIRef | None) -> None:
    out.add(node, prop, resolved.literal)
    if earliest is not None and resolved.earliest is not None:
        out.add(node, earliest, Literal(resolved.earliest.isoformat(), datatype=XSD.date))
    if latest is not None and resolved.latest is not None:
        out.add(node, latest, Literal(resolved.latest.isoformat(), datatype=XSD.date))
    _link_discrepancies(out, node, resolved)


@dataclass
class InstrumentFacts:
    records: list = field(default_factory=list)
    dates: dict[URIRef, Resolved] = field(default_factory=dict)
    kind: str = "binding"  # "binding", "non-binding", "draft" or "other" (national acts, programmes, ...)


def _instruments(graphs: Graphs, out: Consolidated) -> dict[str, InstrumentFacts]:
    data = graphs.data
    by_instrument: dict[str, InstrumentFacts] = defaultdict(InstrumentFacts)
    for record in data.subjects(RDF.type, MRKG.InstrumentRecord, unique=True):
        by_instrument[str(data.value(record, MRKG.recordOf))].records.append(record)
    for instrument, facts in sorted(by_instrument.items()):
        node = URIRef(instrument)
        facts.kind = _kind(data, node)
        facts.records.sort(key=lambda r: (graphs.citation(r)[0], str(r)))
        claims: dict[URIRef, list[Claim]] = defaultdict(list)
        for record in facts.records:
            for prop, claim in graphs.claims(record, INSTRUMENT_DATES).items():
                claims[prop].append(claim)
            out.add(node, PROV.wasDerivedFrom, record)
            out.add(node, DCTERMS.source, data.value(record, DCTERMS.source))
        out.add(node, MRKG.sourcesCited, Literal(cited(graphs, facts.records)))
        for prop, (label, earliest, latest) in INSTRUMENT_DATES.items():
            resolved = resolve(claims[prop], label)
            if resolved is not None:
                facts.dates[prop] = resolved
                _write_date(out, node, prop, resolved, earliest, latest)
                if resolved.note:
                    out.add(node, SKOS.editorialNote, Literal(resolved.note, lang="en"))
    return by_instrument


def _kind(data: Dataset, node: URIRef) -> str:
    classes = set(data.objects(node, RDF.type))
    if MRKG.DraftInstrument in classes:
        return "draft"
    if MRKG.NonBindingInstrument in classes:
        return "non-binding"
    if any((cls, RDFS.subClassOf, MRKG.BindingInstrument) in data for cls in classes):
        return "binding"
    return "other"


def _participations(graphs: Graphs, out: Consolidated, rules: dict, instruments: dict[str, InstrumentFacts]
                    ) -> dict[str, set[str]]:
    """One consolidated participation per instrument and party; returns each instrument's parties."""
    data = graphs.data
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for record in data.subjects(RDF.type, MRKG.Participation, unique=True):
        groups[(str(data.value(record, MRKG.instrument)), str(data.value(record, MRKG.party)))].append(record)
    parties: dict[str, set[str]] = defaultdict(set)
    for (instrument, party), records in sorted(groups.items()):
        parties[instrument].add(party)
        instrument_id, party_id = instrument.rsplit("/", 1)[1], party.rsplit("/", 1)[1]
        node = iris.participation(instrument_id, party_id)
        records.sort(key=lambda r: (graphs.citation(r)[0], str(r)))
        out.add(node, RDF.type, MRKG.ConsolidatedParticipation)
        out.add(node, RDFS.label, Literal(f"{party_id} in {instrument_id}"))
        out.add(node, MRKG.instrument, URIRef(instrument))
        out.add(node, MRKG.party, URIRef(party))
        for record in records:
            out.add(node, PROV.wasDerivedFrom, record)
            out.add(node, DCTERMS.source, data.value(record, DCTERMS.source))
        out.add(node, MRKG.sourcesCited, Literal(cited(graphs, records)))
        claims: dict[URIRef, list[Claim]] = defaultdict(list)
        for record in records:
            for prop, claim in graphs.claims(record, PARTICIPATION_DATES).items():
                claims[prop].append(claim)
        resolved = {prop: resolve(claims[prop], label) for prop, (label, _, _) in PARTICIPATION_DATES.items()}
        notes = [r.note for r in resolved.values() if r is not None and r.note]
        treaty = instruments.get(instrument, InstrumentFacts()).dates.get(MRKG.entryIntoForce)
        rule = rules.get((instrument, MRKG.EntryIntoForceForLaterParty))
        consent = resolved[MRKG.consentDate]
        if rule is not None and consent is not None:
            bounds = later_consent_bounds(rule, treaty, consent)
            derived_note = (f"the treaty's rule ({rule.label}) and its own entry into force on {treaty.literal}"
                            if treaty is not None else "")
            if resolved[MRKG.entryIntoForce] is None and bounds is not None and bounds[0] is not None:
                literal = date_literal(*bounds)
                resolved[MRKG.entryIntoForce] = Resolved(literal, *bounds, rule=rule.node)
                notes.append(f"Entry into force derived, not recorded: no source gives it; the consent "
                             f"({consent.literal}) and {derived_note} give {literal}.")
            elif resolved[MRKG.entryIntoForce] is not None and bounds is not None and bounds[0] is not None \
                    and not overlap(resolved[MRKG.entryIntoForce], Span(*bounds)):
                notes.append(f"The recorded entry into force ({resolved[MRKG.entryIntoForce].literal}) disagrees "
                             f"with what the consent ({consent.literal}) and {derived_note} give "
                             f"({date_literal(*bounds)}).")
        denounce = rules.get((instrument, MRKG.DenunciationTakesEffect))
        notice = resolved[MRKG.denunciationDate]
        if denounce is not None and notice is not None and resolved[MRKG.withdrawalDate] is None:
            bounds = delay_bounds(denounce, notice)
            literal = date_literal(*bounds)
            resolved[MRKG.withdrawalDate] = Resolved(literal, *bounds, rule=denounce.node)
            notes.append(f"Withdrawal derived, not recorded: the denunciation ({notice.literal}) and the "
                         f"treaty's rule ({denounce.label}) give {literal}.")
        for prop, (_, earliest, latest) in PARTICIPATION_DATES.items():
            if resolved[prop] is not None:
                _write_date(out, node, prop, resolved[prop], earliest, latest)
        for prop, rule_prop in ((MRKG.entryIntoForce, MRKG.entryIntoForceRule),
                                (MRKG.withdrawalDate, MRKG.withdrawalRule)):
            if resolved[prop] is not None and resolved[prop].rule is not None:
                out.add(node, rule_prop, URIRef(resolved[prop].rule))
        consent_type = _consent_type(data, records, consent)
        if consent_type is not None:
            out.add(node, MRKG.consentType, consent_type)
        if resolved[MRKG.signatureDate] is None and any(data.value(r, MRKG.signatory) for r in records):
            out.add(node, MRKG.signatory, Literal(True))
        for record in records:  # the curators' readings of each source, after mrkg's own notes
            for note in sorted(str(n) for n in data.objects(record, SKOS.editorialNote)):
                notes.append(f"{graphs.source(record).name}: {note}")
        if notes:
            out.add(node, SKOS.editorialNote, Literal(" ".join(notes), lang="en"))
        facts = instruments.get(instrument, InstrumentFacts())
        timeline = status_timeline(facts.kind, resolved, facts.dates.get(MRKG.terminationDate),
                                   consented=consent_type is not None,
                                   signatory=resolved[MRKG.signatureDate] is None
                                   and any(data.value(r, MRKG.signatory) for r in records))
        for index, period in enumerate(timeline):
            _write_period(out, node, index, period)
    return parties


# ---------------------------------------------------------------------------
# Status periods (R7)
# ---------------------------------------------------------------------------

YES, MAYBE, NO = 2, 1, 0
# Not an answer the dates combine into (so outside the YES/MAYBE/NO order): a participation whose entry into
# force no source records, after its signature or consent, is neither certainly in force nor certainly not.
NOT_KNOWN = -1
ANSWERS = {YES: MRKG.InForce, MAYBE: MRKG.InForceUncertain, NO: MRKG.NotInForce, NOT_KNOWN: MRKG.InForceNotKnown}


@dataclass(frozen=True)
class Period:
    start: dt.date | None  # None: since ever
    until: dt.date | None  # exclusive; None: ongoing
    status: str
    answer: int  # YES, MAYBE, NO or NOT_KNOWN: is the instrument in force for the party


def reached(event, day: dt.date) -> int:
    """Has ``event`` (a span of possible days, or None) happened on ``day``: YES, MAYBE or NO."""
    if event is None or (event.earliest is None and event.latest is None):
        return NO
    if event.latest is not None and event.latest <= day:
        return YES
    if event.earliest is not None and event.earliest > day:
        return NO
    return MAYBE


def span_text(event) -> str:
    if event.earliest is not None and event.earliest == event.latest:
        return event.earliest.isoformat()
    if event.earliest is None:
        return f"on or before {event.latest.isoformat()}"
    if event.latest is None:
        return f"on or after {event.earliest.isoformat()}"
    return f"{event.earliest.isoformat()} to {event.latest.isoformat()}"


def status_on(kind: str, events: dict, day: dt.date, consented: bool, signatory: bool) -> tuple[str, int]:
    """The status of one party in one instrument on ``day``, and whether the instrument is in force
    for it, from the consolidated dates (``events``: name -> span or None)."""
    if kind == "draft":
        return "draft", NO
    if kind in ("non-binding", "other"):
        return "non-binding", NO  # a declaration, programme or concept binds no party, whatever its dates
    state = {name: reached(event, day) for name, event in events.items()}
    suspended = min(state["suspension"], 2 - state["end of suspension"])
    answer = min(state["entry into force"], 2 - state["withdrawal"], 2 - state["termination"], 2 - suspended)
    if kind != "binding":
        answer = NO
    if state["termination"] == YES:
        return "terminated", NO
    if state["withdrawal"] == YES:
        return "withdrawn", NO
    if suspended == YES:
        return "suspended", NO
    if answer == YES:
        return "in force", YES
    if answer == MAYBE:
        doubtful = [f"{name}: {span_text(events[name])}" for name in
                    ("entry into force", "withdrawal", "termination", "suspension", "end of suspension")
                    if state[name] == MAYBE]
        return f"uncertain ({'; '.join(doubtful)})", MAYBE
    if events["signature"] is not None and state["signature"] == NO:
        return "not yet signed", NO
    if events["entry into force"] is not None:
        return "not yet in force", NO
    if state["consent"] != NO or (consented and events["consent"] is None):
        return "consented (entry into force not recorded)", NOT_KNOWN
    if events["signature"] is not None:
        return "signed (entry into force not recorded)", NOT_KNOWN
    if signatory:
        return "signed (no date recorded)", NOT_KNOWN
    return "party (no dates recorded)", NOT_KNOWN


EVENTS = {"signature": MRKG.signatureDate, "consent": MRKG.consentDate, "entry into force": MRKG.entryIntoForce,
          "withdrawal": MRKG.withdrawalDate, "suspension": MRKG.suspensionDate,
          "end of suspension": MRKG.suspensionEndDate}


def status_timeline(kind: str, resolved: dict, termination: Resolved | None, consented: bool = False,
                    signatory: bool = False) -> list[Period]:
    """The status periods of one participation: where any status can change (each event's first and
    last possible day: from its first it may have happened, from its last it certainly has) the
    timeline is cut, and adjacent pieces with the same status are joined."""
    events = {name: resolved.get(prop) for name, prop in EVENTS.items()}
    events["termination"] = termination
    cuts = sorted({day for event in events.values() if event is not None
                   for day in (event.earliest, event.latest) if day is not None})
    starts = [None, *cuts]
    periods: list[Period] = []
    for start, until in zip(starts, [*cuts, None]):
        day = start if start is not None else (cuts[0] - dt.timedelta(days=1) if cuts else dt.date(1900, 1, 1))
        status, answer = status_on(kind, events, day, consented, signatory)
        if periods and (periods[-1].status, periods[-1].answer) == (status, answer):
            periods[-1] = Period(periods[-1].start, until, status, answer)
        else:
            periods.append(Period(start, until, status, answer))
    return periods


def _write_period(out: Consolidated, node: URIRef, index: int, period: Period) -> None:
    item = URIRef(f"{node}/status/{index + 1}")
    out.add(node, MRKG.statusPeriod, item)
    out.add(item, RDF.type, MRKG.StatusPeriod)
    if period.start is not None:
        out.add(item, MRKG.statusFrom, Literal(period.start.isoformat(), datatype=XSD.date))
    if period.until is not None:
        out.add(item, MRKG.statusUntil, Literal(period.until.isoformat(), datatype=XSD.date))
    out.add(item, MRKG.statusLabel, Literal(period.status))
    out.add(item, MRKG.inForceState, ANSWERS[period.answer])


def _consent_type(data: Dataset, records: list, consent: Resolved | None) -> URIRef | None:
    """The consent type of the record whose consent date is preferred, else the most specific one given."""
    if consent is not None:
        for claim in consent.claims:
            if overlap(claim, consent):
                value = data.value(URIRef(claim.record), MRKG.consentType)
                if value is not None and value != GENERIC_CONSENT:
                    return value
    types = [data.value(r, MRKG.consentType) for r in records if data.value(r, MRKG.consentType) is not None]
    specific = [t for t in types if t != GENERIC_CONSENT]
    return (specific or types or [None])[0]


def _memberships(graphs: Graphs, out: Consolidated) -> None:
    data = graphs.data
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for record in data.subjects(RDF.type, ORG.Membership, unique=True):
        groups[(str(data.value(record, ORG.organization)), str(data.value(record, ORG.member)))].append(record)
    for (organisation, member), records in sorted(groups.items()):
        organisation_id, member_id = organisation.rsplit("/", 1)[1], member.rsplit("/", 1)[1]
        node = iris.membership(organisation_id, member_id)
        records.sort(key=lambda r: (graphs.citation(r)[0], str(r)))
        out.add(node, RDF.type, MRKG.ConsolidatedMembership)
        out.add(node, RDFS.label, Literal(f"{member_id} in {organisation_id}"))
        out.add(node, ORG.organization, URIRef(organisation))
        out.add(node, ORG.member, URIRef(member))
        for record in records:
            out.add(node, PROV.wasDerivedFrom, record)
            out.add(node, DCTERMS.source, data.value(record, DCTERMS.source))
        out.add(node, MRKG.sourcesCited, Literal(cited(graphs, records)))
        for end, (label, value_prop, earliest, latest) in MEMBERSHIP_DATES.items():
            claims = []
            for record in records:
                source = graphs.source(record)
                period = data.value(record, ORG.memberDuring)
                instant = data.value(period, end) if period is not None else None
                for prop in INSTANT_VALUES:
                    literal = data.value(instant, prop) if instant is not None else None
                    if literal is not None and source is not None:
                        claims.append(Claim(str(record), end, literal, parse_literal(literal), source))
            resolved = resolve(claims, f"{label} of the membership")
            if resolved is not None:
                _write_date(out, node, value_prop, resolved, earliest, latest)
                if resolved.note:
                    out.add(node, SKOS.editorialNote, Literal(resolved.note, lang="en"))


# ---------------------------------------------------------------------------
# Titles (R6)
# ---------------------------------------------------------------------------


def is_proper_title(title: str) -> bool:
    """A title that says what kind of instrument it is, not only whose (R6)."""
    return bool(PROPER.search(title))


def is_names_only(title: str, names: Iterable[str]) -> bool:
    """True when nothing is left of ``title`` once the ``names`` (of countries, organisations) and
    the words and signs that join them are taken out: "Belarus Russia", "Armenia - Kyrgyz",
    "Eurasian Economic Community (EAEC)"."""
    rest = title
    for name in sorted(set(names), key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest, flags=re.IGNORECASE)
    rest = re.sub(r"\([A-Z]{2,6}\)", " ", rest)  # acronyms in brackets
    return not re.sub(r"\b(and|the|of|between)\b|[\s\-–,&()/.]", "", rest, flags=re.IGNORECASE)


def _titles(graphs: Graphs, out: Consolidated, parties: dict[str, set[str]],
            instruments: dict[str, InstrumentFacts]) -> None:
    data = graphs.data
    names_of = _place_names(data)
    for instrument in sorted({str(data.value(r, MRKG.recordOf))
                              for r in data.subjects(RDF.type, MRKG.InstrumentRecord, unique=True)}):
        node = URIRef(instrument)
        records = [r for r in data.subjects(MRKG.recordOf, node, unique=True)]
        titled = []
        for record in records:
            title = data.value(record, DCTERMS.title)
            source = graphs.source(record)
            if title is not None and source is not None:
                order = TITLE_ORDER.get(source.kind if source.kind != "dataset" else source.stem, 9)
                curated = bool(data.value(record, MRKG.curatedRecord))
                titled.append(((not curated, order, source.name), str(title), record, source))
        titled.sort(key=lambda t: t[0])
        label, note = None, None
        if titled and titled[0][0][0] is False:  # a curated title
            label = titled[0][1]
        else:
            proper = [t for t in titled if is_proper_title(t[1])]
            if proper:
                label = proper[0][1]
            else:
                label = _built_title(data, node, titled, parties.get(instrument, set()), names_of,
                                     _year(data, node, instruments.get(instrument)))
                note = ("Descriptive title built by mrkg: no source gives the instrument a title that says what it "
                        "is (the sources' own titles are its alternative labels). " + label[1])
                label = label[0]
        if label is None:
            continue
        out.add(node, RDFS.label, Literal(label, lang="en"))
        out.add(node, SCHEMA.name, Literal(label, lang="en"))
        for title in sorted({t[1] for t in titled} - {label}):
            out.add(node, SKOS.altLabel, Literal(title, lang="en"))
        if note:
            out.add(node, SKOS.editorialNote, Literal(note, lang="en"))


def _place_names(data: Dataset) -> dict[str, set[str]]:
    """Every name of every country (labels, alternative and hidden labels), by IRI."""
    names: dict[str, set[str]] = defaultdict(set)
    for country in data.subjects(RDF.type, MRKG.Country, unique=True):
        for prop in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel):
            for name in data.objects(country, prop):
                names[str(country)].add(str(name))
    return names


def _built_title(data: Dataset, node: URIRef, titled: list, party_iris: set[str],
                 names_of: dict[str, set[str]], year: int | None) -> tuple[str, str]:
    """(title, how it was built) from the kind, the parties or the source's name, and the year."""
    kinds = [GPTAD_KINDS[str(data.value(r, MRKG.sourceType))] for _, _, r, _ in titled
             if str(data.value(r, MRKG.sourceType)) in GPTAD_KINDS]
    from_tables = any(s.stem in TRADE_TABLES for _, _, _, s in titled)
    protocol = data.value(node, MRKG.instrumentType) == MRKG.Protocol
    if kinds:
        kind, kind_basis = kinds[0], "the type GPTAD gives it"
    elif from_tables:
        kind = "Trade protocol" if protocol else "Trade agreement"
        kind_basis = "a trade-agreement table (HUGGO, DESTA or GPTAD) that lists it"
    elif (node, MRKG.policyArea, MRKG.LabourMigration) in data:
        kind = "Labour protocol" if protocol else "Labour agreement"
        kind_basis = "its instrument type and its policy area (labour migration)"
    else:
        kind, kind_basis = "Protocol" if protocol else "Agreement", "its instrument type"
    states = sorted((iri for iri in party_iris if "/country/" in iri),
                    key=lambda iri: str(data.value(URIRef(iri), RDFS.label) or iri))
    leftovers = []
    stripped_any = False
    for _, title, _, _ in titled:
        rest = title
        for iri in states:
            for name in sorted(names_of.get(iri, ()), key=len, reverse=True):
                new = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest, flags=re.IGNORECASE)
                stripped_any |= new != rest
                rest = new
        rest = re.sub(r"^[\s\-–,&]+|[\s\-–,&]+$", "", re.sub(r"\s+", " ", rest))
        rest = re.sub(r"^\((.*)\)$", r"\1", rest).strip()
        leftovers.append(rest)
    when = f" ({year})" if year else ""
    if titled and stripped_any and len(states) >= 2:
        labels = [_country_label(data, iri) for iri in states]
        listed = " and ".join(labels) if len(labels) == 2 else ", ".join(labels[:-1]) + " and " + labels[-1]
        preposition = "between" if len(labels) == 2 else "among"
        extra = "" if any(not rest for rest in leftovers) else f": {leftovers[0]}"
        title = f"{kind} {preposition} {listed}{extra}{when}"
        basis = f"the kind from {kind_basis}, the parties, and the year of signature"
    elif not titled and len(states) == 2:  # a bilateral instrument no source titles (labour agreements)
        labels = [_country_label(data, iri) for iri in states]
        title = f"{kind} between {labels[0]} and {labels[1]}{when}"
        basis = f"the kind from {kind_basis}, the parties, and the year of signature (no source gives a title)"
    elif titled:
        name = re.sub(r"\b(Of|The|And|For)\b", lambda m: m.group(0).lower(), titled[0][1])
        title = f"{kind}: {name}{when}"
        basis = f"the kind from {kind_basis}, the name {titled[0][3].name} gives it, and the year of signature"
    else:
        title, basis = f"{kind}{when}", f"the kind from {kind_basis}"
    return title, f"Built from {basis}."


def _country_label(data: Dataset, iri: str) -> str:
    label = str(data.value(URIRef(iri), RDFS.label) or iri.rsplit("/", 1)[1])
    return f"the {label}" if label.startswith(("Russian Federation", "United ", "Republic")) else label


def _year(data: Dataset, node: URIRef, facts: InstrumentFacts | None) -> int | None:
    """The year of signature: the instrument's consolidated date of signature, else one year that all
    its parties' signatures share."""
    date = facts.dates.get(SCHEMA.legislationDate) if facts is not None else None
    if date is not None and date.earliest and date.latest and date.earliest.year == date.latest.year:
        return date.earliest.year
    signed = set()
    for record in data.subjects(MRKG.instrument, node, unique=True):
        for literal in data.objects(record, MRKG.signatureDate):
            d = parse_literal(literal)
            if d is not None and d.earliest and d.latest and d.earliest.year == d.latest.year:
                signed.add(d.earliest.year)
    return signed.pop() if len(signed) == 1 else None


# ---------------------------------------------------------------------------
# Possible duplicates (R7)
# ---------------------------------------------------------------------------


def _possible_duplicates(graphs: Graphs, out: Consolidated, parties: dict[str, set[str]],
                         instruments: dict[str, InstrumentFacts]) -> None:
    data = graphs.data
    years = {}
    for instrument in parties:
        year = _year(data, URIRef(instrument), instruments.get(instrument))
        if year is not None:
            years[instrument] = year
    reviewed = {frozenset((str(a), str(b))) for prop in (SKOS.closeMatch, OWL.differentFrom)
                for a, b in data.subject_objects(prop)}
    candidates = sorted(i for i in parties if len(parties[i]) >= 2 and i in years)
    for i, a in enumerate(candidates):
        for b in candidates[i + 1:]:
            if years[a] != years[b] or frozenset((a, b)) in reviewed:
                continue
            smaller, larger = sorted((parties[a], parties[b]), key=len)
            if smaller == larger or (len(smaller) >= 3 and smaller <= larger):
                out.add(URIRef(a), MRKG.possibleDuplicateOf, URIRef(b))
                out.add(URIRef(b), MRKG.possibleDuplicateOf, URIRef(a))
                out.possible_duplicates += 1
