"""The ontology parses, is documented in three languages, and matches kg.vocab."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg import iris
from kg.project import Project
from kg.vocab import JSI

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


def _onto(project: Project) -> rdflib.Graph:
    return rdflib.Graph().parse(project.ontology_file, format="turtle")


def _terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(iris.JSI)}


def test_ontology_parses_and_has_terms(project: Project) -> None:
    g = _onto(project)
    assert len(_terms(g)) > 100


def test_header_is_complete(project: Project) -> None:
    g = _onto(project)
    onto = rdflib.URIRef(iris.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    for prop in (OWL.versionIRI, OWL.versionInfo, DCT.license, DCT.created, DCT.modified, DCT.creator,
                 VANN.preferredNamespacePrefix, VANN.preferredNamespaceUri, SKOS.changeNote):
        assert g.value(onto, prop) is not None, prop
    for prop in (DCT.title, DCT.description):
        langs = {o.language for o in g.objects(onto, prop)}
        assert langs == {"en", "fr", "es"}, prop


def test_imports_are_local_files(project: Project) -> None:
    """Nothing is ever fetched: each owl:imports maps to a file beside the ontology (catalog-v001.xml)."""
    from kg.loading import ontology_files

    imported = set(_onto(project).objects(None, OWL.imports))
    assert imported == {rdflib.URIRef(iris.ONTOLOGY_IRI + "/imports")}
    files = ontology_files(project.ontology_file)
    assert files == [project.ontology_file, project.ontology_dir / "imports.ttl"]
    module = rdflib.Graph().parse(files[1], format="turtle")
    assert (rdflib.URIRef(iris.ONTOLOGY_IRI + "/imports"), RDF.type, OWL.Ontology) in module


def test_imports_module_declares_only_other_vocabularies_terms(project: Project) -> None:
    """jsi.ttl says nothing about other vocabularies' terms; the imports module nothing about jsi: terms."""
    onto = _onto(project)
    reused = ("http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
              "http://purl.org/dc/terms/", "http://purl.org/linked-data/cube#", "http://www.w3.org/2006/time#")
    assert [s for s in onto.subjects() if str(s).startswith(reused)] == []
    module = rdflib.Graph().parse(project.ontology_dir / "imports.ttl", format="turtle")
    assert [s for s in module.subjects() if str(s).startswith(iris.JSI)] == []
    # title and description are of one kind (annotation properties), as the ontology header needs
    assert (DCT.title, RDF.type, OWL.AnnotationProperty) in module
    assert (DCT.description, RDF.type, OWL.AnnotationProperty) in module


def test_missing_import_is_refused_not_fetched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from kg.errors import DataError
    from kg.loading import ontology_files

    onto = tmp_path / "o.ttl"
    onto.write_text("<http://e/o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
                    "<http://www.w3.org/2002/07/owl#imports> <http://e/elsewhere> .", encoding="utf-8")
    with pytest.raises(DataError, match="has no local file"):
        ontology_files(onto)


def test_every_term_has_labels_in_three_languages_and_a_comment(project: Project) -> None:
    g = _onto(project)
    missing = []
    for term in sorted(_terms(g)):
        langs = {o.language for o in g.objects(term, RDFS.label)}
        if not {"en", "fr", "es"} <= langs:
            missing.append((term, "labels", langs))
        if g.value(term, RDFS.comment) is None:
            missing.append((term, "comment", None))
        if g.value(term, RDFS.isDefinedBy) != rdflib.URIRef(iris.ONTOLOGY_IRI):
            missing.append((term, "isDefinedBy", None))
    assert missing == []


def test_vocab_namespace_matches_the_ontology(project: Project) -> None:
    declared = {str(t)[len(iris.JSI):] for t in _terms(_onto(project))}
    in_code = set(JSI.__annotations__)
    assert declared == in_code


def test_vocab_refuses_a_misspelt_term() -> None:
    import pytest

    with pytest.raises(AttributeError, match="not in namespace"):
        JSI.Membr  # noqa: B018


def test_every_ontology_term_the_package_joins_as_a_string_is_declared() -> None:
    """Where library code writes a term as text (``iris.JSI + "hasElement"``: the query path and
    kg add stay free of rdflib), the term exists: checked here against kg.vocab.JSI, the checked
    namespace, as rdflib's ``_fail = True`` would check it at run time."""
    import re
    from pathlib import Path

    from kg.dataentry.facts import DOC_KINDS
    from kg.dataentry.kinds import CERTAINTIES

    package = iris.__file__.rsplit("/", 1)[0]
    joined = re.compile(r'\b(?:iris\.JSI|JSI|J) \+ "([A-Za-z]+)"')
    used = {(path.name, name) for path in sorted(Path(package).rglob("*.py"))
            for name in joined.findall(path.read_text(encoding="utf-8"))}
    used |= {("kg/dataentry", name) for name in (*DOC_KINDS.values(), *CERTAINTIES.values())}
    assert len(used) > 25
    declared = set(JSI.__annotations__)  # equal to the ontology's terms (the test above)
    assert sorted((str(p), n) for p, n in used if n not in declared) == []


