"""The kg command: formats, exit codes, one-line errors, and a light start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).parent / "data"
SDT_TFA = """
SELECT ?model WHERE {
  ?a jsi:assessedCategory category:lack-of-capacity ;
     jsi:fit jsi:Appropriate ;
     jsi:assessedModel/rdfs:label ?model .
  FILTER (LANG(?model) = "en")
} ORDER BY ?model
"""


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    names = cli.list_commands(click.Context(cli))
    assert "build" in names and "sparql" in names
    for name in names:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"kg {name} --help shows no example"


def test_sparql_formats(invoke) -> None:  # type: ignore[no-untyped-def]
    q = "SELECT ?code WHERE { ?s a jsi:Section ; jsi:code ?code } ORDER BY ?code"
    table = invoke("sparql", q)
    assert table.exit_code == 0
    assert table.output.splitlines()[2:] == ["A", "B", "C", "D", "E", "F"]
    assert invoke("sparql", q, "--format", "csv").output.splitlines() == ["code", "A", "B", "C", "D", "E", "F"]
    assert [r["code"] for r in json.loads(invoke("sparql", q, "-f", "json").output)] == list("ABCDEF")
    assert invoke("sparql", q, "-f", "markdown").output.startswith("| code |\n|---|\n| A |")
    assert invoke("sparql", "ASK { member:CIV a jsi:Member }").output.strip() == "true"
    turtle = invoke("sparql", "CONSTRUCT { jsi:Binding jsi:rank ?r } WHERE { jsi:Binding jsi:rank ?r }").output
    assert "jsi:Binding jsi:rank 6" in turtle


def test_sparql_from_file_to_file_with_binding(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?m ?code WHERE { ?m jsi:isoCode ?code } ORDER BY ?code")
    out = tmp_path / "out.csv"
    result = invoke("sparql", f"@{q}", "-b", "m=member:CIV", "-f", "csv", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text().splitlines() == ["m,code", "https://w3id.org/jsi-ecom/id/member/CIV,CIV"]


def test_binding_is_never_pasted_into_the_query(invoke) -> None:  # type: ignore[no-untyped-def]
    hostile = '"} UNION { ?m jsi:isoCode ?code } #'
    result = invoke("sparql", "SELECT ?code ?label WHERE { ?m jsi:isoCode ?code ; rdfs:label ?label }", "-b", f"label={hostile}")
    assert result.exit_code == 0
    assert result.output.splitlines()[2:] == []


def test_the_brief_question_tfa_alone(invoke) -> None:  # type: ignore[no-untyped-def]
    """Done-criterion of the foundation: the SDT model appropriate for lack of capacity is TFA alone."""
    result = invoke("sparql", SDT_TFA, "-f", "csv")
    assert result.exit_code == 0
    rows = result.output.splitlines()[1:]
    assert len(rows) == 1 and "TFA" in rows[0]


def test_bad_query_is_one_clear_line(invoke) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = invoke("sparql", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 1
    assert result.output.startswith("Error: invalid SPARQL")
    assert "Traceback" not in result.output
    assert runner.invoke(cli, ["sparql", "@/no/such.rq"]).exit_code == 2


def test_missing_build_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--build-dir", str(tmp_path), "sparql", "ASK {}"])
    assert result.exit_code == 1
    assert "run 'kg build' first" in result.output


def test_validate_exit_codes(fixture_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig")
    monkeypatch.setenv("KG_HOME", str(project.root))
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate"])
    assert ok.exit_code == 0
    bad = runner.invoke(cli, ["validate", str(DATA / "broken-member.trig")], env={"COLUMNS": "400"})  # one line a row
    assert bad.exit_code == 1
    assert "A WTO member needs exactly one jsi:isoCode" in bad.output
    assert "broken-member.trig" in bad.output
    error = runner.invoke(cli, ["validate", str(DATA / "broken-syntax.trig")])
    assert error.exit_code == 2
    assert "broken-syntax.trig:6:" in error.output


def test_kg_works_on_the_project_of_the_working_folder(fixture_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Run below another copy of the sources, kg builds that copy (as git finds its repository)."""
    import os
    import shutil

    project = fixture_project("minimal.trig")
    env = {k: v for k, v in os.environ.items() if k not in ("KG_HOME", "KG_BUILD_DIR")}
    kg = [sys.executable, "-m", "kg"]
    built = subprocess.run([*kg, "build"], cwd=project.data_dir, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (project.root / "build" / "CURRENT").is_file()
    assert str(project.root / "build") in built.stderr
    # KG_HOME still names a project from anywhere, and wins over the working folder
    other = tmp_path / "other"
    for part in ("ontology", "graph_data"):
        shutil.copytree(project.root / part, other / part)
    named = subprocess.run([*kg, "stats"], cwd=project.root, env={**env, "KG_HOME": str(other)},
                           capture_output=True, text=True, timeout=120)
    assert named.returncode == 1 and f"no built graph in '{other / 'build'}'" in named.stderr


def test_build_command_reports_and_skips(fixture_project, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig")
    monkeypatch.setenv("KG_HOME", str(project.root))
    runner = CliRunner()
    first = runner.invoke(cli, ["build"])
    assert first.exit_code == 0 and "built" in first.output
    second = runner.invoke(cli, ["build"])
    assert second.exit_code == 0 and "up to date" in second.output
    (project.data_dir / "bad.trig").write_text((DATA / "inconsistent.trig").read_text())
    failed = runner.invoke(cli, ["build"])
    assert failed.exit_code == 1
    assert failed.output.startswith("Error: the data contradicts")


def test_stats_and_export(invoke, built_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Statistics agree with the store; each export, parsed back by a different parser, holds
    exactly the store's statements (in their citation graphs for TriG and N-Quads)."""
    import networkx as nx
    import pyoxigraph as ox

    from kg.store import Table

    stats = invoke("stats", "-f", "json")
    data = json.loads(stats.output)
    kinds = {r["kind"]: int(r["statements"]) for r in data["graphs"]}
    count = built_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value
    assert sum(kinds.values()) == int(count)
    assert kinds["inferred (OWL-RL)"] == built_store.count_graph("https://w3id.org/jsi-ecom/id/graph/inferred")
    assert any(r["citation"].startswith("IISD 2022, Table 3") for r in data["citations"])

    every = {str(q) for q in built_store.quads()}
    asserted = {str(q) for q in built_store.quads(asserted_only=True)}
    triples = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in built_store.quads()}
    for fmt, rdf in (("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS)):
        out = tmp_path / f"g.{fmt}"
        assert invoke("export", "-f", fmt, "-o", str(out)).exit_code == 0
        assert {str(q) for q in ox.parse(path=out, format=rdf)} == every, f"{fmt}: not the store's quads"
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)):
        out = tmp_path / f"g.{fmt}"
        assert invoke("export", "-f", fmt, "-o", str(out)).exit_code == 0
        assert {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(path=out, format=rdf)} == triples, fmt
    out = tmp_path / "g.jsonld"
    assert invoke("export", "-f", "jsonld", "-o", str(out)).exit_code == 0
    # written by rdflib's JSON-LD serializer, read back by Oxigraph's JSON-LD 1.1 parser
    # (rdflib relabels blank nodes: compare as graphs, up to blank node names)
    from rdflib import Graph
    from rdflib.compare import isomorphic

    def as_rdflib(found: set[ox.Triple]) -> Graph:
        return Graph().parse(data=(ox.serialize(found, format=ox.RdfFormat.N_TRIPLES) or b"").decode(), format="nt")

    from_jsonld = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=out, format=ox.RdfFormat.JSON_LD)}
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in built_store.quads()}
    assert len(from_jsonld) == len(stored) and isomorphic(as_rdflib(from_jsonld), as_rdflib(stored)), "jsonld"
    out = tmp_path / "g.graphml"
    assert invoke("export", "-f", "graphml", "-o", str(out)).exit_code == 0
    graph = nx.read_graphml(out)
    links = built_store.select("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER (isIRI(?s) && isIRI(?o)) }")
    assert isinstance(links, Table)
    assert graph.number_of_edges() == len(links.rows)
    assert graph.nodes["https://w3id.org/jsi-ecom/id/member/CIV"]["label"] == "Côte d'Ivoire"

    only = tmp_path / "asserted.nq"
    invoke("export", "-f", "nq", "--asserted", "-o", str(only))
    assert {str(q) for q in ox.parse(path=only, format=ox.RdfFormat.N_QUADS)} == asserted
    assert "graph/inferred" not in only.read_text() and "graph/labels/" not in only.read_text()


