"""Seeded, stable node positions computed in Python, so that pages open still and drawn.

Fruchterman and Reingold (1991) force-directed placement as in networkx's dense
``spring_layout`` solver, and a one-dimensional spreading of ordered columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from kg.viz.drawing import natural_key

__all__ = ["spring_positions", "spread"]


def spring_positions(
    ids: Sequence[str], links: Iterable[tuple[str, str, float]], *, seed: int, spacing: float = 70.0,
    iterations: int = 60,
) -> dict[str, tuple[float, float]]:
    """Force-directed positions in whole pixels; the same input gives the same positions.

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
    return {node: (round((float(x[i]) - cx) * scale), round((float(y[i]) - cy) * scale)) for i, node in enumerate(order)}


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

