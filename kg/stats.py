"""Describe the built graph: instances per class, asserted and inferred statements, sources."""

from __future__ import annotations

from kg.layout import Layout
from kg.store import Store, Table

__all__ = ["graph_stats"]


def graph_stats(store: Store, layout: Layout) -> dict[str, Table]:
    """Run the queries of ``queries/stats/`` and return their tables by name.

    Returns
    -------
    dict
        ``graphs`` (asserted vs inferred statements), ``classes`` (instances per class)
        and ``citations`` (statements per source), in that order.
    """
    order = ("graphs", "classes", "citations")
    return {
        name: store.select((layout.queries_dir / "stats" / f"{name}.rq").read_text(encoding="utf-8"))
        for name in order
    }
