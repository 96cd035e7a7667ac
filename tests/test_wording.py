"""Tests of kg.wording (the commitment-grading rule) and of the INF/ECOM/87 data it grades.

The unit tests use real sentences of the Agreement on Electronic Commerce (INF/ECOM/87);
the data tests parse graph_data/agreement-*.trig and check that every stored strength and
qualifier is what the rule gives for the stored wording.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from kg.wording import QUALIFIERS, RANK, STRENGTH_TERMS, STRENGTHS, Grading, grade_commitment

ROOT = Path(__file__).resolve().parent.parent
JSI = Namespace("https://w3id.org/jsi-ecom/ontology#")
ID = "https://w3id.org/jsi-ecom/id/"
DOC87 = URIRef(ID + "doc/INF-ECOM-87")
AGREEMENT_FILES = sorted((ROOT / "graph_data").glob("agreement-*.trig"))


def _parse_trig(*paths: Path) -> Dataset:
    """TriG files parsed into one rdflib Dataset (one graph per named graph)."""
    ds = Dataset()
    with warnings.catch_warnings():  # rdflib 7 warns about its own use of a deprecated attribute
        warnings.simplefilter("ignore", DeprecationWarning)
        for path in paths:
            ds.parse(data=path.read_text(encoding="utf-8"), format="trig")
    return ds


def _union(ds: Dataset) -> Graph:
    """The triples of every graph of a Dataset as one rdflib Graph."""
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def prov(local: str) -> URIRef:
    return URIRef(ID + "provision/INF-ECOM-87-" + local)


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("text", "strength", "qualifiers"),
    [
        # Article 19 (cooperation)
        (
            "Recognizing the global nature of electronic commerce, Parties shall endeavour to: (a) work together to "
            "facilitate the use of and access to electronic commerce by all peoples, particularly under-represented "
            "groups and MSMEs; (b) exchange information and share experiences on laws, regulations, and policies "
            "relating to electronic commerce; and (c) participate actively in regional and multilateral fora to "
            "promote the development of electronic commerce.",
            "best-endeavour",
            (),
        ),
        # a list of possible areas commits no Party
        ("Areas of cooperation for the purposes of paragraph 1 may include: (a) protection of personal data;",
         "no-commitment", ()),
        (
            "Each Party shall, within its available resources, establish or maintain an enquiry point or points to: "
            "(a) be responsible for any notification or consultation procedure related to the implementation of this "
            "Agreement; and (b) respond to reasonable enquiries from another Party on matters covered by this Agreement.",
            "binding",
            ("within its available resources",),
        ),
        # Article 20 (development)
        (
            "Assistance and support for capacity building should be provided to help developing and least-developed "
            "country Parties implement the provisions of this Agreement, in accordance with the nature and scope of "
            "such provisions.",
            "hortatory",
            (),
        ),
        (
            "The Parties recognize that developing and least-developed country Parties may require an extended period "
            "of time or the acquisition of implementation capacity, through assistance and support for capacity "
            "building, to implement certain obligations under this Agreement.",
            "recognition",
            (),
        ),
        (
            "Each developing and least-developed country Party may, on the date of entry into force of this Agreement "
            "for that Party, self-designate any provision of this Agreement for which it requires an implementation "
            "period of no more than five years by submitting a list of such provisions to the Committee.",
            "no-commitment",  # a right of the Party, not a commitment
            (),
        ),
        (
            "Each developing and least-developed country Party may extend, for up to two additional years, the "
            "implementation period for any provisions self-designated pursuant to paragraph 6. Each such Party shall "
            "notify the Committee of any extension no later than 120 days before the expiry of the initial "
            "implementation period, detailing the reasons for the extension and the relevant actions required to "
            "complete the implementation thereof.",
            "binding",
            (),
        ),
        (
            "Developed country Parties, and developing country Parties in a position to do so, are encouraged to "
            "provide developing and least-developed country Parties with support to conduct or update their needs "
            "assessment to identify gaps in capacity to implement this Agreement, either bilaterally or through "
            "relevant international organizations.",
            "encouraged",
            ("in a position to do so",),
        ),
        (
            "The Parties recognize the importance of technical assistance and capacity building for the full "
            "implementation of all provisions of this Agreement. To this end, developing country and least-developed "
            "country Parties may identify any provision of this Agreement in respect of which they would most benefit "
            "from technical assistance and capacity building. Developed country Parties, and developing country "
            "Parties in a position to do so, agree to facilitate the provision of assistance and support for capacity "
            "building in respect of such provisions, either bilaterally or through appropriate international "
            "organizations, on mutually agreed terms and taking into account the specific needs and priorities of "
            "developing and least-developed country Parties.",
            "binding",
            ("in a position to do so", "on mutually agreed terms"),
        ),
        (
            "Article 27 shall not apply to the settlement of disputes against a least-developed country Party "
            "concerning any provision of this Agreement for a period of seven years after the date of entry into "
            "force of this Agreement for that Party.",
            "no-commitment",  # a rule that does not apply: no Party is committed to anything
            (),
        ),
        ("The Parties recognize the importance of technical assistance and capacity building to developing and "
         "least-developed country Parties in implementing this Agreement.", "recognition", ()),
        # 'shall endeavour' with a qualifier between, never binding
        ("Each Party shall endeavour, as appropriate, to share best practices relating to electronic invoicing.",
         "best-endeavour", ("as appropriate",)),
        ("Parties shall endeavour to cooperate in appropriate cases of mutual concern regarding the regulation of "
         "unsolicited commercial electronic messages.", "best-endeavour", ("in appropriate cases",)),
        # 'shall not', 'No Party shall', 'may not' are binding
        (
            "Except in circumstances otherwise provided for under its laws or regulations, a Party shall not deny the "
            "legal effect, legal validity, or enforceability of an electronic contract solely on the basis that the "
            "contract has been made by electronic means.",
            "binding",
            ("Except in circumstances otherwise provided for under its laws or regulations",),
        ),
        ("No Party shall impose customs duties on electronic transmissions between a person of one Party and a "
         "person of another Party.", "binding", ()),
        ("Reservations may not be entered in respect of any of the provisions of this Agreement without the consent "
         "of the other Parties.", "no-commitment", ()),  # a rule of treaty law, not a Party's act
        # 'may' paragraph
        ("Parties may work together, on a voluntary basis, to encourage the mutual recognition of electronic "
         "signatures.", "voluntary", ("on a voluntary basis",)),
        # 'should' after a participial recognition whose 'may' is set aside
        (
            "Recognizing that the Parties may take different legal approaches to protecting personal data, each Party "
            "should encourage the development of mechanisms to promote compatibility between these different regimes.",
            "hortatory",
            (),
        ),
        # 'is encouraged' after a recognition
        (
            "With a view to creating a paperless border environment for trade in goods, the Parties recognize the "
            "importance of eliminating paper forms and documents required for importation, exportation, or transit of "
            "goods. To this end, each Party is encouraged to eliminate paper forms and documents, as appropriate, and "
            "transition towards using forms and documents in data-based formats.",
            "encouraged",
            ("as appropriate",),
        ),
        # Article 35.2: 'may include' sits inside what the Parties recognize
        (
            "Taking into account the evolving nature of electronic commerce and digital technology, and recognizing "
            "the importance of establishing global rules for electronic commerce, notwithstanding paragraph 1, the "
            "Parties recognize that further negotiations may include outstanding issues in document "
            "INF/ECOM/62/Rev.5 or such other issues as the Parties may introduce. Each Party reserves the right in any "
            "future negotiation to propose amendments to the provisions of this Agreement, including with respect to "
            "exceptions, dispute settlement, or the scope of application.",
            "recognition",
            (),
        ),
        # the Annex keeps the Reference Paper's 'will'
        ("The procedures applicable for interconnection to a major supplier will be made publicly available.",
         "binding", ()),
        # qualifiers in order of appearance
        (
            "To the extent that a Party chooses to make government data digitally available for public access and "
            "use, it shall endeavour, to the extent practicable, to ensure that such data is: (a) made available in a "
            "machine-readable and open format; (d) accompanied by metadata that is, to the extent possible, based on "
            "commonly used formats that allow the user to understand and utilize the data;",
            "best-endeavour",
            ("to the extent practicable", "to the extent possible"),
        ),
        (
            "Further to Article 18, each Party shall, to the extent applicable, take such reasonable measures as may "
            "be available to it to ensure that the rules of general application adopted or maintained by its "
            "self-regulatory organizations are promptly published or otherwise made publicly available.",
            "binding",
            ("to the extent applicable", "such reasonable measures as may be available to it"),
        ),
        # the longest of overlapping qualifiers
        ("include, where relevant and appropriate, activities to address regional and sub-regional challenges",
         "no-commitment", ()),
        (
            "Parties shall endeavour to apply the following principles: (b) include, where relevant and appropriate, "
            "activities to address regional and sub-regional challenges;",
            "best-endeavour",
            ("where relevant and appropriate",),
        ),
    ],
)
def test_real_sentences(text: str, strength: str | None, qualifiers: tuple[str, ...]) -> None:
    g = grade_commitment(text)
    assert g.strength == strength
    assert g.qualifiers == qualifiers


@pytest.mark.parametrize(
    "text",
    [
        'For the purposes of this Article, "personal data" means any information relating to an identified or '
        "identifiable natural person.",
        'For the purposes of this Agreement: (a) "Committee" means the Committee on Trade-Related Aspects of '
        "Electronic Commerce established under Article 28.1; (b) \"country\" includes any separate customs territory "
        "that is a Party to this Agreement. In the case of a separate customs territory that is a Party to this "
        "Agreement, where an expression in this Agreement is qualified by the term 'national', such expression shall "
        "be read as pertaining to that customs territory, unless otherwise specified;",
        'For the purposes of this Article, "misleading, fraudulent, and deceptive commercial activities" include: '
        "(a) making material misrepresentations;",
        # saving clauses
        "No Party shall be required to apply paragraphs 3 or 4 if there is an international legal requirement to the "
        "contrary.",
        "Nothing in this Agreement shall prevent a Party from adopting or maintaining measures on the protection of "
        "personal data and privacy, including with respect to cross-border data transfers, provided that the law of "
        "that Party provides for instruments enabling transfers under conditions of general application for the "
        "protection of the data transferred.",
        "For greater certainty, paragraph 3 does not preclude a Party from imposing internal taxes, fees, or other "
        "charges on electronic transmissions in a manner not inconsistent with the WTO Agreement.",
    ],
)
def test_no_commitment(text: str) -> None:
    assert grade_commitment(text) == Grading("no-commitment", (), None)


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        # scope: the text is the subject (Articles 1.1, 1.2, 12.2)
        ("This Agreement shall apply to measures adopted or maintained by a Party affecting trade by electronic "
         "means.", "no-commitment"),
        ("This Article shall apply to measures adopted or maintained by a Party with respect to data held by its "
         "central government.", "no-commitment"),
        # application of other rules (Articles 22, 27.1)
        ("For the purposes of this Agreement, Article XX of the GATT 1994 and its interpretative notes and Article "
         "XIV of the GATS shall apply, mutatis mutandis.", "no-commitment"),
        ("Articles XXII and XXIII of the GATT 1994 or Articles XXII and XXIII of the GATS, as elaborated and applied "
         "by the Dispute Settlement Understanding, shall apply to consultations.", "no-commitment"),
        # rights and legal effects (Articles 29.1, 33.1, 33.2)
        ("Any Member of the WTO may accept this Agreement. Acceptance shall take place by deposit of an instrument "
         "of acceptance to this Agreement with the Director-General of the WTO.", "no-commitment"),
        ("Any Party may withdraw from this Agreement by providing written notification of its intent to withdraw to "
         "the Director-General of the WTO. The withdrawal shall take effect upon the expiration of 60 days.",
         "no-commitment"),
        ("Where a Party to this Agreement ceases to be a Member of the WTO, it shall cease to be a Party to this "
         "Agreement with effect on the date on which it ceases to be a Member of the WTO.", "no-commitment"),
        ("Notwithstanding paragraph 3, a Party may require that, for a particular category of transactions, the "
         "method of authentication meets certain performance standards.", "no-commitment"),
        # bodies that are not Parties (Articles 28.4, 37.2)
        ("The Committee shall monitor the operation and implementation of this Agreement and shall report thereon "
         "annually to the General Council.", "no-commitment"),
        ("The Director-General of the WTO shall promptly furnish to each Party a certified true copy of this "
         "Agreement.", "no-commitment"),
        ("The interpretation of a Party's legal, constitutional, or treaty arrangements with Indigenous Peoples in "
         "its territory, including as to the nature of the rights, shall not be subject to dispute settlement.",
         "no-commitment"),
        # hard cases that stay binding: the Party is the subject, or the Party must secure a person's right
        ("Each developing and least-developed country Party may extend, for up to two additional years, the "
         "implementation period. Each such Party shall notify the Committee of any extension.", "binding"),
        ("To the extent provided for under its laws or regulations, each Party shall apply paragraphs 2 to 4 to "
         "electronic seals.", "binding"),
        ("In establishing or maintaining its single window, each Party: (a) shall endeavour to incorporate the Data "
         "Model; (b) shall ensure the protection of the data exchanged;", "binding"),
        ("A supplier of public telecommunications services shall have access to recourse, within a reasonable "
         "period of time, to a Party's telecommunications regulatory authority.", "binding"),
        ("Notwithstanding the grace period referred to in paragraph 12, before a Party requests consultations under "
         "Article 27, it shall give particular consideration to the special situation of least-developed country "
         "Parties.", "binding"),
        ("The Committee shall take note of any notifications of extension received under Article 20.7 and shall "
         "follow up on any relevant action.", "no-commitment"),
    ],
)
def test_what_commits_no_party(text: str, strength: str) -> None:
    """Rule step 2: scope, rights, legal effects and bodies that are not Parties commit no Party."""
    assert grade_commitment(text).strength == strength


def test_binding_lists_real_obligations_only() -> None:
    """Articles 1.1 and 12.2 (scope) and the final clauses are not obligations of a Party."""
    assert grade_commitment("This Agreement shall be deposited with the Director-General of the WTO.").strength \
        == "no-commitment"
    assert grade_commitment("").strength is None


@pytest.mark.parametrize(
    ("text", "strength", "phrase"),
    [
        ("Each Party shall seek to cooperate.", "best-endeavour", "shall seek to"),
        ("Each Party shall make every effort to cooperate.", "best-endeavour", "shall make every effort"),
        ("Each Party shall make efforts to cooperate.", "best-endeavour", "shall make efforts"),
        ("Each Party shall, as appropriate, endeavour to cooperate.", "best-endeavour",
         "shall, as appropriate, endeavour"),
        ("Members are also encouraged to cooperate.", "encouraged", "are also encouraged"),
        ("The Parties recognise the importance of cooperation.", "recognition", "recognise"),
        ("The Parties acknowledge their role.", "recognition", "acknowledge"),
        ("Each Party shall endeavour to cooperate and shall notify the Committee.", "binding", "shall"),
        ("The Parties recognize the importance of X. Each Party should do Y.", "hortatory", "should"),
    ],
)
def test_rule_cases(text: str, strength: str, phrase: str) -> None:
    g = grade_commitment(text)
    assert (g.strength, g.phrase) == (strength, phrase)


def test_grading_is_frozen_and_scale_is_complete() -> None:
    g = grade_commitment("Each Party shall adopt a framework.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.strength = "voluntary"  # type: ignore[misc]
    assert set(STRENGTHS) == set(RANK) == set(STRENGTH_TERMS)
    assert [RANK[s] for s in STRENGTHS] == sorted(RANK.values(), reverse=True)
    assert len(set(QUALIFIERS)) == len(QUALIFIERS)


def test_scale_matches_the_ontology() -> None:
    onto = Graph().parse(data=(ROOT / "ontology" / "jsi.ttl").read_text(encoding="utf-8"), format="turtle")
    for key, local in STRENGTH_TERMS.items():
        term = JSI[local]
        assert (term, RDF.type, JSI.CommitmentStrength) in onto
        assert onto.value(term, JSI.code) == Literal(key)
        assert int(onto.value(term, JSI.rank)) == RANK[key]


# --------------------------------------------------------------------------- the data


@pytest.fixture(scope="module")
def agreement_ds() -> Dataset:
    assert AGREEMENT_FILES, "no graph_data/agreement-*.trig"
    return _parse_trig(*AGREEMENT_FILES)


@pytest.fixture(scope="module")
def agreement(agreement_ds: Dataset) -> Graph:
    """The union of the agreement graphs' statements."""
    return _union(agreement_ds)


