"""The real graph passes its checks, and every check can fail.

* The assembled graph of the real sources conforms to ``ontology/shapes.ttl``.
* Each ``queries/checks/*-violation.rq`` returns no row on it.
* For each violation query, and for each shape, a slightly broken copy of the real
  graph (one triple added, removed or replaced) makes the check report the record
  that was broken, so no check passes merely because it cannot fail. Where a check
  respects date precision, a look-alike that is *possibly* in order is not reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from mrkg.graph import consolidate
from mrkg.graph.assemble import to_dataset
from mrkg.graph.checks import check_shapes, run_violation_queries, union_graph, violation_queries
from mrkg.loaders import read_sources
from mrkg.loaders.base import corridor_triples
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, ORG, QB, SCHEMA, SDMX_ATTRIBUTE, SDMX_MEASURE, TIME

# (XSD itself is not a module attribute: pytest's collection probes module attributes, and
# rdflib's XSD namespace warns about every unknown name it is asked for.)
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
XSD_GYEARMONTH = URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")

PREFIXES = """
PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def real() -> Graph:
    """The graph as the build checks it: every source's records and the consolidated layer."""
    data = to_dataset(read_sources())
    consolidate.add_to(data, consolidate.consolidate(data))
    return union_graph(data)


def copy(graph: Graph) -> Graph:
    out = Graph()
    out += graph
    return out


def pick(graph: Graph, where: str) -> dict:
    """The first row (in a stable order) of ``SELECT * WHERE { where }``; the real data must have one."""
    rows = [row.asdict() for row in graph.query(PREFIXES + f"SELECT * WHERE {{ {where} }}")]
    assert rows, f"the real graph has no match for: {where}"
    return sorted(rows, key=lambda row: sorted((k, str(v)) for k, v in row.items()))[0]


def replace(graph: Graph, subject, predicate, new_object) -> None:
    graph.remove((subject, predicate, None))
    graph.add((subject, predicate, new_object))


# --------------------------------------------------------------------------
# The real graph passes
# --------------------------------------------------------------------------


def test_real_graph_conforms_to_shapes(real):
    assert check_shapes(real) == []


@pytest.mark.parametrize("name", sorted(violation_queries()))
def test_violation_query_finds_nothing_on_real_graph(real, name):
    assert run_violation_queries(real)[name] == []


# --------------------------------------------------------------------------
# Each violation query can fail
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    query: str
    label: str
    # breaks a copy of the real graph in place and returns the IRI the query must report in
    # ``column`` (None: the change is possibly in order and must not be reported)
    breaks: Callable[[Graph], URIRef | None]
    column: str

    @property
    def reports(self) -> bool:
        return not self.label.endswith("-not-reported")


def _binding_retyped(g: Graph) -> URIRef:
    row = pick(g, "?p mrkg:instrument ?i ; mrkg:entryIntoForce ?d . ?i a mrkg:InternationalAgreement .")
    g.remove((row["i"], RDF.type, None))
    g.add((row["i"], RDF.type, MRKG.NonBindingInstrument))
    return row["p"]


def _binding_programme_party(g: Graph) -> URIRef:
    row = pick(g, "?i a mrkg:Programme .")
    participation = iris.entity("participation", "test", "KAZ", "broken")
    g.add((participation, RDF.type, MRKG.Participation))
    g.add((participation, MRKG.instrument, row["i"]))
    g.add((participation, MRKG.entryIntoForce, Literal("2010", datatype=XSD_GYEAR)))
    g.add((participation, MRKG.party, iris.country("KAZ")))
    g.add((participation, DCTERMS.source, pick(g, "?d a mrkg:SourceDocument .")["d"]))
    g.add((participation, MRKG.locator, Literal("test")))
    return participation


def _draft_in_force(g: Graph) -> URIRef:
    draft = iris.instrument("test-draft")
    g.add((draft, RDF.type, MRKG.DraftInstrument))
    g.add((draft, MRKG.entryIntoForce, Literal("2010", datatype=XSD_GYEAR)))
    return draft


