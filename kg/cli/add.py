"""``kg add``: facts from a filled-in sheet (CSV or Excel) into graph_data/, and empty templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli._common import Context, pass_context
from kg.dataentry.kinds import KIND_ALIASES, KINDS

__all__ = ["COMMANDS"]

_KIND_NAMES = tuple(KINDS) + tuple(KIND_ALIASES)


@click.command()
@click.argument("kind", type=click.Choice(_KIND_NAMES, case_sensitive=False), metavar="KIND")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--template", is_flag=True, help="Write an empty sheet of KIND (documented columns, one example row).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="With --template: the file to write, .csv or .xlsx (default: CSV on standard output).")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--replace", is_flag=True,
              help="Let rows replace conflicting values that an earlier 'kg add' wrote (never hand-written files).")
@pass_context
def add(context: Context, kind: str, file: Path | None, template: bool, output: Path | None, dry_run: bool,
        replace: bool) -> None:
    """Add facts from a filled-in sheet (FILE.csv or FILE.xlsx) to graph_data/.

    KIND is document, stance (or position), membership, participation or concern. Every row
    needs its source (citation, locator, certainty). Names resolve as in 'kg query' (English,
    French, Spanish, ISO codes). The rows are checked against the whole graph (the same SHACL
    shapes and checks as 'kg build') and written to graph_data/added-KIND.trig only if all
    pass; then run 'kg build'. A row that adds nothing new is reported and skipped; a row that
    contradicts a fact of the graph is refused (see README, 'Adding facts').

    \b
    Exit codes: 0 imported (or nothing new), 1 a row or the sheet has a problem (nothing
    written), 2 usage.
    Example:
      kg add --template document -o new.xlsx
      kg add document new.xlsx --dry-run
      kg add document new.xlsx && kg build
    """
    from kg.dataentry.kinds import kind_spec
    from kg.errors import KGError

    spec = kind_spec(kind)
    assert spec is not None  # click.Choice
    if template:
        if file is not None:
            raise click.UsageError("--template writes a sheet; give -o FILE, not a FILE argument")
        from kg.dataentry.sheets import template_csv, write_template

        try:
            if output is None:
                click.echo(template_csv(spec), nl=False)
            else:
                write_template(spec, output)
                click.echo(f"wrote {output}: fill in one row per fact, then 'kg add {spec.name} {output}'", err=True)
        except (KGError, OSError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        return
    if file is None:
        raise click.UsageError("give the FILE to import, or --template to write an empty sheet")
    if output is not None:
        raise click.UsageError("-o goes with --template; 'kg add' writes to graph_data/added-KIND.trig")
    from kg.dataentry.importer import AddFailed, add_sheet

    try:
        if not file.exists():
            raise AddFailed([f"{file}: no such file"])
        report = add_sheet(context.project, spec.name, file, _store(context), dry_run=dry_run, replace=replace)
    except AddFailed as exc:
        for problem in exc.problems:
            click.echo(f"Error: {problem}", err=True)
        click.echo(f"nothing written: {len(exc.problems)} problem(s)", err=True)
        sys.exit(1)
    except KGError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # e.g. graph_data/ not writable: the atomic write leaves the old file in place
        click.echo(f"Error: {exc.filename or file}: {exc.strerror or exc}; nothing written", err=True)
        sys.exit(1)
    for line in report.added:
        click.echo(f"{'would add' if dry_run else 'added'}: {line}")
    for line in report.unchanged:
        click.echo(line)
    shown = report.file.relative_to(context.project.root) if report.file.is_relative_to(context.project.root) else report.file
    if not report.added:
        click.echo("nothing new: no file changed", err=True)
    elif dry_run:
        click.echo(f"dry run: {report.statements} new statement(s) would go to {shown}; nothing written", err=True)
    else:
        click.echo(f"wrote {report.statements} new statement(s) to {shown}; run 'kg build' to use them", err=True)


def _store(context: Context) -> object:
    """The built graph, for names (as 'kg query' resolves them)."""
    from kg.errors import StoreError

    try:
        return context.store()
    except StoreError as exc:
        if "kg build" in str(exc):
            raise StoreError(f"{exc} (kg add resolves names in the built graph)") from exc
        raise


COMMANDS = [add]
