"""Commands on coalitions: ``kg coalitions`` (communities of members) and ``kg partners`` (who stands with whom)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kg import choices
from kg.cli._answers import answer_options
from kg.cli._common import Context, emit, handle_errors, output_options, pass_context
from kg.coalitions import DEFAULT_WEIGHTS, TIE_KINDS
from kg.errors import ParameterError

__all__ = ["COMMANDS"]

_WEIGHTS = ", ".join(f"{k}={v:g}" for k, v in DEFAULT_WEIGHTS.items())
#: In the text table, long lists are cut to this many names or reasons.
_SHOWN_MEMBERS = 8
_SHOWN_REASONS = 3


def _selection_options(fn: Any) -> Any:
    """``--on``, ``--ties``, ``--weight`` and ``--lang``, shared by both commands."""
    fn = click.option("--lang", type=click.Choice(choices.LANGS), default="en", show_default=True,
                      help="Language of the names.")(fn)
    fn = click.option("--weight", "weights", multiple=True, metavar="KIND=W",
                      help=f"Change the weight of a kind of tie (repeatable). Defaults: {_WEIGHTS}.")(fn)
    fn = click.option("--ties", metavar="KIND,…",
                      help=f"Only these kinds of tie (default: all): {', '.join(TIE_KINDS)}.")(fn)
    fn = click.option("--on", "on", metavar="ISSUE|SECTION|COLUMN",
                      help="Only what is about this issue or section (code or name, e.g. D.3 or 'capacity building') "
                           "or Table 5 column (cooperation, cooperation-mechanisms, capacity-building, "
                           "implementation-periods).")(fn)
    return fn


def _build(context: Context, on: str | None, ties: str | None, weights: tuple[str, ...], lang: str) -> Any:
    """Resolve the options and build the member graph, as arrays (``--ties``/``--weight`` mistakes are usage errors)."""
    from kg.coalitions import member_graph, parse_ties, parse_weights, resolve_on

    try:
        kinds = parse_ties(ties)
    except ParameterError as exc:
        raise click.BadParameter(str(exc), param_hint="--ties") from None
    try:
        weight_of = parse_weights(weights)
    except ParameterError as exc:
        raise click.BadParameter(str(exc), param_hint="--weight") from None
    store = context.store()
    on_iri = resolve_on(store, on, project=context.project) if on is not None else None
    graph = member_graph(store, on=on_iri, ties=kinds, weights=weight_of, lang=lang, project=context.project)
    return store, graph


def _ties(graph: Any) -> str:
    kinds = graph.graph.get("ties", [])
    return "all ties" if tuple(kinds) == TIE_KINDS else "ties: " + ", ".join(kinds)


def _scope(graph: Any) -> str:
    """In words: on what and through which ties the graph was built."""
    on = graph.graph.get("on_label")
    return (f"on {on}; " if on else "") + _ties(graph)


def _empty(graph: Any) -> str:
    on = graph.graph.get("on_label")
    n = graph.number_of_nodes()
    if on and n == 0:
        return (f"no member has an interest in {on} through the ties chosen ({_ties(graph)}); "
                "try a broader issue or section, or more kinds of tie")
    if n == 0:
        return f"no member has any tie ({_scope(graph)}); is the graph built from the full data? ('kg build')"
    who = ", ".join(str(graph.nodes[m]["label"]) for m in list(graph.nodes)[:10])
    return (f"no two members share anything ({_scope(graph)}): {n} member(s) without ties ({who}); "
            "try a broader issue or more kinds of tie")


def _fmt(x: float) -> str:
    return f"{x:.3f}"


# --------------------------------------------------------------------------- kg coalitions


@click.command()
@_selection_options
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the Louvain method: the same data and seed give the same communities.")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Above 1: smaller communities; below 1: larger ones.")
@output_options(choices.TABLE_FORMATS)
@answer_options
@pass_context
@handle_errors
def coalitions(context: Context, on: str | None, ties: str | None, weights: tuple[str, ...], lang: str,
               seed: int, resolution: float, fmt: str, output: Path | None, wide: bool, bom: bool) -> None:
    """Communities of members who share interests, what binds each, and who bridges them.

    Builds the member graph from the knowledge graph (co-sponsorship, positions the
    sources name, shared themes and Table 5 columns, issues, stances, development
    concerns, groups; see docs/coalitions.md for the weights), then finds communities
    with the Louvain method (networkx, seeded). For each community: its members, what
    binds them (strongest first, with the share that comes from their own positions
    rather than their groups) and its cohesion. Then the members who bridge
    communities (betweenness) and those with no tie. CSV and TSV give one row per member.

    \b
    Example:
      kg coalitions --on capacity-building
      kg coalitions --on D.1 --ties position,theme,cosponsor --format markdown
      kg coalitions --weight group=0 --seed 3 --format json -o coalitions.json
    """
    from kg.coalitions import find_coalitions
    from kg.gcpause import paused_gc

    # the cyclic collector paused for the whole command, not only for the member graph: the report and
    # its JSON are some hundred thousand more small objects with no cycle (at 5,000 members the collector
    # cost writing the JSON two fifths of its time)
    with paused_gc():
        _, graph = _build(context, on, ties, weights, lang)
        if graph.number_of_edges() == 0:
            raise ParameterError(_empty(graph))
        report = find_coalitions(graph, seed=seed, resolution=resolution)
        text = _render_coalitions(graph, report, fmt, wide=wide, lang=lang, bom=bom)
    emit(text, output)


def _render_coalitions(graph: Any, report: Any, fmt: str, *, wide: bool = False, lang: str = "en", bom: bool = False) -> str:
    import functools

    from kg.output import render_table as render

    render_table = functools.partial(render, wide=wide, lang=lang, bom=bom)
    from kg.store import Cell, Table

    def lit(x: Any) -> Cell:
        return Cell("literal", str(x))

    if fmt == "json":
        data = {
            "on": graph.graph.get("on"),
            "on_label": graph.graph.get("on_label"),
            "ties": graph.graph.get("ties"),
            "weights": graph.graph.get("weights"),
            **report.to_dict(),
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    bridge_of = {b.member: b for b in report.bridges}
    if fmt in ("csv", "tsv"):
        rows = []
        for c in report.communities:
            for member, label in zip(c.members, c.labels):
                b = bridge_of.get(member)
                rows.append((Cell("iri", member), lit(label), lit(graph.nodes[member].get("code", "")), lit(c.id),
                             lit(len(c.members)), lit(_fmt(c.cohesion)), lit(_fmt(b.betweenness) if b else ""),
                             lit(" ".join(str(r) for r in b.reaches) if b else "")))
        for member, label in zip(report.isolated, report.isolated_labels):
            rows.append((Cell("iri", member), lit(label), lit(graph.nodes[member].get("code", "")), lit(""),
                         lit(""), lit(""), lit(""), lit("")))
        columns = ["member", "label", "code", "community", "community_size", "cohesion", "betweenness", "bridges_to"]
        return render_table(Table(columns, rows), fmt)  # type: ignore[arg-type]

    markdown = fmt == "markdown"
    n = len(report.communities)
    head = (f"{n} {'community' if n == 1 else 'communities'} of {graph.number_of_nodes()} members ({_scope(graph)}); "
            f"Louvain seed {report.seed}, resolution {report.resolution:g}; modularity {report.modularity:.3f}")
    parts = [f"# Coalitions\n\n{head}." if markdown else head]

    def names(labels: tuple[str, ...]) -> str:
        if markdown or len(labels) <= _SHOWN_MEMBERS:
            return ", ".join(labels)
        return ", ".join(labels[:_SHOWN_MEMBERS]) + f", … (+{len(labels) - _SHOWN_MEMBERS})"

    def bound(c: Any) -> str:
        shown = c.reasons if markdown else c.reasons[:_SHOWN_REASONS]
        text = "; ".join(f"{r.kind}: {r.what} ({r.weight:.2f}{'' if r.basis == 'own' else ', via groups'})" for r in shown)
        return text + (f"; … (+{len(c.reasons) - len(shown)})" if len(c.reasons) > len(shown) else "")

    summary = [
        (lit(f"{c.id}. {c.name}" if c.name else c.id), lit(len(c.members)), lit(f"{c.cohesion:.2f}"), lit(f"{round(100 * c.own_share)}%"),
         lit(names(c.labels)), lit(bound(c)))
        for c in report.communities
    ]
    table = Table(["community", "size", "cohesion", "from positions", "members", "what binds them"], summary)  # type: ignore[arg-type]
    parts.append(("## Communities\n\n" if markdown else "") + render_table(table, "markdown" if markdown else "table"))

    if markdown:
        for c in report.communities:
            lines = [f"### Community {c.id}" + (f" ({c.name})" if c.name else "") + ": what binds it\n"]
            reason_rows = [
                (lit(r.kind), lit(r.what), lit(f"{r.weight:.3f}"), lit("own positions" if r.basis == "own" else "groups"),
                 lit(len(r.members)), lit(", ".join(r.documents) or "; ".join(r.citations)))
                for r in c.reasons
            ]
            lines.append(render_table(Table(["kind", "shared", "weight", "basis", "members", "sources"], reason_rows), "markdown"))  # type: ignore[arg-type]
            parts.append("\n".join(lines))

    shown_bridges = report.bridges if markdown else report.bridges[:10]
    if shown_bridges:
        brows = [
            (lit(b.label), lit(b.community), lit(_fmt(b.betweenness)), lit(", ".join(str(r) for r in b.reaches)))
            for b in shown_bridges
        ]
        title = "Bridges: members with ties into other communities, by betweenness"
        more = "" if len(shown_bridges) == len(report.bridges) else f" (top 10 of {len(report.bridges)})"
        btable = render_table(Table(["member", "community", "betweenness", "ties into"], brows), "markdown" if markdown else "table")  # type: ignore[arg-type]
        parts.append((f"## {title}{more}\n\n" if markdown else f"{title}{more}\n\n") + btable)
    else:
        parts.append(("## Bridges\n\n" if markdown else "") + "No member has ties into another community.")

    isolated = ", ".join(report.isolated_labels) or "none"
    parts.append((f"## Without ties ({len(report.isolated)})\n\n" if markdown else f"Without ties ({len(report.isolated)}): ")
                 + isolated)
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- kg partners


@click.command()
@click.argument("member")
@_selection_options
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many partners.")
@output_options(choices.TABLE_FORMATS)
@answer_options
@pass_context
@handle_errors
def partners(context: Context, member: str, on: str | None, ties: str | None, weights: tuple[str, ...], lang: str,
             top: int, fmt: str, output: Path | None, wide: bool, bom: bool) -> None:
    """Rank the partners of MEMBER, with a score and the reasons, each with its source.

    MEMBER is a name (English, French or Spanish), an ISO code (CIV) or an IRI, or a
    group (LDC, ACP, "African Group"): then the members outside it most tied to its
    members, each reason saying which of its members it comes from. A
    partner's score adds up what the two share, each shared item weighted by its kind
    and divided among all who share it (docs/coalitions.md). Partners who share
    MEMBER's own positions come first; those tied only through common groups (LDC
    Group, African Group…) follow, so they never push the former aside. Both parts
    are shown.

    \b
    Example:
      kg partners "Côte d'Ivoire" --on capacity-building
      kg partners KOR --on D.1 --format markdown
      kg partners Japan --ties position,theme,cosponsor --top 5 --format json
      kg partners LDC --on capacity-building
    """
    from kg.cli._answers import say_note
    from kg.coalitions import rank_partners
    from kg.corrections import label_of, resolve_noting

    store, graph = _build(context, on, ties, weights, lang)
    term, note = resolve_noting(store, "actor", member, lang, project=context.project)
    say_note(note)
    iri = term.value
    if "/group/" in iri:
        from kg.coalitions.groups import group_members, rank_group_partners

        group_name = label_of(store, "actor", iri, lang, project=context.project)
        inside = group_members(store, iri, context.project)
        ranked = rank_group_partners(graph, inside, top=top)
        if not ranked:
            raise ParameterError(f"{group_name} has no partner outside it ({_scope(graph)}): "
                                 f"its {len(inside)} member(s) share nothing with another member")
        emit(_render_partners(graph, iri, ranked, fmt, wide=wide, lang=lang, bom=bom,
                              name=f"{group_name}, outside its {len(inside)} members"), output)
        return
    name = str(graph.nodes[iri]["label"]) if iri in graph else member
    if iri not in graph or graph.degree(iri) == 0:
        on_label = graph.graph.get("on_label")
        if iri not in graph and on_label:
            raise ParameterError(f"{name} has no interest in {on_label} in the graph ({_ties(graph)}); "
                                 "ask without --on, or on a broader issue")
        raise ParameterError(f"{name} has no partner ({_scope(graph)}): it shares nothing with another member")
    ranked = rank_partners(graph, iri, top=top)
    emit(_render_partners(graph, iri, ranked, fmt, wide=wide, lang=lang, bom=bom), output)


def _reason_texts(graph: Any, reasons: Any) -> list[str]:
    """Each reason in words; for a group's partner, the same reason with several of its members is said once."""
    from kg.coalitions import describe_reason

    vias: dict[str, list[str]] = {}
    for r in reasons:
        vias.setdefault(describe_reason(r), [])
        if "via" in r:
            vias[describe_reason(r)].append(str(graph.nodes[r["via"]].get("label", r["via"])) if r["via"] in graph else r["via"])
    texts = []
    for text, who in vias.items():
        if who:
            shown = ", ".join(who[:3]) + (f" and {len(who) - 3} more" if len(who) > 3 else "")
            text = f"with {shown}: {text}"
        texts.append(text)
    return texts


