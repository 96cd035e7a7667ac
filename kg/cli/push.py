"""``kg push URL``: load the built graph into a SPARQL server (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from kg.cli._common import Context, handle_errors, pass_context

__all__ = ["COMMANDS"]


@click.command()
@click.argument("url")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="Push only this named graph (an IRI or graph:NAME; repeatable). Default: every graph.")
@click.option("--user", metavar="NAME", envvar="KG_PUSH_USER",
              help="User for a server that asks for one (Virtuoso: Digest); the password comes from "
                   "KG_PUSH_PASSWORD or is asked for. Env KG_PUSH_USER.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds for each request.")
@pass_context
@handle_errors
def push(context: Context, url: str, graphs: tuple[str, ...], user: str | None, timeout: float) -> None:
    """Load the built graph into a SPARQL server, keeping every named graph.

    URL is the server's Graph Store Protocol endpoint. Each citation graph (and the
    ontology, inferred and build graphs) replaces the graph of the same name there,
    then their union (every statement once; deleted by a push of some graphs only);
    then an index graph lists them, which 'kg --store QUERY-URL ...' reads to query
    exactly those graphs, the union as default graph. Progress goes to standard error.

    \b
    Examples:
      oxigraph serve --location team-db --bind 127.0.0.1:7878 &
      kg push http://127.0.0.1:7878/store
      kg --store http://127.0.0.1:7878/query query proposals-of-member -p member=CIV
      KG_PUSH_PASSWORD=... kg push http://127.0.0.1:8890/sparql-graph-crud-auth --user dba
      kg --store http://127.0.0.1:8890/sparql coalitions
    """
    from kg import iris
    from kg.push import push_graph

    only = [_graph_iri(g, iris.PREFIXES) for g in graphs]
    password = None
    if user is not None:
        password = os.environ.get("KG_PUSH_PASSWORD")
        if password is None:
            password = click.prompt(f"password of {user} on {url}", hide_input=True, err=True)
    store = context.embedded_store()
    total = sum(1 for q in store.quads() if not only or q.graph_name.value in only)
    bars: list[Any] = []  # opened at the first graph sent, so that an early refusal is one line

    def step(graph: str, n: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label="pushing", file=sys.stderr,  # type: ignore[operator]
                                          show_pos=True, item_show_func=_shown).__enter__())
        bars[0].update(n, graph.rsplit("/", 1)[-1])

    try:
        report = push_graph(store, url, only=only or None, user=user, password=password, timeout=timeout, progress=step)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
    click.echo(f"pushed {report.statements} statements in {len(report.graphs)} named graphs to {url}", err=True)
    if report.union:
        click.echo(f"and their union ({report.union} statements), which 'kg --store' queries as the default graph", err=True)
    elif only:
        click.echo("the union graph was deleted (a push of some graphs cannot keep it exact): "
                   "'kg --store' names every graph until the next full push", err=True)
    if report.removed:
        click.echo(f"deleted {len(report.removed)} graph(s) of an earlier push that the build no longer has", err=True)


def _shown(graph: str | None) -> str | None:
    return graph


def _graph_iri(value: str, prefixes: dict[str, str]) -> str:
    """``graph:NAME`` or a full IRI (``<…>`` brackets allowed)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    if "://" not in value:
        raise click.BadParameter(f"{value!r} is neither an IRI nor graph:NAME", param_hint="--graph")
    return value


COMMANDS = [push]
