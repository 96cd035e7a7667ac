"""The compiled OWL 2 RL rules (kg.rules) against owlrl, the reference, rule by rule.

Each case is named after its rule in W3C OWL 2 Profiles, section 4.3: a small graph that
fires it, the statement it must entail, and the check that the compiled rules' meaningful
entailments equal owlrl's on that graph. Then the same equality on the real graph and on a
generated graph in the shapes of graph_data/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InconsistencyError
from kg.project import Project
from kg.loading import load_sources, to_rdflib
from kg.reasoning import infer, infer_quads
from kg.rules import UnsupportedAxiom, check_axioms

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix : <http://e/> .
"""
E = "http://e/"
OWL = "http://www.w3.org/2002/07/owl#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCO = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

#: rule → (graph, an entailment it must give)
ENTAILMENTS = {
    "cax-sco": (":A rdfs:subClassOf :B . :x a :A .", (E + "x", TYPE, E + "B")),
    "cax-eqc1": (":A owl:equivalentClass :B . :x a :A .", (E + "x", TYPE, E + "B")),
    "cax-eqc2": (":A owl:equivalentClass :B . :x a :B .", (E + "x", TYPE, E + "A")),
    "prp-dom": (":p rdfs:domain :A . :x :p :y .", (E + "x", TYPE, E + "A")),
    "prp-rng": (':p rdfs:range :A . :x :p :y . :x :q "literal" .', (E + "y", TYPE, E + "A")),
    "prp-spo1": (":p rdfs:subPropertyOf :q . :x :p :y .", (E + "x", E + "q", E + "y")),
    "prp-spo2": (":r owl:propertyChainAxiom (:p :q :s) . :a :p :b . :b :q :c . :c :s :d .", (E + "a", E + "r", E + "d")),
    "prp-eqp1": (":p owl:equivalentProperty :q . :x :p :y .", (E + "x", E + "q", E + "y")),
    "prp-eqp2": (":p owl:equivalentProperty :q . :x :q :y .", (E + "x", E + "p", E + "y")),
    "prp-inv1": (":p owl:inverseOf :q . :x :p :y .", (E + "y", E + "q", E + "x")),
    "prp-inv2": (":p owl:inverseOf :q . :x :q :y .", (E + "y", E + "p", E + "x")),
    "prp-symp": (":p a owl:SymmetricProperty . :x :p :y .", (E + "y", E + "p", E + "x")),
    "prp-trp": (":p a owl:TransitiveProperty . :a :p :b . :b :p :c . :c :p :d .", (E + "a", E + "p", E + "d")),
    "prp-fp": (":p a owl:FunctionalProperty . :x :p :y1 , :y2 . :y1 :q :z .", (E + "y2", E + "q", E + "z")),
    "prp-ifp": (":p a owl:InverseFunctionalProperty . :x1 :p :y . :x2 :p :y .", (E + "x1", OWL + "sameAs", E + "x2")),
    "eq-sym": (":a owl:sameAs :b .", (E + "b", OWL + "sameAs", E + "a")),
    "eq-trans": (":a owl:sameAs :b . :b owl:sameAs :c .", (E + "a", OWL + "sameAs", E + "c")),
    "eq-rep-s": (":a owl:sameAs :b . :a :p :o .", (E + "b", E + "p", E + "o")),
    "eq-rep-o": (":a owl:sameAs :b . :s :p :a .", (E + "s", E + "p", E + "b")),
    "scm-cls": (":A a owl:Class .", (E + "A", SCO, OWL + "Thing")),
    "scm-sco": (":A rdfs:subClassOf :B . :B rdfs:subClassOf :C .", (E + "A", SCO, E + "C")),
    "scm-eqc1": (":A owl:equivalentClass :B .", (E + "B", SCO, E + "A")),
    "scm-eqc2": (":A rdfs:subClassOf :B . :B rdfs:subClassOf :A .", (E + "A", OWL + "equivalentClass", E + "B")),
    "scm-spo": (":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :r .", (E + "p", "http://www.w3.org/2000/01/rdf-schema#subPropertyOf", E + "r")),
    "scm-eqp2": (":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :p .", (E + "p", OWL + "equivalentProperty", E + "q")),
    "scm-dom1": (":p rdfs:domain :A . :A rdfs:subClassOf :B .", (E + "p", "http://www.w3.org/2000/01/rdf-schema#domain", E + "B")),
    "scm-dom2": (":q rdfs:domain :A . :p rdfs:subPropertyOf :q .", (E + "p", "http://www.w3.org/2000/01/rdf-schema#domain", E + "A")),
    "scm-rng1": (":p rdfs:range :A . :A rdfs:subClassOf :B .", (E + "p", "http://www.w3.org/2000/01/rdf-schema#range", E + "B")),
    "scm-rng2": (":q rdfs:range :A . :p rdfs:subPropertyOf :q .", (E + "p", "http://www.w3.org/2000/01/rdf-schema#range", E + "A")),
}

