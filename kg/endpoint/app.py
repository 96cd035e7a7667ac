"""The endpoint's ASGI application: the SPARQL 1.1 Protocol query operation.

SPARQL 1.1 Protocol §2.1 (query via GET, URL-encoded POST and direct POST; exactly one
query; ``default-graph-uri``/``named-graph-uri`` replace the query's own dataset; a body of
any other media type is refused with 415) and SPARQL 1.1 Service Description §2 (a GET
without a query describes the service). The Host header is checked against DNS rebinding;
a request body is read whole, within the size limit, before anything runs; queries run in
:class:`kg.endpoint.pool.QueryRunner` (the worker's query slot). Read-only: updates are refused.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Awaitable, Iterable
from typing import Any, Callable

from werkzeug.http import parse_options_header

from kg.endpoint.formats import UnknownFormat, check_format, negotiate
from kg.endpoint.pool import Busy, Failed, QueryRunner

__all__ = ["Endpoint", "host_allowed"]

log = logging.getLogger(__name__)

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Params = dict[str, list[str]]

_TEXT = "text/plain; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_PATHS = ("/", "/sparql", "/query")
_ALLOW = "GET, HEAD, POST, OPTIONS"
_CSP_DATA = b"default-src 'none'; frame-ancestors 'none'"
# The query page runs YASGUI from this server only: its script and style files, its queries to /sparql.
_CSP_PAGE = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The files of the query page (package data in kg/endpoint/static): URL path -> (file, media type).
_STATIC = {
    "/static/yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
    "/static/yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8"),
    "/static/query-page.js": ("query-page.js", "text/javascript; charset=utf-8"),
    "/static/YASGUI-LICENSE.txt": ("YASGUI-LICENSE.txt", _TEXT),
}
_FILES: dict[str, bytes] = {}
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_FORMAT_PARAMS = ("format", "output", "results")


class _Refusal(Exception):
    """A request answered with an error status and a one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def host_allowed(header: str | None, trusted: Iterable[str]) -> bool:
    """Whether a Host header names this server (the port is not compared).

    A page on another site whose name a rebinding DNS points at 127.0.0.1 sends its own
    name, so it is refused. No Host header (HTTP/1.0 scripts) is accepted.

    Examples
    --------
    >>> trusted = ["localhost", "127.0.0.1", "::1"]
    >>> [host_allowed(h, trusted) for h in ("[::1]:7878", "LOCALHOST", "127.0.0.1:1", None)]
    [True, True, True, True]
    >>> [host_allowed(h, trusted) for h in ("evil.example:7878", "127.0.0.1.evil.example", "[::2]", "")]
    [False, False, False, False]
    """
    if header is None:
        return True
    name = header.strip().lower()
    if name.startswith("["):
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return bool(name) and name in (trusted if isinstance(trusted, frozenset) else {t.lower().strip("[]") for t in trusted})


def _parse_qs(data: str) -> Params:
    """URL-encoded parameters (UTF-8, strictly: a bad escape is an error)."""
    params: Params = {}
    for key, value in urllib.parse.parse_qsl(data, keep_blank_values=True, encoding="utf-8", errors="strict"):
        params.setdefault(key, []).append(value)
    return params


def _one_query(values: list[str]) -> str | None:
    if len(values) > 1:
        raise _Refusal(400, f"{len(values)} queries given; send exactly one 'query' parameter")
    if values and not values[0].strip():
        raise _Refusal(400, "the 'query' parameter is empty")
    return values[0] if values else None


