"""An independent OWL 2 DL reasoner finds the ontology and the data consistent (issue 14).

HermiT, as bundled with owlready2, is run through its command line with
``--ignoreUnsupportedDatatypes`` (xsd:date, xsd:gYear and xsd:gYearMonth are outside the
OWL 2 datatype map). owlready2 reads N-Triples, so the ontology, its imports module and every
data file are written as one N-Triples file (named graphs dropped, ``owl:imports`` left out so
that nothing is fetched) and loaded into a fresh owlready2 World. The reasoner must find the
whole consistent and no class unsatisfiable (equivalent to owl:Nothing).

Without Java the tests skip, except under ``CI=true``, where a missing Java is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.project import Project
from kg.loading import load_sources

owlready2 = pytest.importorskip("owlready2")

DATA = Path(__file__).parent / "data"
_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


@pytest.fixture(autouse=True)
def _java() -> None:
    if shutil.which(owlready2.JAVA_EXE) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Java is needed for the HermiT consistency check and must be installed in CI")
        pytest.skip("Java is not installed: the HermiT consistency check cannot run here")


def _world(quads: Iterable[ox.Quad]):  # type: ignore[no-untyped-def]
    """A fresh owlready2 World holding the triples of ``quads`` (read as N-Triples)."""
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.predicate.value != _IMPORTS},
                     key=str)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    world = owlready2.World()
    world.get_ontology("urn:x-kg:hermit-check").load(fileobj=io.BytesIO(data), format="ntriples")
    return world


def _hermit(world) -> list[str]:  # type: ignore[no-untyped-def]
    """Run HermiT; return the unsatisfiable classes (raises when the whole is inconsistent)."""
    owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    return sorted(c.iri for c in world.inconsistent_classes() if c.iri != "http://www.w3.org/2002/07/owl#Nothing")


def test_ontology_and_data_are_consistent_with_no_unsatisfiable_class(project: Project) -> None:
    loaded = load_sources(project.ontology_file, project.data_files(), root=project.root)
    assert any(q.subject.value.endswith("/ontology/imports") for q in loaded.ontology), "the imports module is read"
    assert len(loaded.data) > 5000
    assert _hermit(_world(loaded.quads)) == []


def test_hermit_reports_an_inconsistency(project: Project) -> None:
    """The referee can fail: a member typed both developed and developing (disjoint classes)."""
    loaded = load_sources(project.ontology_file, [DATA / "inconsistent.trig"], root=DATA)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(_world(loaded.quads))


def test_hermit_reports_an_unsatisfiable_class(project: Project, tmp_path: Path) -> None:
    """A class below two disjoint classes can have no member: HermiT names it."""
    bad = tmp_path / "unsatisfiable.trig"
    bad.write_text(
        "@prefix jsi: <https://w3id.org/jsi-ecom/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<urn:x-test:g> { <urn:x-test:Both> a owl:Class ;\n"
        "  rdfs:subClassOf jsi:DevelopedMember , jsi:DevelopingMember . }\n",
        encoding="utf-8",
    )
    loaded = load_sources(project.ontology_file, [bad], root=tmp_path)
    assert _hermit(_world(loaded.quads)) == ["urn:x-test:Both"]
