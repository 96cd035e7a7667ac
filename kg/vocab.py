"""The ontology's terms as a checked rdflib namespace (``JSI.Member`` …).

Follows rdflib's ``DefinedNamespace`` with ``_fail = True`` (as ``rdflib.namespace.ORG``):
a misspelt term raises ``AttributeError`` instead of minting a new IRI. A test keeps this
list equal to the terms declared in ``ontology/jsi.ttl``.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg import iris

__all__ = ["JSI", "ID"]

#: Instance IRIs: ``ID["member/CIV"]``.
ID = Namespace(iris.ID)


class JSI(DefinedNamespace):
    """Terms of the JSI e-commerce ontology (``ontology/jsi.ttl``)."""

    _NS = Namespace(iris.JSI)
    _fail = True

    AgreementAnnex: URIRef
    AgreementSection: URIRef
    AgreementText: URIRef
    Annex: URIRef
    AnnexItem: URIRef
    Appropriate: URIRef
    Article: URIRef
    Assessment: URIRef
    BestEndeavour: URIRef
    Binding: URIRef
    CapacityBuildingColumn: URIRef
    CapacityBuildingProvision: URIRef
    Certainty: URIRef
    CertaintyScheme: URIRef
    Citation: URIRef
    Coalition: URIRef
    CommitmentStrength: URIRef
    CommitmentStrengthScheme: URIRef
    Communication: URIRef
    ConcernCategory: URIRef
    ConvenorGroup: URIRef
    CooperationColumn: URIRef
    CooperationMechanismsColumn: URIRef
    CooperationProvision: URIRef
    Country: URIRef
    CriticalSupportElement: URIRef
    DevelopedMember: URIRef
    DevelopingMember: URIRef
    DevelopmentConcern: URIRef
    DisputeSettlementFlexibilityProvision: URIRef
    ElementTheme: URIRef
    Encouraged: URIRef
    Finding: URIRef
    FitAssessment: URIRef
    FitLevel: URIRef
    FitLevelScheme: URIRef
    Group: URIRef
    HighCertainty: URIRef
    HorizontalColumn: URIRef
    HorizontalColumnScheme: URIRef
    Hortatory: URIRef
    HybridSDTModel: URIRef
    ImplementationPeriodProvision: URIRef
    ImplementationPeriodsColumn: URIRef
    Indicator: URIRef
    Initiative: URIRef
    JointStatement: URIRef
    LeastDevelopedMember: URIRef
    Limited: URIRef
    LowCertainty: URIRef
    MediumCertainty: URIRef
    Member: URIRef
    Milestone: URIRef
    NegotiatingText: URIRef
    NegotiationIssue: URIRef
    NoCommitment: URIRef
    NotAppropriate: URIRef
    NotTakenUp: URIRef
    Outcome: URIRef
    OutcomeScheme: URIRef
    Paragraph: URIRef
    ParticipantCategory: URIRef
    PartlyTakenUp: URIRef
    Position: URIRef
    Proposal: URIRef
    ProposalElement: URIRef
    Provision: URIRef
    Recognition: URIRef
    Region: URIRef
    RoadmapItem: URIRef
    SDTModel: URIRef
    Section: URIRef
    SeparateCustomsTerritory: URIRef
    Source: URIRef
    SpecificIssue: URIRef
    Study: URIRef
    Subsection: URIRef
    SupranationalMember: URIRef
    TakenUp: URIRef
    Voluntary: URIRef
    WTODocument: URIRef
    Weakened: URIRef
    about: URIRef
    addressesIssue: URIRef
    answersConcern: URIRef
    articleNumber: URIRef
    asOf: URIRef
    assessedCategory: URIRef
    assessedModel: URIRef
    certainty: URIRef
    certaintyKey: URIRef
    certaintyNote: URIRef
    changePercent: URIRef
    citesDocument: URIRef
    code: URIRef
    combines: URIRef
    commitmentStrength: URIRef
    completenessNote: URIRef
    correspondsToIssue: URIRef
    count: URIRef
    countIsApproximate: URIRef
    dateNote: URIRef
    didNotSupportText: URIRef
    elementOf: URIRef
    fit: URIRef
    hasElement: URIRef
    hasInterestIn: URIRef
    heading: URIRef
    inCategory: URIRef
    inColumn: URIRef
    inText: URIRef
    indicator: URIRef
    investmentPerCapitaUSD: URIRef
    isAddressedBy: URIRef
    isOwnAssessment: URIRef
    isoCode: URIRef
    listComplete: URIRef
    locator: URIRef
    maxExtensionYears: URIRef
    maxPeriodYears: URIRef
    outcome: URIRef
    paragraphNumber: URIRef
    participantCategory: URIRef
    qualifier: URIRef
    raisedBy: URIRef
    raisedIn: URIRef
    raises: URIRef
    rank: URIRef
    reasoning: URIRef
    recommendedFor: URIRef
    refPeriod: URIRef
    refRegion: URIRef
    relatedIssue: URIRef
    requestedBy: URIRef
    sharePercent: URIRef
    sponsoredBy: URIRef
    sponsors: URIRef
    statement: URIRef
    supportedText: URIRef
    symbol: URIRef
    takenUpIn: URIRef
    theme: URIRef
    wording: URIRef
    wordingChanged: URIRef
    wtoMemberSince: URIRef
