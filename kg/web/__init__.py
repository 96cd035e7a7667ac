"""The local web app (``kg app``): WSGI with Werkzeug, pages from Jinja2 templates, offline.

:mod:`kg.web.app` holds the application (routing, limits, headers), :mod:`kg.web.pages`
the pages, :mod:`kg.web.graphdata` what an entity page reads, :mod:`kg.web.charts` the
SVG charts, :mod:`kg.words` the words of the pages in English, French and Spanish (shared with kg viz),
and :mod:`kg.web.server` the loopback server.
"""