def _observation_in_a_unit_its_measure_refuses(g: Graph) -> URIRef:
    row = pick(g, "?o mrkg:measure <https://w3id.org/mrkg/id/measure/net-migration> ; <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?u .")
    g.remove((row["o"], SDMX_ATTRIBUTE.unitMeasure, row["u"]))
    g.add((row["o"], SDMX_ATTRIBUTE.unitMeasure, iris.entity("unit", "percent")))
    return row["o"]


def _draft_with_party_in_force(g: Graph) -> URIRef:
    row = pick(g, "?p mrkg:instrument ?i ; mrkg:entryIntoForce ?d . ?i a mrkg:InternationalAgreement .")
    g.add((row["i"], RDF.type, MRKG.DraftInstrument))
    return row["i"]


def _add_membership_end(g: Graph, years_after_start: int) -> URIRef:
    """End a membership that has only a start day, at a year relative to its start (year precision)."""
    row = pick(g, "?m org:memberDuring ?period . ?period time:hasBeginning/time:inXSDDate ?start . "
                  "FILTER NOT EXISTS { ?period time:hasEnd ?e }")
    instant = URIRef(f"{row['period']}/end")
    year = int(str(row["start"])[:4]) + years_after_start
    g.add((row["period"], TIME.hasEnd, instant))
    g.add((instant, RDF.type, TIME.Instant))
    g.add((instant, TIME.inXSDgYear, Literal(str(year), datatype=XSD_GYEAR)))
    return row["m"]


def _membership_ends_year_before(g: Graph) -> URIRef:
    return _add_membership_end(g, -1)


def _membership_ends_same_year(g: Graph) -> None:
    _add_membership_end(g, 0)
    return None  # ends some time in the year it starts: possibly in order


