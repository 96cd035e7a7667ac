"""Coalition discovery: a weighted member–member graph read from the knowledge graph, its communities and partners.

:mod:`kg.coalitions.ties` reads who shares what (through the SPARQL of ``queries/coalitions/``)
into arrays (:class:`kg.coalitions.graph.MemberGraph`, what the commands read) or a networkx
graph; :mod:`kg.coalitions.analysis` finds its communities (Louvain, seeded),
bridges (betweenness) and each member's partners. networkx is imported only when a graph is
built, so ``kg query`` never pays for it.
"""

from kg.coalitions.graph import MemberGraph
from kg.coalitions.analysis import (
    BindingReason,
    Bridge,
    CoalitionReport,
    Community,
    Partner,
    find_coalitions,
    rank_partners,
)
from kg.coalitions.ties import (
    DEFAULT_WEIGHTS,
    TIE_KIND_HELP,
    TIE_KINDS,
    build_member_graph,
    describe_reason,
    member_graph,
    parse_ties,
    parse_weights,
    resolve_on,
)

__all__ = [
    "MemberGraph",
    "TIE_KINDS",
    "DEFAULT_WEIGHTS",
    "TIE_KIND_HELP",
    "BindingReason",
    "Community",
    "Bridge",
    "CoalitionReport",
    "Partner",
    "parse_ties",
    "parse_weights",
    "resolve_on",
    "build_member_graph",
    "member_graph",
    "find_coalitions",
    "rank_partners",
    "describe_reason",
]
