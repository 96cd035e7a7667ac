"""The two network views of ``kg viz``: the whole graph and the coalitions of members.

Both are force-directed from a seeded start (:mod:`kg.viz.positions`), coloured by family
or community with the palette of :mod:`kg.viz.views` (ColorBrewer, colour-blind safe). Large graphs are not
drawn whole: the page keeps the most linked things (:data:`MAX_DRAWN`), lays them out, and says
what it left out, rather than a page of thousands of unreadable dots.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from rdflib.namespace import ORG

from kg import iris
from kg.errors import ParameterError
from kg.iris import local_name
from kg.vocab import JSI
from kg.viz.drawing import Drawing, Edge, LegendGroup, LegendItem, Node, truncate
from kg.viz.positions import most_linked, spring_positions
from kg.viz.reader import Reader
from kg.viz.views import _SHAPES, PALETTE, PHYSICS_MAX_NODES

__all__ = ["MAX_DRAWN", "MAX_LINKS", "graph_view", "coalitions_view"]

# --------------------------------------------------------------------------- graph

#: Colour families of the whole-graph view: a class, or any subclass of it, takes the colour.
_FAMILIES = (
    (str(JSI.Member), "#fd8d3c"), (str(JSI.Group), "#807dba"), (str(JSI.NegotiationIssue), "#4292c6"),
    (str(JSI.Provision), "#cb181d"), (str(JSI.ProposalElement), "#74c476"), (str(JSI.Source), "#238b45"),
    (str(JSI.Citation), "#969696"), (str(ORG.Membership), "#d9d9d9"),
    (str(JSI.Finding), "#8c6d31"), (str(JSI.Position), "#bd9e39"), (str(JSI.DevelopmentConcern), "#80cdc1"),
    (str(JSI.ConcernCategory), "#01665e"), (str(JSI.SDTModel), "#7b3294"), (str(JSI.FitAssessment), "#c2a5cf"),
    (str(JSI.Milestone), "#e7298a"),
)


#: The most things a network view draws; beyond, it keeps the most linked and says what it left out.
MAX_DRAWN = 300
#: The most links the coalitions view draws (the strongest; the real graph has about 3,500): 300 members
#: of a large graph can share 45,000 ties, each with its reasons in a tooltip (80 s and 1 GB to write).
MAX_LINKS = 5000
#: How many of the most linked things a network view labels in large type.
HUB_LABELS = 30
#: How many kinds of left-out things the description names.
_LEFT_OUT_NAMED = 8
#: What the whole-graph view opens on when no ``--type`` is asked for: the things a negotiator
#: looks for. Citations, memberships, findings and assessments stay reachable with ``--type``.
_OPENING = (JSI.Member, JSI.Group, JSI.NegotiationIssue, JSI.WTODocument, JSI.DevelopmentConcern, JSI.SDTModel)
#: A thing left out that links at most this many drawn things becomes a link between them ("via" it):
#: a membership links its member and group, a proposal element its proposal and issue.
_VIA_MAX = 3


def graph_view(r: Reader, *, seed: int, types: Sequence[str] = ()) -> Drawing:
    """What the curated data describes and links, coloured and filterable by type.

    Without ``types``, the view opens on members, groups, issues, documents, provisions,
    concerns and SDT models; with them, on the things of those classes (or their subclasses).
    At most :data:`MAX_DRAWN` things are drawn, the most linked; the description says how
    many of each type were left out.

    What is read grows with what is drawn: the things to draw come ranked and cut by SPARQL
    (``graph-top.rq``), what is left out is counted there by class (``graph-kinds.rq``: one row
    per set of classes), and the links, names, codes, classes and sources are read for the
    things drawn only (bound as ``VALUES``).

    Raises
    ------
    ParameterError
        A type that is no class of the drawn graph (the message names the classes there are).
    """
    w = r.words
    r.focus(())
    ancestors = r.ancestors()
    counts = r.kind_counts()
    classes = {c for k in counts for c in {k} | ancestors.get(k, set())}
    r.focus(sorted(classes))
    if types:
        names = {c: {local_name(c).casefold(), r.label(c).casefold()} for c in classes}
        unknown = [t for t in types if not any(t.casefold() in n for n in names.values())]
        if unknown:
            allowed = sorted({local_name(c) for c in classes if c.startswith(iris.JSI)}, key=str.casefold)
            raise ParameterError(f"Unknown --type {unknown[0]!r}: the graph has things of these classes: "
                                 f"{', '.join(allowed)}.")
        wanted = {t.casefold() for t in types}
        chosen = {c for c, n in names.items() if n & wanted}
    else:
        chosen = {str(c) for c in _OPENING}
    # the classes asked for and every class below them: a thing is drawn when one of its classes is one
    below = sorted(c for c in set(ancestors) | classes | chosen if ({c} | ancestors.get(c, set())) & chosen)
    joined = _joined(r, below)
    ids = _most_linked(r, joined)
    order = sorted(ids)
    r.focus(order)
    kind_of = {i: r.kind(i) or "" for i in order}
    kinds = sorted(set(kind_of.values()), key=lambda k: (r.label(k).casefold() if k else "~", k))
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
    predicates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for start in range(0, len(order), 400):
        for s, p, o in r.rows("graph-edges", about=("subject", order[start:start + 400])):
            if s and p and o in ids and s != o:
                predicates[(s, o)].add(p)
    drawn_vias = _via_links(r, order, below, joined, {(min(s, o), max(s, o)) for s, o in predicates})
    r.focus(sorted({p for preds in predicates.values() for p in preds} | {m for ms in drawn_vias.values() for m in ms}))
    edges = []
    for (s, o), preds in sorted(predicates.items()):
        text = "\n".join(f"{r.label(s)} → {_predicate_label(r, p)} → {r.label(o)}" for p in sorted(preds))
        edges.append(Edge(s, o, "link", text, 1.0))
    edges += [Edge(a, b, "via", "\n".join(f"{r.label(a)} — {r.label(m)} — {r.label(b)}" for m in sorted(ms)), 1.0,
                   "#9e9e9e", dashes=True)
              for (a, b), ms in sorted(drawn_vias.items())]
    pos = spring_positions(order, [(e.source, e.target, 1.0) for e in edges], seed=seed, spacing=90.0)

    def key(k: str) -> str:
        return local_name(k) if k else "other"

    # the hubs are labelled large enough to read at the opening zoom; the others appear as one zooms in
    hubs = set(most_linked(order, [(e.source, e.target) for e in edges], HUB_LABELS))
    nodes = [Node(i, truncate(r.label(i, with_code=True), 32), key(kind_of[i]), r.tooltip(i, kind=kind_of[i] or None),
                  18.0 if i in hubs else 12.0, pos[i][0], pos[i][1], colour_of[kind_of[i]], shape_of[kind_of[i]],
                  r.search_text(i), font_size=34.0 if i in hubs else None)
             for i in order]
    count = Counter(n.kind for n in nodes)
    items = [LegendItem(key(k), r.label(k) if k else w["other"], colour_of[k], shape_of[k], count=count[key(k)])
             for k in kinds]
    title = w["title_graph"] + (": " + ", ".join(types) if types else "")
    left = counts - Counter(kind_of.values())
    r.focus(sorted(left))
    description = w["desc_graph"] + " " + _left_out(r, left, len(ids))
    return Drawing("graph", r.lang, title, description, nodes, edges,
                   [LegendGroup(w["legend_things"], items)], physics=len(nodes) <= PHYSICS_MAX_NODES, filters=True)


def _joined(r: Reader, below: list[str]) -> list[str]:
    """The classes the drawn things are found through: the topmost of ``below`` when they have the same
    things as all of them (``graph-typed.rq``: the graph states the superclasses, as the build's
    reasoning does), so that each thing comes once rather than once per class it has; else ``below``."""
    ancestors = r.ancestors()
    inside = set(below)
    top = [c for c in below if not (ancestors.get(c, set()) - {c}) & inside]
    return top if top != below and _typed(r, top) == _typed(r, below) else below


def _most_linked(r: Reader, classes: list[str]) -> set[str]:
    """The :data:`MAX_DRAWN` things of these classes the citation graphs link to the most things, ties by IRI
    (``graph-top.rq``); when fewer are linked, the first things linked to nothing, by IRI (``graph-things.rq``)."""
    linked = [e for e, _ in r.rows("graph-top", about=("type", classes), citations=True)[:MAX_DRAWN] if e]
    ids = set(linked)
    if len(ids) < MAX_DRAWN:
        unlinked = [e for (e,) in r.rows("graph-things", about=("type", classes)) if e and e not in ids]
        ids.update(unlinked[:MAX_DRAWN - len(ids)])
    return ids


def _typed(r: Reader, classes: list[str]) -> int:
    """How many things have one of these classes (``graph-typed.rq``)."""
    return sum(int(n) for (n,) in r.rows("graph-typed", about=("type", classes)) if n)


def _via_links(r: Reader, drawn: list[str], below: list[str], joined: list[str],
               direct: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """Pairs of drawn things linked through one thing not drawn, of none of the classes drawn, that links few
    things of them (at most :data:`_VIA_MAX`), with those things; pairs linked directly are left out.
    ``joined`` are the classes the drawn things were found through (:func:`_joined`)."""
    ends: dict[str, set[str]] = defaultdict(set)
    inside = set(drawn)
    # all at once: a thing links two drawn things however they would be split (MAX_DRAWN of them at most)
    for other, found in r.rows("graph-neighbours", about=("entity", drawn), also=("type", joined), citations=True):
        if other and found and other not in inside:
            ends[other].update(found.split(" "))
    middles = sorted(m for m, found in ends.items() if len(found) >= 2)
    kinds_below = set(below)
    typed: set[str] = set()
    for start in range(0, len(middles), 400):
        for middle, type_ in r.rows("types", about=("entity", middles[start:start + 400])):
            if middle and type_ in kinds_below:
                typed.add(middle)
    candidates = [m for m in middles if m not in typed]
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    for start in range(0, len(candidates), 400):
        for middle, touches in r.rows("graph-touches", about=("middle", candidates[start:start + 400]),
                                      also=("type", below), citations=True):
            if middle and touches and int(touches) <= _VIA_MAX:
                for a in ends[middle]:
                    for b in ends[middle]:
                        if a < b and (a, b) not in direct:
                            via[(a, b)].add(middle)
    return via


def _left_out(r: Reader, left: Counter[str], shown: int) -> str:
    """What the whole-graph view did not draw, by type, and how to draw it."""
    w = r.words
    if not left:
        return w["graph_all"].format(shown=shown)
    ranked = sorted(left.items(), key=lambda kv: (-kv[1], r.label(kv[0]) if kv[0] else "~"))
    what = ", ".join(f"{n} × {r.label(k) if k else w['other']}" for k, n in ranked[:_LEFT_OUT_NAMED])
    if len(ranked) > _LEFT_OUT_NAMED:
        what += ", " + w["more"].format(n=sum(n for _, n in ranked[_LEFT_OUT_NAMED:]))
    return w["graph_left_out"].format(shown=shown, total=shown + sum(left.values()), what=what)


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
    (:func:`kg.coalitions.member_graph`, :func:`kg.coalitions.find_coalitions`).
    """
    import numpy as np

    from kg.coalitions import find_coalitions, member_graph, resolve_on

    w = r.words
    on_iri = resolve_on(r.store, on, project=r.project) if on else None
    graph = member_graph(r.store, on=on_iri, ties=list(ties) or None, weights=list(weights) or None,
                         lang=r.lang, project=r.project)
    report = find_coalitions(graph, seed=seed, resolution=resolution)
    community_of = {str(m): c.id for c in report.communities for m in c.members}
    name_of = {c.id: c.name or w["community"].format(n=c.id) for c in report.communities}
    everyone = sorted(str(n) for n in graph.nodes)
    activity = {str(n): float(d.get("activity") or 0) for n, d in graph.nodes.items()}
    # the ties as arrays (kg.coalitions.graph): a tie's reasons are read only for the links drawn
    at = graph.ties.starts[:-1]
    first, second, weights_of = graph.ties.a[at], graph.ties.b[at], graph.ties.weight
    who = graph.ties.nodes
    total = np.bincount(np.concatenate([first, second]), weights=np.concatenate([weights_of, weights_of]),
                        minlength=len(who))
    strength = dict.fromkeys(everyone, 0.0)
    strength.update(zip(who, total.tolist()))
    # the most active members (own proposals, then tie strength) when there are too many to read
    ranked = sorted(everyone, key=lambda n: (-activity[n], -round(strength[n], 9), n))
    kept = set(ranked[:MAX_DRAWN])
    order = [n for n in everyone if n in kept]
    top = float(weights_of.max()) if len(weights_of) else 1.0
    top = top or 1.0
    inside = np.array([m in kept for m in who], dtype=bool)
    chosen = np.flatnonzero((weights_of > 0) & inside[first] & inside[second]) if len(who) else np.zeros(0, dtype=np.int64)
    candidates = len(chosen)
    # the strongest links when there are too many to read (and to write: each carries its reasons);
    # ties in IRI order, so a stable sort by weight keeps them in (a, b) order among equals
    strongest = chosen[np.argsort(-np.round(weights_of[chosen], 9), kind="stable")][:MAX_LINKS]
    edges, links = [], []
    for pair in sorted(strongest.tolist()):
        a, b = who[int(first[pair])], who[int(second[pair])]
        d = graph.tie(a, b)
        weight = float(d["weight"])
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
    most = max(activity.values(), default=0.0) or 1.0
    nodes = []
    for i in order:
        c = community_of.get(i)
        lines = [f"{w['community'].format(n=c)}: {name_of[c]}" if c else w["isolated"], f"{w['activity']}: {activity.get(i, 0):g}"]
        if graph.nodes[i].get("participant") is False:
            lines.append(w["not_participant"])
        nodes.append(Node(i, truncate(r.label(i), 28), f"community:{c or 0}", r.tooltip(i, lines),
                          round(10.0 + 22.0 * math.sqrt(activity.get(i, 0.0) / most), 1), pos[i][0], pos[i][1],
                          PALETTE[(c - 1) % len(PALETTE)] if c else "#d0d0d0", "dot", r.search_text(i)))
    count = Counter(n.kind for n in nodes)
    items = [LegendItem(f"community:{c.id}", f"{c.id}. {name_of[c.id]}", PALETTE[(c.id - 1) % len(PALETTE)], "dot",
                        count=count[f"community:{c.id}"]) for c in report.communities if count[f"community:{c.id}"]]
    if count["community:0"]:
        items.append(LegendItem("community:0", w["legend_isolated"], "#d0d0d0", "dot", count=count["community:0"]))
    title = w["title_coalitions_on"].format(on=r.label(on_iri, with_code=True)) if on_iri else w["title_coalitions"]
    description = w["desc_coalitions"].format(seed=seed)
    if len(order) < len(everyone):
        description += " " + w["coalitions_left_out"].format(shown=len(order), total=len(everyone),
                                                             left=len(everyone) - len(order))
    if len(strongest) < candidates:
        description += " " + w["coalitions_links_left_out"].format(shown=len(strongest), total=candidates)
    return Drawing("coalitions", r.lang, title, description, nodes, edges,
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
