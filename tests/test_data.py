"""The brief's facts come back exactly from SPARQL on the real built graph."""

from __future__ import annotations

from pathlib import Path

from kg.project import Project
from kg.store import Store

ID = "https://w3id.org/jsi-ecom/id/"

TABLE_3 = """
SELECT ?model ?category ?fit WHERE {
  ?a a jsi:FitAssessment ; jsi:assessedModel ?m ; jsi:assessedCategory ?c ; jsi:fit/jsi:code ?fit .
  BIND (STRAFTER(STR(?m), "/sdt/") AS ?model)
  BIND (STRAFTER(STR(?c), "/concern-category/") AS ?category)
} ORDER BY ?category ?model
"""


def test_table_3_sdt_matrix_exactly(built_store: Store) -> None:
    rows = {(r["category"], r["model"]): r["fit"] for r in built_store.select(TABLE_3).records()}
    assert rows == {
        ("lack-of-capacity", "traditional"): "limited",
        ("lack-of-capacity", "gats"): "limited",
        ("lack-of-capacity", "tfa"): "appropriate",
        ("market-access-flexibility", "traditional"): "appropriate",
        ("market-access-flexibility", "gats"): "appropriate",
        ("market-access-flexibility", "tfa"): "not-appropriate",
        ("infant-industry-policy-space", "traditional"): "appropriate",
        ("infant-industry-policy-space", "gats"): "limited",
        ("infant-industry-policy-space", "tfa"): "not-appropriate",
    }


def test_table_3_rows_carry_their_source(built_store: Store) -> None:
    q = """SELECT DISTINCT ?citation WHERE {
      GRAPH ?g { ?a a jsi:FitAssessment } ?g dcterms:bibliographicCitation ?citation } ORDER BY ?citation"""
    citations = built_store.select(q).column("citation")
    assert citations and all(c is not None and "Table 3" in c for c in citations)


COUNTS = """
SELECT ?kind (COUNT(DISTINCT ?i) AS ?n) WHERE {
  ?i skos:inScheme ?scheme ; a ?class .
  ?scheme ^skos:inScheme/jsi:code "A" .
  VALUES (?class ?kind) { (jsi:Section "section") (jsi:Subsection "subsection")
                          (jsi:SpecificIssue "specific issue") (jsi:Annex "annex") (jsi:AnnexItem "annex item") }
} GROUP BY ?kind ORDER BY ?kind
"""

PER_PARENT = """
SELECT ?parent (COUNT(?i) AS ?n) WHERE {
  ?i a jsi:SpecificIssue ; skos:broader/jsi:code ?parent .
} GROUP BY ?parent ORDER BY ?parent
"""


def test_table_a1_issue_counts(built_store: Store) -> None:
    counts = {r["kind"]: int(r["n"] or 0) for r in built_store.select(COUNTS).records()}
    assert counts == {"section": 6, "subsection": 14, "specific issue": 50, "annex": 1, "annex item": 11}
    per_parent = {r["parent"]: int(r["n"] or 0) for r in built_store.select(PER_PARENT).records()}
    assert per_parent == {
        "A.1": 5, "A.2": 10, "B.1": 3, "B.2": 3, "B.4": 3, "C.1": 2, "C.2": 1, "C.3": 2,
        "D.1": 5, "D.3": 1, "E.1": 11, "E.2": 1, "F": 3,
    }


def test_tfa_alone_is_appropriate_for_lack_of_capacity(built_store: Store) -> None:
    q = """SELECT ?m WHERE { ?a jsi:assessedCategory category:lack-of-capacity ;
                                jsi:fit jsi:Appropriate ; jsi:assessedModel ?m } ORDER BY ?m"""
    assert built_store.select(q).column("m") == [ID + "sdt/tfa"]


def test_every_data_statement_has_a_source(built_store: Store) -> None:
    q = """SELECT (COUNT(*) AS ?n) WHERE {
      GRAPH ?g { ?s ?p ?o }
      FILTER (?g NOT IN (<https://w3id.org/jsi-ecom/id/graph/ontology>, <https://w3id.org/jsi-ecom/id/graph/inferred>))
      FILTER (!STRSTARTS(STR(?g), "https://w3id.org/jsi-ecom/id/graph/labels/"))  # derived: display labels
      FILTER NOT EXISTS { ?g dcterms:bibliographicCitation ?c ; dcterms:source ?src ; jsi:certainty ?k }
    }"""
    assert built_store.select(q).column("n") == ["0"]


