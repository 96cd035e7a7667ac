"""Parsing: errors name file, line and column; statements without a source are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import DataError
from kg.loading import fingerprint_files, load_sources, parse_file

DATA = Path(__file__).parent / "data"


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(DataError, match=r"broken-syntax\.trig:6:\d+: syntax error") as info:
        parse_file(DATA / "broken-syntax.trig", root=DATA)
    assert info.value.line == 6


def test_statement_outside_a_named_graph_is_refused(project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="default-graph.trig: .*outside any named graph"):
        load_sources(project.ontology_file, [DATA / "default-graph.trig"], root=DATA)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read the file"):
        parse_file(tmp_path / "nope.trig")


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.rdf"
    p.write_text("")
    with pytest.raises(DataError, match="unsupported file type '.rdf'"):
        parse_file(p)


def test_fingerprint_changes_with_content(tmp_path: Path) -> None:
    p = tmp_path / "a.trig"
    p.write_text("x")
    first = fingerprint_files([p])
    assert fingerprint_files([p]) == first
    p.write_text("y")
    assert fingerprint_files([p]) != first


def test_origin_maps_subjects_to_files(project) -> None:  # type: ignore[no-untyped-def]
    loaded = load_sources(project.ontology_file, [DATA / "minimal.trig"], root=DATA)
    assert loaded.origin["https://w3id.org/jsi-ecom/id/test/AAA"] == "minimal.trig"