def _render_partners(graph: Any, iri: str, ranked: list[Any], fmt: str, *, wide: bool = False, lang: str = "en",
                     bom: bool = False, name: str | None = None) -> str:
    import functools

    from kg.output import render_table as render

    render_table = functools.partial(render, wide=wide, lang=lang, bom=bom)
    from kg.store import Cell, Table

    def lit(x: Any) -> Cell:
        return Cell("literal", str(x))

    if fmt == "json":
        data = {
            "member": iri,
            "label": name or graph.nodes[iri]["label"],
            "on": graph.graph.get("on"),
            "on_label": graph.graph.get("on_label"),
            "ties": graph.graph.get("ties"),
            "weights": graph.graph.get("weights"),
            "partners": [dict(rank=i, **p.to_dict()) for i, p in enumerate(ranked, 1)],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    full = fmt != "table"
    rows = []
    for i, p in enumerate(ranked, 1):
        reasons = _reason_texts(graph, p.reasons)
        if not full and len(reasons) > _SHOWN_REASONS:
            reasons = reasons[:_SHOWN_REASONS] + [f"… (+{len(p.reasons) - _SHOWN_REASONS} more)"]
        who = Cell("iri", p.member) if fmt in ("csv", "tsv") else lit(f"{p.label} ({graph.nodes[p.member].get('code', '')})")
        rows.append((lit(i), who, lit(_fmt(p.score)), lit(_fmt(p.own_score)), lit(_fmt(p.group_score)), lit("; ".join(reasons))))
    columns = ["rank", "partner", "score", "own positions", "groups", "why (strongest first)"]
    if fmt in ("csv", "tsv"):
        columns = ["rank", "partner", "score", "own_score", "group_score", "reasons"]
    table = render_table(Table(columns, rows), fmt)  # type: ignore[arg-type]
    if fmt in ("csv", "tsv"):
        return table
    head = f"Partners of {name or graph.nodes[iri]['label']} ({_scope(graph)})"
    return (f"# {head}\n\n" if fmt == "markdown" else f"{head}\n\n") + table + "\n"


COMMANDS = [coalitions, partners]
