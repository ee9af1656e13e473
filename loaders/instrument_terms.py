"""The codes a curated instrument record uses for its class, type, consent and policy areas, and the
ontology's term for each.

Apart from the record models (``instruments``): the query library checks parameters against these
codes, and a query should not import pydantic for it (docs/benchmarks.md, "start-up")."""

from __future__ import annotations

from mrkg.ontology.namespace import MRKG

CLASSES = {
    "international-agreement": MRKG.InternationalAgreement,
    "organisation-decision": MRKG.OrganisationDecision,
    "non-binding": MRKG.NonBindingInstrument,
    "national-law": MRKG.NationalLaw,
    "decree": MRKG.Decree,
    "policy-concept": MRKG.PolicyConcept,
    "programme": MRKG.Programme,
    "policy-measure": MRKG.PolicyMeasure,
    "draft": MRKG.DraftInstrument,
}
TYPES = {
    "treaty": MRKG.Treaty, "agreement": MRKG.Agreement, "convention": MRKG.Convention,
    "protocol": MRKG.Protocol, "decision": MRKG.Decision, "declaration": MRKG.Declaration,
    "memorandum": MRKG.Memorandum, "law": MRKG.Law, "decree": MRKG.DecreeType,
    "resolution": MRKG.Resolution, "concept": MRKG.Concept, "programme": MRKG.ProgrammeType,
    "amendment": MRKG.Amendment, "strategy": MRKG.Strategy, "project": MRKG.Project,
    "funding-instrument": MRKG.FundingInstrumentType, "scheme": MRKG.Scheme,
    "information-system": MRKG.InformationSystem,
}
CONSENT_TYPES = {
    "ratification": MRKG.Ratification, "accession": MRKG.Accession, "acceptance": MRKG.Acceptance,
    "definitive-signature": MRKG.DefinitiveSignature, "succession": MRKG.Succession,
    "ratification-or-accession": MRKG.RatificationOrAccession,
}
POLICY_AREAS = {
    "labour-migration": MRKG.LabourMigration, "freedom-of-movement": MRKG.FreedomOfMovement,
    "equal-treatment": MRKG.EqualTreatment, "migration-policy-coordination": MRKG.MigrationPolicyCoordination,
    "irregular-migration": MRKG.IrregularMigration, "ethnic-return": MRKG.EthnicReturn, "asylum": MRKG.Asylum,
    "migration-management": MRKG.MigrationManagement, "human-trafficking": MRKG.HumanTrafficking,
    "legal-mobility": MRKG.LegalMobility, "civil-society": MRKG.CivilSociety,
    "migration-and-development": MRKG.MigrationAndDevelopment, "social-security": MRKG.SocialSecurity,
    "visa-policy": MRKG.VisaPolicy, "readmission": MRKG.Readmission, "border-traffic": MRKG.BorderTraffic,
    "education-and-youth": MRKG.EducationAndYouth, "exit-and-entry": MRKG.ExitAndEntry,
    "integration": MRKG.Integration, "entrepreneurship": MRKG.Entrepreneurship,
    "migration-statistics": MRKG.MigrationStatistics, "economic-integration": MRKG.EconomicIntegration,
}
NATIONAL = {"national-law", "decree"}