def test_nothing_in_the_default_graph(agreement_ds: Dataset) -> None:
    assert len(agreement_ds.default_graph) == 0


def test_every_graph_is_a_citation(agreement_ds: Dataset) -> None:
    names = {ctx.identifier for ctx in agreement_ds.graphs() if len(ctx)}
    assert names
    for name in names:
        graph = agreement_ds.graph(name)
        assert (name, RDF.type, JSI.Citation) in graph, name
        assert len(list(graph.objects(name, DCTERMS.bibliographicCitation))) == 1, name
        assert list(graph.objects(name, DCTERMS.source)), name
        assert len(list(graph.objects(name, JSI.certainty))) == 1, name
        if graph.value(name, JSI.certainty) != JSI.HighCertainty:
            assert graph.value(name, JSI.certaintyNote) is not None, name
        if name.endswith(("grading", "trace", "trace-partial", "sdt", "proposals", "proposals-periods")):
            assert graph.value(name, JSI.isOwnAssessment) == Literal(True), name


def test_only_declared_jsi_terms(agreement: Graph) -> None:
    onto = Graph().parse(data=(ROOT / "ontology" / "jsi.ttl").read_text(encoding="utf-8"), format="turtle")
    declared = {s for s in onto.subjects() if isinstance(s, URIRef) and str(s).startswith(str(JSI))}
    used = {
        term
        for triple in agreement
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(JSI))
    }
    assert used and used <= declared, used - declared


