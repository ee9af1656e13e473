"""Namespaces used by mrkg, and MRKG, the closed namespace of our own terms.

MRKG is closed: ``MRKG.Instrumnet`` raises AttributeError instead of minting a
new IRI. ``tests/test_ontology.py`` checks it against ``mrkg.ttl`` both ways.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/mrkg/ontology")
ONTOLOGY_NS = "https://w3id.org/mrkg/ontology#"

SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "mrkg": ONTOLOGY_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "eli": str(ELI),
    "org": str(ORG),
    "time": str(TIME),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "wd": str(WIKIDATA),
}


class MRKG(DefinedNamespace):
    """Terms of the mrkg ontology (``ontology/mrkg.ttl``)."""

    _NS = Namespace(ONTOLOGY_NS)
    _fail = True

    About: URIRef
    Acceptance: URIRef
    Accession: URIRef
    AfterEntryIntoForce: URIRef
    AfterThreshold: URIRef
    Agreement: URIRef
    AllSources: URIRef
    Amendment: URIRef
    AreaAggregate: URIRef
    Asylum: URIRef
    BindingInstrument: URIRef
    BorderTraffic: URIRef
    CivilSociety: URIRef
    Concept: URIRef
    ConsentType: URIRef
    ConsolidatedMembership: URIRef
    ConsolidatedParticipation: URIRef
    Convention: URIRef
    Corridor: URIRef
    Country: URIRef
    Decision: URIRef
    Declaration: URIRef
    Decree: URIRef
    DecreeType: URIRef
    DefinitiveSignature: URIRef
    DenunciationTakesEffect: URIRef
    Discrepancy: URIRef
    DraftInstrument: URIRef
    EconomicIntegration: URIRef
    EducationAndYouth: URIRef
    Entrepreneurship: URIRef
    EntryIntoForceForLaterParty: URIRef
    EqualTreatment: URIRef
    EthnicReturn: URIRef
    EuBudget: URIRef
    ExitAndEntry: URIRef
    FigureStatus: URIRef
    FreedomOfMovement: URIRef
    FundingBody: URIRef
    FundingInstrumentType: URIRef
    FundingSource: URIRef
    HumanTrafficking: URIRef
    InForce: URIRef
    InForceState: URIRef
    InForceUncertain: URIRef
    InForceNotKnown: URIRef
    InformationSystem: URIRef
    Instrument: URIRef
    InstrumentRecord: URIRef
    InstrumentType: URIRef
    Integration: URIRef
    IntergovernmentalOrganisation: URIRef
    InternationalAgreement: URIRef
    InternationalOrganisation: URIRef
    IrregularMigration: URIRef
    LabourMigration: URIRef
    Law: URIRef
    LegalMobility: URIRef
    LocalBudgets: URIRef
    Measure: URIRef
    Memorandum: URIRef
    MigrationAndDevelopment: URIRef
    MigrationManagement: URIRef
    MigrationPolicyCoordination: URIRef
    MigrationRole: URIRef
    MigrationRoleClassification: URIRef
    MigrationStatistics: URIRef
    NationalAuthority: URIRef
    NationalBudget: URIRef
    NationalLaw: URIRef
    Nearly: URIRef
    NonBindingInstrument: URIRef
    NonGovernmentalOrganisation: URIRef
    NotInForce: URIRef
    OrganisationBody: URIRef
    OrganisationDecision: URIRef
    OrganisationKind: URIRef
    OtherSources: URIRef
    Over: URIRef
    Participation: URIRef
    PartnerRanking: URIRef
    Planned: URIRef
    PolicyArea: URIRef
    PolicyConcept: URIRef
    PolicyMeasure: URIRef
    Programme: URIRef
    ProgrammeType: URIRef
    ProgrammeZone: URIRef
    Project: URIRef
    Protocol: URIRef
    Range: URIRef
    Ratification: URIRef
    RatificationOrAccession: URIRef
    Readmission: URIRef
    ReceivingState: URIRef
    Region: URIRef
    Reported: URIRef
    Resolution: URIRef
    RuleKind: URIRef
    RuleThreshold: URIRef
    Scheme: URIRef
    SendingState: URIRef
    SocialSecurity: URIRef
    SourceDocument: URIRef
    StatisticalSource: URIRef
    StatusPeriod: URIRef
    Stipulated: URIRef
    Strategy: URIRef
    Succession: URIRef
    TransitState: URIRef
    Treaty: URIRef
    TreatyRule: URIRef
    Under: URIRef
    Unit: URIRef
    UpTo: URIRef
    ValueQualifier: URIRef
    VisaPolicy: URIRef
    adoptedWithin: URIRef
    allowedUnit: URIRef
    appliesAfter: URIRef
    baseUnit: URIRef
    bracketEnd: URIRef
    classifiedState: URIRef
    comparedArea: URIRef
    comparedDestination: URIRef
    comparedMeasure: URIRef
    comparedOrigin: URIRef
    comparison: URIRef
    consentDate: URIRef
    consentEarliest: URIRef
    consentLatest: URIRef
    consentType: URIRef
    consentTypes: URIRef
    corridor: URIRef
    corridorDestination: URIRef
    corridorOrigin: URIRef
    curatedRecord: URIRef
    dateProperty: URIRef
    delayDays: URIRef
    delayMonths: URIRef
    denunciationDate: URIRef
    destination: URIRef
    difference: URIRef
    disputedDates: URIRef
    documentNameA: URIRef
    documentNameB: URIRef
    endEarliest: URIRef
    endLatest: URIRef
    entryIntoForce: URIRef
    entryIntoForceEarliest: URIRef
    entryIntoForceLatest: URIRef
    entryIntoForceRule: URIRef
    figureStatus: URIRef
    figureStatuses: URIRef
    firstDayOfNextMonth: URIRef
    fundingSource: URIRef
    fundingSources: URIRef
    hasDiscrepancy: URIRef
    inForceState: URIRef
    inForceStates: URIRef
    instrument: URIRef
    instrumentType: URIRef
    instrumentTypes: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    iso3166Numeric: URIRef
    locator: URIRef
    measure: URIRef
    measureKind: URIRef
    migrationRole: URIRef
    migrationRoles: URIRef
    observationStructure: URIRef
    organisationKinds: URIRef
    origin: URIRef
    party: URIRef
    periodEnd: URIRef
    periodLabelA: URIRef
    periodLabelB: URIRef
    partnerRole: URIRef
    periodStart: URIRef
    policyArea: URIRef
    policyAreas: URIRef
    possibleDuplicateOf: URIRef
    quote: URIRef
    rankedDocument: URIRef
    rankedMeasure: URIRef
    rankedPlace: URIRef
    rankedSource: URIRef
    rankingYear: URIRef
    recordA: URIRef
    recordB: URIRef
    recordOf: URIRef
    refInstrument: URIRef
    relativeDifference: URIRef
    responsibleBody: URIRef
    roleScope: URIRef
    ruleKind: URIRef
    ruleKinds: URIRef
    ruleOf: URIRef
    ruleThresholds: URIRef
    sha256: URIRef
    signatory: URIRef
    signatureDate: URIRef
    signatureEarliest: URIRef
    signatureLatest: URIRef
    sourceA: URIRef
    sourceB: URIRef
    sourceType: URIRef
    sourcesCited: URIRef
    startEarliest: URIRef
    startLatest: URIRef
    statisticalSource: URIRef
    statusFrom: URIRef
    statusLabel: URIRef
    statusPeriod: URIRef
    statusUntil: URIRef
    suspensionDate: URIRef
    suspensionEarliest: URIRef
    suspensionEndDate: URIRef
    suspensionEndEarliest: URIRef
    suspensionEndLatest: URIRef
    suspensionLatest: URIRef
    tablePosition: URIRef
    targetGroup: URIRef
    terminationDate: URIRef
    terminationEarliest: URIRef
    terminationLatest: URIRef
    unitCodeA: URIRef
    unitCodeB: URIRef
    unitMultiplier: URIRef
    upperValue: URIRef
    valueA: URIRef
    valueB: URIRef
    valueQualifier: URIRef
    valueQualifiers: URIRef
    withdrawalDate: URIRef
    withdrawalEarliest: URIRef
    withdrawalLatest: URIRef
    withdrawalRule: URIRef
    zoneOf: URIRef
    # --- bilateral labour agreements (Chilton & Woda BLA data; loaders/labour_agreements.py) ---
    Arrangement: URIRef
    CodedProvision: URIRef
    codedText: URIRef
    provisionTopic: URIRef
    provisionOf: URIRef

    # GLOBALCIT citizenship law (loaders/datasets/citizenship_law.py)
    CitizenshipProvision: URIRef
    citizenshipMode: URIRef
    inForceOn: URIRef
    provisionCategory: URIRef
    provisionCode: URIRef
    provisionExists: URIRef
    residenceYears: URIRef

    # Visa requirements (dataset passport-index-visa, loaders/datasets/passport_index.py)
    CovidEntryBan: URIRef
    EVisa: URIRef
    ElectronicAuthorisation: URIRef
    ElectronicTravelAuthorisation: URIRef
    NoAdmission: URIRef
    VisaFree: URIRef
    VisaOnArrival: URIRef
    VisaRequired: URIRef
    VisaRequirement: URIRef
    VisaRequirementObservation: URIRef
    destinationSnapshotSliceKey: URIRef
    nextScrapeDate: URIRef
    passportSnapshotSliceKey: URIRef
    passportState: URIRef
    scrapeDate: URIRef
    sourceValue: URIRef
    visaDestination: URIRef
    visaFreeDays: URIRef
    visaRequirement: URIRef
    visaRequirementStructure: URIRef
    visaRequirements: URIRef
