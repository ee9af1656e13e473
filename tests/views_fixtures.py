"""Small graphs written here, loaded into an in-memory Oxigraph store with the ontology: the
views and the analytics are checked on them against numbers worked out independently."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mrkg.graph import consolidate
from mrkg.graph.assemble import add_ontology
from mrkg.ontology import iris
from mrkg.ontology.namespace import MRKG, ORG, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE, TIME
from mrkg.queries.execute import OxigraphEngine

GRAPH = iris.graph("fixture")
DOCUMENT = iris.document("fixture-document")


@dataclass
class Fixture:
    """Countries (code -> label), instruments (id -> title), participations (instrument, code,
    signed, in force), memberships (organisation, code, from, to) and flows (origin, destination,
    measure, year, value, source)."""

    countries: dict[str, str] = field(default_factory=dict)
    instruments: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    participations: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    memberships: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    flows: list[tuple[str, str, str, int, float, str]] = field(default_factory=list)


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def dataset(fixture: Fixture) -> Dataset:
    """The records as a source would give them, consolidated as the build does."""
    data = Dataset()
    g = data.graph(GRAPH)
    g.add((DOCUMENT, RDF.type, MRKG.SourceDocument))
    g.add((DOCUMENT, DCTERMS.identifier, Literal("fixture.txt")))
    for code, label in fixture.countries.items():
        node = iris.country(code)
        g.add((node, RDF.type, MRKG.Country))
        g.add((node, DCTERMS.identifier, Literal(code)))
        g.add((node, RDFS.label, Literal(label)))
    for ident, label in fixture.organisations.items():
        node = iris.organisation(ident)
        g.add((node, RDF.type, ORG.FormalOrganization))
        g.add((node, DCTERMS.identifier, Literal(ident)))
        g.add((node, RDFS.label, Literal(label)))
    for ident, title in fixture.instruments.items():
        node = iris.instrument(ident)
        g.add((node, RDF.type, MRKG.InternationalAgreement))
        g.add((node, DCTERMS.identifier, Literal(ident)))
        record = iris.instrument_record(ident, "fixture-document")
        g.add((record, RDF.type, MRKG.InstrumentRecord))
        g.add((record, MRKG.recordOf, node))
        g.add((record, DCTERMS.title, Literal(title, lang="en")))
        g.add((record, MRKG.curatedRecord, Literal(True)))
        g.add((record, DCTERMS.source, DOCUMENT))
        g.add((record, MRKG.locator, Literal(f"table of {ident}")))
    for index, (ident, code, signed, in_force) in enumerate(fixture.participations):
        node = iris.entity("participation", ident, str(index))
        g.add((node, RDF.type, MRKG.Participation))
        g.add((node, MRKG.instrument, iris.instrument(ident)))
        g.add((node, MRKG.party, iris.party(code)))
        g.add((node, DCTERMS.source, DOCUMENT))
        g.add((node, MRKG.locator, Literal(f"row {index}")))
        if signed:
            g.add((node, MRKG.signatureDate, _date(signed)))
        if in_force:
            g.add((node, MRKG.entryIntoForce, _date(in_force)))
    for index, (ident, code, start, end) in enumerate(fixture.memberships):
        node = iris.entity("membership", ident, str(index))
        g.add((node, RDF.type, ORG.Membership))
        g.add((node, ORG.organization, iris.organisation(ident)))
        g.add((node, ORG.member, iris.party(code)))
        g.add((node, DCTERMS.source, DOCUMENT))
        g.add((node, MRKG.locator, Literal(f"member row {index}")))
        if start or end:
            interval = iris.entity("membership", ident, str(index), "period")
            g.add((node, ORG.memberDuring, interval))
            for prop, value, suffix in ((TIME.hasBeginning, start, "start"), (TIME.hasEnd, end, "end")):
                if value:
                    instant = iris.entity("membership", ident, str(index), suffix)
                    g.add((interval, prop, instant))
                    g.add((instant, TIME.inXSDDate, _date(value)))
    unit = iris.entity("unit", "person")
    g.add((unit, DCTERMS.identifier, Literal("person")))
    for index, (origin, destination, measure, year, value, source) in enumerate(fixture.flows):
        node = iris.entity("observation", f"fixture-{index}")
        period = iris.entity("period", str(year))
        measure_node = iris.entity("measure", measure)
        source_node = iris.entity("statistical-source", source)
        g.add((measure_node, RDFS.label, Literal(measure.replace("-", " "))))
        g.add((source_node, DCTERMS.identifier, Literal(source)))
        g.add((source_node, RDFS.label, Literal(f"Source {source}")))
        g.add((period, RDFS.label, Literal(str(year))))
        g.add((period, MRKG.periodStart, _date(f"{year}-01-01")))
        g.add((period, MRKG.periodEnd, _date(f"{year}-12-31")))
        for prop, obj in ((RDF.type, URIRef("http://purl.org/linked-data/cube#Observation")),
                          (MRKG.origin, iris.country(origin)), (MRKG.destination, iris.country(destination)),
                          (MRKG.measure, measure_node), (SDMX_DIMENSION.refPeriod, period),
                          (SDMX_MEASURE.obsValue, Literal(value)), (SDMX_ATTRIBUTE.unitMeasure, unit),
                          (DCTERMS.source, DOCUMENT), (MRKG.locator, Literal(f"flow row {index}")),
                          (MRKG.statisticalSource, source_node)):
            g.add((node, prop, obj))
    add_ontology(data)
    consolidate.add_to(data, consolidate.consolidate(data))
    return data


def engine(fixture: Fixture) -> OxigraphEngine:
    store = ox.Store()
    data = dataset(fixture)
    add_ontology(data)
    store.load(data.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return OxigraphEngine(store)