def test_38_articles_in_8_sections(agreement: Graph) -> None:
    articles = {s for s in agreement.subjects(RDF.type, JSI.Article) if (s, JSI.inText, DOC87) in agreement}
    assert len(articles) == 38
    assert sorted(int(agreement.value(a, JSI.articleNumber)) for a in articles) == list(range(1, 39))
    sections = set(agreement.subjects(RDF.type, JSI.AgreementSection))
    assert len(sections) == 8
    for a in articles:
        assert agreement.value(a, DCTERMS.isPartOf) in sections
        assert agreement.value(a, JSI.heading) is not None


def test_stored_strength_and_qualifiers_follow_the_rule(agreement: Graph) -> None:
    """Every provision of INF/ECOM/87 with a wording carries exactly what grade_commitment gives."""
    worded = [s for s in set(agreement.subjects(JSI.wording, None)) if (s, JSI.inText, DOC87) in agreement]
    assert len(worded) > 150
    for s in worded:
        wordings = list(agreement.objects(s, JSI.wording))
        assert len(wordings) == 1, s
        g = grade_commitment(str(wordings[0]))
        strengths = list(agreement.objects(s, JSI.commitmentStrength))
        expected = [JSI[STRENGTH_TERMS[g.strength]]] if g.strength else []
        assert strengths == expected, (s, g)
        assert sorted(str(q) for q in agreement.objects(s, JSI.qualifier)) == sorted(g.qualifiers), s
        for q in agreement.objects(s, JSI.qualifier):
            assert str(q) in str(wordings[0]), (s, q)