#: rule → a graph that contradicts it
INCONSISTENT = {
    "cax-dw": ":A owl:disjointWith :B . :x a :A , :B .",
    "cax-adc": "[] a owl:AllDisjointClasses ; owl:members (:A :B :C) . :C rdfs:subClassOf :D . :x a :A , :C .",
    "cls-nothing2": ":A rdfs:subClassOf owl:Nothing . :x a :A .",
    "prp-irp": ":p a owl:IrreflexiveProperty . :x :p :x .",
    "prp-asyp": ":p a owl:AsymmetricProperty . :x :p :y . :y :p :x .",
    "prp-pdw": ":p owl:propertyDisjointWith :q . :x :p :y ; :q :y .",
    "eq-diff1": ":a owl:sameAs :b . :a owl:differentFrom :b .",
    "dt-not-type": ':x :p "abc"^^xsd:integer , "2001-13-45"^^xsd:date , "2001-12-31"^^xsd:date , "yes"^^xsd:boolean .',
}


def _quads(turtle: str) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)]


def _fast(quads: list[ox.Quad]) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in infer_quads(quads)}  # type: ignore[union-attr]


def _owlrl(quads: list[ox.Quad]) -> set[tuple[str, str, str]]:
    return {(str(s), str(p), str(o)) for s, p, o in infer(to_rdflib(quads))}


@pytest.mark.parametrize("rule", sorted(ENTAILMENTS))
def test_rule_gives_owlrl_entailments(rule: str) -> None:
    turtle, expected = ENTAILMENTS[rule]
    quads = _quads(turtle)
    fast = _fast(quads)
    assert expected in fast
    assert fast == _owlrl(quads)


@pytest.mark.parametrize("rule", sorted(INCONSISTENT))
def test_rule_finds_the_inconsistency_owlrl_finds(rule: str) -> None:
    quads = _quads(INCONSISTENT[rule])
    with pytest.raises(InconsistencyError, match=f"contradicts the ontology's axioms: .*\\({rule if rule != 'cax-adc' else 'cax-dw'}\\)"):
        infer_quads(quads)
    with pytest.raises(InconsistencyError):
        infer(to_rdflib(quads))


@pytest.mark.parametrize(
    "construct",
    [
        ":R owl:onProperty :p ; owl:someValuesFrom :A .",
        ":A owl:intersectionOf (:B :C) .",
        ":C owl:hasKey (:p) .",
        ":A owl:unionOf (:B :C) .",
    ],
)
def test_unsupported_axiom_kind_fails_by_name(construct: str) -> None:
    """An axiom kind the rules do not implement is never silently ignored (as `reasonable` does with chains)."""
    name = construct.split()[1]
    with pytest.raises(UnsupportedAxiom, match=name.replace("owl:", "owl:") + r" \(on http://e/"):
        infer_quads(_quads(construct))


def test_every_axiom_kind_of_the_ontology_is_covered(project: Project) -> None:
    loaded = load_sources(project.ontology_file, [], root=project.root)
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in loaded.quads)
    used = check_axioms(store)
    for kind in ("propertyChainAxiom", "inverseOf", "TransitiveProperty", "FunctionalProperty", "AllDisjointClasses", "disjointWith"):
        assert "http://www.w3.org/2002/07/owl#" + kind in used


def test_a_new_axiom_is_picked_up_without_code(project: Project) -> None:
    """The rules are filled from the axioms: a chain added to the ontology entails at once."""
    loaded = load_sources(project.ontology_file, [], root=project.root)
    extra = _quads(
        "@prefix jsi: <https://w3id.org/jsi-ecom/ontology#> . :newProp owl:propertyChainAxiom (jsi:sponsors jsi:theme) . "
        ":m jsi:sponsors :d . :d jsi:theme :t ."
    )
    assert (E + "m", E + "newProp", E + "t") in _fast(loaded.quads + extra)


def test_fast_closure_equals_owlrl_on_the_real_graph(project: Project) -> None:
    loaded = load_sources(project.ontology_file, project.data_files(), root=project.root)
    fast = _fast(loaded.quads)
    assert len(fast) > 1000
    assert fast == _owlrl(loaded.quads)


def test_fast_closure_equals_owlrl_on_a_generated_graph(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    generate(2500, tmp_path, seed=3)
    project = Project(tmp_path)
    loaded = load_sources(project.ontology_file, project.data_files(), root=project.root)
    fast = _fast(loaded.quads)
    assert any(p.endswith("#hasInterestIn") for _, p, _ in fast)
    assert fast == _owlrl(loaded.quads)
