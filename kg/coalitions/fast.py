"""igraph, when installed (``pip install 'kg[fast]'``), for the two costly steps of :func:`kg.coalitions.find_coalitions`.

networkx stays the library of the analysis and the reference: without igraph nothing changes.
With it, on graphs of at least :data:`LEIDEN_MIN_TIES` ties, the communities come from igraph's
Leiden algorithm (Traag, Waltman & van Eck 2019) optimising the same modularity at the same
resolution as networkx's Louvain, seeded through igraph's random number generator; smaller graphs,
the real one among them, keep networkx's Louvain, which is quick there and whose partition Leiden
need not repeat at every resolution. Betweenness comes from igraph's Brandes in C, from the same
sources networkx would use (all, or the same seeded sample), rescaled as networkx rescales: the
same values. ``tests/test_coalitions.py`` checks both against networkx on the real graph.
"""

from __future__ import annotations

import os
import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.coalitions.tied import Tied

__all__ = ["available", "communities", "betweenness", "to_igraph"]

#: Below this many ties, communities stay networkx's Louvain (the real graph has about 3,500).
LEIDEN_MIN_TIES = 20_000

#: Set to 1 to keep networkx for everything even when igraph is installed (as the tests do to compare).
NO_IGRAPH_ENV = "KG_NO_IGRAPH"


def _igraph() -> Any:
    if os.environ.get(NO_IGRAPH_ENV, "") not in ("", "0"):
        return None
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def available() -> bool:
    """Whether igraph is installed and not switched off with ``KG_NO_IGRAPH=1``."""
    return _igraph() is not None


def _convert(ig: Any, tied: Tied) -> Any:
    """``tied`` as an igraph graph with ``weight`` and ``distance`` (1 / weight) on its ties, in the same order."""
    graph = ig.Graph(n=len(tied.nodes), edges=list(zip(tied.a.tolist(), tied.b.tolist())))
    graph.es["weight"] = tied.weight.tolist()
    graph.es["distance"] = (1.0 / tied.weight).tolist()
    return graph


def to_igraph(tied: Tied) -> Any:
    """The igraph graph both functions below read (``None`` without igraph): convert once, use twice."""
    ig = _igraph()
    return None if ig is None else _convert(ig, tied)


def communities(tied: Tied, *, seed: int, resolution: float, graph: Any = None) -> list[list[str]] | None:
    """Leiden communities maximising modularity, each sorted (``None`` without igraph or below :data:`LEIDEN_MIN_TIES`)."""
    ig = _igraph()
    if ig is None or tied.ties() < LEIDEN_MIN_TIES:
        return None
    graph = graph if graph is not None else _convert(ig, tied)
    nodes = tied.nodes
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_leiden(objective_function="modularity", weights="weight",
                                       resolution=resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    return [sorted(nodes[i] for i in members) for members in found]


def betweenness(tied: Tied, *, sample: int | None, seed: int, graph: Any = None) -> dict[str, float] | None:
    """Normalised betweenness on distances, as ``networkx.betweenness_centrality`` gives it (``None`` without igraph).

    With ``sample``, from the sources networkx's ``k=sample, seed=seed`` would draw.
    """
    ig = _igraph()
    if ig is None:
        return None
    graph = graph if graph is not None else _convert(ig, tied)
    nodes = tied.nodes
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    if sample is None or sample >= n:
        raw = graph.betweenness(directed=False, weights="distance")
        scale = 1 / ((n - 1) * (n - 2) / 2)
        return {v: float(x) * scale for v, x in zip(nodes, raw)}
    sources = random.Random(seed).sample(nodes, sample)
    index = {v: i for i, v in enumerate(nodes)}
    raw = graph.betweenness(directed=False, weights="distance", sources=[index[s] for s in sources], targets=None)
    # networkx counts each (source, target) path once per source; it excludes endpoints, so a source
    # is scaled by the pairs it can lie on (k - 1 sources), any other node by k sources
    chosen = set(sources)
    return {v: float(x) * (2 / ((sample - 1) * (n - 2)) if v in chosen else 2 / (sample * (n - 2)))
            for v, x in zip(nodes, raw)}