def test_every_paragraph_has_wording(agreement: Graph) -> None:
    paragraphs = [p for p in agreement.subjects(RDF.type, JSI.Paragraph) if (p, JSI.inText, DOC87) in agreement]
    assert len(paragraphs) == 135 + 6 + 9  # numbered paragraphs, sub-paragraphs, Annex paragraphs
    for p in paragraphs:
        assert agreement.value(p, JSI.wording) is not None, p
        assert agreement.value(p, JSI.paragraphNumber) is not None, p
        assert agreement.value(p, DCTERMS.isPartOf) is not None, p


# Checked by hand against the text of INF/ECOM/87 (not computed): the paragraph and its strength.
HAND_CHECKED = {
    "art5.2": "Binding",  # "a Party shall not deny the legal effect"
    "art5.7": "Voluntary",  # "Parties may work together, on a voluntary basis"
    "art7.3": "Recognition",  # "The Parties recognize that electronic invoicing frameworks can help"
    "art7.5": "BestEndeavour",  # "shall endeavour, as appropriate, to share best practices"
    "art8.2": "Encouraged",  # "each Party is encouraged to eliminate paper forms"
    "art9.2": "Hortatory",  # "A Party's single window should allow, where possible"
    "art9.3.c": "Encouraged",  # "(c) is encouraged to implement a reference number"
    "art11.3": "Binding",  # "No Party shall impose customs duties"
    "art16.4": "Hortatory",  # "each Party should take into account principles and guidelines"
    "art19.1": "BestEndeavour",  # "Parties shall endeavour to: (a) work together"
    "art19.2": "NoCommitment",  # "Areas of cooperation … may include": a list of possible areas
    "art19.3": "Binding",  # "Each Party shall, within its available resources, establish"
    "art20.4": "Hortatory",  # "Assistance and support for capacity building should be provided"
    "art20.5": "Recognition",  # "The Parties recognize that … may require an extended period"
    "art20.6": "NoCommitment",  # "may … self-designate any provision": a right of the Party
    "art20.8": "Encouraged",  # "are encouraged to provide … support to conduct … needs assessment"
    "art20.11": "BestEndeavour",  # "Parties shall endeavour to apply the following principles"
    "art20.12": "NoCommitment",  # "Article 27 shall not apply … for a period of seven years"
    "art20.14": "Binding",  # "it shall give particular consideration", "the Parties shall exercise due restraint"
    "art28.4": "NoCommitment",  # "The Committee shall monitor …": a duty of the Committee, not of a Party
    "art31": "NoCommitment",  # "Reservations may not be entered": a rule of treaty law
    "art1.1": "NoCommitment",  # "This Agreement shall apply to measures …": scope
    "art12.2": "NoCommitment",  # "This Article shall apply to measures …": scope
    "art33.1": "NoCommitment",  # "Any Party may withdraw … The withdrawal shall take effect …"
    "art35.2": "Recognition",  # "the Parties recognize that further negotiations may include"
    "annex-2.3": "Binding",  # "will be made publicly available" (Article 21.2: obligations of the Annex)
}
HAND_CHECKED_NONE = ["art2", "art5.1", "art8.5", "art10.6", "art11.4", "art25"]  # definitions, saving clauses


