"""Write a drawing as one self-contained HTML page that works with the network unplugged.

vis-network 9.1.2 is inlined from the pyvis package (pyvis' own template links Bootstrap
from a CDN, pyvis#228/#229, and inserts ``heading`` raw, so it is not used). A
Content-Security-Policy (CSP Level 2) allows the page's own two scripts by SHA-256 hash
and nothing else: no fetch, no frame, no other script. Data reaches the page escaped for
its context (OWASP XSS prevention rules 1, 2 and 3.1): HTML text and attributes through
the Jinja2 template ``templates/page.html`` with autoescaping, nodes and links as JSON inside a ``<script type="application/json">``
read with ``JSON.parse``; vis-network draws labels on a canvas and sets tooltips with
``innerText``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import DependencyError
from kg.viz.drawing import Drawing
from kg.words import words

__all__ = ["Page", "render_page", "write_page", "page_references", "json_for_script"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")


@dataclass(frozen=True)
class Page:
    """A written view: its HTML, and what a browser should find in it.

    Attributes
    ----------
    view, title : str
        What it shows.
    html : str
        The whole page.
    nodes, edges : int
        How many nodes and links vis-network receives.
    physics : bool
        Whether the layout settles in the browser (small views) or is fixed.
    """

    view: str
    title: str
    html: str
    nodes: int
    edges: int
    physics: bool


def json_for_script(data: Any) -> str:
    """JSON that cannot end the ``<script>`` element holding it, sorted for stable bytes.

    ``<``, ``>`` and ``&`` can only occur inside JSON strings, where ``\\u003c`` … mean
    the same to ``JSON.parse``.

    Examples
    --------
    >>> json_for_script({"label": "</script><script>alert(1)</script>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _colour(value: str) -> str:
    """Only ``#rrggbb`` colours reach a style attribute or vis-network."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"not a #rrggbb colour: {value!r}")
    return value


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _pyvis_dir() -> Path:
    """Where the pyvis package is installed, found without importing it: ``import pyvis`` runs
    ``pyvis.network``, which imports IPython and networkx (half a second) for nothing a page uses."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise DependencyError("the pyvis package is not installed; it carries vis-network: pip install pyvis==0.3.2")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def _vis_network_js() -> str:
    """vis-network as shipped inside the pyvis package: no download, no CDN."""
    path = _pyvis_dir().joinpath(*_VIS_JS)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DependencyError(f"cannot read vis-network in the pyvis package ({str(path)!r}: {exc.strerror}); "
                      "reinstall pyvis==0.3.2") from exc
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise DependencyError(f"{str(path)!r} contains '</script' or '<!--' and cannot be inlined safely")
    return text


def _vis_data(drawing: Drawing) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Nodes, links and options for vis-network, in the form pyvis' ``Network`` hands it.

    Written directly: every option a ``Network`` would set (configure, edges, interaction,
    physics) is set here anyway, and importing ``pyvis.network`` pulls IPython.
    """
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for n in drawing.nodes:
        node: dict[str, Any] = {"id": n.id, "label": n.label, "title": n.tooltip, "kind": n.kind, "shape": n.shape or "dot"}
        if n.search and n.search != n.label:
            node["search"] = n.search
        if n.shape in ("box", "ellipse"):
            node["widthConstraint"] = {"maximum": 230}
            node["margin"] = 6
        else:
            node["size"] = n.size
        if n.color:
            colour = _colour(n.color)
            node["color"] = {"background": colour, "border": "#333333",
                             "highlight": {"background": colour, "border": "#000000"},
                             "hover": {"background": colour, "border": "#000000"}}
        if n.border:
            node.setdefault("color", {})["border"] = _colour(n.border)
            node["color"]["highlight"] = {"background": node["color"].get("background", "#ffffff"), "border": _colour(n.border)}
            node["borderWidth"] = 3
        if n.font_color:
            node["font"] = {"color": _colour(n.font_color)}
        if n.font_size:
            node.setdefault("font", {})["size"] = n.font_size
        if n.x is not None and n.y is not None:
            node["x"], node["y"] = n.x, n.y
        nodes.append(node)
    for i, e in enumerate(drawing.edges):
        edge: dict[str, Any] = {"id": f"e{i}", "from": e.source, "to": e.target, "width": e.width}
        if e.tooltip:
            edge["title"] = e.tooltip
        if e.color:
            edge["color"] = {"color": _colour(e.color), "highlight": "#000000", "hover": "#000000"}
            if e.opacity is not None:
                edge["color"]["opacity"] = e.opacity
        if e.dashes:
            edge["dashes"] = e.dashes
        if e.arrow:
            edge["arrows"] = "to"
        if e.smooth is not None:
            edge["smooth"] = e.smooth
        edges.append(edge)
    options: dict[str, Any] = {
        "configure": {"enabled": False},
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": True, "navigationButtons": False,
                        "keyboard": False, "hideEdgesOnDrag": len(drawing.edges) > 2000},
        "edges": {"smooth": drawing.smooth, "color": {"inherit": False}, "selectionWidth": 2},
        "nodes": {"font": {"size": 14, "face": "system-ui, Arial, sans-serif"}, "borderWidth": 1},
    }
    if drawing.physics:
        options["physics"] = {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 300, "fit": True, "updateInterval": 50},
        }
    else:
        options["physics"] = {"enabled": False}
    return nodes, edges, options


def _colours_checked(drawing: Drawing) -> None:
    """Only ``#rrggbb`` colours reach a style attribute (the template escapes, this also validates)."""
    for group in drawing.legend:
        for item in group.items:
            _colour(item.color)


@lru_cache(maxsize=1)
def _environment() -> Any:
    """The Jinja2 environment of the page template, autoescaping on (Jinja2 comes with pyvis)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_page(drawing: Drawing) -> Page:
    """Turn a drawing into one self-contained HTML page (the same drawing gives the same bytes)."""
    w = words(drawing.lang)
    nodes, edges, options = _vis_data(drawing)
    data = {"nodes": nodes, "edges": edges, "options": options, "opening": drawing.opening,
            "strings": {"found": w["found"], "none": w["none"], "empty": w["empty"]}}
    vis_js = _vis_network_js()
    page_js = (_TEMPLATES / "page.js").read_text(encoding="utf-8")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_hash(vis_js)} {_hash(page_js)}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    version = w["version"].format(fp=drawing.version) if drawing.version else ""
    _colours_checked(drawing)
    text = _environment().get_template("page.html").render(
        lang=drawing.lang,
        csp=csp,
        view=drawing.view,
        title=drawing.title,
        description=drawing.description,
        words=w,
        legend=drawing.legend,
        filters=drawing.filters,
        sources=drawing.sources,
        made_with=w["made"].format(view=drawing.view, version=version),
        css=(_TEMPLATES / "page.css").read_text(encoding="utf-8"),
        data=json_for_script(data),
        vis_js=vis_js,
        page_js=page_js,
    )
    return Page(drawing.view, drawing.title, text, len(nodes), len(edges), drawing.physics)


def write_page(page: Page, path: Path) -> None:
    """Write a page atomically (a temporary file in the same folder, then a rename), readable by all.

    The temporary file is created private (mode 0600); a page is meant to be shared, so it
    ends up 0644 like any file a browser or a web server should read.
    """
    import os

    from kg.output import write_text_atomic

    write_text_atomic(Path(path), page.html)
    if str(path) != "-" and os.path.isfile(path) and not str(path).startswith(("/dev/", "/proc/")):
        os.chmod(path, 0o644)


def page_references(text: str) -> list[str]:
    """Every URL an HTML page refers to in its markup (``src``, ``href``, ``srcset`` …), not inside scripts.

    Examples
    --------
    >>> page_references('<a href="#x">x</a><script>var s = "<img src=http://e>";</script>')
    ['#x']
    """
    from html.parser import HTMLParser

    found: list[str] = []
    names = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href",
             "manifest", "ping", "cite", "longdesc", "codebase", "archive"}

    class _Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value for name, value in attrs if name in names and value is not None)
            if tag == "meta":
                attributes = dict(attrs)
                if (attributes.get("http-equiv") or "").lower() == "refresh" and attributes.get("content"):
                    found.append(attributes["content"] or "")

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)

    parser = _Parser(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return found
