"""Views of the graph as offline, self-contained, safe HTML pages (vis-network, held by pyvis).

One page per view: ``coalitions``, ``issues``, ``member``, ``sdt``, ``graph``. Each is
answered by the queries of ``queries/viz/`` (:mod:`kg.viz.reader`), laid out with a seed
(:mod:`kg.viz.positions`, :mod:`kg.viz.views`) and written by :mod:`kg.viz.page` under a
Content-Security-Policy that forbids every network access. vis-network is read from the
installed pyvis package without importing it (``import pyvis`` pulls IPython).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from kg.choices import LANGS, VIEWS, checked_lang
from kg.errors import ParameterError
from kg.project import Project, default_project
from kg.store import Store
from kg.viz.drawing import Drawing
from kg.viz.page import Page, page_references, render_page, write_page
from kg.viz.views import PHYSICS_MAX_NODES

__all__ = ["VIEWS", "LANGS", "PHYSICS_MAX_NODES", "Drawing", "Page", "draw", "draw_view", "render_page",
           "write_page", "page_references"]


def draw(
    store: Store,
    view: str,
    *,
    lang: str = "en",
    member: str | None = None,
    on: str | None = None,
    ties: Sequence[str] = (),
    weights: Sequence[str] = (),
    types: Sequence[str] = (),
    seed: int = 0,
    project: Project | None = None,
) -> Drawing:
    """What a view draws (see :func:`draw_view`), before it becomes HTML."""
    from kg.gcpause import paused_gc

    with paused_gc():  # many rows and nodes, no cycle: the collector would only slow it down
        return _draw(store, view, lang=lang, member=member, on=on, ties=ties, weights=weights, types=types,
                     seed=seed, project=project)


def _draw(store: Store, view: str, *, lang: str, member: str | None, on: str | None, ties: Sequence[str],
          weights: Sequence[str], types: Sequence[str], seed: int, project: Project | None) -> Drawing:
    from kg.viz import networks, views
    from kg.viz.reader import Reader

    if view not in VIEWS:
        close = difflib.get_close_matches(view, VIEWS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ParameterError(f"Unknown view {view!r}.{hint} Views: {', '.join(VIEWS)}.")
    checked_lang(lang)
    if (on or ties or weights) and view != "coalitions":
        raise ParameterError(f"--on, --ties and --weight apply to the coalitions view, not to {view!r}.")
    if types and view != "graph":
        raise ParameterError(f"--type applies to the graph view, not to {view!r}.")
    if member and view != "member":
        raise ParameterError(f"A member name applies to the member view, not to {view!r}.")
    reader = Reader(store, project or default_project(), lang)
    if view == "issues":
        drawing = views.issues_view(reader)
    elif view == "sdt":
        drawing = views.sdt_view(reader)
    elif view == "member":
        if not member:
            raise ParameterError("The member view needs a member: kg viz member NAME (a name in English, French "
                                 "or Spanish, an ISO 3166 code such as CIV, or an IRI).")
        from kg.catalogue import resolve_parameter

        term = resolve_parameter(store, "member", member, lang, project=reader.project)
        drawing = views.member_view(reader, str(term.value), seed=seed)
    elif view == "graph":
        drawing = networks.graph_view(reader, seed=seed, types=types)
    else:
        drawing = networks.coalitions_view(reader, on=on, ties=ties, weights=weights, seed=seed)
    drawing.sources = sorted({s for n in drawing.nodes for s in reader.sources(n.id)})
    return drawing


def draw_view(store: Store, view: str, *, version: str = "", **options: Any) -> Page:
    """Draw one view of the built graph as a self-contained HTML page.

    Parameters
    ----------
    store : Store
        The built graph.
    view : {'coalitions', 'issues', 'member', 'sdt', 'graph'}
        What to draw.
    version : str
        A short fingerprint of the data, shown under the legend.
    **options
        The keyword arguments of :func:`draw`:

    lang : {'en', 'fr', 'es'}
        The language of names (English where one is missing) and of the page's words.
    member : str, optional
        For ``member``: a name in English, French or Spanish, an ISO 3166 code or an IRI.
    on : str, optional
        For ``coalitions``: an issue, section or Table 5 column, as ``kg coalitions --on``.
    ties, weights : sequence of str, optional
        For ``coalitions``: kinds of tie, and ``KIND=W`` weights, as ``kg coalitions``.
    types : sequence of str, optional
        For ``graph``: keep only things of these classes (``Member``, ``Proposal`` … or
        their labels).
    seed : int
        Seed of the layouts and of community detection: the same input gives the same bytes.
    project : Project, optional
        Where ``queries/`` is (default: this clone).

    Returns
    -------
    Page

    Raises
    ------
    ParameterError
        Unknown view or language, missing or unknown member, a parameter of another view.

    Examples
    --------
    >>> from kg.store import memory_store
    >>> page = draw_view(memory_store([]), "sdt", lang="fr")
    >>> page.nodes, page.edges, "Content-Security-Policy" in page.html, '<html lang="fr">' in page.html
    (0, 0, True, True)
    """
    drawing = draw(store, view, **options)
    drawing.version = version
    return render_page(drawing)