def test_hand_checked_sample(agreement: Graph) -> None:
    for local, term in HAND_CHECKED.items():
        assert agreement.value(prov(local), JSI.commitmentStrength) == JSI[term], local
    for local in HAND_CHECKED_NONE:
        assert agreement.value(prov(local), JSI.wording) is not None, local
        assert agreement.value(prov(local), JSI.commitmentStrength) == JSI.NoCommitment, local


def test_article_20_periods(agreement: Graph) -> None:
    assert agreement.value(prov("art20.6"), JSI.maxPeriodYears).toPython() == 5
    assert agreement.value(prov("art20.7"), JSI.maxExtensionYears).toPython() == 2
    for local in ("art20.6", "art20.7", "art20.9", "art28.5", "art30"):
        assert (prov(local), RDF.type, JSI.ImplementationPeriodProvision) in agreement
    # other delays are not implementation periods: the dispute-settlement grace of 20.12-20.14
    for local in ("art20.5", "art20.12", "art20.13", "art20.14", "art20.19"):
        assert (prov(local), RDF.type, JSI.ImplementationPeriodProvision) not in agreement
    for local in ("art20.12", "art20.13", "art20.14"):
        assert (prov(local), RDF.type, JSI.DisputeSettlementFlexibilityProvision) in agreement
    for local in ("art19.1", "art19.2", "art19.3"):
        assert (prov(local), RDF.type, JSI.CooperationProvision) in agreement
    for local in ("art20.4", "art20.10", "art28.4"):
        assert (prov(local), RDF.type, JSI.CapacityBuildingProvision) in agreement


