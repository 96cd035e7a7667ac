"""The local web app (``kg app``): WSGI with Werkzeug, pages from Jinja2 templates, offline.

:mod:`kg.web.app` holds the application (routing, limits, headers), :mod:`kg.web.pages`
the pages, :mod:`kg.web.graphdata` what an entity page reads, :mod:`kg.web.charts` the
SVG charts, :mod:`kg.words` the words of the pages in English, French and Spanish (shared with kg viz),
and :mod:`kg.web.server` the loopback server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["TEMPLATES", "template_environment"]

#: The templates of the app's pages and of the briefing (``kg brief`` renders it without the app).
TEMPLATES = Path(__file__).parent / "templates"


def template_environment() -> Any:
    """The Jinja2 environment of :data:`TEMPLATES`: autoescaping on, undefined values an error."""
    import jinja2  # only the commands that render pages pay for it

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
