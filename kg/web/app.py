"""The web app's WSGI application (PEP 3333, Werkzeug): routing, limits, headers, errors.

Read-only (GET and HEAD only), meant for loopback: requests whose ``Host`` is not the
loopback address the app was started on are refused (DNS rebinding), query strings are
limited in size, a fixed number of requests run at once (others get 503), pages that take
long to make (views, briefings, the ontology's documentation) are made in a thread and a
request waits for them at most ``page_seconds`` (then 503 with Retry-After), and every page
carries a Content-Security-Policy that forbids loading anything from elsewhere, so the
pages work, and can only work, with the network unplugged. The pages are rendered by
:mod:`kg.web.pages` with Jinja2 templates that escape every value.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestURITooLarge, ServiceUnavailable
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from kg.errors import KGError
from kg.project import Project
from kg.store import Store
from kg.endpoint import LOOPBACK  # the loopback names, one list for both servers

__all__ = ["WebApp", "CSP", "LIMITS"]

log = logging.getLogger(__name__)

#: No request leaves the page: scripts and styles from the app only, images inline.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

#: The limits of the app (bytes, requests, rows).
LIMITS = {"query_string": 4096, "concurrent": 4, "rows_html": 2000, "wait_seconds": 10, "page_seconds": 20}



class WebApp:
    """The app over one built store; ``host``/``port`` are what the ``Host`` header must name."""

    url_map = Map([
        Rule("/", endpoint="home"),
        Rule("/search", endpoint="search"),
        Rule("/suggest/<kind>", endpoint="suggest"),
        Rule("/questions", endpoint="catalogue"),
        Rule("/questions/<name>", endpoint="question"),
        Rule("/id/<path:key>", endpoint="entity"),
        Rule("/brief/<path:key>", endpoint="brief"),
        Rule("/charts", endpoint="charts"),
        Rule("/charts/<name>.svg", endpoint="chart"),
        Rule("/views/<view>", endpoint="view"),
        Rule("/ontology", endpoint="ontology"),
        Rule("/static/<name>", endpoint="static"),
        Rule("/favicon.ico", endpoint="favicon"),
    ], strict_slashes=False)

    def __init__(self, store: Store, project: Project, *, host: str = "127.0.0.1", port: int = 0,
                 version: str = "", allowed_hosts: Iterable[str] = ()) -> None:
        from kg.web import template_environment
        from kg.web.pages import Pages

        self.store = store
        self.project = project
        self.version = version
        self.allowed_hosts = set(allowed_hosts) | _loopback_hosts(host, port)
        self.env = template_environment()
        self._slots = threading.BoundedSemaphore(LIMITS["concurrent"])
        self.pages = Pages(self)

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        """The response to one request, limits and headers included."""
        try:
            self._check(request)
            if not self._slots.acquire(timeout=LIMITS["wait_seconds"]):
                raise ServiceUnavailable("too many requests at once; try again")
            try:
                adapter = self.url_map.bind_to_environ(request.environ)
                endpoint, args = adapter.match()
                response = getattr(self.pages, endpoint)(request, **args)
            finally:
                self._slots.release()
        except HTTPException as exc:
            response = self.pages.error(request, exc.code or 500, exc.description or exc.name)
            for header in ("Retry-After", "Allow"):
                value = dict(exc.get_headers()).get(header)
                if value:
                    response.headers[header] = value
        except KGError as exc:
            response = self.pages.error(request, 400, str(exc))
        except Exception:  # noqa: BLE001 - a page never shows a traceback
            log.exception("error on %s", request.path)
            response = self.pages.error(request, 500, "the app failed on this page; see the terminal that runs 'kg app'")
        return self._headers(response)

    def _check(self, request: Request) -> None:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(valid_methods=["GET", "HEAD"], description="the app is read-only: GET and HEAD only")
        host = (request.host or "").lower()
        if self.allowed_hosts and host not in self.allowed_hosts:
            raise NotFound(f"unknown host {host!r}: open the address 'kg app' printed")
        if len(request.query_string) > LIMITS["query_string"]:
            raise RequestURITooLarge(f"the address is longer than {LIMITS['query_string']} bytes")

    @staticmethod
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return response

    def render(self, template: str, **values: Any) -> str:
        """A template rendered with autoescaping."""
        return self.env.get_template(template).render(**values)


def _loopback_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` values a browser sends for a loopback server on ``port``.

    Examples
    --------
    >>> sorted(_loopback_hosts("127.0.0.1", 18400))
    ['127.0.0.1:18400', '[::1]:18400', 'localhost:18400']
    """
    if not port:
        return set()
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in LOOPBACK:
        names.add(f"[{host}]" if ":" in host else host)
    return {f"{n}:{port}" for n in names}
