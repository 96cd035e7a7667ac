"""Communities, bridges and partners in the member graph of :mod:`kg.coalitions.ties`.

Communities are found with the Louvain method (Blondel et al. 2008, networkx), seeded; bridges
are members of high betweenness centrality (Brandes 2001).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.coalitions import fast
from kg.coalitions.graph import MemberGraph
from kg.coalitions.pairs import Ties
from kg.coalitions.tied import Tied
from kg.coalitions.ties import TIE_KINDS
from kg.errors import ParameterError
from kg.iris import compact

if TYPE_CHECKING:  # networkx is imported lazily: 'kg query' must not pay for it
    import networkx as nx

__all__ = [
    "BindingReason",
    "Community",
    "Bridge",
    "CoalitionReport",
    "Partner",
    "community_name",
    "find_coalitions",
    "rank_partners",
]

log = logging.getLogger(__name__)

#: Betweenness is exact while (members with ties) × (ties) stays below this (the real graph:
#: about 120 × 2,400); beyond, it is estimated from a seeded sample of source members, as many
#: as this budget allows and at least :data:`BETWEENNESS_MIN_SAMPLE`.
BETWEENNESS_EXACT_WORK = 5_000_000
BETWEENNESS_MIN_SAMPLE = 10


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BindingReason:
    """Something that ties the members of a community together.

    Attributes
    ----------
    kind : str
        One of :data:`TIE_KINDS`.
    what : str
        The shared item, in words.
    weight : float
        Its total weight over the community's internal ties.
    members : tuple of str
        The members of the community it ties (IRIs, sorted).
    basis : str
        ``"own"`` when it comes from the members' own proposals and statements for at least one
        pair, ``"group"`` when only through groups they belong to.
    documents, citations : tuple of str
        Its sources: document symbols, and the citations of the statements.
    """

    kind: str
    what: str
    weight: float
    members: tuple[str, ...]
    basis: str
    documents: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Community:
    """One community of members.

    Attributes
    ----------
    id : int
        1 for the largest community, then by size.
    members : tuple of str
        Member IRIs, in the order of their labels.
    labels : tuple of str
        Their names, in the same order.
    reasons : tuple of BindingReason
        What binds them, strongest first.
    cohesion : float
        The share of its members' tie weight that stays inside the community (1.0: all of it).
    density : float
        The share of pairs of members that are tied at all.
    own_share : float
        The share of the internal weight that comes from own positions rather than groups.
    name : str
        What binds it, in a few words (:func:`community_name`), e.g. "LDC Group · D.3 …".
    """

    id: int
    members: tuple[str, ...]
    labels: tuple[str, ...]
    reasons: tuple[BindingReason, ...]
    cohesion: float
    density: float
    own_share: float
    name: str = ""


@dataclass(frozen=True)
class Bridge:
    """A member that connects communities.

    Attributes
    ----------
    member, label : str
        Who.
    betweenness : float
        Normalised betweenness centrality: the share of shortest paths between other members
        that pass through this one (stronger ties are shorter).
    community : int
        Its own community.
    reaches : tuple of int
        The other communities it has ties into.
    """

    member: str
    label: str
    betweenness: float
    community: int
    reaches: tuple[int, ...]


@dataclass(frozen=True)
class CoalitionReport:
    """What :func:`find_coalitions` found.

    Attributes
    ----------
    communities : tuple of Community
        Largest first.
    modularity : float
        Modularity of the partition at the given resolution (0 when there is no tie).
    bridges : tuple of Bridge
        Members with ties into other communities, highest betweenness first.
    isolated : tuple of str
        Members of the graph with no tie at all, in the order of their labels.
    isolated_labels : tuple of str
        Their names.
    seed, resolution : int, float
        The parameters of the Louvain method.
    """

    communities: tuple[Community, ...]
    modularity: float
    bridges: tuple[Bridge, ...]
    isolated: tuple[str, ...]
    isolated_labels: tuple[str, ...]
    seed: int
    resolution: float
    exact_betweenness: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON: what ``dataclasses.asdict`` gives, without its deep copies of strings and
        numbers (a third of ``kg coalitions --format json`` at 5,000 members)."""
        return _plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Partner:
    """A ranked partner of a member.

    Attributes
    ----------
    member, label : str
        Who.
    score : float
        The weight of the tie: ``own_score + group_score``.
    own_score : float
        The part that comes from both members' own proposals and statements.
    group_score : float
        The part that comes only through groups they belong to.
    reasons : tuple of dict
        The tie's reasons (see :func:`build_member_graph`), strongest first.
    """

    member: str
    label: str
    score: float
    own_score: float
    group_score: float
    reasons: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        data = asdict(self)
        data["reasons"] = [dict(r) for r in self.reasons]
        return data