def _eif_before_signature(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:Participation ; mrkg:signatureDate ?s ; mrkg:entryIntoForce ?d .")
    replace(g, row["p"], MRKG.entryIntoForce, Literal("1900-01-01", datatype=XSD_DATE))
    return row["p"]


def _withdrawal_month_before(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:Participation ; mrkg:entryIntoForce ?d . "
                  "FILTER(DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>)")
    year = int(str(row["d"])[:4]) - 1
    g.add((row["p"], MRKG.withdrawalDate, Literal(f"{year}-12", datatype=XSD_GYEARMONTH)))
    return row["p"]


def _withdrawal_same_year(g: Graph) -> None:
    row = pick(g, "?p a mrkg:Participation ; mrkg:entryIntoForce ?d . "
                  "FILTER(DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>)")
    g.add((row["p"], MRKG.withdrawalDate, Literal(str(row["d"])[:4], datatype=XSD_GYEAR)))
    return None  # withdrawal some time in the year of entry into force: possibly in order


def _entailed_superclass_missing(g: Graph) -> URIRef:
    g.remove((MRKG.InternationalAgreement, RDFS.subClassOf, MRKG.Instrument))
    return MRKG.InternationalAgreement


def _uncited_membership(g: Graph) -> URIRef:
    row = pick(g, "?m a org:Membership ; dcterms:source ?d .")
    g.remove((row["m"], DCTERMS.source, None))
    return row["m"]


def _uncited_observation(g: Graph) -> URIRef:
    row = pick(g, "?o a qb:Observation ; dcterms:source ?d .")
    g.remove((row["d"], RDF.type, MRKG.SourceDocument))  # the cited document is no longer described
    return row["o"]


# GLOBALCIT citizenship law: the curated graph has no table rows, so the cases add the provisions
# of one real row (data_v3.1_country-year.csv line 9423, RUS 2021) and break one of them.
def _with_citizenship_provisions(g: Graph) -> URIRef:
    from pathlib import Path

    from mrkg.loaders.datasets import citizenship_law as cl
    from mrkg.loaders.datasets.figures import TableReport
    from mrkg.loaders.place_names import PlaceNames
    from mrkg.loaders.strict import csv_rows

    path = Path(__file__).resolve().parents[1] / "sources" / "datasets" / "globalcit-citizenship-law" / \
        "data_v3.1_country-year.csv"
    rows = dict(csv_rows(path.read_text(encoding="utf-8")))
    places = PlaceNames.from_registry(read_sources().registry)
    provisions = list(cl.rows_provisions([(1, rows[1]), (9423, rows[9423])], "3.1", places, TableReport("t")))
    for subject, predicate, obj, _ in cl.quads(provisions, "data_v3.1_country-year", "GLOBALCIT v3.1"):
        g.add((subject, predicate, obj))
    return iris.entity("citizenship-provision", "v3.1", "RUS", "A06b", "2021")


def _provision_without_mode(g: Graph) -> URIRef:
    provision = _with_citizenship_provisions(g)
    g.remove((provision, MRKG.citizenshipMode, None))
    return provision


def _provision_day_not_its_year(g: Graph) -> URIRef:
    provision = _with_citizenship_provisions(g)
    replace(g, provision, MRKG.inForceOn, Literal("2020-01-01", datatype=XSD_DATE))
    return provision


def _shape_citizenship_provision(g: Graph) -> URIRef:
    provision = _with_citizenship_provisions(g)
    g.add((provision, MRKG.provisionCode, Literal(3)))  # maxCount 1
    return provision
# Visa requirements: the real graph is built here without the tables, so the cases add the
# triples of a verbatim excerpt of the 2020-02-07 snapshot (tests/fixtures/visa) first.
VISA_OBSERVATION = URIRef("https://w3id.org/mrkg/id/observation/passport-index-visa/RUS/EGY/2020-02-07")


def _add_visa_excerpt(g: Graph) -> None:
    from pathlib import Path

    from rdflib import Dataset

    from mrkg.loaders.datasets import passport_index
    from mrkg.loaders.datasets.figures import TableReport

    path = Path(__file__).resolve().parent / "fixtures" / "visa" / "passport-index-2020-02-07-excerpt.csv"
    stem = "passport-index-tidy-iso3-2020-02-07"
    requirements = list(passport_index.requirements(path, stem, lambda place: True, TableReport(str(path))))
    quads = Dataset().parse(data="\n".join(passport_index.nquads(requirements, stem)), format="nquads")
    for s_, p_, o_, _ in quads.quads((None, None, None, None)):
        g.add((s_, p_, o_))


def _visa_days_on_arrival(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.add((VISA_OBSERVATION, MRKG.visaFreeDays, Literal(30)))  # days on a visa-on-arrival requirement
    return VISA_OBSERVATION


def _corridor_missing(g: Graph) -> URIRef:
    row = pick(g, "?o mrkg:origin ?from ; mrkg:destination ?to ; mrkg:corridor ?c .")
    g.remove((row["o"], MRKG.corridor, None))  # the pair's figure no longer found from its corridor
    return row["o"]


def _visa_corridor_reversed(g: Graph) -> URIRef:
    _add_visa_excerpt(g)  # VISA_OBSERVATION: a Russian passport entering Egypt
    for triple in corridor_triples("EGY", "RUS"):
        g.add(triple[:3])
    replace(g, VISA_OBSERVATION, MRKG.corridor, iris.corridor("EGY", "RUS"))  # the other direction's corridor
    return VISA_OBSERVATION


VISA_SLICE = URIRef("https://w3id.org/mrkg/id/dataset/passport-index-visa/slice/passport/RUS/2020-02-07")


def _slice_without_key(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.remove((VISA_SLICE, QB.sliceStructure, None))  # the visa queries find a passport's slices by key
    return VISA_SLICE


def _slice_without_its_date(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.remove((VISA_SLICE, MRKG.scrapeDate, None))  # a dimension of its key
    return VISA_SLICE


def _slice_key_fixing_a_measure(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.add((MRKG.passportSnapshotSliceKey, QB.componentProperty, MRKG.visaFreeDays))  # a measure, not a dimension
    return MRKG.passportSnapshotSliceKey


def _slice_with_two_keys(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    # a second key, of the visa structure, whose one dimension the slice has: only the count is wrong
    second = URIRef("https://w3id.org/mrkg/ontology-test#snapshotSliceKey")
    g.add((second, RDF.type, QB.SliceKey))
    g.add((second, QB.componentProperty, MRKG.scrapeDate))
    g.add((MRKG.visaRequirementStructure, QB.sliceKey, second))
    g.add((VISA_SLICE, QB.sliceStructure, second))
    return VISA_SLICE


def _slice_key_of_no_structure(g: Graph) -> URIRef:
    stray = URIRef("https://w3id.org/mrkg/ontology-test#strayKey")  # not in the closed namespace on purpose
    g.add((stray, RDF.type, QB.SliceKey))
    g.add((stray, QB.componentProperty, MRKG.passportState))
    return stray


def _shape_slice(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.add((VISA_SLICE, QB.sliceStructure, MRKG.destinationSnapshotSliceKey))  # a second key
    return VISA_SLICE


def _shape_corridor(g: Graph) -> URIRef:
    row = pick(g, "?c a mrkg:Corridor .")
    g.remove((row["c"], MRKG.corridorDestination, None))
    return row["c"]


def _shape_visa_requirement(g: Graph) -> URIRef:
    _add_visa_excerpt(g)
    g.remove((VISA_OBSERVATION, MRKG.visaRequirement, None))
    return VISA_OBSERVATION


def _shape_figure(g: Graph) -> URIRef:
    row = pick(g, "?o a qb:Observation ; mrkg:measure ?m .")
    g.remove((row["o"], MRKG.measure, None))  # neither a figure nor a visa requirement
    return row["o"]


VIOLATION_CASES = [
    Case("binding-without-binding-class-violation", "agreement-retyped-non-binding", _binding_retyped, "participation"),
    Case("binding-without-binding-class-violation", "programme-party-in-force", _binding_programme_party,
         "participation"),
    Case("draft-in-force-violation", "draft-in-force", _draft_in_force, "instrument"),
    Case("observation-shape-violation", "unit-the-measure-refuses", _observation_in_a_unit_its_measure_refuses,
         "observation"),
    Case("draft-in-force-violation", "draft-with-party-in-force", _draft_with_party_in_force, "instrument"),
    Case("membership-ends-before-start-violation", "ends-year-before-start", _membership_ends_year_before,
         "membership"),
    Case("membership-ends-before-start-violation", "ends-in-start-year-not-reported", _membership_ends_same_year,
         "membership"),
    Case("participation-dates-out-of-order-violation", "entry-into-force-before-signature", _eif_before_signature,
         "participation"),
    Case("participation-dates-out-of-order-violation", "withdrawal-month-before-entry-into-force",
         _withdrawal_month_before, "participation"),
    Case("participation-dates-out-of-order-violation", "withdrawal-in-year-of-entry-into-force-not-reported",
         _withdrawal_same_year, "participation"),
    Case("class-hierarchy-not-closed-violation", "entailed-superclass-missing", _entailed_superclass_missing,
         "class"),
    Case("uncited-record-violation", "membership-without-source", _uncited_membership, "record"),
    Case("uncited-record-violation", "observation-citing-undescribed-document", _uncited_observation, "record"),
    Case("citizenship-provision-violation", "provision-without-mode", _provision_without_mode, "provision"),
    Case("citizenship-provision-violation", "day-in-force-not-in-its-year", _provision_day_not_its_year, "provision"),
    Case("visa-requirement-violation", "days-on-a-visa-on-arrival", _visa_days_on_arrival, "observation"),
    Case("corridor-violation", "flow-without-its-corridor", _corridor_missing, "observation"),
    Case("corridor-violation", "visa-requirement-on-the-reversed-corridor", _visa_corridor_reversed, "observation"),
    Case("slice-violation", "slice-without-its-key", _slice_without_key, "resource"),
    Case("slice-violation", "slice-without-its-scrape-date", _slice_without_its_date, "resource"),
    Case("slice-violation", "slice-key-fixing-a-measure", _slice_key_fixing_a_measure, "resource"),
    Case("slice-violation", "slice-with-two-keys", _slice_with_two_keys, "resource"),
    Case("slice-violation", "slice-key-of-no-structure", _slice_key_of_no_structure, "resource"),
]


def test_every_violation_query_has_a_broken_graph():
    covered = {case.query for case in VIOLATION_CASES if case.reports}
    assert covered == set(violation_queries()), "write a broken-graph case for each violation query"


@pytest.mark.parametrize("case", VIOLATION_CASES, ids=lambda case: f"{case.query}:{case.label}")
def test_violation_query_can_fail(real, case):
    broken = copy(real)
    expected = case.breaks(broken)
    assert (expected is not None) == case.reports
    rows = run_violation_queries(broken)
    if expected is None:
        assert rows[case.query] == [], f"{case.query} reported a change that is possibly in order"
    else:
        reported = {row[case.column] for row in rows[case.query]}
        assert str(expected) in reported, f"{case.query} did not report {expected}; it reported {rows[case.query]}"
    others = {name: found for name, found in rows.items() if name != case.query and found}
    assert others == {}, f"breaking one thing tripped other checks too: {others}"


# --------------------------------------------------------------------------
# Each shape can fail
# --------------------------------------------------------------------------


def _shape_instrument(g: Graph) -> URIRef:
    row = pick(g, "?i a mrkg:InternationalAgreement ; rdfs:label ?l .")
    g.add((row["i"], RDFS.label, Literal("A second English label", lang="en")))  # maxCount 1
    return row["i"]


def _shape_national_act(g: Graph) -> URIRef:
    row = pick(g, "{ ?i a mrkg:NationalLaw } UNION { ?i a mrkg:Decree }")
    g.remove((row["i"], SCHEMA.legislationJurisdiction, None))
    return row["i"]


def _shape_cited(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:Participation ; mrkg:locator ?l .")
    g.remove((row["p"], MRKG.locator, None))
    return row["p"]


def _shape_participation(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:Participation .")
    replace(g, row["p"], MRKG.party, iris.country("XXX"))  # not a described country
    return row["p"]


def _shape_partial_date(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:Participation ; mrkg:signatureDate ?d .")
    replace(g, row["p"], MRKG.signatureDate, Literal("26.02.1999"))  # a string, not a typed date
    return row["p"]


def _shape_membership(g: Graph) -> URIRef:
    row = pick(g, "?m a org:Membership .")
    replace(g, row["m"], ORG.member, iris.organisation("cis"))  # members are countries
    return row["m"]


def _shape_observation(g: Graph) -> URIRef:
    row = pick(g, "?o a qb:Observation .")
    replace(g, row["o"], SDMX_MEASURE.obsValue, Literal("710,000"))  # not an xsd:decimal
    return row["o"]


def _shape_country(g: Graph) -> URIRef:
    country = iris.country("BLR")
    replace(g, country, MRKG.iso3166Alpha3, Literal("blr"))
    return country


def _shape_source_document(g: Graph) -> URIRef:
    row = pick(g, "?d a mrkg:SourceDocument .")
    replace(g, row["d"], MRKG.sha256, Literal("not-a-checksum"))
    return row["d"]


def _shape_labelled(g: Graph) -> URIRef:
    unit = iris.entity("unit", "person")
    g.remove((unit, DCTERMS.identifier, None))
    return unit


def _shape_coded_provision(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:CodedProvision .")
    replace(g, row["p"], RDF.value, Literal(2))  # the dataset codes 0 or 1
    return row["p"]


def _shape_instrument_record(g: Graph) -> URIRef:
    row = pick(g, "?r a mrkg:InstrumentRecord ; dcterms:title ?t .")
    g.add((row["r"], DCTERMS.title, Literal("A second title", lang="en")))  # one title per record
    return row["r"]


def _shape_consolidated_participation(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:ConsolidatedParticipation ; mrkg:entryIntoForce ?d .")
    g.add((row["p"], MRKG.entryIntoForce, Literal("1900-01-01", datatype=XSD_DATE)))  # two statuses possible
    return row["p"]


def _shape_consolidated(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:ConsolidatedParticipation ; mrkg:sourcesCited ?s .")
    g.remove((row["p"], DCTERMS.source, None))  # a consolidated statement lists its sources
    return row["p"]


def _shape_consolidated_membership(g: Graph) -> URIRef:
    row = pick(g, "?m a mrkg:ConsolidatedMembership .")
    replace(g, row["m"], ORG.member, iris.organisation("cis"))
    return row["m"]


def _shape_status_period(g: Graph) -> URIRef:
    row = pick(g, "?p a mrkg:StatusPeriod .")
    g.remove((row["p"], MRKG.inForceState, None))
    return row["p"]


def _shape_treaty_rule(g: Graph) -> URIRef:
    row = pick(g, "?r a mrkg:TreatyRule .")
    replace(g, row["r"], MRKG.delayMonths, Literal("three"))
    return row["r"]


def _shape_role(g: Graph) -> URIRef:
    row = pick(g, "?r a mrkg:MigrationRoleClassification .")
    replace(g, row["r"], MRKG.migrationRole, iris.country("BLR"))  # a role is a concept, not a country
    return row["r"]


def _shape_zone(g: Graph) -> URIRef:
    row = pick(g, "?z a mrkg:ProgrammeZone .")
    g.remove((row["z"], MRKG.zoneOf, None))
    return row["z"]


SHAPE_CASES = {
    "Instrument": _shape_instrument,
    "RoleClassification": _shape_role,
    "ProgrammeZone": _shape_zone,
    "InstrumentRecord": _shape_instrument_record,
    "ConsolidatedParticipation": _shape_consolidated_participation,
    "Consolidated": _shape_consolidated,
    "ConsolidatedMembership": _shape_consolidated_membership,
    "StatusPeriod": _shape_status_period,
    "TreatyRule": _shape_treaty_rule,
    "NationalAct": _shape_national_act,
    "Cited": _shape_cited,
    "Participation": _shape_participation,
    "DateOrRange": _shape_partial_date,
    "Membership": _shape_membership,
    "Observation": _shape_observation,
    "Corridor": _shape_corridor,
    "Slice": _shape_slice,
    "Country": _shape_country,
    "SourceDocument": _shape_source_document,
    "Labelled": _shape_labelled,
    "CodedProvision": _shape_coded_provision,
    "CitizenshipProvision": _shape_citizenship_provision,
    "Figure": _shape_figure,
    "VisaRequirementObservation": _shape_visa_requirement,
}


def test_every_shape_has_a_case():
    from mrkg.ontology import SHAPES_FILE
    from rdflib.namespace import SH
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    named = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert named - {"PartialDate"} == set(SHAPE_CASES)


@pytest.mark.parametrize("shape", sorted(SHAPE_CASES), ids=lambda shape: f"shapes:{shape}")
def test_shape_can_fail(real, shape):
    broken = copy(real)
    focus = SHAPE_CASES[shape](broken)
    violations = check_shapes(broken)
    assert violations, f"shapes:{shape} did not report the broken graph"
    assert any(v.startswith(f"{focus} ") for v in violations), (
        f"shapes:{shape} did not report {focus}; it reported {violations}"
    )
    # Only the broken record is reported (pyshacl also reports a nested sh:node failure
    # with the offending value itself as focus node, which is not a record).
    records = {v.split(" ", 1)[0] for v in violations if v.startswith("https://w3id.org/mrkg/")}
    assert records == {str(focus)}, violations