def read_protocol(method: str, query_string: str, content_type: str | None, body: bytes) -> tuple[Params, str | None]:
    """The protocol's parameters and the query text (None: no query) of one request.

    Examples
    --------
    >>> read_protocol("GET", "query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fa", None, b"")
    ({'query': ['ASK{}'], 'default-graph-uri': ['http://a']}, 'ASK{}')
    >>> read_protocol("POST", "", "text/plain", b"ASK {}")
    Traceback (most recent call last):
    ...
    kg.endpoint.app._Refusal: a POSTed query must be application/sparql-query or application/x-www-form-urlencoded, not 'text/plain'
    """
    try:
        url = _parse_qs(query_string)
        if method in ("GET", "HEAD"):
            return url, _one_query(url.get("query", []))
        media, options = parse_options_header(content_type or "")
        media = media.lower()
        if media == _UPDATE:
            raise _Refusal(403, "this endpoint is read-only: updates are refused")
        if media == _FORM:
            both = dict(url)
            for key, values in _parse_qs(body.decode("utf-8")).items():
                both[key] = both.get(key, []) + values
            return both, _one_query(both.get("query", []))
        if media == _DIRECT:
            charset = options.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise _Refusal(415, f"the query must be UTF-8, not {charset!r}")
            if "query" in url:
                raise _Refusal(400, "two queries: one in the URL and one in the body; send one")
            return url, body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refusal(400, f"the request is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    given = f"{media!r}" if media else "no Content-Type"
    raise _Refusal(415, f"a POSTed query must be {_DIRECT} or {_FORM}, not {given}")


class Endpoint:
    """The ASGI application of ``kg serve``.

    Parameters
    ----------
    pool : QueryRunner
        Runs the queries (the query slot of this worker process).
    trusted_hosts : list of str
        Host header names accepted (without port); anything else is refused.
    max_query_bytes : int
        Largest request body or query text accepted (HTTP 413 beyond).
    max_result_bytes : int
        Largest serialised answer (HTTP 413 beyond).
    page : callable
        Renders the HTML query page (bytes).
    limits : str
        The limits in words, for the service description.
    """

    def __init__(
        self, pool: QueryRunner, *, trusted_hosts: list[str], max_query_bytes: int, max_result_bytes: int,
        page: Callable[[], bytes], limits: str,
    ) -> None:
        self.pool = pool
        self.trusted_hosts = frozenset(t.lower().strip("[]") for t in trusted_hosts)
        self.max_query_bytes = max_query_bytes
        self.max_result_bytes = max_result_bytes
        self.page = page
        self.limits = limits

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan and websockets: nothing to do
            return
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            if key in headers:  # repeated: a list, except Host, which must be one (RFC 9112 §3.2)
                text = "" if key == "host" else f"{headers[key]}, {text}"
            headers[key] = text
        try:
            status, media, body, extra = await self._dispatch(scope, headers, receive)
        except _Refusal as exc:
            status, media, body, extra = exc.status, _TEXT, _line(str(exc)), exc.headers
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 with one line, never a traceback
            log.error("internal error on %s %s: %s: %s", scope.get("method"), scope.get("path"), type(exc).__name__, exc)
            status, media, body, extra = 500, _TEXT, _line(f"internal error ({type(exc).__name__}); see the server's log"), {}
        if status == 0:  # the client left before its request was complete: nothing to answer
            return
        head = [(b"x-content-type-options", b"nosniff")]  # never rendered as a page
        if status != 204:  # no content, no length (RFC 9110 §8.6)
            head += [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
        head.extend((k.lower().encode(), v.encode()) for k, v in extra.items())
        if status >= 400 and "Content-Security-Policy" not in extra:  # errors may quote the request
            head.append((b"content-security-policy", _CSP_DATA))
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": body})

    async def _dispatch(self, scope: dict[str, Any], headers: dict[str, str], receive: Receive) -> tuple[int, str, bytes, dict[str, str]]:
        host = headers.get("host")
        if not host_allowed(host, self.trusted_hosts):
            raise _Refusal(
                400, f"the Host header {host!r} is not allowed (a guard against DNS rebinding); "
                "start kg serve with --allow-host NAME to accept it"
            )
        path, method = scope["path"], scope["method"]
        if path in _STATIC:
            if method not in ("GET", "HEAD"):
                raise _Refusal(405, f"{method} is not allowed here; use GET, HEAD", {"Allow": "GET, HEAD"})
            name, media = _STATIC[path]
            return 200, media, _static(name), {"Cache-Control": "max-age=3600"}
        if path not in _PATHS:
            raise _Refusal(404, f"no such page {path!r}; queries go to /sparql")
        allowed = _ALLOW if path != "/" else "GET, HEAD, OPTIONS"
        if method == "OPTIONS":
            return 204, _TEXT, b"", {"Allow": allowed}
        if method not in allowed.split(", "):
            raise _Refusal(405, f"{method} is not allowed here; use {allowed}", {"Allow": allowed})
        if path == "/":
            return 200, _HTML, self.page(), {"Content-Security-Policy": _CSP_PAGE}
        body = await self._body(headers, receive) if method == "POST" else b""
        if body is None:
            return 0, "", b"", {}
        status, media, data, extra = await self._sparql(scope, method, headers, body)
        extra["Vary"] = "Accept"
        return status, media, data, extra

    async def _body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        """The whole request body within the size limit (None: the client left)."""
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_query_bytes:
            raise _Refusal(413, f"the request body is larger than {self.max_query_bytes} bytes")
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_query_bytes:
                raise _Refusal(413, f"the request body is larger than {self.max_query_bytes} bytes")
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    async def _sparql(self, scope: dict[str, Any], method: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes, dict[str, str]]:
        query_string = scope.get("query_string", b"").decode("latin-1")
        params, text = read_protocol(method, query_string, headers.get("content-type"), body)
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise _Refusal(403, "this endpoint is read-only: updates are refused")
        fmt = next((params[name][0] for name in _FORMAT_PARAMS if params.get(name) and params[name][0]), None)
        try:
            check_format(fmt)
        except UnknownFormat as exc:
            raise _Refusal(400, str(exc)) from None
        accept = headers.get("accept", "")
        job: dict[str, Any] = {"base": _base_iri(scope, headers), "accept": accept, "format": fmt, "max_bytes": self.max_result_bytes}
        if text is None:
            if method == "POST":
                raise _Refusal(400, "give a SPARQL query in the 'query' parameter or as an application/sparql-query body")
            if negotiate("description", accept, fmt) == ("HTML", _HTML):
                return 200, _HTML, self.page(), {"Content-Security-Policy": _CSP_PAGE}
            job.update(op="describe", comment=self.limits)
        else:
            if len(text.encode("utf-8")) > self.max_query_bytes:
                raise _Refusal(413, f"the query is longer than {self.max_query_bytes} bytes")
            job.update(
                op="query", text=text,
                default_graphs=params.get("default-graph-uri", []), named_graphs=params.get("named-graph-uri", []),
            )
        try:
            status, media, data = await self.pool.run(job)
        except Busy:
            raise _Refusal(
                503, f"the endpoint is busy ({self.pool.settings.size} queries at once); retry in a moment",
                {"Retry-After": "1"},
            ) from None
        except Failed as exc:
            raise _Refusal(503, str(exc)) from None
        return status, media, data, {}


def _base_iri(scope: dict[str, Any], headers: dict[str, str]) -> str:
    """The endpoint's URL, the base IRI of relative IRIs in a query (the Host is trusted)."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"[{server[0]}]:{server[1]}" if ":" in str(server[0]) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def _static(name: str) -> bytes:
    """One file of the query page, read from the package once."""
    if name not in _FILES:
        from importlib.resources import files

        _FILES[name] = files("kg.endpoint").joinpath("static", name).read_bytes()
    return _FILES[name]


def _line(message: str) -> bytes:
    return (message.rstrip() + "\n").encode("utf-8")