def test_reasoning_adds_interest_from_sponsorship(built_store: Store) -> None:
    """Côte d'Ivoire sponsors capacity-building elements, so it has an interest in D.3.1 and in D."""
    q = """SELECT ?code WHERE { member:CIV jsi:hasInterestIn/jsi:code ?code } ORDER BY ?code"""
    codes = built_store.select(q).column("code")
    assert "D.3.1" in codes and "D" in codes


def test_display_labels_one_per_language_chosen_from_the_data(built_store: Store) -> None:
    """kg/labels.py: per language, one skos:prefLabel per labelled thing, one of its own
    labels (the asked language, else English, else any), and at most one per tag (SKOS S14)."""
    q = """SELECT ?lang ?name WHERE { ?g dcterms:language ?lang . GRAPH ?g { member:CIV skos:prefLabel ?name } }
           ORDER BY ?lang"""
    rows = [(r["lang"], r["name"]) for r in built_store.select(q).records()]
    assert rows == [("en", "Côte d'Ivoire"), ("es", "Côte d'Ivoire"), ("fr", "Côte d'Ivoire")]
    not_own = """SELECT (COUNT(*) AS ?n) WHERE {
      ?g dcterms:language ?lang . GRAPH ?g { ?x skos:prefLabel ?name }
      FILTER NOT EXISTS { GRAPH ?src { ?x rdfs:label|skos:prefLabel ?name } FILTER (?src != ?g) } }"""
    assert built_store.select(not_own).column("n") == ["0"]
    two_per_tag = """SELECT (COUNT(*) AS ?n) WHERE {
      { SELECT DISTINCT ?x ?a ?b WHERE { ?g1 dcterms:language ?l1 . ?g2 dcterms:language ?l2 .
        GRAPH ?g1 { ?x skos:prefLabel ?a } GRAPH ?g2 { ?x skos:prefLabel ?b }
        FILTER (LANG(?a) = LANG(?b) && STR(?a) != STR(?b)) } } }"""
    assert built_store.select(two_per_tag).column("n") == ["0"]
    # a French page shows an English name where there is no French one, and says so by its tag
    fallback = """SELECT ?name WHERE { ?g dcterms:language "fr" . GRAPH ?g { ?x skos:prefLabel ?name }
                  FILTER (LANG(?name) = "en") } LIMIT 1"""
    assert built_store.select(fallback).rows


def test_member_names_follow_the_wto_not_a_library_misspelling() -> None:
    """Issue 13: Côte d'Ivoire is 'Côte d'Ivoire' in the WTO's Spanish texts; 'Costa de Marfíl' must not come back."""
    text = (Path(__file__).parent.parent / "graph_data" / "members.trig").read_text(encoding="utf-8")
    assert "Marfíl" not in text
    assert "member:CIV\n        rdfs:label \"Côte d'Ivoire\"@es ." in text


def test_every_name_shown_is_the_display_label(built_store: Store, project: Project) -> None:
    """One label rule: the views, the coalitions, the web app and name resolution show the display
    label the build chose (kg/labels.py), never a language picked again in Python. Checked on
    things whose French display label is English (no French name) and on ones with their own."""
    from kg.coalitions import build_member_graph
    from kg.corrections import label_of
    from kg.labels import read_display_labels
    from kg.viz.reader import Reader
    from kg.web.graphdata import Names

    for lang in ("fr", "es"):
        shown = read_display_labels(built_store, project.queries_dir, lang)
        english = sorted(iri for iri, (_, tag) in shown.items() if tag == "en" and iri.startswith(ID))[:5]
        own = sorted(iri for iri, (_, tag) in shown.items() if tag == lang and iri.startswith(ID + "member/"))[:5]
        assert english and own
        reader, names = Reader(built_store, project, lang), Names(built_store, project.queries_dir)
        for iri in english + own:
            assert reader.label(iri) == names.label(iri, lang) == label_of(built_store, "entity", iri, lang, project) \
                == shown[iri][0]
        graph = build_member_graph(built_store, lang=lang, project=project)
        members = [m for m in graph.nodes if m in shown]
        assert members and all(graph.nodes[m]["label"] == shown[m][0] for m in members)
