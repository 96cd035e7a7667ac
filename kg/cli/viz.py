"""Commands that draw and document: ``kg viz`` (offline HTML views) and ``kg docs`` (the ontology's page)."""

from __future__ import annotations

from pathlib import Path

import click

from kg import choices
from kg.cli._common import Context, handle_errors, pass_context
from kg.errors import ParameterError

__all__ = ["COMMANDS"]


@click.command()
@click.argument("view", type=click.Choice(choices.VIEWS), metavar="VIEW")
@click.argument("name", required=False, metavar="[NAME]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write (atomically).")
@click.option("--lang", type=click.Choice(choices.LANGS), default="en", show_default=True,
              help="Language of the names and of the page.")
@click.option("--on", metavar="ISSUE|SECTION|COLUMN",
              help="coalitions: only what is about this issue or section (code or name, e.g. D.3) or Table 5 "
                   "column (cooperation, cooperation-mechanisms, capacity-building, implementation-periods).")
@click.option("--ties", metavar="KIND,…", help="coalitions: only these kinds of tie, as in 'kg coalitions'.")
@click.option("--weight", "weights", multiple=True, metavar="KIND=W",
              help="coalitions: change the weight of a kind of tie (repeatable), as in 'kg coalitions'.")
@click.option("--type", "types", multiple=True, metavar="CLASS",
              help="graph: keep only things of this class, e.g. Member or Proposal (repeatable).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout and of the communities.")
@pass_context
@handle_errors
def viz(context: Context, view: str, name: str | None, output: Path, lang: str, on: str | None, ties: str | None,
        weights: tuple[str, ...], types: tuple[str, ...], seed: int) -> None:
    """Draw a view of the graph as one HTML file that works offline.

    \b
    VIEW is one of:
      coalitions   members coloured by community, sized by activity, linked by shared interests
      issues       the issue scheme with proposals, sponsors and provisions by commitment strength
      member NAME  one member's proposals, issues, partners, groups and concerns
      sdt          concern categories x SDT models, with the fit of each pair (IISD 2022 Table 3)
      graph        the whole graph, with a filter per type

    The page has a legend, a title saying what is shown and from which data, and a search
    box. It needs no network: vis-network is inside the file and a Content-Security-Policy
    forbids every request. The same graph, view and seed give the same bytes.

    \b
    Example:
      kg viz coalitions -o coalitions.html
      kg viz coalitions --on D.3 --lang fr -o coalitions-d3.html
      kg viz member "Côte d'Ivoire" -o civ.html
      kg viz graph --type Proposal --type Member -o proposals.html
    """
    from kg.store import read_manifest
    from kg.viz import draw_view, write_page

    if view == "member" and not name:
        raise click.UsageError("the member view needs a NAME: kg viz member NAME -o FILE.html "
                               "(a name in English, French or Spanish, an ISO code such as CIV, or an IRI)")
    if name and view != "member":
        raise click.UsageError(f"NAME applies to the member view only, not to {view!r}")
    if (on or ties or weights) and view != "coalitions":
        raise click.UsageError(f"--on, --ties and --weight apply to the coalitions view only, not to {view!r}")
    if types and view != "graph":
        raise click.UsageError(f"--type applies to the graph view only, not to {view!r}")
    tie_kinds: tuple[str, ...] = ()
    if ties or weights:
        from kg.coalitions import parse_ties, parse_weights

        try:
            tie_kinds = tuple(parse_ties(ties)) if ties else ()
        except ParameterError as exc:
            raise click.BadParameter(str(exc), param_hint="--ties") from None
        try:
            parse_weights(weights)
        except ParameterError as exc:
            raise click.BadParameter(str(exc), param_hint="--weight") from None
    store = context.store()
    manifest = read_manifest(context.project.build_dir) or {}
    page = draw_view(store, view, lang=lang, member=name, on=on, ties=tie_kinds, weights=weights, types=types,
                     seed=seed, project=context.project, version=str(manifest.get("fingerprint", ""))[:12])
    write_page(page, output)
    how = "laid out in the browser" if page.physics else "positions fixed"
    click.echo(f"wrote {output}: {page.title} ({page.nodes} nodes, {page.edges} links, {how})", err=True)


@click.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write (replaced atomically; an existing folder must be one 'kg docs' wrote).")
@click.option("--lang", type=click.Choice(choices.LANGS), default="en", show_default=True,
              help="Language of the labels and definitions.")
@pass_context
@handle_errors
def docs(context: Context, output: Path, lang: str) -> None:
    """Write a human-readable page of the ontology (pyLODE), offline.

    DIR/index.html documents every class and property of ontology/jsi.ttl with its
    labels and definitions; DIR/jsi.ttl is a copy of the ontology itself. Nothing is
    downloaded: pyLODE reads its background vocabularies from its own package.

    \b
    Example:
      kg docs -o docs/ontology
      kg docs --lang fr -o docs/ontologie
    """
    from kg.docs import write_ontology_docs

    written = write_ontology_docs(context.project.ontology_file, output, lang)
    click.echo(f"wrote {written}", err=True)


COMMANDS = [viz, docs]
