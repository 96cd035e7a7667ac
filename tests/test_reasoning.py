"""OWL 2 RL entailments the answers rely on, one test per rule (W3C OWL 2 Profiles, 4.3).

Each test quotes the rule it exercises, on the small fixture tests/data/minimal.trig.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg.errors import InconsistencyError
from kg.project import Project
from kg.loading import load_sources, to_rdflib
from kg.reasoning import infer
from kg.vocab import JSI

DATA = Path(__file__).parent / "data"
T = rdflib.Namespace("https://w3id.org/jsi-ecom/id/test/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def inferred(project: Project) -> set:  # type: ignore[type-arg]
    loaded = load_sources(project.ontology_file, [DATA / "minimal.trig"], root=DATA)
    return infer(to_rdflib(loaded.quads))


def test_cax_sco_an_ldc_is_a_developing_member(inferred: set) -> None:  # type: ignore[type-arg]
    """cax-sco: T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) → T(?x, rdf:type, ?c2)."""
    assert (T.AAA, rdflib.RDF.type, JSI.DevelopingMember) in inferred
    assert (T.BBB, rdflib.RDF.type, JSI.DevelopingMember) not in inferred


def test_prp_inv1_sponsors_is_the_inverse_of_sponsored_by(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-inv1: T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) → T(?y, ?p2, ?x)."""
    assert (T.AAA, JSI.sponsors, T.doc) in inferred


def test_prp_trp_broader_transitive(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-trp: T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) → T(?x, ?p, ?z)."""
    assert (T["A.1.2"], SKOS.broaderTransitive, T.A) in inferred


def test_prp_spo2_interest_follows_sponsorship_and_the_scheme(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-spo2: a property chain (sponsors ∘ addressesIssue, then hasInterestIn ∘ skos:broader)."""
    assert (T.AAA, JSI.hasInterestIn, T["A.1.2"]) in inferred
    assert (T.AAA, JSI.hasInterestIn, T["A.1"]) in inferred
    assert (T.AAA, JSI.hasInterestIn, T.A) in inferred
    assert not any(s == T.BBB and p == JSI.hasInterestIn for s, p, _ in inferred)


def test_prp_spo2_element_addresses_the_issue_of_its_column(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-spo2: inColumn ∘ correspondsToIssue ⊑ addressesIssue."""
    assert (T.element, JSI.addressesIssue, T["A.1"]) in inferred


def test_current_membership_gives_member_of_and_its_inverse(inferred: set) -> None:  # type: ignore[type-arg]
    """The closed-world rule CURRENT_MEMBERSHIP, then prp-inv1 (org:memberOf inverse of org:hasMember)."""
    assert (T.AAA, ORG.memberOf, T.group) in inferred
    assert (T.group, ORG.hasMember, T.AAA) in inferred


def test_an_ended_membership_gives_no_current_member_of(inferred: set) -> None:  # type: ignore[type-arg]
    """t:BBB's membership has a time:hasEnd: BBB is not a current member of the group."""
    assert (T.BBB, ORG.memberOf, T.group) not in inferred
    assert (T.group, ORG.hasMember, T.BBB) not in inferred


def test_org_has_membership_is_the_inverse_of_org_member(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-inv2 on ORG's own inverse pair: org:hasMembership ≡ org:member⁻."""
    assert (T.AAA, ORG.hasMembership, T.membership) in inferred
    assert (T.BBB, ORG.hasMembership, T["old-membership"]) in inferred


def test_prp_rng_types_the_range(inferred: set) -> None:  # type: ignore[type-arg]
    """prp-rng: T(?p, rdfs:range, ?c), T(?x, ?p, ?y) → T(?y, rdf:type, ?c)."""
    assert (T["A.1.2"], rdflib.RDF.type, JSI.NegotiationIssue) in inferred


def test_cax_dw_disjoint_classes_make_the_build_fail(project: Project) -> None:
    """cax-dw: T(?c1, owl:disjointWith, ?c2), T(?x, rdf:type, ?c1), T(?x, rdf:type, ?c2) → false."""
    loaded = load_sources(project.ontology_file, [DATA / "inconsistent.trig"], root=DATA)
    with pytest.raises(InconsistencyError, match="contradicts the ontology's axioms: .*disjoint"):
        infer(to_rdflib(loaded.quads))


def test_no_literal_or_reflexive_noise(inferred: set) -> None:  # type: ignore[type-arg]
    assert all(not isinstance(o, rdflib.Literal) for _, _, o in inferred)
    assert all(s != o for s, p, o in inferred if str(p).startswith("http://www.w3.org/2002/07/owl#"))


def test_compiled_rules_apply_the_same_current_membership_rule(project: Project) -> None:
    """kg build's default reasoner (compiled rules) agrees with owlrl on org:memberOf."""
    from kg.reasoning import infer_quads

    loaded = load_sources(project.ontology_file, [DATA / "minimal.trig"], root=DATA)
    found = {(t.subject.value, t.predicate.value, t.object.value) for t in infer_quads(loaded.quads)}
    assert (str(T.AAA), str(ORG.memberOf), str(T.group)) in found
    assert (str(T.group), str(ORG.hasMember), str(T.AAA)) in found
    assert (str(T.BBB), str(ORG.memberOf), str(T.group)) not in found
