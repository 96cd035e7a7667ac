"""Seeded, stable node positions computed in Python, so that pages open still and drawn.

Fruchterman and Reingold (1991) force-directed placement as in networkx's dense
``spring_layout`` solver, and a one-dimensional spreading of ordered columns. The dense solver
holds n × n arrays, so it is used up to :data:`DENSE_MAX` nodes; the views draw no more than that
(``queries/viz/graph-top.rq`` chooses what the whole-graph view keeps, and the page says what it left out). Beyond it,
nodes are placed on a Vogel (1979) sunflower spiral in order of their links, in linear time
and memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from kg.viz.drawing import natural_key

__all__ = ["DENSE_MAX", "most_linked", "spring_positions", "spread"]

#: The dense solver's limit: its arrays take 8 × n² bytes each (600 nodes: 2.9 MB), its time grows
#: as n² (600 nodes: about 1 s). The network views draw at most 300 things.
DENSE_MAX = 600


def most_linked(ids: Iterable[str], links: Iterable[tuple[str, str]], limit: int) -> list[str]:
    """The ``limit`` nodes with the most distinct neighbours (ties by id), sorted by id.

    Examples
    --------
    >>> most_linked(["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")], 2)
    ['a', 'b']
    """
    nodes = set(ids)
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b in links:
        if a != b and a in nodes and b in nodes:
            neighbours[a].add(b)
            neighbours[b].add(a)
    ranked = sorted(nodes, key=lambda n: (-len(neighbours[n]), n))
    return sorted(ranked[:max(limit, 0)])


def _spiral_positions(order: Sequence[str], links: Iterable[tuple[str, str, float]], spacing: float) -> dict[str, tuple[float, float]]:
    """Vogel's sunflower spiral, the most linked nodes at the centre: linear time and memory."""
    degree = dict.fromkeys(order, 0.0)
    for a, b, weight in links:
        if a != b and a in degree and b in degree:
            degree[a] += weight
            degree[b] += weight
    golden = math.pi * (3.0 - math.sqrt(5.0))
    ranked = sorted(order, key=lambda n: (-degree[n], n))
    return {node: (round(spacing * math.sqrt(i) * math.cos(i * golden)), round(spacing * math.sqrt(i) * math.sin(i * golden)))
            for i, node in enumerate(ranked)}



def spring_positions(
    ids: Sequence[str], links: Iterable[tuple[str, str, float]], *, seed: int, spacing: float = 70.0,
    iterations: int = 60,
) -> dict[str, tuple[float, float]]:
    """Force-directed positions in whole pixels; the same input gives the same positions.

    Above :data:`DENSE_MAX` nodes, positions on a sunflower spiral instead (most linked at
    the centre), so that memory and time stay linear.

    The algorithm of networkx's dense ``spring_layout`` solver on numpy arrays, with a
    weak pull to the centre so that things without links stay near the others rather than
    drifting to a far ring. (networkx switches to a scipy sparse solver at 500 nodes; this
    keeps scipy out of the dependencies: 1,200 nodes take about a second.)

    Parameters
    ----------
    ids : sequence of str
        The nodes.
    links : iterable of (str, str, float)
        Weighted links; links to unknown nodes are ignored, repeated links add up.
    seed : int
        Seed of the random start.
    spacing : float
        About the distance in pixels between neighbours.
    iterations : int
        Steps of the simulation (its temperature falls linearly to zero).

    Examples
    --------
    >>> pos = spring_positions(["a", "b", "c"], [("a", "b", 1.0), ("b", "c", 1.0)], seed=0)
    >>> sorted(pos) == ["a", "b", "c"]
    True
    >>> pos == spring_positions(["c", "b", "a"], [("b", "c", 1.0), ("a", "b", 1.0)], seed=0)
    True
    """
    import numpy as np

    order = sorted(set(ids))
    n = len(order)
    if n == 0:
        return {}
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    if n > DENSE_MAX:
        return _spiral_positions(order, links, spacing)
    index = {node: i for i, node in enumerate(order)}
    adj = np.zeros((n, n))
    for a, b, weight in sorted(links):
        if a != b and a in index and b in index:
            adj[index[a], index[b]] += weight
            adj[index[b], index[a]] += weight
    rng = np.random.default_rng(seed)
    x, y = rng.random(n), rng.random(n)
    k = math.sqrt(1.0 / n)
    t = 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d2 = np.maximum(dx * dx + dy * dy, 1e-4)
        force = k * k / d2 - adj * np.sqrt(d2) / k
        ux = (dx * force).sum(axis=1) - (x - x.mean()) * 2.0
        uy = (dy * force).sum(axis=1) - (y - y.mean()) * 2.0
        length = np.sqrt(ux * ux + uy * uy)
        length[length < 0.01] = 0.1
        x += ux * (t / length)
        y += uy * (t / length)
        t -= dt
    span = max(float(x.max() - x.min()), float(y.max() - y.min())) or 1.0
    scale = spacing * math.sqrt(n) / span * 1.6
    cx, cy = float(x.max() + x.min()) / 2, float(y.max() + y.min()) / 2
    px, py = (x - cx) * scale, (y - cy) * scale
    _separate(px, py, gap=spacing * 1.3)
    return {node: (round(float(px[i])), round(float(py[i]))) for i, node in enumerate(order)}


def _separate(x: Any, y: Any, *, gap: float, rounds: int = 100) -> None:
    """Push apart, in place, nodes nearer than ``gap`` pixels (a dense cluster's labels would overlap).

    Each round moves both nodes of every too-close pair half the missing distance apart (a label
    is wider than tall, so the horizontal distance counts half); a few rounds untangle a clique.
    """
    import numpy as np

    for _ in range(rounds):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d = np.sqrt((dx / 2.0) ** 2 + dy * dy)
        np.fill_diagonal(d, gap)  # a node is never too close to itself
        close = d < gap / 2.0
        if not close.any():
            return
        d = np.maximum(d, 1e-6)
        push = np.where(close, (gap / 2.0 - d) / d / 2.0, 0.0)
        x += (dx * push).sum(axis=1)
        y += (dy * push).sum(axis=1)


def spread(wanted: Sequence[tuple[str, float]], gap: float) -> dict[str, float]:
    """Place items as near their wanted y as possible, in that order, at least ``gap`` apart.

    Items that would overlap form a block centred on the mean of what they wanted.

    Examples
    --------
    >>> spread([("a", 0.0), ("b", 0.0), ("c", 100.0)], 30.0)
    {'a': -15.0, 'b': 15.0, 'c': 100.0}
    """
    items = sorted(wanted, key=lambda item: (item[1], natural_key(item[0])))
    blocks: list[tuple[float, list[str], list[float]]] = []  # start, ids, wanted ys
    for key, y in items:
        blocks.append((y, [key], [y]))
        while len(blocks) > 1:
            prev, last = blocks[-2], blocks[-1]
            if prev[0] + gap * len(prev[1]) <= last[0]:
                break
            ids, ys = prev[1] + last[1], prev[2] + last[2]
            blocks[-2:] = [(sum(ys) / len(ys) - gap * (len(ids) - 1) / 2, ids, ys)]
    out: dict[str, float] = {}
    for start, ids, _ in blocks:
        for i, key in enumerate(ids):
            out[key] = round(start + i * gap, 1)
    return out

