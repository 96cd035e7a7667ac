"""SHACL and the violation queries: the real data conforms, broken fixtures fail clearly."""

from __future__ import annotations

from pathlib import Path

from kg.build import load_project
from kg.project import Project
from kg.loading import load_sources
from kg.validation import run_checks, validate_sources

DATA = Path(__file__).parent / "data"


def _validate(project: Project, *files: str) -> list:  # type: ignore[type-arg]
    loaded = load_sources(project.ontology_file, [DATA / f for f in files], root=DATA)
    return validate_sources(loaded, project.shapes_file, sorted(project.checks_dir.glob("*-violation.rq")))


def test_real_data_conforms(project: Project) -> None:
    loaded = load_project(project)
    violations = validate_sources(loaded, project.shapes_file, sorted(project.checks_dir.glob("*-violation.rq")))
    assert [v for v in violations if v.severity == "Violation"] == []


def test_minimal_fixture_conforms(project: Project) -> None:
    assert _validate(project, "minimal.trig") == []


def test_broken_fixture_fails_with_the_right_messages(project: Project) -> None:
    found = _validate(project, "broken-member.trig")
    messages = {(v.focus.rsplit("/", 1)[-1], v.message) for v in found}
    assert ("DDD", "A WTO member needs exactly one jsi:isoCode of three capital letters (ISO 3166 alpha-3; EUN for the EU).") in messages
    assert any(f == "doc2" and "at least one jsi:sponsoredBy" in m for f, m in messages)
    assert any(f == "doc2" and "jsi:dateNote" in m for f, m in messages)
    assert any(f == "graph-broken" and "exactly one jsi:certainty" in m for f, m in messages)
    assert any("jsi#sponsers" in m or "ontology#sponsers" in m for _, m in messages), messages
    assert all(v.file == "broken-member.trig" for v in found if v.focus.endswith(("DDD", "doc2")))


def test_undeclared_term_is_reported_with_its_path(project: Project) -> None:
    loaded = load_sources(project.ontology_file, [DATA / "broken-member.trig"], root=DATA)
    found = run_checks(loaded, [project.checks_dir / "undeclared-term-violation.rq"])
    assert [v.path for v in found] == ["https://w3id.org/jsi-ecom/ontology#sponsers"]
    assert "not declared in ontology/jsi.ttl" in found[0].message


def test_graph_without_citation_is_reported(project: Project) -> None:
    found = _validate(project, "broken-uncited.trig")
    assert [(v.check, v.focus) for v in found] == [
        ("statement-without-citation-violation", "https://w3id.org/jsi-ecom/id/test/graph-uncited")
    ]
