"""The network views of ``kg viz``: the whole graph and the coalitions of members.

Both are force-directed from a seeded start (:mod:`kg.viz.positions`), coloured by family
or community with the palette of :mod:`kg.viz.views` (ColorBrewer, colour-blind safe).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from rdflib.namespace import ORG

from kg import iris
from kg.iris import local_name
from kg.vocab import JSI
from kg.viz.drawing import Drawing, Edge, LegendGroup, LegendItem, Node, truncate
from kg.viz.positions import spring_positions
from kg.viz.reader import Reader
from kg.viz.views import _SHAPES, PALETTE, PHYSICS_MAX_NODES

__all__ = ["graph_view", "coalitions_view"]


#: Colour families of the whole-graph view: a class, or any subclass of it, takes the colour.
_FAMILIES = (
    (str(JSI.Member), "#fd8d3c"), (str(JSI.Group), "#807dba"), (str(JSI.NegotiationIssue), "#4292c6"),
    (str(JSI.Provision), "#cb181d"), (str(JSI.ProposalElement), "#74c476"), (str(JSI.Source), "#238b45"),
    (str(JSI.Citation), "#969696"), (str(ORG.Membership), "#d9d9d9"),
    (str(JSI.Finding), "#8c6d31"), (str(JSI.Position), "#bd9e39"), (str(JSI.DevelopmentConcern), "#80cdc1"),
    (str(JSI.ConcernCategory), "#01665e"), (str(JSI.SDTModel), "#7b3294"), (str(JSI.FitAssessment), "#c2a5cf"),
    (str(JSI.Milestone), "#e7298a"),
)


def graph_view(r: Reader, *, seed: int, types: Sequence[str] = ()) -> Drawing:
    """Everything the curated data describes and links, coloured and filterable by type."""
    w = r.words
    ids: set[str] = set()
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in r.records("graph-edges"):
        s, p, o = row["subject"] or "", row["predicate"] or "", row["object"] or ""
        ids.update((s, o))
        pairs[(s, o)].add(p)
    ids.update(e for e in r.described() if e.startswith(iris.ID) or e.startswith(iris.JSI))
    ids.discard("")
    kind_of = {i: r.kind(i) or "" for i in ids}
    ancestors = r.ancestors()
    if types:
        wanted = {t.casefold() for t in types}

        def matches(k: str) -> bool:
            return any(local_name(c).casefold() in wanted or r.label(c).casefold() in wanted
                       for c in {k} | ancestors.get(k, set()))

        ids = {i for i, k in kind_of.items() if k and matches(k)}
    kinds = sorted({kind_of[i] for i in ids}, key=lambda k: (r.label(k).casefold() if k else "~", k))
    colour_of: dict[str, str] = {}
    shape_of: dict[str, str] = {}
    used: Counter[str] = Counter()
    spare = 0
    for k in kinds:
        colour = next((c for fam, c in _FAMILIES if k == fam or fam in ancestors.get(k, set())), None)
        if colour is None:
            colour = PALETTE[spare % len(PALETTE)] if k else "#636363"
            spare += bool(k)
        colour_of[k] = colour
        shape_of[k] = _SHAPES[used[colour] % len(_SHAPES)]
        used[colour] += 1
    order = sorted(ids)
    edges = []
    for (s, o), preds in sorted(pairs.items()):
        if s in ids and o in ids and s != o:
            text = "\n".join(f"{r.label(s)} → {_predicate_label(r, p)} → {r.label(o)}" for p in sorted(preds))
            edges.append(Edge(s, o, "link", text, 1.0))
    pos = spring_positions(order, [(e.source, e.target, 1.0) for e in edges], seed=seed, spacing=55.0)

    def key(k: str) -> str:
        return local_name(k) if k else "other"

    nodes = [Node(i, truncate(r.label(i, with_code=True), 32), key(kind_of[i]), r.tooltip(i, kind=kind_of[i] or None),
                  10.0, pos[i][0], pos[i][1], colour_of[kind_of[i]], shape_of[kind_of[i]], r.search_text(i))
             for i in order]
    count = Counter(n.kind for n in nodes)
    items = [LegendItem(key(k), r.label(k) if k else w["other"], colour_of[k], shape_of[k], count=count[key(k)])
             for k in kinds]
    title = w["title_graph"] + (": " + ", ".join(types) if types else "")
    return Drawing("graph", r.lang, title, w["desc_graph"], nodes, edges,
                   [LegendGroup(w["legend_things"], items)], physics=len(nodes) <= PHYSICS_MAX_NODES, filters=True)


def _predicate_label(r: Reader, predicate: str) -> str:
    label = r.label(predicate)
    if label != local_name(predicate):
        return label
    for prefix, ns in iris.PREFIXES.items():
        if predicate.startswith(ns):
            return f"{prefix}:{predicate[len(ns):]}"
    return predicate


# --------------------------------------------------------------------------- coalitions


def coalitions_view(r: Reader, *, on: str | None = None, ties: Sequence[str] = (), weights: Sequence[str] = (),
                    seed: int = 0, resolution: float = 1.0) -> Drawing:
    """Members tied by what they share, coloured by Louvain community, sized by activity.

    The member graph and its communities are those of ``kg coalitions``
    (:func:`kg.coalitions.build_member_graph`, :func:`kg.coalitions.find_coalitions`).
    """
    from kg.coalitions import build_member_graph, find_coalitions, resolve_on

    w = r.words
    on_iri = resolve_on(r.store, on, layout=r.layout) if on else None
    graph = build_member_graph(r.store, on=on_iri, ties=list(ties) or None, weights=list(weights) or None,
                               lang=r.lang, layout=r.layout)
    report = find_coalitions(graph, seed=seed, resolution=resolution)
    community_of = {str(m): c.id for c in report.communities for m in c.members}
    order = sorted(str(n) for n in graph.nodes)
    top = max((float(d.get("weight", 1.0)) for _, _, d in graph.edges(data=True)), default=1.0) or 1.0
    edges, links = [], []
    for a, b, d in sorted(((min(str(a), str(b)), max(str(a), str(b)), d) for a, b, d in graph.edges(data=True)),
                          key=lambda e: (e[0], e[1])):
        weight = float(d.get("weight", 1.0))
        if weight <= 0:
            continue
        links.append((a, b, weight))
        reasons = list(d.get("reasons") or [])
        lines = [f"{r.label(a)} — {r.label(b)} ({w['weight']} {weight:.2f})", f"{w['shares']}:"]
        lines += ["  · " + _reason_text(w, reason) for reason in reasons[:10]]
        if len(reasons) > 10:
            lines.append("  " + w["more"].format(n=len(reasons) - 10))
        share = math.sqrt(weight / top)
        edges.append(Edge(a, b, "shared", "\n".join(lines), round(0.5 + 7.5 * share, 2), "#6b6b6b",
                          opacity=round(0.12 + 0.88 * share, 3)))
    pos = spring_positions(order, links, seed=seed, spacing=80.0)
    activity = {str(n): float(d.get("activity") or 0) for n, d in graph.nodes(data=True)}
    most = max(activity.values(), default=0.0) or 1.0
    nodes = []
    for i in order:
        c = community_of.get(i)
        lines = [w["community"].format(n=c) if c else w["isolated"], f"{w['activity']}: {activity.get(i, 0):g}"]
        if graph.nodes[i].get("participant") is False:
            lines.append(w["not_participant"])
        nodes.append(Node(i, truncate(r.label(i), 28), f"community:{c or 0}", r.tooltip(i, lines),
                          round(10.0 + 22.0 * math.sqrt(activity.get(i, 0.0) / most), 1), pos[i][0], pos[i][1],
                          PALETTE[(c - 1) % len(PALETTE)] if c else "#d0d0d0", "dot", r.search_text(i)))
    count = Counter(n.kind for n in nodes)
    items = [LegendItem(f"community:{c.id}", w["community"].format(n=c.id), PALETTE[(c.id - 1) % len(PALETTE)], "dot",
                        count=count[f"community:{c.id}"]) for c in report.communities]
    if count["community:0"]:
        items.append(LegendItem("community:0", w["legend_isolated"], "#d0d0d0", "dot", count=count["community:0"]))
    title = w["title_coalitions_on"].format(on=r.label(on_iri, with_code=True)) if on_iri else w["title_coalitions"]
    return Drawing("coalitions", r.lang, title, w["desc_coalitions"].format(seed=seed), nodes, edges,
                   [LegendGroup(w["legend_communities"], items),
                    LegendGroup(w["legend_links"], [LegendItem("shared", w["edge_shared"], "#6b6b6b", line=True),
                                                    LegendItem("size", w["legend_size"], "#d0d0d0", "dot")])])


def _reason_text(w: Mapping[str, str], reason: Any) -> str:
    """A reason of a tie (from :func:`kg.coalitions.build_member_graph`) in the reader's language."""
    if not isinstance(reason, Mapping):
        return str(reason)
    kind = str(reason.get("kind", ""))
    phrase = w.get(f"reason_{kind}", "{what}")
    text = phrase.format(what=reason.get("what", ""))
    groups = reason.get("groups") or []
    if reason.get("basis") == "group" and kind != "group" and groups:
        text += w["reason_groups"].format(groups=", ".join(str(g) for g in groups))
    sources = list(reason.get("documents") or []) or list(reason.get("citations") or [])
    if sources:
        text += ": " + "; ".join(str(s) for s in sources[:3]) + (" …" if len(sources) > 3 else "")
    return text
