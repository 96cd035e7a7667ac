"""The shapes compiled to SPARQL (kg.shacl) against pySHACL, the referee.

Both run on the same statements (the real graph, each broken fixture, a generated graph) and
must report the same violations: focus node, path, constraint component, shape, message and
severity. tests/data/broken-shapes.trig breaks every constraint component the shapes use.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.project import Project
from kg.loading import load_sources
from kg.shacl import UnsupportedShape
from kg.validation import Violation, run_shacl, run_shacl_sparql, working_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def _both(project: Project, files: list[Path], shapes: Path | None = None) -> tuple[set[Violation], set[Violation]]:
    loaded = load_sources(project.ontology_file, files, root=project.root)
    shapes = shapes or project.shapes_file
    return set(run_shacl_sparql(working_store(loaded), loaded.origin, shapes)), set(run_shacl(loaded, shapes))


def test_same_violations_as_pyshacl_on_the_real_graph(project: Project) -> None:
    fast, referee = _both(project, project.data_files())
    assert fast == referee


@pytest.mark.parametrize("name", ["broken-shapes.trig", "broken-member.trig", "broken-uncited.trig", "minimal.trig"])
def test_same_violations_as_pyshacl_on_a_fixture(project: Project, name: str) -> None:
    fast, referee = _both(project, [DATA / name])
    assert fast == referee


def test_every_component_of_the_shapes_is_exercised(project: Project) -> None:
    fast, _ = _both(project, [DATA / "broken-shapes.trig"])
    components = {v.component for v in fast}
    # sh:hasValue and sh:xone stand only in the value shapes reached by sh:node (controlled
    # values in their SKOS scheme, membership dates): their failures are NodeConstraintComponent
    assert components == {
        "ClassConstraintComponent", "DatatypeConstraintComponent", "NodeConstraintComponent",
        "LanguageInConstraintComponent", "MaxCountConstraintComponent", "MinCountConstraintComponent",
        "NodeKindConstraintComponent", "OrConstraintComponent", "PatternConstraintComponent",
        "SPARQLConstraintComponent", "UniqueLangConstraintComponent",
    }
    wrong_type = [v for v in fast if v.component == "DatatypeConstraintComponent" and v.focus.endswith("/EEE")]
    assert wrong_type and wrong_type[0].message.startswith("jsi:wtoMemberSince is one xsd:date")
    inverse = {(v.focus.rsplit("/", 1)[-1], v.component) for v in fast if v.path == "(path expression)"}
    assert inverse == {("el1", "MinCountConstraintComponent"), ("el2", "MaxCountConstraintComponent")}


def test_same_violations_on_a_generated_graph(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    generate(3000, tmp_path, seed=5)
    project = Project(tmp_path)
    fast, referee = _both(project, project.data_files())
    assert fast == referee


def test_an_unsupported_component_fails_by_name(project: Project, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix jsi: <https://w3id.org/jsi-ecom/ontology#> .\n"
        "<http://e/S> a sh:NodeShape ; sh:targetClass jsi:Member ; sh:property [ sh:path jsi:isoCode ; sh:minLength 3 ] .\n",
        encoding="utf-8",
    )
    with pytest.raises(UnsupportedShape, match="sh:minLength in a property shape of S"):
        _both(project, [DATA / "minimal.trig"], shapes)
