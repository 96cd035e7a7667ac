"""The views of ``kg viz`` about one subject: what each draws, where, and in which colour.

``issues`` and ``sdt`` are laid out as columns and a matrix (positions mean something);
``member`` is force-directed from a seeded start (:mod:`kg.viz.positions`); the whole-graph
and coalition networks are in :mod:`kg.viz.networks`. Colours come from ColorBrewer's colour-blind-safe schemes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from kg.iris import local_name
from kg.vocab import JSI
from kg.viz.drawing import Drawing, Edge, LegendGroup, LegendItem, Node, natural_key, truncate
from kg.viz.positions import spread, spring_positions
from kg.viz.reader import Reader
from kg.wording import STRENGTH_TERMS

__all__ = ["PHYSICS_MAX_NODES", "issues_view", "sdt_view", "member_view"]

#: Above this many nodes, positions are computed in Python and physics stays off, so that
#: the page is usable at once instead of spinning (pyvis#204).
PHYSICS_MAX_NODES = 300


#: Commitment strengths, strongest first (the order of kg.wording.STRENGTHS, which a test
#: keeps equal to jsi:CommitmentStrengthScheme), in ColorBrewer RdBu: red commits most; a
#: clause that commits no Party is grey. Names come from the graph (the values' labels).
STRENGTH_COLOURS = dict(zip(
    STRENGTH_TERMS.values(),
    ("#b2182b", "#ef8a62", "#f4c7a8", "#c6dbef", "#67a9cf", "#2166ac", "#737373"),
    strict=True,
))
UNGRADED = "#bdbdbd"
#: What became of an issue in the 2024 Agreement (queries/viz/issue-outcomes.rq), as the
#: issue's border; keys are the local names of the values of jsi:OutcomeScheme used for issues.
OUTCOME_COLOURS = {"TakenUp": "#1a9850", "PartlyTakenUp": "#f9a825", "NotTakenUp": "#d73027"}
#: Fit levels (jsi:FitLevelScheme): colour and a node shape, so that colour is never the only cue.
FIT_COLOURS = {"Appropriate": "#1a9850", "Limited": "#f9a825", "NotAppropriate": "#d73027"}
_FIT_SHAPES = {"Appropriate": "dot", "Limited": "square", "NotAppropriate": "triangleDown"}
#: Twelve distinct colours (ColorBrewer Paired, reordered) for communities and types.
PALETTE = (
    "#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928",
    "#a6cee3", "#fb9a99", "#b2df8a", "#fdbf6f", "#cab2d6", "#8c8c00",
)
_SHAPES = ("dot", "square", "diamond", "triangle", "star", "hexagon")


def _unique(values: Sequence[str | None]) -> list[str]:
    return sorted({v for v in values if v}, key=natural_key)


# --------------------------------------------------------------------------- issues


def issues_view(r: Reader) -> Drawing:
    """The issue scheme as columns: sections, subsections, issues, provisions, proposals, sponsors."""
    w = r.words
    level_of = {"Section": 0, "Annex": 0, "Subsection": 1, "SpecificIssue": 2, "AnnexItem": 2}
    issues: dict[str, dict[str, Any]] = {}
    for row in r.records("issue-scheme"):
        iri = row["issue"] or ""
        level = level_of.get(local_name(row["level"] or ""), 2)
        info = issues.setdefault(iri, {"code": row["code"] or local_name(iri), "level": level, "broader": set(),
                                       "class": row["level"]})
        if level < info["level"]:
            info["level"], info["class"] = level, row["level"]
        if row["broader"]:
            info["broader"].add(row["broader"])
    children: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []
    for iri, info in issues.items():
        parents = sorted(p for p in info["broader"] if p in issues)
        (children[parents[0]] if parents else roots).append(iri)

    def by_code(iri: str) -> tuple[Any, ...]:
        return natural_key(issues[iri]["code"])

    row_gap = 46.0
    col = (0.0, 330.0, 660.0, 1040.0, 1400.0, 1720.0)
    ys: dict[str, float] = {}
    next_row = 0.0

    def place(iri: str) -> float:
        nonlocal next_row
        kids = sorted(children.get(iri, []), key=by_code)
        if kids:
            ys[iri] = sum(place(k) for k in kids) / len(kids)
        else:
            ys[iri] = next_row
            next_row += row_gap
        return ys[iri]

    for root in sorted(roots, key=by_code):
        place(root)
        next_row += row_gap * 0.6
    outcome = {row["issue"] or "": local_name(row["value"] or "") for row in r.records("issue-outcomes")}
    nodes: list[Node] = []
    edges: list[Edge] = []
    style = {0: ("section", "#08306b", "#ffffff"), 1: ("subsection", "#4292c6", "#ffffff"), 2: ("issue", "#c6dbef", "#08306b")}
    for iri in sorted(issues, key=by_code):
        info = issues[iri]
        kind, colour, font = style[info["level"]]
        name = r.label(iri, with_code=True)
        done = outcome.get(iri)
        lines = [f"{w['outcome']}: {r.label(str(JSI[done]))}"] if done in OUTCOME_COLOURS else []
        nodes.append(Node(iri, truncate(name, 48), kind, r.tooltip(iri, lines, kind=info["class"]), 14.0,
                          col[info["level"]], ys[iri], colour, "box", r.search_text(iri), font,
                          OUTCOME_COLOURS.get(done or "")))
        for parent in sorted(p for p in info["broader"] if p in issues):
            edges.append(Edge(iri, parent, "broader", f"{name} → {w['edge_broader']} → {r.label(parent, with_code=True)}",
                              1.0, "#9ecae1"))

    # provisions: their own strength, or the strongest of their graded parts
    rank: dict[str, int] = {}
    own: dict[str, str] = {}
    addressed: dict[str, set[str]] = defaultdict(set)
    for row in r.records("issue-provisions"):
        if row["issue"] in issues:
            addressed[row["provision"] or ""].add(row["issue"] or "")
            if row["strength"]:
                own[row["provision"] or ""] = row["strength"]
                rank[row["strength"]] = int(row["rank"] or 0)
    parts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in r.records("provision-parts"):
        if row["provision"] in addressed and row["strength"]:
            parts[row["provision"] or ""][row["strength"]] += 1
            rank[row["strength"]] = int(row["rank"] or 0)
    graded: Counter[str] = Counter()
    wanted = []
    for prov in sorted(addressed):
        strength = own.get(prov)
        if strength:
            lines = [f"{w['strength']}: {r.label(strength)}"]
        elif parts.get(prov):
            strength = max(parts[prov], key=lambda s: (rank.get(s, 0), s))
            lines = [f"{w['strength']}: " + w["strength_parts"].format(strength=r.label(strength))]
        else:
            lines = [f"{w['strength']}: {w['not_graded']}"]
        if parts.get(prov):
            ordered = sorted(parts[prov].items(), key=lambda kv: (-rank.get(kv[0], 0), kv[0]))
            lines.append(f"{w['parts']}: " + ", ".join(f"{n} {r.label(s)}" for s, n in ordered))
        targets = sorted(addressed[prov], key=by_code)
        lines.append(f"{w['addresses']}: " + "; ".join(r.label(i, with_code=True) for i in targets))
        key = local_name(strength) if strength else ""
        graded[key] += 1
        colour = STRENGTH_COLOURS.get(key, UNGRADED)
        nodes.append(Node(prov, truncate(r.label(prov), 40), f"strength:{key or 'none'}", r.tooltip(prov, lines), 11.0,
                          col[3], None, colour, "dot", r.search_text(prov)))
        wanted.append((prov, sum(ys[i] for i in targets) / len(targets)))
        for issue in targets:
            edges.append(Edge(prov, issue, "addresses",
                              f"{r.label(prov)} → {w['edge_addresses']} → {r.label(issue, with_code=True)}", 1.5, colour))
    prov_y = spread(wanted, 40.0)

    # proposals, through their elements, and their sponsors
    by_proposal: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in r.records("issue-proposals"):
        if row["issue"] in issues:
            detail = (r.label(row["element"]) if row["element"] else "") + (
                f" ({w['column']}: {r.label(row['column'])})" if row["column"] else "")
            by_proposal[row["proposal"] or ""][row["issue"] or ""].add(detail)
    sponsors: dict[str, set[str]] = defaultdict(set)
    is_member: dict[str, bool] = {}
    for row in r.records("proposal-sponsors"):
        if row["proposal"] in by_proposal:
            sponsors[row["proposal"] or ""].add(row["sponsor"] or "")
            is_member[row["sponsor"] or ""] = row["is_member"] == "true"
    wanted = []
    for prop in sorted(by_proposal, key=lambda p: natural_key(r.label(p))):
        lines = [f"{w['sponsors']}: " + ", ".join(sorted(r.label(s) for s in sponsors[prop]))] if sponsors.get(prop) else []
        for issue in sorted(by_proposal[prop], key=by_code):
            details = sorted(by_proposal[prop][issue] - {""})
            lines.append(f"{w['addresses']}: {r.label(issue, with_code=True)}")
            lines.extend(f"  · {d}" for d in details)
            edges.append(Edge(prop, issue, "proposal",
                              f"{r.label(prop)} → {w['edge_addresses']} → {r.label(issue, with_code=True)}"
                              + "".join(f"\n  · {d}" for d in details), 2.0, "#41ab5d"))
        nodes.append(Node(prop, truncate(r.label(prop), 30), "proposal", r.tooltip(prop, lines), 15.0, col[4], None,
                          "#41ab5d", "diamond", r.search_text(prop)))
        wanted.append((prop, sum(ys[i] for i in by_proposal[prop]) / len(by_proposal[prop])))
    prop_y = spread(wanted, 40.0)
    sponsored: dict[str, list[str]] = defaultdict(list)
    for prop, who in sorted(sponsors.items()):
        for s in sorted(who):
            sponsored[s].append(prop)
    wanted = []
    for s in sorted(sponsored):
        member = is_member.get(s, False)
        lines = [f"{w['sponsored']}: " + ", ".join(sorted((r.label(p) for p in sponsored[s]), key=natural_key))]
        nodes.append(Node(s, truncate(r.label(s), 30), "sponsor-member" if member else "sponsor-group", r.tooltip(s, lines),
                          13.0, col[5], None, "#fd8d3c" if member else "#807dba", "dot" if member else "triangle",
                          r.search_text(s)))
        wanted.append((s, sum(prop_y[p] for p in sponsored[s]) / len(sponsored[s])))
        for p in sponsored[s]:
            edges.append(Edge(s, p, "sponsors", f"{r.label(s)} → {w['edge_sponsors']} → {r.label(p)}", 1.0, "#fdae6b"))
    spon_y = spread(wanted, 34.0)
    for node in nodes:
        if node.y is None:
            node.y = prov_y.get(node.id, prop_y.get(node.id, spon_y.get(node.id, 0.0)))

    count = Counter(n.kind for n in nodes)
    legend = [
        LegendGroup(w["legend_issues"], [
            LegendItem("section", r.label(str(JSI.Section)), "#08306b", "box", count=count["section"]),
            LegendItem("subsection", r.label(str(JSI.Subsection)), "#4292c6", "box", count=count["subsection"]),
            LegendItem("issue", r.label(str(JSI.SpecificIssue)), "#c6dbef", "box", count=count["issue"]),
        ]),
        LegendGroup(w["legend_outcome"], [
            LegendItem(f"outcome:{k}", r.label(str(JSI[k])), c, "box", count=sum(1 for v in outcome.values() if v == k),
                       border=True) for k, c in OUTCOME_COLOURS.items()
        ]),
        LegendGroup(w["legend_strength"], [
            LegendItem(f"strength:{k}", r.label(str(JSI[k])), c, "dot", count=graded[k]) for k, c in STRENGTH_COLOURS.items()
        ] + [LegendItem("strength:none", w["not_graded"], UNGRADED, "dot", count=graded[""])]),
        LegendGroup(w["legend_actors"], [
            LegendItem("proposal", r.label(str(JSI.Proposal)), "#41ab5d", "diamond", count=count["proposal"]),
            LegendItem("sponsor-member", r.label(str(JSI.Member)), "#fd8d3c", "dot", count=count["sponsor-member"]),
            LegendItem("sponsor-group", r.label(str(JSI.Group)), "#807dba", "triangle", count=count["sponsor-group"]),
        ]),
    ]
    xs = [n.x for n in nodes if n.x is not None]
    ys_ = [n.y for n in nodes if n.y is not None]
    opening = {"left": min(xs) - 240, "right": max(xs) + 240, "top": min(ys_) - 40} if xs and ys_ else None
    return Drawing("issues", r.lang, w["title_issues"], w["desc_issues"], nodes, edges, legend,
                   smooth={"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45},
                   opening=opening)


# --------------------------------------------------------------------------- sdt


def sdt_view(r: Reader) -> Drawing:
    """IISD 2022 Table 3 as a matrix: concern categories (rows) × SDT models (columns)."""
    w = r.words
    fits = r.records("sdt-fit")
    model_rows = r.records("sdt-models")
    concern_rows = r.records("concerns")
    categories = _unique([f["category"] for f in fits] + [row["category"] for row in concern_rows]
                         + [row["recommended_for"] for row in model_rows])
    assessed = _unique([f["model"] for f in fits])
    hybrids = _unique([row["model"] for row in model_rows if row["combines"] and row["model"] not in assessed])
    others = _unique([row["model"] for row in model_rows if row["model"] not in assessed and row["model"] not in hybrids])
    columns = assessed + others + hybrids
    col_x = {m: 300.0 + i * 250.0 for i, m in enumerate(columns)}
    row_y = {c: 150.0 + i * 230.0 for i, c in enumerate(categories)}
    combines: dict[str, set[str]] = defaultdict(set)
    recommended: dict[str, set[str]] = defaultdict(set)
    for row in model_rows:
        if row["combines"]:
            combines[row["model"] or ""].add(row["combines"])
        if row["recommended_for"]:
            recommended[row["model"] or ""].add(row["recommended_for"])
    nodes: list[Node] = []
    edges: list[Edge] = []
    for m in columns:
        lines = []
        if combines.get(m):
            lines.append(f"{w['combines']}: " + ", ".join(sorted(r.label(x) for x in combines[m])))
        if recommended.get(m):
            lines.append(f"{w['recommended_for']}: " + "; ".join(sorted(r.label(x) for x in recommended[m])))
        hybrid = m in hybrids
        nodes.append(Node(m, truncate(r.label(m), 80), "hybrid" if hybrid else "model", r.tooltip(m, lines), 20.0,
                          col_x[m], -130.0 if hybrid else 0.0, "#c2a5cf" if hybrid else "#7b3294", "box",
                          r.search_text(m), "#2d004b" if hybrid else "#ffffff"))
    for c in categories:
        nodes.append(Node(c, truncate(r.label(c), 120), "category", r.tooltip(c), 20.0, 60.0, row_y[c], "#01665e", "box",
                          r.search_text(c), "#ffffff"))
    fit_count: Counter[str] = Counter()
    for f in fits:
        a, m, c, fit = f["assessment"] or "", f["model"] or "", f["category"] or "", f["fit"] or ""
        key = local_name(fit)
        fit_count[key] += 1
        rec = c in recommended.get(m, set())
        text = r.label(fit) + (f" ★ {w['recommended']}" if rec else "")
        lines = [f"{w['fit']}: {text}", f"{r.label(m)} × {r.label(c)}"]
        nodes.append(Node(a, truncate(text, 30), f"fit:{key}", r.tooltip(a, lines), 26.0 if rec else 18.0, col_x[m],
                          row_y[c], FIT_COLOURS.get(key, UNGRADED), "star" if rec else _FIT_SHAPES.get(key, "dot"),
                          r.search_text(a)))
        edges.append(Edge(a, m, "cell", "", 1.0, "#e0e0e0", smooth=False))
        edges.append(Edge(a, c, "cell", "", 1.0, "#e0e0e0", smooth=False))
    for h in hybrids:
        for m in sorted(combines.get(h, set())):
            if m in col_x:
                edges.append(Edge(h, m, "combines", f"{r.label(h)} → {w['edge_combines']} → {r.label(m)}", 2.0,
                                  "#9970ab", [6, 4], arrow=True))
        for c in sorted(recommended.get(h, set())):
            if c in row_y:
                edges.append(Edge(h, c, "recommended", f"{r.label(h)} → {w['edge_recommended']} → {r.label(c)}", 3.0,
                                  "#2166ac", arrow=True))
    raised: dict[str, set[str]] = defaultdict(set)
    category_of: dict[str, str | None] = {}
    for row in concern_rows:
        concern = row["concern"] or ""
        category_of.setdefault(concern, row["category"])
        if row["raised_by"]:
            raised[concern].add(row["raised_by"])
    wanted = []
    for concern in sorted(category_of):
        cat = category_of[concern]
        lines = [f"{w['category']}: {r.label(cat)}"] if cat else []
        if raised.get(concern):
            lines.append(f"{w['raised_by']}: " + ", ".join(sorted(r.label(x) for x in raised[concern])))
        nodes.append(Node(concern, truncate(r.label(concern), 160), "concern", r.tooltip(concern, lines), 9.0, -330.0, None,
                          "#c7eae5", "box", r.search_text(concern), "#003c30"))
        wanted.append((concern, row_y.get(cat or "", 0.0)))
        if cat in row_y:
            edges.append(Edge(concern, cat, "in-category",
                              f"{r.label(concern)} → {w['edge_in_category']} → {r.label(cat)}", 1.0, "#80cdc1",
                              smooth=False))
    concern_y = spread(wanted, 66.0)
    for node in nodes:
        if node.y is None:
            node.y = concern_y.get(node.id, 0.0)
    count = Counter(n.kind for n in nodes)
    legend = [
        LegendGroup(w["legend_fit"], [
            LegendItem(f"fit:{k}", r.label(str(JSI[k])), c, _FIT_SHAPES[k], count=fit_count[k]) for k, c in FIT_COLOURS.items()
        ] + [LegendItem("recommended", w["recommended"], "#555555", "star")]),
        LegendGroup(w["legend_things"], [
            LegendItem("category", r.label(str(JSI.ConcernCategory)), "#01665e", "box", count=count["category"]),
            LegendItem("concern", r.label(str(JSI.DevelopmentConcern)), "#c7eae5", "box", count=count["concern"]),
            LegendItem("model", r.label(str(JSI.SDTModel)), "#7b3294", "box", count=count["model"]),
            LegendItem("hybrid", r.label(str(JSI.HybridSDTModel)), "#c2a5cf", "box", count=count["hybrid"]),
        ]),
        LegendGroup(w["legend_links"], [
            LegendItem("combines", w["edge_combines"], "#9970ab", line=True, dashes=True),
            LegendItem("recommended", w["edge_recommended"], "#2166ac", line=True),
            LegendItem("in-category", w["edge_in_category"], "#80cdc1", line=True),
        ]),
    ]
    return Drawing("sdt", r.lang, w["title_sdt"], w["desc_sdt"], nodes, edges, legend,
                   smooth={"enabled": True, "type": "curvedCW", "roundness": 0.2})


# --------------------------------------------------------------------------- member


def member_view(r: Reader, member: str, *, seed: int) -> Drawing:
    """One member's neighbourhood: its groups, proposals, their issues, its partners, concerns."""
    w = r.words
    name = r.label(member)
    bound = ox.NamedNode(member)
    groups = r.records("member-groups", member=bound)
    proposals = r.records("member-proposals", member=bound)
    concerns = r.records("member-concerns", member=bound)
    prop_set = {p["proposal"] for p in proposals}
    group_set = {g["group"] for g in groups}
    kinds: dict[str, str] = {member: "member"}
    edges: list[Edge] = []
    seen: set[tuple[str, str, str]] = set()

    def link(a: str, b: str, kind: str, text: str, colour: str, width: float = 1.5) -> None:
        if (a, b, kind) not in seen:
            seen.add((a, b, kind))
            edges.append(Edge(a, b, kind, text, width, colour))

    memberships: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        gi = g["group"] or ""
        kinds[gi] = "group"
        parts = [w["member_of"]] if not g["role"] or local_name(g["role"]) == "member" else [f"{w['role']}: {r.label(g['role'])}"]
        if g["since"]:
            parts.append(f"{w['since']} {g['since']}")
        if g["until"]:
            parts.append(f"{w['until']} {g['until']}")
        memberships[gi].add(", ".join(parts))
    for gi in sorted(memberships):
        link(member, gi, "member-of", f"{name} → {w['edge_member']} → {r.label(gi)}\n" + "\n".join(sorted(memberships[gi])),
             "#807dba", 2.0)
    for p in proposals:
        pi, si = p["proposal"] or "", p["sponsor"] or ""
        kinds[pi] = "proposal"
        link(si, pi, "sponsors", f"{r.label(si)} → {w['edge_sponsors']} → {r.label(pi)}", "#fd8d3c", 2.0)
    for row in r.records("proposal-sponsors"):
        pi, si = row["proposal"] or "", row["sponsor"] or ""
        if pi in prop_set and si != member and si not in group_set:
            kinds.setdefault(si, "partner")
            link(si, pi, "sponsors", f"{r.label(si)} → {w['edge_sponsors']} → {r.label(pi)}", "#fdae6b", 1.0)
    details: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in r.records("issue-proposals"):
        if row["proposal"] in prop_set:
            pi, ii = row["proposal"] or "", row["issue"] or ""
            kinds.setdefault(ii, "issue")
            details[(pi, ii)].add((r.label(row["element"]) if row["element"] else "")
                                  + (f" ({w['column']}: {r.label(row['column'])})" if row["column"] else ""))
    for (pi, ii), ds in sorted(details.items()):
        link(pi, ii, "addresses", f"{r.label(pi)} → {w['edge_addresses']} → {r.label(ii, with_code=True)}"
             + "".join(f"\n  · {d}" for d in sorted(ds - {""})), "#41ab5d", 2.0)
    for c in concerns:
        ci, by = c["concern"] or "", c["raised_by"] or ""
        kinds.setdefault(ci, "concern")
        link(by, ci, "raises", f"{r.label(by)} → {w['edge_raises']} → {r.label(ci)}", "#80cdc1", 1.2)

    style = {  # colour, shape, size, font colour
        "member": ("#d94801", "star", 34.0, None),
        "group": ("#807dba", "triangle", 20.0, None),
        "proposal": ("#41ab5d", "diamond", 16.0, None),
        "issue": ("#4292c6", "box", 14.0, "#ffffff"),
        "partner": ("#fdae6b", "dot", 13.0, None),
        "concern": ("#80cdc1", "dot", 11.0, None),
    }
    ids = sorted(kinds)
    pos = spring_positions(ids, [(e.source, e.target, 1.0) for e in edges], seed=seed, spacing=90.0)
    nodes = []
    for iri in ids:
        kind = kinds[iri]
        colour, shape, size, font = style[kind]
        nodes.append(Node(iri, truncate(r.label(iri, with_code=kind == "issue"), 40), kind, r.tooltip(iri), size,
                          pos[iri][0], pos[iri][1], colour, shape, r.search_text(iri), font))
    count = Counter(n.kind for n in nodes)
    legend = [
        LegendGroup(w["legend_things"], [
            LegendItem("member", f"{name} ({w['member_kind']})", "#d94801", "star"),
            LegendItem("group", r.label(str(JSI.Group)), "#807dba", "triangle", count=count["group"]),
            LegendItem("proposal", r.label(str(JSI.WTODocument)), "#41ab5d", "diamond", count=count["proposal"]),
            LegendItem("issue", r.label(str(JSI.NegotiationIssue)), "#4292c6", "box", count=count["issue"]),
            LegendItem("partner", w["partner"], "#fdae6b", "dot", count=count["partner"]),
            LegendItem("concern", r.label(str(JSI.DevelopmentConcern)), "#80cdc1", "dot", count=count["concern"]),
        ]),
        LegendGroup(w["legend_links"], [
            LegendItem("member-of", w["edge_member"], "#807dba", line=True),
            LegendItem("sponsors", w["edge_sponsors"], "#fd8d3c", line=True),
            LegendItem("addresses", w["edge_addresses"], "#41ab5d", line=True),
            LegendItem("raises", w["edge_raises"], "#80cdc1", line=True),
        ]),
    ]
    return Drawing("member", r.lang, w["title_member"].format(name=name), w["desc_member"].format(name=name),
                   nodes, edges, legend, physics=len(nodes) <= PHYSICS_MAX_NODES,
                   smooth={"enabled": True, "type": "continuous"})


# --------------------------------------------------------------------------- graph
