"""Describe the built graph: instances per class, asserted and inferred statements, sources."""

from __future__ import annotations

from kg.project import Project
from kg.queryfiles import run_rq
from kg.store import QueryEngine, Table

__all__ = ["graph_stats"]


def graph_stats(store: QueryEngine, project: Project) -> dict[str, Table]:
    """Run the queries of ``queries/stats/`` and return their tables by name.

    Returns
    -------
    dict
        ``graphs`` (asserted vs inferred statements), ``classes`` (instances per class)
        and ``citations`` (statements per source), in that order.
    """
    order = ("graphs", "classes", "citations")
    return {
        name: run_rq(store, project.queries_dir / "stats" / f"{name}.rq", what="statistics query")
        for name in order
    }
