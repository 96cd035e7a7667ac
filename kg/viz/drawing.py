"""What a view draws, before it becomes HTML: nodes, links, legend, title and sources.

Plain data (dataclasses) shared by :mod:`kg.viz.views`, which fills it, and
:mod:`kg.viz.page`, which writes it (the words of the page are :func:`kg.words.words`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.choices import LANGS
from kg.iris import local_name

__all__ = ["LANGS", "Node", "Edge", "LegendItem", "LegendGroup", "Drawing", "local_name", "natural_key", "truncate"]


@dataclass
class Node:
    """One node; ``id`` is the IRI of the thing drawn, ``kind`` its legend entry."""

    id: str
    label: str
    kind: str
    tooltip: str = ""
    size: float = 14.0
    x: float | None = None
    y: float | None = None
    color: str | None = None
    shape: str | None = None
    search: str = ""
    font_color: str | None = None
    border: str | None = None
    font_size: float | None = None


@dataclass
class Edge:
    """One link between two nodes; ``opacity`` below 1 fades weak links."""

    source: str
    target: str
    kind: str = ""
    tooltip: str = ""
    width: float = 1.0
    color: str | None = None
    dashes: bool | list[int] = False
    arrow: bool = False
    smooth: Any = None
    opacity: float | None = None


@dataclass
class LegendItem:
    """One entry of the legend: a kind of node (a type filter when the view allows it) or of link."""

    key: str
    text: str
    color: str
    shape: str = "dot"
    line: bool = False
    dashes: bool = False
    count: int | None = None
    border: bool = False


@dataclass
class LegendGroup:
    """A titled block of legend entries."""

    title: str
    items: list[LegendItem]


@dataclass
class Drawing:
    """A view, ready to be written.

    Attributes
    ----------
    view : str
        The view's name.
    lang : str
        The language of labels and of the page's words.
    title, description : str
        What is shown, in plain text (escaped when the page is written).
    sources : list of str
        The citations the things drawn come from.
    physics : bool
        Let vis-network settle the layout from the given positions (fixed iterations,
        then still); off above :data:`kg.viz.PHYSICS_MAX_NODES` nodes.
    filters : bool
        The legend's node entries are type filters.
    smooth : dict or bool
        vis-network's edge smoothing.
    version : str
        A short fingerprint of the data, shown under the legend.
    opening : dict, optional
        Open on the top of the drawing at a readable zoom instead of fitting all of it:
        ``left``, ``right`` (the width to show) and ``top``, in drawing coordinates.
    """

    view: str
    lang: str
    title: str
    description: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    legend: list[LegendGroup] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    physics: bool = False
    filters: bool = False
    smooth: Any = False
    version: str = ""
    opening: dict[str, float] | None = None


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort "A.2" before "A.10" and "ANNEX1.2" before "ANNEX1.11".

    Examples
    --------
    >>> sorted(["A.10", "A.2", "B", "ANNEX1.11", "ANNEX1.2"], key=natural_key)
    ['A.2', 'A.10', 'ANNEX1.2', 'ANNEX1.11', 'B']
    """
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p)


def truncate(text: str, limit: int = 42) -> str:
    """A label short enough for the canvas (the tooltip keeps all of it).

    Examples
    --------
    >>> truncate("Electronic payment services/facilitation of e-payments", 30)
    'Electronic payment services/f…'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
