"""The member graph kept as arrays (:class:`MemberGraph`), a networkx graph made from it only when asked for.

``kg coalitions`` and ``kg partners`` read a member graph through a few questions: its members
and their names, how many ties, a member's partners and a tie's weights and reasons. With 5,000
members and 300,000 ties, making the networkx graph that :func:`kg.coalitions.build_member_graph`
returns (a dict per tie, each stored twice in the adjacency) cost more than reading the graph and
finding the communities together, so the commands ask :class:`MemberGraph` instead, which answers
from the arrays of :mod:`kg.coalitions.pairs`. :meth:`MemberGraph.to_networkx` gives the same
networkx graph as before, node for node and tie for tie, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.coalitions.pairs import TieReasons, Ties

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MemberGraph"]


class MemberGraph:
    """Members (nodes with ``label``, ``code``, ``activity``, ``participant``) and their ties as arrays.

    Answers the part of networkx's ``Graph`` interface the commands use: ``graph`` (the
    attributes: ``on``, ``on_label``, ``ties``, ``weights``, ``lang``), ``nodes`` (IRI →
    attributes, in the order of the members' names), ``number_of_nodes``, ``number_of_edges``,
    ``in``, ``degree`` and ``neighbors``; :meth:`tie` gives one tie's attributes as
    ``graph.edges[a, b]`` would.

    Attributes
    ----------
    graph : dict
        The graph's attributes; ``_ties`` is the :class:`~kg.coalitions.pairs.Ties`.
    nodes : dict
        Member IRI → its attributes.
    own_weight, group_weight : numpy.ndarray
        Per tie, in the order of ``ties`` (IRI order): the part of the weight from the members'
        own positions and the part through groups.
    """

    def __init__(self, graph: dict[str, Any], nodes: dict[str, dict[str, Any]], ties: Ties,
                 own_weight: np.ndarray, group_weight: np.ndarray) -> None:
        self.graph = graph
        self.graph["_ties"] = ties
        self.nodes = nodes
        self.ties = ties
        self.own_weight, self.group_weight = own_weight, group_weight
        self._index = {m: i for i, m in enumerate(ties.nodes)}
        at = ties.starts[:-1]
        self._a, self._b = ties.a[at], ties.b[at]
        self._code = self._a * max(len(ties.nodes), 1) + self._b  # sorted: the ties are in IRI order
        self._degree: np.ndarray | None = None

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return self.ties.pairs()

    def degree(self, node: str) -> int:
        """How many members ``node`` is tied to."""
        if self._degree is None:
            self._degree = np.bincount(np.concatenate([self._a, self._b]), minlength=len(self.ties.nodes))
        i = self._index.get(node)
        return 0 if i is None else int(self._degree[i])

    def _pairs_of(self, node: str) -> tuple[np.ndarray, np.ndarray]:
        """The ties of ``node`` (their numbers) and the other member of each (indices of ``ties.nodes``)."""
        i = self._index.get(node)
        if i is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        as_a, as_b = np.flatnonzero(self._a == i), np.flatnonzero(self._b == i)
        return np.concatenate([as_b, as_a]), np.concatenate([self._a[as_b], self._b[as_a]])

    def neighbors(self, node: str) -> Iterator[str]:
        """The members tied to ``node``, in IRI order."""
        _, others = self._pairs_of(node)
        who = self.ties.nodes
        return iter([who[j] for j in others.tolist()])

    def _data(self, pair: int) -> dict[str, Any]:
        return {"weight": float(self.ties.weight[pair]), "own_weight": float(self.own_weight[pair]),
                "group_weight": float(self.group_weight[pair]), "reasons": TieReasons(self.ties, pair)}

    def tie(self, a: str, b: str) -> dict[str, Any]:
        """The attributes of the tie between ``a`` and ``b`` (``weight``, ``own_weight``, ``group_weight``,
        ``reasons``), as ``networkx.Graph.edges[a, b]`` gives them; ``KeyError`` when they are not tied."""
        i, j = self._index.get(a), self._index.get(b)
        if i is None or j is None or i == j:
            raise KeyError((a, b))
        code = min(i, j) * max(len(self.ties.nodes), 1) + max(i, j)
        pair = int(np.searchsorted(self._code, code))
        if pair >= len(self._code) or self._code[pair] != code:
            raise KeyError((a, b))
        return self._data(pair)

    def partners(self, node: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each member tied to ``node`` with the tie's attributes (as :meth:`tie`)."""
        pairs, others = self._pairs_of(node)
        who = self.ties.nodes
        for pair, j in zip(pairs.tolist(), others.tolist()):
            yield who[j], self._data(pair)

    def to_networkx(self) -> nx.Graph:
        """The networkx graph of :func:`kg.coalitions.build_member_graph`: nodes in the order of their names,
        ties in IRI order, each with ``weight``, ``own_weight``, ``group_weight`` and ``reasons``."""
        import networkx as nx

        graph = nx.Graph()
        graph.graph.update(self.graph)
        graph.add_nodes_from(self.nodes.items())
        who, ties = self.ties.nodes, self.ties
        graph.add_edges_from(
            (who[x], who[y], {"weight": w, "own_weight": o, "group_weight": g, "reasons": TieReasons(ties, p)})
            for p, (x, y, w, o, g) in enumerate(zip(self._a.tolist(), self._b.tolist(), ties.weight.tolist(),
                                                   self.own_weight.tolist(), self.group_weight.tolist()))
        )
        return graph
