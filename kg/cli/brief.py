"""``kg brief``: one printable page on a member or a group, every line with its source."""

from __future__ import annotations

from pathlib import Path

import click

from kg import choices
from kg.cli._answers import say_note
from kg.cli._common import Context, emit, handle_errors, pass_context

__all__ = ["COMMANDS"]


@click.command()
@click.argument("who", metavar="MEMBER")
@click.option("--lang", type=click.Choice(choices.LANGS), default="en", show_default=True,
              help="Language of the page and of the names.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (atomically); standard output if left out.")
@pass_context
@handle_errors
def brief(context: Context, who: str, lang: str, output: Path | None) -> None:
    """Write a one-page briefing on MEMBER (or a group: LDC, ACP, "African Group").

    Its groups and roles, its proposals and communications with what became of each in
    INF/ECOM/87, its development concerns and the SDT models that fit them, its best
    partners and why, the concerns no proposal answers, the implementation periods of
    Article 20 open to it and its stance on the 2024 text. Every line names its source;
    what the graph does not know is said to be unknown. Print it, or "Save as PDF", for
    a clean A4 page.

    \b
    Example:
      kg brief "Côte d'Ivoire" -o civ.html
      kg brief LDC --lang fr -o pma.html
    """
    from kg.brief import render_brief
    from kg.corrections import resolve_noting
    from kg.store import read_manifest

    store = context.store()
    _, note = resolve_noting(store, "actor", who, lang, project=context.project)
    say_note(note)
    manifest = read_manifest(context.project.build_dir) or {}
    built = str(manifest.get("fingerprint", ""))[:12]
    emit(render_brief(store, who, lang, project=context.project, version=built), output)


COMMANDS = [brief]
