"""Descriptions of the dataset computed from the store: VoID, schema.org ``Dataset``, DCAT-AP.

Every number (triples, subjects, classes, graphs, the temporal and spatial coverage) comes from a
query on the engine given (embedded or remote), never from a hand-written figure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from mrkg import __version__
from mrkg.ontology import iris
from mrkg.publish import authority
from mrkg.ontology.namespace import ONTOLOGY_IRI, ONTOLOGY_NS

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's closed DCAT namespace
DATASET = URIRef(iris.BASE + "dataset")
CATALOG = URIRef(iris.BASE + "catalog")
SERVICE = URIRef(iris.BASE + "sparql-service")
PUBLISHER = URIRef(iris.BASE + "contributors")
LICENCE = authority.CC_BY_4_0_DEED  # VoID and schema.org name the licence by its deed
DEFAULT_ENDPOINT = iris.BASE + "sparql"
TITLE = "mrkg: Migration Regimes Knowledge Graph"
DESCRIPTION = ("An open knowledge graph of migration regimes in Eurasia (Belarus, Kazakhstan, Russia, Central "
               "Asia, the CIS, the EAEU, the EU-Belarus Mobility Partnership): agreements and their parties, "
               "memberships, programmes and migration statistics, every fact citing its source document.")
KEYWORDS = ("migration", "knowledge graph", "Eurasia", "treaties", "EAEU", "CIS", "migration statistics")

_PREFIXES = """PREFIX mrkg: <https://w3id.org/mrkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""


@dataclass(frozen=True)
class Counts:
    triples: int
    quads: int
    subjects: int
    objects: int
    properties: int
    classes: int
    entities: int
    graphs: dict[str, int]
    class_partitions: dict[str, int]
    property_partitions: dict[str, int]


def stable_bnode(*content: str) -> BNode:
    """A blank node labelled by a hash of what it describes: the same label in every export, so
    serialisers that order by label write the same bytes (rdflib's ``BNode()`` is random)."""
    return BNode("b" + hashlib.sha256("\x00".join(content).encode("utf-8")).hexdigest()[:32])


def _number(engine, text: str) -> int:
    return int(engine.run(text).rows[0]["n"])