def test_ldc_is_a_developing_member_and_developed_is_disjoint(project: Project) -> None:
    g = _onto(project)
    assert (JSI.LeastDevelopedMember, RDFS.subClassOf, JSI.DevelopingMember) in g
    assert (JSI.DevelopedMember, OWL.disjointWith, JSI.DevelopingMember) in g


def test_commitment_scale_is_ordered(project: Project) -> None:
    """voluntary < best endeavour < binding, the scale of Table 4 and INF/ECOM/87."""
    g = _onto(project)
    rank = {s: int(g.value(s, JSI.rank)) for s in g.subjects(RDF.type, JSI.CommitmentStrength)}
    assert rank[JSI.Voluntary] < rank[JSI.BestEndeavour] < rank[JSI.Binding]
    assert sorted(rank, key=rank.get) == [
        JSI.NoCommitment, JSI.Recognition, JSI.Voluntary, JSI.Encouraged, JSI.Hortatory, JSI.BestEndeavour, JSI.Binding
    ]


SCHEMES = {
    JSI.CommitmentStrength: JSI.CommitmentStrengthScheme,
    JSI.Certainty: JSI.CertaintyScheme,
    JSI.FitLevel: JSI.FitLevelScheme,
    JSI.Outcome: JSI.OutcomeScheme,
    JSI.HorizontalColumn: JSI.HorizontalColumnScheme,
}


def test_controlled_values_are_skos_concepts_in_ordered_schemes(project: Project) -> None:
    """Each value: skos:inScheme its scheme, skos:prefLabel in en/fr/es, a jsi:code and a distinct jsi:rank."""
    g = _onto(project)
    for cls, scheme in SCHEMES.items():
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g
        values = set(g.subjects(RDF.type, cls))
        assert values and values == set(g.subjects(SKOS.inScheme, scheme)), cls
        ranks = [int(g.value(v, JSI.rank)) for v in values]
        assert len(set(ranks)) == len(ranks), cls
        for v in values:
            assert {o.language for o in g.objects(v, SKOS.prefLabel)} == {"en", "fr", "es"}, v
            assert g.value(v, JSI.code) is not None, v


def test_python_homes_of_the_scales_agree_with_the_graph(project: Project) -> None:
    """kg.wording and the views' colours name exactly the values of the schemes, in rank order."""
    from kg.viz.views import FIT_COLOURS, OUTCOME_COLOURS, STRENGTH_COLOURS
    from kg.wording import RANK, STRENGTH_TERMS

    g = _onto(project)
    local = {v: str(v)[len(iris.JSI):] for v in g.subjects(SKOS.inScheme, None)}
    strengths = sorted(g.subjects(SKOS.inScheme, JSI.CommitmentStrengthScheme), key=lambda v: -int(g.value(v, JSI.rank)))
    assert [local[v] for v in strengths] == list(STRENGTH_TERMS.values()) == list(STRENGTH_COLOURS)
    assert {str(g.value(v, JSI.code)): int(g.value(v, JSI.rank)) for v in strengths} == RANK
    assert set(FIT_COLOURS) == {local[v] for v in g.subjects(SKOS.inScheme, JSI.FitLevelScheme)}
    assert set(OUTCOME_COLOURS) <= {local[v] for v in g.subjects(SKOS.inScheme, JSI.OutcomeScheme)}


def test_shapes_restate_no_list_of_values(project: Project) -> None:
    """The shapes read the schemes (sh:hasValue on skos:inScheme) instead of listing values (sh:in)."""
    text = project.shapes_file.read_text(encoding="utf-8")
    assert "sh:in " not in text and "sh:in(" not in text


def test_class_and_property_labels_differ(project: Project) -> None:
    """No class shares a label with a property (e.g. CommitmentStrength / commitmentStrength), in any language."""
    g = _onto(project)
    def labels(kinds: tuple[rdflib.URIRef, ...]) -> set[tuple[str | None, str]]:
        terms = {t for k in kinds for t in g.subjects(RDF.type, k) if str(t).startswith(iris.JSI)}
        return {(o.language, str(o).lower()) for t in terms for o in g.objects(t, RDFS.label)}
    assert labels((OWL.Class,)) & labels((OWL.ObjectProperty, OWL.DatatypeProperty)) == set()


def test_every_datatype_property_has_a_range(project: Project) -> None:
    g = _onto(project)
    missing = [p for p in g.subjects(RDF.type, OWL.DatatypeProperty) if str(p).startswith(iris.JSI) and g.value(p, RDFS.range) is None]
    assert missing == []