def test_every_issue_is_traced_once(agreement: Graph) -> None:
    """Each issue has one assessment with one outcome; those taken up name where (jsi:takenUpIn)."""
    outcome = {}
    for a in agreement.subjects(RDF.type, JSI.Assessment):
        about = set(agreement.objects(a, JSI.about))
        for issue in (x for x in about if str(x).startswith(ID + "issue/")):
            assert DOC87 in about and issue not in outcome, issue
            outcome[issue] = agreement.value(a, JSI.outcome)
            assert agreement.value(a, JSI.reasoning) is not None, issue
    issues = set(outcome)
    assert len(issues) == 82  # Table A1: 6 sections, 14 subsections, 50 specific issues, Annex 1 and its 11 items
    up = {s for s in agreement.subjects(JSI.takenUpIn, None) if str(s).startswith(ID + "issue/")}
    assert up == {i for i, o in outcome.items() if o in (JSI.TakenUp, JSI.PartlyTakenUp)}
    assert not list(agreement.subjects(URIRef(str(JSI) + "notInAgreement"), None)), "no negative relation"
    scheme = ROOT / "graph_data" / "brief-scheme.trig"
    if scheme.exists():  # the issue scheme, written from IISD 2022 Table A1
        declared = {s for s in _union(_parse_trig(scheme)).subjects(JSI.code, None) if str(s).startswith(ID + "issue/")}
        assert issues == declared


def test_d31_is_traced_to_the_paragraphs_that_answer_it(agreement: Graph) -> None:
    """D.3.1 (capacity building): the paragraphs its note names, not the dispute-settlement ones."""
    targets = {str(t).rsplit("-", 1)[1] for t in agreement.objects(URIRef(ID + "issue/D.3.1"), JSI.takenUpIn)}
    assert targets == {f"art20.{n}" for n in (4, 8, 10, 11, 15, 16, 17, 18, 19)}


def test_proposals_have_outcomes(agreement: Graph) -> None:
    about = {o for a in agreement.subjects(RDF.type, JSI.Assessment) for o in agreement.objects(a, JSI.about)}
    for n in (17, 19, 20, 35, 44, 49, 52, 66, 68):
        assert URIRef(f"{ID}doc/INF-ECOM-{n}") in about, n
    for a in agreement.subjects(RDF.type, JSI.Assessment):
        assert agreement.value(a, JSI.outcome) in {JSI.TakenUp, JSI.Weakened, JSI.PartlyTakenUp, JSI.NotTakenUp}
        assert agreement.value(a, JSI.reasoning) is not None
        assert agreement.value(a, JSI.statement) is not None
