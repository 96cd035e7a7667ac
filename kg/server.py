"""A read-only SPARQL endpoint over the built graph (SPARQL 1.1 Protocol, query operation only).

Bound to loopback by default. Each query runs in a worker process (forkserver) that opens the
store read-only, so a query past the time limit is stopped for real; results larger than
the size limit are refused rather than cut. Updates and federated queries are refused.
"""

from __future__ import annotations

import html
import logging
import multiprocessing
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg import __version__, iris

__all__ = ["EndpointConfig", "make_server", "LOOPBACK"]

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1", "localhost")

#: Result formats by short name: (media type, pyoxigraph format name).
_SELECT_FORMATS = {
    "json": ("application/sparql-results+json", "JSON"),
    "xml": ("application/sparql-results+xml", "XML"),
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "TSV"),
}
_GRAPH_FORMATS = {
    "turtle": ("text/turtle; charset=utf-8", "TURTLE"),
    "ntriples": ("application/n-triples", "N_TRIPLES"),
}
_BY_MEDIA = {media.split(";")[0]: name for name, (media, _) in {**_SELECT_FORMATS, **_GRAPH_FORMATS}.items()}
_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class EndpointConfig:
    """Settings of the endpoint.

    Attributes
    ----------
    store_location : Path
        The built store folder (from the build's CURRENT manifest).
    host, port : str, int
        Where to listen; loopback unless told otherwise.
    timeout_s : float
        A query still running after this many seconds is stopped (HTTP 503).
    max_result_bytes : int
        A serialised result larger than this is refused (HTTP 413): add a LIMIT.
    max_query_bytes : int
        A longer query text is refused (HTTP 413).
    """

    store_location: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout_s: float = 10.0
    max_result_bytes: int = 10_000_000
    max_query_bytes: int = 100_000


class _TooLarge(Exception):
    pass


class _BoundedBuffer:
    """A binary sink that refuses to grow past a limit (pyoxigraph writes into it)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _answer(location: str, text: str, fmt: str | None, max_bytes: int) -> tuple[int, str, bytes]:
    """Run one query; return (HTTP status, media type, body). Runs in the worker process."""
    import pyoxigraph as ox

    from kg.errors import QueryError
    from kg.store import refuse_federation

    try:
        refuse_federation(text)
        store = ox.Store.read_only(location)
        result = store.query(text, prefixes=iris.PREFIXES, use_default_graph_as_union=True)
    except (QueryError, SyntaxError, RuntimeError, OSError) as exc:
        return HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", f"{exc}\n".encode()
    sink = _BoundedBuffer(max_bytes)
    try:
        if isinstance(result, ox.QueryTriples):
            media, name = _GRAPH_FORMATS.get(fmt or "turtle", _GRAPH_FORMATS["turtle"])
            ox.serialize(result, sink, format=getattr(ox.RdfFormat, name))  # type: ignore[arg-type]
        else:
            media, name = _SELECT_FORMATS.get(fmt or "json", _SELECT_FORMATS["json"])
            result.serialize(sink, format=getattr(ox.QueryResultsFormat, name))  # type: ignore[arg-type]
    except _TooLarge:
        message = f"the result is larger than {max_bytes} bytes; add a LIMIT or select fewer columns\n"
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain; charset=utf-8", message.encode()
    except (RuntimeError, OSError) as exc:
        return HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", f"{exc}\n".encode()
    return HTTPStatus.OK, media, b"".join(sink.parts)


def _worker(conn: Connection, location: str, text: str, fmt: str | None, max_bytes: int) -> None:
    try:
        conn.send(_answer(location, text, fmt, max_bytes))
    finally:
        conn.close()


def run_query(config: EndpointConfig, text: str, fmt: str | None) -> tuple[int, str, bytes]:
    """Run a query in a worker process with the configured limits."""
    # forkserver: workers fork from a clean single-threaded process, not from this
    # multi-threaded server (fork from threads can deadlock).
    ctx = multiprocessing.get_context("forkserver")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_worker, args=(child, str(config.store_location), text, fmt, config.max_result_bytes), daemon=True
    )
    process.start()
    child.close()
    try:
        if parent.poll(config.timeout_s):
            try:
                answer: tuple[int, str, bytes] = parent.recv()
                return answer
            except EOFError:
                return HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"the query worker failed\n"
        process.kill()
        message = f"the query ran longer than {config.timeout_s:g} s and was stopped; narrow it or add a LIMIT\n"
        return HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", message.encode()
    finally:
        parent.close()
        process.join(1)
        if process.is_alive():
            process.kill()


def _page(store: str) -> bytes:
    example = (
        "SELECT ?model ?fit WHERE {\n  ?a jsi:assessedCategory category:lack-of-capacity ;\n"
        "     jsi:assessedModel/rdfs:label ?model ; jsi:fit/rdfs:label ?fit .\n"
        '  FILTER (LANG(?model) = "en" && LANG(?fit) = "en")\n} ORDER BY ?model'
    )
    prefixes = ", ".join(sorted(iris.PREFIXES))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}textarea{{width:100%;height:12em;font-family:monospace}}</style>
</head><body>
<h1>kg — read-only SPARQL endpoint</h1>
<p>The JSI e-commerce knowledge graph ({html.escape(store)}). Predeclared prefixes: {html.escape(prefixes)}.
The default graph is the union of all citation graphs; <code>GRAPH ?g</code> reaches a statement's source.</p>
<form method="get" action="/sparql">
<textarea name="query">{html.escape(example)}</textarea>
<p><label>Format <select name="format"><option>csv</option><option>tsv</option><option>json</option><option>xml</option><option>turtle</option></select></label>
<button type="submit">Run</button></p>
</form>
<p>kg {html.escape(__version__)}. Queries only: updates and SERVICE are refused.</p>
</body></html>
""".encode()


