"""The query catalogue on the command line: ``kg query --list``, ``kg query NAME -p key=value``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli._answers import answer_options, emit_answer, say_note
from kg import choices
from kg.cli._common import Context, emit, handle_errors, output_options, pass_context

if TYPE_CHECKING:
    from kg.catalogue import CatalogueQuery

__all__ = ["COMMANDS"]



def _parse_parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"{text!r} is not NAME=VALUE, e.g. member=\"Côte d'Ivoire\"", param_hint="-p")
    return name, value


def _describe(context: Context, name: str) -> str:
    from kg.catalogue import KIND_HELP, find_query

    q = find_query(name, context.project)
    lines = [f"{q.name}: {q.summary}", ""]
    if q.description:
        lines += [q.description, ""]
    if q.parameters:
        lines.append("Parameters (-p NAME=VALUE):")
        for p in q.parameters:
            optional = "" if p.required else ", optional"
            example = f" Example: {p.example}." if p.example else ""
            lines.append(f"  {p.name} ({p.kind}{optional}): {p.description}.{example}".replace("..", "."))
            lines.append(f"      {KIND_HELP[p.kind]}")
        lines.append("")
    if q.columns:
        lines.append("Columns:")
        lines += [f"  {c.name}" + (f": {c.description}" if c.description else "") for c in q.columns]
        lines.append("")
    lines.append("Needs the reasoned graph: " + ("yes" if q.reasoning else "no"))
    lines.append(f"Example: {q.example_command()}")
    lines.append(f"File: queries/{q.path.name}")
    return "\n".join(lines)


@click.command()
@click.argument("name", required=False)
@click.option("-l", "--list", "list_", is_flag=True, help="List the questions of the catalogue.")
@click.option("-d", "--describe", is_flag=True, help="Explain the query NAME: parameters, columns, example.")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
    help="A parameter: a name (English, French or Spanish), code, symbol or IRI. Repeatable.",
)
@click.option(
    "--lang", type=click.Choice(choices.LANGS), default="en", show_default=True,
    help="Language of the names in the answer (English where a name has no translation).",
)
@click.option("--backend", type=click.Choice(choices.BACKENDS), default="oxigraph", show_default=True,
              help="SPARQL engine: the built Oxigraph store, or rdflib over the same statements (slow; for checks).")
@click.option("--show-params", is_flag=True, help="Keep the columns of the bound parameters in the answer.")
@click.option(
    "--update-readme", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="FILE",
    help="With --list: write the catalogue table between the catalogue markers of FILE (README.md).",
)
@output_options((*choices.TABLE_FORMATS, "xlsx"))
@answer_options
@pass_context
@handle_errors
def query(
    context: Context,
    name: str | None,
    list_: bool,
    describe: bool,
    params: tuple[str, ...],
    lang: str,
    backend: str,
    show_params: bool,
    update_readme: Path | None,
    fmt: str,
    output: Path | None,
    wide: bool,
    bom: bool,
) -> None:
    """Answer a question of the catalogue (queries/*.rq) without writing SPARQL.

    NAME is a question from 'kg query --list'. Parameters are resolved from names in
    English, French or Spanish (case and accents ignored), ISO codes, document symbols,
    issue codes or IRIs, and bound as RDF terms, never pasted into the query.

    \b
    Examples:
      kg query --list
      kg query proposals-of-member -p member="Côte d'Ivoire"
      kg query issue-overview -p issue=D.3 --format markdown
      kg query members-sharing-interests -p member=Indonesia --lang fr
      kg query --describe sdt-models-for-concern-category
      kg query agreement-sdt-model --format xlsx -o sdt.xlsx
      kg query group-members -p group=LDC --format csv --bom -o ldc.csv

    Tables fit the terminal (100 columns when not a terminal): long cells wrap, and an
    answer with too many columns is shown one record per block; --wide prints them in
    full. --lang also translates the column headers.
    """
    from kg.catalogue import catalogue_table, find_query, list_queries, run_query

    project = context.project
    if update_readme is not None and not list_:
        raise click.UsageError("--update-readme goes with --list")
    if list_:
        if name:
            raise click.UsageError("give either --list or a query NAME, not both")
        queries = list_queries(project)
        if update_readme is not None:
            from kg.catalogue import update_readme as update
            from kg.output import write_text_atomic

            write_text_atomic(update_readme, update(update_readme.read_text(encoding="utf-8"), queries))
            click.echo(f"updated the catalogue of {update_readme} ({len(queries)} questions)", err=True)
            return
        if fmt == "table":
            emit(_readable_list(queries), output)
        else:
            emit_answer(catalogue_table(queries), fmt, output, lang=lang, wide=wide, bom=bom, title="catalogue")
        return
    if not name:
        raise click.UsageError("give a query NAME (see 'kg query --list')")
    if describe:
        emit(_describe(context, name), output)
        return
    catalogue_query = find_query(name, project)
    values = dict(_parse_parameter(p) for p in params)
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("an .xlsx workbook is not text: give -o FILE.xlsx (or redirect standard output)")
    if backend == "rdflib":
        from kg.rdflib_store import rdflib_store

        store = rdflib_store(context.store())
    else:
        store = context.store()
    values = _corrected(store, catalogue_query, values, lang, project)
    table = run_query(store, catalogue_query, values, lang, show_parameters=show_params, project=project)
    notes = (f"question: {catalogue_query.summary}", f"command: {_command_line(catalogue_query.name, values, lang)}")
    emit_answer(table, fmt, output, lang=lang, wide=wide, bom=bom, title=catalogue_query.name, notes=notes)
    if not table.rows:
        click.echo("no rows", err=True)


def _corrected(store: object, query: CatalogueQuery, values: dict[str, str], lang: str, project: object) -> dict[str, str]:
    """Each value as the catalogue will read it; a correction or another reading is said on stderr."""
    from kg.corrections import resolve_noting

    out = dict(values)
    for name, value in values.items():
        p = query.parameter(name)
        if p is None or p.kind in ("lang", "text"):
            continue
        term, note = resolve_noting(store, p.kind, value, lang, project=project)  # type: ignore[arg-type]
        say_note(note and f"{name}: {note}")
        out[name] = f"<{term.value}>"
    return out


def _command_line(name: str, values: dict[str, str], lang: str) -> str:
    """The ``kg query`` command that gives this answer again."""
    from kg.catalogue import shell_quote
    from kg.iris import compact

    parts = ["kg", "query", name]
    for key, value in values.items():
        shown = compact(value[1:-1]) if value.startswith("<") else value
        parts += ["-p", f"{key}={shell_quote(shown)}"]
    if lang != "en":
        parts += ["--lang", lang]
    return " ".join(parts)


def _readable_list(queries: Sequence[CatalogueQuery]) -> str:
    """The catalogue for a terminal: each name with its parameters, the question wrapped below.

    A required parameter shows as ``-p member="Côte d'Ivoire"``, an optional one in brackets.
    """
    import textwrap

    from kg.formats import terminal_width  # shutil (and its compression modules) only on a terminal

    width = max(60, min(100, terminal_width()))
    blocks = []
    for q in queries:
        params = []
        for p in q.parameters:
            if p.kind == "lang":
                continue
            example = p.example if p.example and " " not in p.example and "'" not in p.example else f'"{p.example}"'
            shown = f"-p {p.name}={example}"
            params.append(shown if p.required else f"[{shown}]")
        head = "  ".join([q.name, *params])
        body = textwrap.fill(q.summary, width=width, initial_indent="    ", subsequent_indent="    ")
        blocks.append(f"{head}\n{body}")
    footer = ("Run one: kg query NAME -p PARAM=VALUE [--lang fr|es] [--format csv|json|markdown]\n"
              "Explain one (parameters, columns, sources): kg query --describe NAME")
    return "\n\n".join(blocks) + "\n\n" + footer


COMMANDS = [query]