def test_query_path_does_not_import_heavy_libraries(built_dir: Path) -> None:
    """A query costs little more than Python + click + opening the store."""
    code = (
        "import sys\n"
        "from kg.cli import main\n"
        "sys.argv = ['kg', '--build-dir', sys.argv[1], 'sparql', 'ASK { ?s ?p ?o }']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rdflib', 'owlrl', 'pyshacl', 'networkx', 'pyvis') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(built_dir)], capture_output=True, text=True, check=True)
    assert "true" in out.stdout
    assert "HEAVY []" in out.stdout


def test_library_errors_are_kg_errors_with_their_exit_code(tmp_path: Path) -> None:
    """output, export and docs raise the KGError hierarchy (never a bare ValueError or KGError)."""
    import pytest

    from kg.docs import write_ontology_docs
    from kg.errors import KGError, UsageError
    from kg.export import export_graph
    from kg.output import render_table
    from kg.store import Table, memory_store

    with pytest.raises(UsageError, match="unknown format 'xml'") as raised:
        render_table(Table(["a"], []), "xml")
    assert raised.value.exit_code == 2
    with pytest.raises(UsageError, match="unknown export format 'rdfxml'"):
        export_graph(memory_store([]), "rdfxml", tmp_path / "x.rdf")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="is a file"):
        write_ontology_docs(DATA.parent.parent / "ontology" / "jsi.ttl", tmp_path / "file")
    assert KGError.exit_code == 1


def test_the_sparql_examples_of_the_help_run_and_name_things_by_the_one_label_rule(invoke) -> None:  # type: ignore[no-untyped-def]
    """The queries 'kg --help' and 'kg sparql --help' show users answer on the real graph, and
    ask for names through the build's display-label graphs (kg/labels.py), not a LANG() filter."""
    import shlex

    runner = CliRunner()
    helps = runner.invoke(cli, ["--help"]).output + runner.invoke(cli, ["sparql", "--help"]).output
    assert "LANG(" not in helps and "langMatches" not in helps
    root = Path(__file__).resolve().parent.parent
    examples = [shlex.split(line.strip())[2:] for line in helps.splitlines()
                if line.strip().startswith("kg sparql ") and " -o " not in line]
    assert len(examples) == 3
    for args in examples:
        args = [f"@{root}/{a[1:]}" if a.startswith("@") else a for a in args]
        result = invoke("sparql", *args, "--format", "csv")
        assert result.exit_code == 0, result.output
        rows = result.output.splitlines()[1:]
        assert rows, f"no rows for {args}"
        assert "TFA SDT" in rows[0] or "Bénin" in rows, rows