#: a dataclass → the names of its fields, in order (found once per class)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for these frozen dataclasses, whose leaves are strings, numbers and booleans.

    Examples
    --------
    >>> r = BindingReason("group", "LDC Group", 1.5, ("a", "b"), "group")
    >>> _plain(r) == asdict(r)
    True
    """
    kind = type(value)
    if kind is str or kind is float or kind is int or kind is bool or value is None:
        return value  # the leaves, most of the calls: no dataclass test for them
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- analysis


def _label(graph: nx.Graph | MemberGraph, node: str) -> str:
    return str(graph.nodes[node].get("label") or compact(node))


def find_coalitions(
    graph: nx.Graph | MemberGraph,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    top_reasons: int | None = None,
) -> CoalitionReport:
    """Communities of members, what binds each, the members who bridge them, and who has no tie.

    Parameters
    ----------
    graph : networkx.Graph or MemberGraph
        From :func:`build_member_graph` or :func:`member_graph` (or any networkx graph with a
        ``weight`` on its edges; a ``reasons`` list and a ``label`` on nodes are used when present).
    seed : int
        Seed of the Louvain method: the same graph and seed give the same communities.
    resolution : float
        Above 1, smaller communities; below 1, larger ones.
    top_reasons : int, optional
        Keep only this many binding reasons per community (default: all).

    Returns
    -------
    CoalitionReport

    Notes
    -----
    Louvain (``networkx.community.louvain_communities``) maximises modularity; the members with
    no tie are reported apart, not as communities of one. Betweenness is computed on distances
    ``1 / weight`` (strong ties are short): exactly on graphs the size of the real one, from a
    seeded sample of sources on large ones (:data:`BETWEENNESS_EXACT_WORK`; the report's
    ``exact_betweenness`` says which). With igraph installed (``kg[fast]``), large graphs are
    split by igraph's Leiden and betweenness is computed by igraph, from the same sources
    (:mod:`kg.coalitions.fast`).

    Examples
    --------
    Two triangles joined through one member:

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_nodes_from("abcdefz")
    >>> g.add_weighted_edges_from([("a", "b", 2), ("b", "c", 2), ("a", "c", 2),
    ...                            ("d", "e", 2), ("e", "f", 2), ("d", "f", 2), ("c", "d", 0.5)])
    >>> report = find_coalitions(g, seed=1)
    >>> [c.members for c in report.communities]
    [('a', 'b', 'c'), ('d', 'e', 'f')]
    >>> round(report.modularity, 3), report.isolated
    (0.46, ('z',))
    >>> [(b.member, b.community, b.reaches) for b in report.bridges]
    [('c', 1, (2,)), ('d', 2, (1,))]
    """
    from kg.gcpause import paused_gc

    with paused_gc():
        return _find(graph, seed=seed, resolution=resolution, top_reasons=top_reasons)


def _find(graph: nx.Graph | MemberGraph, *, seed: int, resolution: float, top_reasons: int | None) -> CoalitionReport:
    tied = Tied.of(graph)
    as_igraph = fast.to_igraph(tied) if tied.ties() else None
    exact = True
    found: list[list[str]] = []
    if tied.ties():
        leiden = fast.communities(tied, seed=seed, resolution=resolution, graph=as_igraph)
        if leiden is None:
            import networkx as nx  # only when it runs: with igraph, a large graph needs none of it

            leiden = [sorted(c) for c in nx.community.louvain_communities(
                tied.to_networkx(), weight="weight", resolution=resolution, seed=seed)]
        found = sorted(leiden)
    # Everything summed per community is added tie by tie in the graph's (sorted) order (kg.coalitions.tied):
    # sums over sets would depend on Python's hash seed in their last bits, and so would the bytes.
    first = {n: i for i, c in enumerate(found) for n in c}
    community = np.array([first[n] for n in tied.nodes], dtype=np.int64)
    inside, own_inside, strength, pairs_tied, total = tied.sums(community, len(found))
    modularity = 0.0
    for i in range(len(found)):  # Newman's modularity with a resolution, as networkx.community.modularity
        modularity += inside[i] / total - resolution * (strength[i] / (2 * total)) ** 2

    position = {n: i for i, n in enumerate(graph.nodes)}
    order = sorted(range(len(found)), key=lambda i: (
        -len(found[i]), -inside[i], min(_label(graph, n).casefold() for n in found[i]), found[i][0]))
    community_of: dict[str, int] = {}
    communities: list[Community] = []
    for number, i in enumerate(order, 1):
        members = found[i]
        ordered = sorted(members, key=lambda n: (_label(graph, n).casefold(), n))
        for n in ordered:
            community_of[n] = number
        size = len(members)
        reasons = _binding_reasons(graph, members, position)
        communities.append(Community(
            name=community_name(reasons, size),
            id=number,
            members=tuple(ordered),
            labels=tuple(_label(graph, n) for n in ordered),
            reasons=tuple(reasons[:top_reasons] if top_reasons else reasons),
            cohesion=(2 * inside[i] / strength[i]) if strength[i] else 0.0,
            density=(pairs_tied[i] / (size * (size - 1) / 2)) if size > 1 else 0.0,
            own_share=(own_inside[i] / inside[i]) if inside[i] else 0.0,
        ))

    bridges: list[Bridge] = []
    if tied.ties():
        size, ties = len(tied.nodes), tied.ties()
        exact = size * ties <= BETWEENNESS_EXACT_WORK
        sample = None if exact else min(size, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_EXACT_WORK // ties))
        centrality = fast.betweenness(tied, sample=sample, seed=seed, graph=as_igraph)
        if centrality is None:
            import networkx as nx

            centrality = nx.betweenness_centrality(
                tied.to_networkx(), weight="distance", normalized=True, k=sample, seed=None if exact else seed,
            )
        numbered = np.array([community_of[node] for node in tied.nodes], dtype=np.int64)
        for i, others in sorted(tied.reaches(numbered).items()):
            node = tied.nodes[i]
            if centrality[node] > 0:
                bridges.append(Bridge(node, _label(graph, node), float(centrality[node]), community_of[node], tuple(others)))
        bridges.sort(key=lambda b: (-b.betweenness, b.label.casefold(), b.member))

    in_tied = set(tied.nodes)
    isolated = sorted((n for n in graph.nodes if n not in in_tied),  # no tie, or only ties of weight 0
                      key=lambda n: (_label(graph, n).casefold(), n))
    return CoalitionReport(
        communities=tuple(communities),
        modularity=modularity,
        bridges=tuple(bridges),
        isolated=tuple(isolated),
        isolated_labels=tuple(_label(graph, n) for n in isolated),
        seed=seed,
        resolution=resolution,
        exact_betweenness=exact,
    )


def community_name(reasons: list[BindingReason] | tuple[BindingReason, ...], size: int, limit: int = 40) -> str:
    """A community named after what binds it: the group most of it shares, then the strongest other reason.

    The group is the ``group`` reason that ties the most members (ties: the heavier); the other
    part is the heaviest reason of another kind (its ``what``, cut at ``limit`` characters).
    Empty when nothing binds it.

    Examples
    --------
    >>> r = [BindingReason("issue", "D.3 Capacity building", 4.0, ("a", "b", "c"), "own"),
    ...      BindingReason("group", "LDC Group", 2.0, ("a", "b", "c"), "group"),
    ...      BindingReason("group", "ACP Group", 3.0, ("a", "b"), "group")]
    >>> community_name(r, 3)
    'LDC Group · D.3 Capacity building'
    """
    def cut(text: str) -> str:
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    groups = [r for r in reasons if r.kind == "group"]
    others = [r for r in reasons if r.kind != "group"]  # already strongest first
    parts = []
    if groups:
        best = min(groups, key=lambda r: (-len(r.members), -round(r.weight, 9), r.what))
        if 2 * len(best.members) >= size:
            parts.append(cut(best.what))
    if others:
        parts.append(cut(others[0].what))
    elif groups and not parts:
        parts.append(cut(groups[0].what))
    return " · ".join(parts)


def _binding_reasons(graph: nx.Graph | MemberGraph, members: list[str], position: dict[str, int]) -> list[BindingReason]:
    """The reasons of the ties inside a community, summed by shared item, strongest first.

    Summed over the community's ties in the graph's order: members in node order, each one's
    partners in IRI order (as :func:`build_member_graph` adds them), each tie's reasons strongest
    first; from the arrays of :mod:`kg.coalitions.pairs` when the graph has them.
    """
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    ties = graph.graph.get("_ties")
    if isinstance(ties, Ties):
        for entry in ties.binding(members, position):
            acc[(entry["kind"], entry["what"])] = entry
    elif not isinstance(graph, MemberGraph):  # a networkx graph made elsewhere: walk its ties
        inside = set(members)
        walk = sorted(((a, b) if position[a] <= position[b] else (b, a) for a, b in graph.subgraph(inside).edges),
                      key=lambda e: (position[e[0]], e[1]))
        for a, b in walk:
            data = graph.edges[a, b]
            for r in data.get("reasons", ()):
                key = (str(r["kind"]), str(r["what"]))
                entry = acc.setdefault(key, {"weight": 0.0, "members": set(), "own": False, "documents": set(),
                                             "citations": set()})
                entry["weight"] += float(r["weight"])
                entry["members"].update((a, b))
                entry["own"] = entry["own"] or r.get("basis") == "own"
                entry["documents"].update(r.get("documents", ()))
                entry["citations"].update(r.get("citations", ()))
    order = {k: i for i, k in enumerate(TIE_KINDS)}
    reasons = [
        BindingReason(
            kind=kind, what=what, weight=e["weight"], members=tuple(sorted(e["members"])),
            basis="own" if e["own"] else "group",
            documents=tuple(sorted(e["documents"])), citations=tuple(sorted(e["citations"])),
        )
        for (kind, what), e in acc.items()
    ]
    reasons.sort(key=lambda r: (-round(r.weight, 9), order.get(r.kind, len(order)), r.what))
    return reasons


def rank_partners(graph: nx.Graph | MemberGraph, member_iri: str, top: int | None = 10) -> list[Partner]:
    """The members tied to one member, best first, with the reasons and their sources.

    Partners who share the member's own positions come first (by what they share in positions,
    then in groups); those tied only through shared groups follow. So ties that come only from
    group membership never push aside ties from actual positions.

    Parameters
    ----------
    graph : networkx.Graph or MemberGraph
        From :func:`build_member_graph` or :func:`member_graph`.
    member_iri : str
        The member.
    top : int, optional
        How many partners (``None``: all).

    Raises
    ------
    ParameterError
        When the member is not in the graph (e.g. it has no interest in the ``--on`` selection).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", weight=1.0, own_weight=1.0, group_weight=0.0, reasons=[])
    >>> g.add_edge("a", "c", weight=2.0, own_weight=0.0, group_weight=2.0, reasons=[])
    >>> [(p.member, p.score) for p in rank_partners(g, "a")]
    [('b', 1.0), ('c', 2.0)]
    """
    if member_iri not in graph:
        on = graph.graph.get("on_label")
        where = f" with an interest in {on}" if on else ""
        raise ParameterError(f"{compact(member_iri)!r} is not among the members{where} in this graph")
    partners = []
    tied = graph.partners(member_iri) if isinstance(graph, MemberGraph) else (
        (other, graph.edges[member_iri, other]) for other in graph.neighbors(member_iri))
    for other, data in tied:
        own = float(data.get("own_weight", data.get("weight", 0.0)))
        grp = float(data.get("group_weight", 0.0))
        partners.append(Partner(
            member=other,
            label=_label(graph, other),
            score=own + grp,
            own_score=own,
            group_score=grp,
            reasons=tuple(dict(r) for r in data.get("reasons", ())),
        ))
    partners.sort(key=lambda p: (-round(p.own_score, 9), -round(p.group_score, 9), p.label.casefold(), p.member))
    return partners if top is None else partners[:top]
