"""Commands on the graph itself: build, validate, sparql, stats, export."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kg import choices
from kg.cli._answers import answer_options, emit_answer
from kg.cli._common import Context, emit, handle_errors, output_options, pass_context
from kg.errors import CheckFailedToRun, KGError
from kg.iris import compact

__all__ = ["COMMANDS"]


@click.command()
@click.option("--force", "--full", "force", is_flag=True, help="Rebuild everything, even if no source changed (no incremental build).")
@click.option(
    "--reasoner", type=click.Choice(choices.REASONERS), default="rules", show_default=True,
    help="OWL 2 RL closure: the rules compiled to SPARQL on Oxigraph, or owlrl (the slow reference).",
)
@click.option(
    "--validator", type=click.Choice(choices.VALIDATORS), default="sparql", show_default=True,
    help="SHACL: the shapes compiled to SPARQL on Oxigraph, or pySHACL (the slow referee).",
)
@pass_context
@handle_errors
def build(context: Context, force: bool, reasoner: str, validator: str) -> None:
    """Parse, validate (SHACL), reason (OWL-RL) and store the graph.

    Reads ontology/jsi.ttl, ontology/shapes.ttl, queries/checks/ and graph_data/*.trig;
    writes the store under build/. Skips the work when no source changed. When only
    files of graph_data/ changed since the last build, the build is incremental: it
    re-parses the changed files, brings the previous closure up to date and writes
    the difference into a copy of the previous store, giving the same graph as a
    full build; any other change builds everything (said on standard error). A
    failed build leaves the previous built graph in place. Each stage reports its
    progress on standard error when it is a terminal (or with 'kg -v build').

    \b
    Example:
      kg build            # incremental when it can be
      kg build --full     # everything again (also: --force)
      kg build --reasoner owlrl --validator pyshacl   # the referees (slow)
    """
    from kg.build import build_graph

    verbose = sys.stderr.isatty() or bool(click.get_current_context().meta.get("kg.verbose"))
    report = build_graph(
        context.project, force=force, reasoner=reasoner, validator=validator,
        progress=(lambda line: click.echo(line, err=True)) if verbose else None,
    )
    if report.skipped:
        click.echo(f"up to date: {report.asserted} asserted + {report.inferred} inferred statements in {report.store}", err=True)
    else:
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        click.echo(f"built {report.store}: {report.asserted} asserted + {report.inferred} inferred statements ({steps}); {report.mode}", err=True)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@output_options(choices.TABLE_FORMATS)
@pass_context
@handle_errors
def validate(context: Context, files: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Check the data against the SHACL shapes and the violation queries.

    FILES are TriG files to check with the ontology (default: all of graph_data/).
    Prints one row per problem: file, focus node, property path, message.

    \b
    Exit codes: 0 conforms, 1 violations found, 2 the check could not run.
    Example:
      kg validate
      kg validate graph_data/brief-sdt.trig --format markdown
    """
    from kg.loading import load_sources
    from kg.output import render_table
    from kg.store import Cell, Table
    from kg.validation import validate_sources

    project = context.project
    try:
        data_files = [Path(f) for f in files] if files else project.data_files()
        # FILES are checked in the context of the whole graph (references to other files are
        # seen), and only the problems of what FILES state are reported; FILES come first, so
        # that a node they describe is reported under their name.
        given = {os.path.realpath(f) for f in data_files}  # realpath: no error on a symlink loop
        context_files = data_files + [f for f in project.data_files() if os.path.realpath(f) not in given]
        loaded = load_sources(project.ontology_file, context_files, root=project.root)
        checks = sorted(project.checks_dir.glob("*-violation.rq"))
        violations = validate_sources(loaded, project.shapes_file, checks)
        if files:
            shown = {_shown(f, project.root) for f in data_files}
            violations = [v for v in violations if v.file in shown]
    except KGError as exc:  # exit 2: the check could not run (1 means violations found)
        raise CheckFailedToRun(str(exc)) from exc
    if not violations:
        click.echo(f"conforms: {len(loaded.data)} statements in {len(data_files)} file(s), no violation", err=True)
        return
    rows = [
        tuple(Cell("literal", x) for x in (v.file, compact(v.focus), compact(v.path), v.message, v.check))
        for v in violations
    ]
    emit(render_table(Table(["file", "focus", "path", "message", "check"], rows), fmt), output)  # type: ignore[arg-type]
    errors = sum(1 for v in violations if v.severity == "Violation")
    click.echo(f"{errors} violation(s), {len(violations) - errors} warning(s)", err=True)
    sys.exit(1 if errors else 0)


def _shown(path: Path, root: Path) -> str:
    """A file as validation names it (relative to the project, else as given)."""
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return str(path)


def _parse_binding(text: str) -> tuple[str, Any]:
    """``name=value``: ``<iri>`` or ``prefix:local`` is an IRI, anything else a string literal."""
    import pyoxigraph as ox

    from kg import iris

    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"{text!r} is not NAME=VALUE", param_hint="--bind")
    if value.startswith("<") and value.endswith(">"):
        try:
            return name, ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise click.BadParameter(f"{value!r} is not an IRI ({exc}); write a full IRI such as <https://example.org/x>", param_hint="--bind") from None
    prefix, colon, local = value.partition(":")
    if colon and prefix in iris.PREFIXES and " " not in local:
        try:
            return name, ox.NamedNode(iris.PREFIXES[prefix] + local)
        except ValueError as exc:
            raise click.BadParameter(f"{value!r} is not a valid name ({exc})", param_hint="--bind") from None
    return name, ox.Literal(value)


@click.command()
@click.argument("query")
@click.option(
    "-b", "--bind", "binds", multiple=True, metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (an IRI as <...> or prefix:local, else a string); never pasted into the text.",
)
@output_options((*choices.TABLE_FORMATS, "xlsx"))
@answer_options
@click.option("--timeout", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Stop the query after this many seconds (0: no limit).")
@click.option("--max-result-mb", type=click.FloatRange(min=0), default=10, show_default=True,
              help="Refuse a result larger than this many megabytes (0: no limit; 'kg export' writes the whole graph).")
@click.option("--max-memory-mb", type=click.FloatRange(min=0), default=2048, show_default=True,
              help="Stop the query if it needs more memory than this (0: no limit).")
@pass_context
@handle_errors
def sparql(
    context: Context, query: str, binds: tuple[str, ...], fmt: str, output: Path | None, wide: bool, bom: bool,
    timeout: float, max_result_mb: float, max_memory_mb: float,
) -> None:
    """Run a SPARQL query (text, or @FILE) on the built graph.

    SELECT gives rows, ASK gives true/false, CONSTRUCT and DESCRIBE give Turtle.
    The prefixes jsi, id, rdf, rdfs, owl, xsd, skos, org, prov, dcterms and qb are
    predeclared. The default graph is the union of all citation graphs; use
    GRAPH ?g to reach the source of a statement. A thing's name in a language is one
    line: the build's display labels (its label in that language, else English, else
    any) are in the graph described by dcterms:language, as the examples show. SERVICE
    and updates are refused; a watchdog stops the query at the time, memory and
    result-size limits.

    \b
    Example:
      kg sparql 'SELECT ?model WHERE { ?a jsi:assessedCategory category:lack-of-capacity ; jsi:fit jsi:Appropriate ; jsi:assessedModel ?m . ?labels dcterms:language "en" . GRAPH ?labels { ?m skos:prefLabel ?model } }'
      kg sparql @queries/examples/sdt-appropriate-for-lack-of-capacity.rq
      kg sparql @queries/stats/classes.rq --format csv -o classes.csv
    """
    from kg.store import Graph, Table

    if query.startswith("@"):
        path = Path(query[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(f"cannot read {str(path)!r}: {exc.strerror}", param_hint="QUERY") from None
        except UnicodeDecodeError as exc:
            raise click.BadParameter(
                f"{str(path)!r} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
                param_hint="QUERY",
            ) from None
    else:
        text = query
    bindings = dict(_parse_binding(b) for b in binds)
    from kg.limits import query_limited

    result = query_limited(context.store, text, bindings, timeout=timeout, max_result_mb=max_result_mb, memory_mb=max_memory_mb)
    if isinstance(result, Table):
        emit_answer(result, fmt, output, wide=wide, bom=bom, title="sparql")
    elif fmt == "xlsx":
        raise click.UsageError("--format xlsx is for SELECT queries (rows); CONSTRUCT, DESCRIBE and ASK give text")
    elif isinstance(result, Graph):
        emit(result.to_turtle(), output)
    else:
        emit("true" if result else "false", output)


@click.command()
@output_options(choices.TABLE_FORMATS)
@pass_context
@handle_errors
def stats(context: Context, fmt: str, output: Path | None) -> None:
    """Counts: statements asserted vs inferred, instances per class, statements per source.

    \b
    Example:
      kg stats
      kg stats --format markdown -o stats.md
    """
    from kg.output import render_table
    from kg.stats import graph_stats

    tables = graph_stats(context.store(), context.project)
    if fmt in ("json",):
        import json

        text = json.dumps({k: t.records() for k, t in tables.items()}, ensure_ascii=False, indent=2)
    else:
        parts = []
        for name, table in tables.items():
            title = {"graphs": "Statements", "classes": "Instances per class", "citations": "Statements per source"}[name]
            parts.append(f"## {title}\n\n{render_table(table, fmt)}" if fmt == "markdown" else f"{title}\n\n{render_table(table, fmt)}")
        text = "\n\n".join(parts)
    emit(text, output)


@click.command()
@click.option(
    "-f", "--format", "fmt", required=True,
    type=click.Choice(choices.EXPORT_FORMATS),
    help="ttl, nt, jsonld, graphml: all statements merged; trig, nq: keep each statement's citation graph.",
)
@click.option("--asserted", is_flag=True, help="Leave out what OWL-RL reasoning inferred.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write (atomically).")
@pass_context
@handle_errors
def export(context: Context, fmt: str, asserted: bool, output: Path) -> None:
    """Export the built graph to a file.

    \b
    Example:
      kg export --format trig -o jsi.trig
      kg export --format graphml --asserted -o jsi.graphml
    """
    from kg.export import export_graph

    n = export_graph(context.store(), fmt, output, asserted_only=asserted)
    click.echo(f"wrote {n} statements to {output}", err=True)



COMMANDS = [build, validate, sparql, stats, export]
