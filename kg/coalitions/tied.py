"""The members with at least one tie, and their ties, as arrays in a fixed order (what the seeded algorithms read).

Nodes in IRI order, ties in (IRI, IRI) order: the order networkx iterates a graph built that
way, so the sums below, made with ``numpy.bincount`` (which adds one value after the other, in
its input's order), have the bits of the Python loop over ``graph.edges`` they replace. From the
arrays of :mod:`kg.coalitions.pairs` when the member graph has them; from any networkx graph
otherwise. :meth:`Tied.to_networkx` gives the graph networkx's Louvain and betweenness read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kg.coalitions.pairs import Ties, unique_ints

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Tied"]


class Tied:
    """Tied members and their ties.

    Attributes
    ----------
    nodes : list of str
        The members with a tie of positive weight, sorted.
    a, b : numpy.ndarray
        Each tie's two members (indices of ``nodes``, ``a < b``), in order.
    weight, own : numpy.ndarray
        Each tie's weight and the part of it from own positions.
    """

    def __init__(self, nodes: list[str], a: np.ndarray, b: np.ndarray, weight: np.ndarray, own: np.ndarray) -> None:
        self.nodes, self.a, self.b, self.weight, self.own = nodes, a, b, weight, own
        self._nx: nx.Graph | None = None

    @classmethod
    def of(cls, graph: nx.Graph) -> Tied:
        """The tied part of a member graph (from its arrays when it has them)."""
        ties = graph.graph.get("_ties")
        if isinstance(ties, Ties) and ties.pairs() == graph.number_of_edges():
            at = ties.starts[:-1]
            a, b, weight = ties.a[at], ties.b[at], ties.weight
            own = ties.own_weight
            keep = weight > 0
            a, b, weight, own = a[keep], b[keep], weight[keep], own[keep]
            used = unique_ints(np.concatenate([a, b]))
            renumber = np.full(len(ties.nodes), -1, dtype=np.int64)
            renumber[used] = np.arange(len(used))
            return cls([ties.nodes[i] for i in used.tolist()], renumber[a], renumber[b], weight, own)
        edges = []
        for x, y, data in graph.edges(data=True):
            w = float(data.get("weight", 1.0))
            if w > 0:
                edges.append((min(x, y), max(x, y), w, float(data.get("own_weight", w))))
        edges.sort(key=lambda e: (e[0], e[1]))
        nodes = sorted({e[0] for e in edges} | {e[1] for e in edges})
        index = {n: i for i, n in enumerate(nodes)}
        return cls(nodes, np.array([index[e[0]] for e in edges], dtype=np.int64),
                   np.array([index[e[1]] for e in edges], dtype=np.int64),
                   np.array([e[2] for e in edges], dtype=float), np.array([e[3] for e in edges], dtype=float))

    def ties(self) -> int:
        return len(self.a)

    def to_networkx(self) -> nx.Graph:
        """The tied graph for networkx: nodes sorted, ties in order, ``weight`` and ``distance`` (1 / weight)."""
        if self._nx is None:
            import networkx as nx

            graph = nx.Graph()
            graph.add_nodes_from(self.nodes)
            who = self.nodes
            graph.add_edges_from((who[x], who[y], {"weight": w, "distance": 1.0 / w})
                                 for x, y, w in zip(self.a.tolist(), self.b.tolist(), self.weight.tolist()))
            self._nx = graph
        return self._nx

    def sums(self, community: np.ndarray, count: int) -> tuple[list[float], list[float], list[float], list[int], float]:
        """Per community (``community[i]`` of node ``i``): internal weight, its own part, total strength,
        internal ties; and the total weight. Added tie by tie in order, as a loop over the ties would."""
        ca, cb = community[self.a], community[self.b]
        same = ca == cb
        total = float(np.bincount(np.zeros(len(self.weight), dtype=np.int64), weights=self.weight, minlength=1)[0])
        ends = np.empty(2 * len(ca), dtype=np.int64)
        ends[0::2], ends[1::2] = ca, cb
        strength = np.bincount(ends, weights=np.repeat(self.weight, 2), minlength=count)
        inside = np.bincount(ca[same], weights=self.weight[same], minlength=count)
        own_inside = np.bincount(ca[same], weights=self.own[same], minlength=count)
        pairs = np.bincount(ca[same], minlength=count)
        return inside.tolist(), own_inside.tolist(), strength.tolist(), pairs.tolist(), total

    def reaches(self, community: np.ndarray) -> dict[int, list[int]]:
        """Node index → the other communities it has ties into (sorted)."""
        ca, cb = community[self.a], community[self.b]
        across = ca != cb
        node = np.concatenate([self.a[across], self.b[across]])
        other = np.concatenate([cb[across], ca[across]])
        found: dict[int, list[int]] = {}
        width = int(community.max()) + 1 if len(community) else 1
        for code in unique_ints(node * width + other).tolist():
            found.setdefault(code // width, []).append(code % width)
        return found