def counts(engine) -> Counts:
    distinct = "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT {} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {} }} }}"
    graphs = engine.run("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    classes = engine.run("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c")
    properties = engine.run("SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g "
                            "{ ?s ?p ?o } } } GROUP BY ?p")
    return Counts(
        triples=_number(engine, distinct.format("?s ?p ?o", "")),
        quads=_number(engine, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        subjects=_number(engine, distinct.format("?s", "")),
        objects=_number(engine, distinct.format("?o", "")),
        properties=len(properties.rows),
        classes=len(classes.rows),
        entities=_number(engine, distinct.format("?s", "FILTER(isIRI(?s))")),
        graphs={str(r["g"]): int(r["n"]) for r in graphs.rows},
        class_partitions={str(r["c"]): int(r["n"]) for r in classes.rows},
        property_partitions={str(r["p"]): int(r["n"]) for r in properties.rows},
    )


def coverage(engine) -> tuple[str | None, str | None, list[tuple[str, str, str]]]:
    """(first day, last day, [(country IRI, ISO code, name)]) that the facts cover."""
    span = engine.run(_PREFIXES + "SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { "
                      "?x mrkg:periodStart|mrkg:periodEnd ?d }").rows[0]
    countries = engine.run(_PREFIXES + """SELECT DISTINCT ?country ?code ?name WHERE {
      ?x mrkg:party|mrkg:origin|mrkg:destination|sdmx-dimension:refArea|schema:legislationJurisdiction ?country .
      ?country mrkg:iso3166Alpha3 ?code ; rdfs:label ?name . FILTER(LANG(?name) = "en" || LANG(?name) = "")
    } ORDER BY ?code""").rows
    seen, places = set(), []
    for row in countries:
        if str(row["code"]) not in seen:
            seen.add(str(row["code"]))
            places.append((str(row["country"]), str(row["code"]), str(row["name"])))
    first, last = span.get("first"), span.get("last")
    return (str(first) if first is not None else None, str(last) if last is not None else None, places)


def void_graph(engine, endpoint: str | None = DEFAULT_ENDPOINT, dumps: list[str] = ()) -> Graph:
    """The VoID description of the dataset, with counts computed on ``engine``."""
    found = counts(engine)
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("sd", SD)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((DATASET, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((DATASET, DCTERMS.license, LICENCE))
    graph.add((DATASET, VOID.uriSpace, Literal(iris.BASE + "id/")))
    graph.add((DATASET, VOID.vocabulary, URIRef(ONTOLOGY_NS)))
    graph.add((DATASET, VOID.rootResource, ONTOLOGY_IRI))
    if endpoint:
        graph.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    for dump in dumps:
        graph.add((DATASET, VOID.dataDump, URIRef(dump)))
    for term, value in ((VOID.triples, found.triples), (VOID.distinctSubjects, found.subjects),
                        (VOID.distinctObjects, found.objects), (VOID.properties, found.properties),
                        (VOID.classes, found.classes), (VOID.entities, found.entities)):
        graph.add((DATASET, term, Literal(value, datatype=XSD.integer)))
    for name, triples in sorted(found.graphs.items()):
        subset = URIRef(name + "#void")  # one VoID subset per named graph, named after it
        graph.add((DATASET, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for partitions, key, term in ((found.class_partitions, VOID["class"], VOID.classPartition),
                                  (found.property_partitions, VOID.property, VOID.propertyPartition)):
        for iri, number in sorted(partitions.items()):
            partition = stable_bnode(str(term), iri)
            graph.add((DATASET, term, partition))
            graph.add((partition, key, URIRef(iri)))
            graph.add((partition, VOID.entities if key == VOID["class"] else VOID.triples,
                       Literal(number, datatype=XSD.integer)))
    return graph


def dataset_jsonld(engine, endpoint: str | None = DEFAULT_ENDPOINT,
                   distributions: list[dict] = ()) -> dict:
    """A schema.org ``Dataset`` (JSON-LD) for a landing page, as search engines read it."""
    first, last, places = coverage(engine)
    found = _number(engine, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    description = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(DATASET),
        "name": TITLE,
        "description": DESCRIPTION + f" {found} statements in {len(places)} countries' records.",
        "url": iris.BASE,
        "version": __version__,
        "license": str(LICENCE),
        "citation": citation(),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "mrkg contributors", "url": iris.BASE},
        "keywords": list(KEYWORDS),
        "spatialCoverage": [{"@type": "Country", "name": name, "identifier": code, "sameAs": iri}
                            for iri, code, name in places],
        "distribution": [{"@type": "DataDownload", **item} for item in distributions],
    }
    if first and last:
        description["temporalCoverage"] = f"{first}/{last}"
    if endpoint:
        description["includedInDataCatalog"] = {"@type": "DataCatalog", "@id": str(CATALOG), "name": TITLE}
        description["potentialAction"] = {"@type": "SearchAction", "target": endpoint + "?query={query}",
                                          "query-input": "required name=query"}
    return description


def citation() -> str:
    """How to cite this release (CITATION.cff says the same, for the same version)."""
    return f"mrkg contributors. {TITLE}, version {__version__}. {iris.BASE}"


@dataclass(frozen=True)
class Distribution:
    """One file of a release: where it will be downloadable, its media type, size and SHA-256.

    ``media_type`` is the type of the content; a compressed file also has ``compress_format``
    (``application/gzip``), as DCAT describes a ``.nt.gz``."""

    file: str
    url: str
    media_type: str
    title: str
    size: int
    sha256: str
    conforms_to: str | None = None
    compress_format: str | None = None


CONTACT = URIRef(iris.BASE + "contributors#contact")
# The repository names no e-mail address and no issue tracker: the contact point is the project's
# home page, which is also the dataset's landing page.
HOMEPAGE = URIRef(iris.BASE)
ADMS_ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
ADMS_LICENCE_TYPES = URIRef("http://purl.org/adms/licencetype/1.0")
STABLE = URIRef(authority.AUTHORITY + "planned-availability/STABLE")
PLANNED_AVAILABILITY = URIRef(authority.AUTHORITY + "planned-availability")
DCATAP_AVAILABILITY = URIRef("http://data.europa.eu/r5r/availability")
# The SPDX namespace is http://spdx.org/rdf/terms#, but SEMIC's mdr-vocabularies shapes accept
# only algorithm IRIs that start with https://spdx.org/rdf/terms; the https form is given, the
# namespace's own IRI linked to it by owl:sameAs.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


def _standard(graph: Graph, iri: str | URIRef) -> URIRef:
    return authority.describe(graph, URIRef(iri), DCTERMS.Standard)


def _page(graph: Graph, iri: URIRef) -> URIRef:
    return authority.describe(graph, iri, FOAF.Document)


def _resource(graph: Graph, iri: str) -> URIRef:
    # DCAT-AP 3.0.0's template wants access, download and endpoint URLs typed rdfs:Resource.
    return authority.describe(graph, URIRef(iri), RDFS.Resource)


def _media_type(graph: Graph, name: str) -> URIRef:
    return authority.describe(graph, authority.media_type(name), DCTERMS.MediaType)


def _common(graph: Graph, node: URIRef) -> None:
    """Publisher, contact point, themes and keywords: the same for the dataset and the service."""
    add = graph.add
    add((node, DCTERMS.publisher, PUBLISHER))
    add((node, DCAT.contactPoint, CONTACT))
    for keyword in KEYWORDS:
        add((node, DCAT.keyword, Literal(keyword, lang="en")))
    for theme in authority.THEMES:
        add((node, DCAT.theme, authority.describe(graph, theme, SKOS.Concept, authority.DATA_THEME_TABLE)))


def source_rights(engine) -> list[tuple[str, str, str, list[str]]]:
    """The rights statements of the source datasets whose licence is not confirmed (documents.yaml
    ``rights:``), one per distinct statement and citation: (node IRI, statement, citation, files)."""
    rows = engine.run(_PREFIXES + """PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?rights ?statement ?citation ?file WHERE {
      ?dataset dcterms:rights ?rights ; dcterms:bibliographicCitation ?citation ; dcterms:identifier ?file .
      ?rights rdfs:label ?statement .
    } ORDER BY ?rights""").rows
    grouped: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for row in rows:
        key = (str(row["statement"]), str(row["citation"]))
        grouped.setdefault(key, (str(row["rights"]), []))[1].append(str(row["file"]))
    return [(node, statement, citation, sorted(files)) for (statement, citation), (node, files) in grouped.items()]


def dcat_graph(engine, distributions: list[Distribution], endpoint: str | None = DEFAULT_ENDPOINT,
               issued: str | None = None) -> Graph:
    """A DCAT-AP 3 catalog record: catalog, dataset, distributions, and the endpoint as a data service.

    Every value DCAT-AP draws from a controlled vocabulary is the EU authority table's IRI, typed
    and placed in its table (see authority.py); it passes SEMIC's shapes (conformance.py)."""
    first, last, found = coverage(engine)
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("spdx", SPDX),
                              ("adms", ADMS), ("vcard", VCARD), ("skos", SKOS), ("dcatap", DCATAP),
                              ("owl", OWL)):
        graph.bind(prefix, namespace)
    add = graph.add
    licence = authority.describe_licence(graph)
    add((licence, DCTERMS.type, authority.describe(graph, ADMS_ATTRIBUTION, SKOS.Concept, ADMS_LICENCE_TYPES,
                                                                  "Attribution")))
    english = authority.describe(graph, authority.ENGLISH, DCTERMS.LinguisticSystem, authority.LANGUAGE_TABLE)
    places = []
    for _iri, code, _name in found:
        place = authority.country(code)
        if place is not None:
            places.append(authority.describe(graph, place, DCTERMS.Location, authority.COUNTRY_TABLE))

    add((PUBLISHER, RDF.type, FOAF.Agent))
    add((PUBLISHER, FOAF.name, Literal("mrkg contributors", lang="en")))
    add((CONTACT, RDF.type, VCARD.Kind))
    add((CONTACT, VCARD.fn, Literal("mrkg contributors", lang="en")))
    add((CONTACT, VCARD.hasURL, HOMEPAGE))

    add((CATALOG, RDF.type, DCAT.Catalog))
    add((CATALOG, DCTERMS.title, Literal("mrkg releases", lang="en")))
    add((CATALOG, DCTERMS.description, Literal("Releases of the Migration Regimes Knowledge Graph.", lang="en")))
    add((CATALOG, DCTERMS.publisher, PUBLISHER))
    add((CATALOG, DCAT.dataset, DATASET))
    add((CATALOG, FOAF.homepage, _page(graph, HOMEPAGE)))
    add((CATALOG, DCTERMS.license, licence))
    add((CATALOG, DCTERMS.language, english))
    add((CATALOG, DCAT.themeTaxonomy, authority.describe(graph, authority.DATA_THEME_TABLE, SKOS.ConceptScheme)))
    for place in places:
        add((CATALOG, DCTERMS.spatial, place))

    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, DCTERMS.title, Literal(TITLE, lang="en")))
    add((DATASET, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    _common(graph, DATASET)
    add((DATASET, DCTERMS.license, licence))
    add((DATASET, DCTERMS.language, english))
    add((DATASET, DCTERMS.identifier, Literal(str(DATASET))))
    add((DATASET, ADMS.versionNotes, Literal(f"Release {__version__}", lang="en")))
    add((DATASET, DCAT_VERSION, Literal(__version__)))
    add((DATASET, DCAT.landingPage, _page(graph, HOMEPAGE)))
    add((DATASET, DCTERMS.conformsTo, _standard(graph, ONTOLOGY_IRI)))
    add((DATASET, DCTERMS.accrualPeriodicity,
         authority.describe(graph, authority.IRREGULAR, DCTERMS.Frequency, authority.FREQUENCY_TABLE)))
    if issued:
        for node in (CATALOG, DATASET):
            add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
            add((node, DCTERMS.modified, Literal(issued, datatype=XSD.date)))
    for place in places:
        add((DATASET, DCTERMS.spatial, place))
    # A source whose licence is not confirmed: the release says so, and whom to cite (dcterms:rights).
    for node, statement, citation, files in source_rights(engine):
        rights = URIRef(node)
        add((DATASET, DCTERMS.rights, rights))
        add((rights, RDF.type, DCTERMS.RightsStatement))
        add((rights, RDFS.label, Literal(f"Source data {', '.join(files)}: {statement} Cite: {citation}", lang="en")))
    if first and last:
        period = URIRef(iris.BASE + "dataset#coverage")
        add((DATASET, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, Literal(first, datatype=XSD.date)))
        add((period, DCAT.endDate, Literal(last, datatype=XSD.date)))
    if distributions:
        add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))
    for item in distributions:
        node = URIRef(item.url + "#distribution")
        add((DATASET, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, Literal(item.title, lang="en")))
        add((node, DCTERMS.description, Literal(f"{item.title}: {item.file}, {item.size} bytes.", lang="en")))
        add((node, DCAT.accessURL, _resource(graph, item.url)))
        add((node, DCAT.downloadURL, _resource(graph, item.url)))
        add((node, DCAT.mediaType, _media_type(graph, item.media_type)))
        add((node, DCTERMS.format, authority.describe(graph, authority.file_type(item.media_type),
                                                      DCTERMS.MediaTypeOrExtent, authority.FILE_TYPE_TABLE)))
        if item.compress_format:
            add((node, DCAT.compressFormat, _media_type(graph, item.compress_format)))
        add((node, DCAT.byteSize, Literal(item.size, datatype=XSD.nonNegativeInteger)))
        add((node, DCTERMS.license, licence))
        add((node, DCATAP_AVAILABILITY, authority.describe(graph, STABLE, SKOS.Concept, PLANNED_AVAILABILITY, "stable")))
        if item.conforms_to:
            add((node, DCTERMS.conformsTo, _standard(graph, item.conforms_to)))
        checksum = stable_bnode("checksum", item.url)
        add((node, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SHA256))
        add((checksum, SPDX.checksumValue, Literal(item.sha256, datatype=XSD.hexBinary)))
    if endpoint:
        add((CATALOG, DCAT.service, SERVICE))
        add((SERVICE, RDF.type, DCAT.DataService))
        add((SERVICE, DCTERMS.title, Literal("mrkg SPARQL endpoint", lang="en")))
        add((SERVICE, DCTERMS.description, Literal("A read-only SPARQL 1.1 endpoint over the graph; its "
                                                   "service description is served at the endpoint URL.",
                                                   lang="en")))
        add((SERVICE, DCAT.endpointURL, _resource(graph, endpoint)))
        # SPARQL 1.1 Service Description: GET on the endpoint without a query returns it.
        add((SERVICE, DCAT.endpointDescription, _resource(graph, endpoint)))
        add((SERVICE, DCTERMS.conformsTo, _standard(graph, SPARQL_PROTOCOL)))
        add((SERVICE, DCAT.servesDataset, DATASET))
        add((SERVICE, DCTERMS.license, licence))
        _common(graph, SERVICE)
        sparql = URIRef(endpoint + "#distribution")
        add((DATASET, DCAT.distribution, sparql))
        add((sparql, RDF.type, DCAT.Distribution))
        add((sparql, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
        add((sparql, DCTERMS.description, Literal("The graph, queried through the SPARQL endpoint.", lang="en")))
        add((sparql, DCAT.accessURL, _resource(graph, endpoint)))
        add((sparql, DCAT.accessService, SERVICE))
        add((sparql, DCTERMS.license, licence))
        add((sparql, DCTERMS.format, authority.describe(graph, URIRef(authority.AUTHORITY + "file-type/SPARQLQ"),
                                                        DCTERMS.MediaTypeOrExtent, authority.FILE_TYPE_TABLE)))
        add((sparql, DCATAP_AVAILABILITY, authority.describe(graph, STABLE, SKOS.Concept, PLANNED_AVAILABILITY, "stable")))
    return graph