class _Handler(BaseHTTPRequestHandler):
    server_version = f"kg/{__version__}"
    config: EndpointConfig

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode())

    def _format(self, params: dict[str, list[str]]) -> str | None:
        if "format" in params:
            return params["format"][0]
        accept = self.headers.get("Accept", "")
        for part in accept.split(","):
            media = part.split(";")[0].strip()
            if media in _BY_MEDIA:
                return _BY_MEDIA[media]
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", _page(self.config.store_location.name))
            return
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, f"no such page {url.path!r}; queries go to /sparql")
            return
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        self._query(params, None)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, f"no such page {url.path!r}; queries go to /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.config.max_query_bytes:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request is larger than {self.config.max_query_bytes} bytes")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = self.headers.get("Content-Type", "").split(";")[0].strip()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        if media == "application/sparql-query":
            self._query(params, body)
            return
        params.update(urllib.parse.parse_qs(body, keep_blank_values=True))
        self._query(params, None)

    def _query(self, params: dict[str, list[str]], text: str | None) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        if text is None:
            values = params.get("query")
            if not values or not values[0].strip():
                self._error(HTTPStatus.BAD_REQUEST, "give a SPARQL query in the 'query' parameter")
                return
            text = values[0]
        if len(text.encode()) > self.config.max_query_bytes:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the query is longer than {self.config.max_query_bytes} bytes")
            return
        fmt = self._format(params)
        if fmt is not None and fmt not in _SELECT_FORMATS and fmt not in _GRAPH_FORMATS:
            self._error(HTTPStatus.BAD_REQUEST, f"unknown format {fmt!r}; use json, xml, csv, tsv, turtle or ntriples")
            return
        status, media, body = run_query(self.config, text, fmt)
        self._send(status, media, body)


def make_server(config: EndpointConfig) -> ThreadingHTTPServer:
    """A server ready to ``serve_forever()``; port 0 picks a free port (see ``server_address``)."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(["pyoxigraph", "kg.server", "kg.store"])
    handler = type("Handler", (_Handler,), {"config": config})
    server = ThreadingHTTPServer((config.host, config.port), handler)
    server.daemon_threads = True
    return server
