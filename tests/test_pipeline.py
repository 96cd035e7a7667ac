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


def _export(project) -> bytes:  # type: ignore[no-untyped-def]
    out = project.root / "export.nq"
    export_graph(open_store(project.build_dir), "nq", out)
    return out.read_bytes()


def test_the_referees_build_the_same_bytes(fixture_project) -> None:  # type: ignore[no-untyped-def]
    """kg build --reasoner owlrl --validator pyshacl still runs the referees, and they agree."""
    project = fixture_project("minimal.trig", text={"bnodes.trig": WITH_BLANK_NODES})
    fast = build_graph(project)
    fast_bytes = _export(project)
    slow = build_graph(project, reasoner="owlrl", validator="pyshacl")
    assert not slow.skipped, "asking for a referee rebuilds"
    assert (slow.asserted, slow.inferred) == (fast.asserted, fast.inferred) and fast.inferred > 100
    assert _export(project) == fast_bytes
    again = build_graph(project, force=True)
    assert _export(project) == fast_bytes and again.inferred == fast.inferred


def test_each_stage_reports_what_it_does(fixture_project) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig")
    lines: list[str] = []
    build_graph(project, progress=lines.append)
    from kg.pipeline import POST_REASONING

    stages = ["parse", "validate", "reason", *(["post-reasoning"] if POST_REASONING else []), "store"]
    starts = [line.split(":")[0] for line in lines if line.endswith("…")]
    assert starts == [f"[{i}/{len(stages)}] {name}" for i, name in enumerate(stages, 1)]
    assert sum(1 for line in lines if ": done in " in line) == len(stages)
    assert any(line.strip().endswith("statements entailed") for line in lines)
    assert any(line.strip().startswith("round 1:") for line in lines)


def test_progress_on_stderr_with_verbose_and_quiet_otherwise(fixture_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import cli

    project = fixture_project("minimal.trig")
    monkeypatch.setenv("KG_HOME", str(project.root))
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


def test_fast_path_errors_name_file_line_and_column(fixture_project) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig", "broken-syntax.trig")
    with pytest.raises(DataError, match=r"broken-syntax.trig:6:\d+: syntax error"):
        build_graph(project)
    (project.data_dir / "broken-syntax.trig").unlink()
    (project.data_dir / "default-graph.trig").write_bytes((Path(__file__).parent / "data" / "default-graph.trig").read_bytes())
    with pytest.raises(DataError, match="default-graph.trig: statement .* is outside any named graph"):
        build_graph(project)


def test_a_stage_writing_into_an_asserted_graph_still_gets_its_statements_stored(fixture_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The store loaded beside the stages (kg.storewriter) holds the asserted graphs as parsed;
    when a post-reasoning step writes into one of them, the count check sends the build back to
    writing the whole working store, and the statement is there (and the store is usable)."""
    import pyoxigraph as ox

    from kg import iris, pipeline
    from kg.store import read_manifest
    from kg.storedir import is_usable

    project = fixture_project("minimal.trig", text={"bnodes.trig": WITH_BLANK_NODES})
    build_graph(project)
    clean = _export(project)
    extra = ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/y"), ox.NamedNode(iris.ONTOLOGY_GRAPH))
    monkeypatch.setattr(pipeline, "POST_REASONING", [*pipeline.POST_REASONING, lambda work: [extra]])
    build_graph(project, force=True)
    assert is_usable(project.build_dir, read_manifest(project.build_dir))
    written = _export(project)
    assert b"<http://e/x> <http://e/p> <http://e/y>" in written
    assert len(written.splitlines()) == len(clean.splitlines()) + 1
    assert not list(project.build_dir.glob("*.tmp")), "the abandoned folder is removed"


def test_display_labels_as_n_quads_are_the_same_statements() -> None:
    """The build loads the display labels as N-Quads text (kg.labels.display_labels_nquads): the
    same statements, in the same order, as kg.labels.display_labels, whatever the label holds."""
    import pyoxigraph as ox

    from kg.labels import _RDFS_LABEL, _SKOS_PREF, display_labels, display_labels_nquads

    g = ox.NamedNode("http://e/g")
    texts = ['say "hi"', "back\\slash", "two\nlines\r\n", "tab\there", "é ü 中文 🙂", " ", "a\\\"b", "end\\"]
    quads = [ox.Quad(ox.NamedNode(f"http://e/x{i}"), ox.NamedNode(_RDFS_LABEL if i % 2 else _SKOS_PREF),
                     ox.Literal(t, language=("fr", "en", "es-419", "")[i % 4] or None) if i % 4 != 3 else ox.Literal(t), g)
             for i, t in enumerate(texts)]
    quads.append(ox.Quad(ox.NamedNode("http://e/x0"), ox.NamedNode(_RDFS_LABEL), ox.Literal("Other", language="es"), g))
    expected = display_labels(quads, ["en", "es", "fr"])
    assert list(ox.parse(display_labels_nquads(quads, ["en", "es", "fr"]), format=ox.RdfFormat.N_QUADS)) == expected
    assert len(expected) == 3 * (2 + len(texts))
