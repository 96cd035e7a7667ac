"""Partners of a group (``kg partners LDC``): the members outside it most tied to its members.

A group is not a node of the member graph (:func:`kg.coalitions.build_member_graph`):
its partners are found by adding up, over the group's members, each outside member's
partnership with them (:func:`kg.coalitions.rank_partners`). The reasons are kept with
their sources, and say which member of the group they come from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.coalitions.analysis import Partner, rank_partners
from kg.coalitions.graph import MemberGraph
from kg.project import Project, default_project
from kg.queryfiles import run_rq

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["group_members", "groups_of", "rank_group_partners"]

def group_members(store: Any, group_iri: str, project: Project | None = None) -> list[str]:
    """The IRIs of the members the graph names in a group (any role), sorted
    (``queries/coalitions/group-members.rq``)."""
    table = run_rq(store, _queries(project) / "group-members.rq", {"group": ox.NamedNode(group_iri)}, what="coalition query")
    return [v for v in table.column("member") if v]


def groups_of(store: Any, member_iri: str, project: Project | None = None) -> list[str]:
    """The IRIs of the groups the graph names a member in (any role), sorted
    (``queries/coalitions/member-groups.rq``)."""
    table = run_rq(store, _queries(project) / "member-groups.rq", {"member": ox.NamedNode(member_iri)}, what="coalition query")
    return [v for v in table.column("group") if v]


def _queries(project: Project | None) -> Path:
    return (project or default_project()).queries_dir / "coalitions"


def rank_group_partners(graph: nx.Graph | MemberGraph, members: list[str], top: int | None = 10) -> list[Partner]:
    """Members outside ``members`` ranked by their summed ties to them, best first.

    Each reason keeps its sources and gains ``via``: the group member it ties to.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("c", label="C")
    >>> g.add_edge("a", "c", weight=1.0, own_weight=1.0, group_weight=0.0, reasons=[{"what": "x"}])
    >>> g.add_edge("b", "c", weight=2.0, own_weight=0.0, group_weight=2.0, reasons=[])
    >>> g.add_edge("a", "b", weight=5.0, own_weight=5.0, group_weight=0.0, reasons=[])
    >>> [(p.member, p.score, p.reasons) for p in rank_group_partners(g, ["a", "b"])]
    [('c', 3.0, ({'what': 'x', 'via': 'a'},))]
    """
    inside = set(members)
    total: dict[str, dict[str, Any]] = {}
    for member in members:
        if member not in graph:
            continue
        for p in rank_partners(graph, member, top=None):
            if p.member in inside:
                continue
            acc = total.setdefault(p.member, {"label": p.label, "own": 0.0, "group": 0.0, "reasons": []})
            acc["own"] += p.own_score
            acc["group"] += p.group_score
            acc["reasons"] += [dict(r, via=member) for r in p.reasons]
    ranked = [
        Partner(member=m, label=a["label"], score=a["own"] + a["group"], own_score=a["own"], group_score=a["group"],
                reasons=tuple(sorted(a["reasons"], key=lambda r: -float(r.get("weight", 0.0)))))
        for m, a in total.items()
    ]
    ranked.sort(key=lambda p: (-round(p.own_score, 9), -round(p.group_score, 9), p.label.casefold(), p.member))
    return ranked if top is None else ranked[:top]
