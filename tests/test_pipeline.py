"""The build's stages (kg.pipeline): the referees give the same store, progress, the fast loading path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build_graph
from kg.errors import DataError
from kg.export import export_graph
from kg.pipeline import may_have_blank_nodes
from kg.store import open_store

#: A citation graph with an anonymous blank node and a list: the Python path names them.
WITH_BLANK_NODES = """@prefix jsi: <https://w3id.org/jsi-ecom/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix t: <https://w3id.org/jsi-ecom/id/test/> .
t:graph-bnodes {
  t:graph-bnodes a jsi:Citation ; dcterms:bibliographicCitation "Test fixture, made up" ;
      dcterms:source t:source ; jsi:certainty jsi:HighCertainty .
  t:note rdfs:comment "a note (with brackets [like this])"@en ; rdfs:seeAlso [ rdfs:label "anonymous"@en ] .
}
"""


def _export(layout) -> bytes:  # type: ignore[no-untyped-def]
    out = layout.root / "export.nq"
    export_graph(open_store(layout.build_dir), "nq", out)
    return out.read_bytes()


def test_the_referees_build_the_same_bytes(fixture_layout) -> None:  # type: ignore[no-untyped-def]
    """kg build --reasoner owlrl --validator pyshacl still runs the referees, and they agree."""
    layout = fixture_layout("minimal.trig", text={"bnodes.trig": WITH_BLANK_NODES})
    fast = build_graph(layout)
    fast_bytes = _export(layout)
    slow = build_graph(layout, reasoner="owlrl", validator="pyshacl")
    assert not slow.skipped, "asking for a referee rebuilds"
    assert (slow.asserted, slow.inferred) == (fast.asserted, fast.inferred) and fast.inferred > 100
    assert _export(layout) == fast_bytes
    again = build_graph(layout, force=True)
    assert _export(layout) == fast_bytes and again.inferred == fast.inferred


def test_each_stage_reports_what_it_does(fixture_layout) -> None:  # type: ignore[no-untyped-def]
    layout = fixture_layout("minimal.trig")
    lines: list[str] = []
    build_graph(layout, progress=lines.append)
    from kg.pipeline import POST_REASONING

    stages = ["parse", "validate", "reason", *(["post-reasoning"] if POST_REASONING else []), "store"]
    starts = [line.split(":")[0] for line in lines if line.endswith("…")]
    assert starts == [f"[{i}/{len(stages)}] {name}" for i, name in enumerate(stages, 1)]
    assert sum(1 for line in lines if ": done in " in line) == len(stages)
    assert any(line.strip().endswith("statements entailed") for line in lines)
    assert any(line.strip().startswith("round 1:") for line in lines)


def test_progress_on_stderr_with_verbose_and_quiet_otherwise(fixture_layout, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import cli

    layout = fixture_layout("minimal.trig")
    monkeypatch.setenv("KG_HOME", str(layout.root))
    runner = CliRunner()
    quiet = runner.invoke(cli, ["build", "--force"])
    assert quiet.exit_code == 0, quiet.output
    assert "] parse" not in quiet.output and "built " in quiet.output
    loud = runner.invoke(cli, ["-v", "build", "--force"])
    assert loud.exit_code == 0
    assert "[1/" in loud.output and "] parse" in loud.output and "] store: done in" in loud.output


def test_blank_node_detection() -> None:
    assert may_have_blank_nodes(WITH_BLANK_NODES.encode())
    assert not may_have_blank_nodes(WITH_BLANK_NODES.replace(' ; rdfs:seeAlso [ rdfs:label "anonymous"@en ]', "").encode())
    assert may_have_blank_nodes(b"<http://e/a> <http://e/p> _:x .")
    assert may_have_blank_nodes(b"<http://e/a> <http://e/p> ( <http://e/b> ) .")
    assert not may_have_blank_nodes(b'<http://e/a> <http://e/p> """x _:y [z] (w)""" , \'(v)\' .')


def test_fast_path_errors_name_file_line_and_column(fixture_layout) -> None:  # type: ignore[no-untyped-def]
    layout = fixture_layout("minimal.trig", "broken-syntax.trig")
    with pytest.raises(DataError, match=r"broken-syntax.trig:6:\d+: syntax error"):
        build_graph(layout)
    (layout.data_dir / "broken-syntax.trig").unlink()
    (layout.data_dir / "default-graph.trig").write_bytes((Path(__file__).parent / "data" / "default-graph.trig").read_bytes())
    with pytest.raises(DataError, match="default-graph.trig: statement .* is outside any named graph"):
        build_graph(layout)
