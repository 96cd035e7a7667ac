"""``kg serve``: a read-only SPARQL 1.1 endpoint over the built graph.

The SPARQL 1.1 Protocol's query operation and a SPARQL 1.1 Service Description, served by
Uvicorn (HTTP/1.1, httptools' parser, uvloop) and Werkzeug's header parsing in pre-forked
worker processes that share the listening socket, keep the store open and run the queries
themselves (:mod:`kg.endpoint.prefork`, :mod:`kg.endpoint.pool`). Loopback by default; time, size, memory, connection and
concurrency limits; updates and SERVICE refused.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from kg.errors import ServeError

__all__ = ["EndpointConfig", "EndpointServer", "ServeError", "make_server", "listening_socket", "LOOPBACK"]

log = logging.getLogger(__name__)

#: Names of this machine's loopback interface, trusted in Host headers.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class EndpointConfig:
    """Settings of the endpoint.

    Attributes
    ----------
    build_dir : Path
        The build folder; the endpoint serves the store its ``CURRENT`` names and follows
        it when ``kg build`` replaces the store.
    host, port : str, int
        Where to listen; loopback unless told otherwise; port 0 picks a free port.
    timeout_s : float
        A query still running after this many seconds is stopped (HTTP 503).
    max_result_bytes : int
        A serialised result larger than this is refused (HTTP 413): add a LIMIT.
    max_query_bytes : int
        A longer query or request body is refused (HTTP 413).
    workers : int
        Queries that run at once; more wait up to ``queue_wait_s``, then get 503.
    max_memory_mb : int
        Address space a query may add to its worker (beyond the open store); a query that
        needs more is stopped (0: no limit).
    idle_timeout_s : int
        A connection idle this long after a response, or whose request is not complete
        this long after it began, is closed (slow or idle clients).
    max_connections : int
        Open connections and running requests beyond this get 503 at once.
    allow_hosts : tuple of str
        Host header names accepted besides the loopback names and ``host``.
    """

    build_dir: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout_s: float = 10.0
    max_result_bytes: int = 10_000_000
    max_query_bytes: int = 100_000
    workers: int = 2
    max_memory_mb: int = 2048
    queue_wait_s: float = 2.0
    idle_timeout_s: int = 20
    max_connections: int = 200
    allow_hosts: tuple[str, ...] = field(default_factory=tuple)

    def describe_limits(self) -> str:
        """The limits in words (the query page and the service description show them)."""
        return (
            f"a query runs at most {self.timeout_s:g} s; results up to {self.max_result_bytes:,} bytes; "
            f"queries up to {self.max_query_bytes:,} bytes; {self.workers} queries at once "
            f"(more wait {self.queue_wait_s:g} s, then 503 with Retry-After)"
        )


def _render_page(config: EndpointConfig, store: str) -> bytes:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from kg import __version__, iris

    env = Environment(loader=PackageLoader("kg.endpoint"), autoescape=select_autoescape(default=True))
    example = (  # names from the display labels chosen at build time (kg.labels), in English
        "SELECT ?model ?fit WHERE {\n  ?a jsi:assessedCategory category:lack-of-capacity ;\n"
        "     jsi:assessedModel ?m ; jsi:fit ?f .\n"
        '  ?labels dcterms:language "en" .\n'
        "  GRAPH ?labels { ?m skos:prefLabel ?model . ?f skos:prefLabel ?fit }\n} ORDER BY ?model"
    )
    return env.get_template("page.html").render(
        store=store, prefixes=", ".join(sorted(iris.PREFIXES)), example=example,
        formats=["csv", "tsv", "json", "xml", "turtle", "ntriples", "rdfxml", "jsonld"],
        limits=config.describe_limits(), version=__version__,
    ).encode("utf-8")


def _address(host: str, port: int) -> tuple[str, int]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot listen on --host {host!r}: not an address of this machine ({exc}); try 127.0.0.1 or ::1", usage=True) from None
    family, _, _, _, sockaddr = infos[0]
    return str(sockaddr[0]), int(sockaddr[1])


def _protocol(request_timeout: float) -> type:
    """Uvicorn's HTTP protocol (httptools) with a deadline for each request.

    Uvicorn closes connections idle after a response, not those that never finish a
    request: a client must send a whole request (headers and body) within
    ``request_timeout`` seconds of connecting or of starting it, or it is disconnected.
    A request cut off this way never runs.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class TimedProtocol(HttpToolsProtocol):  # type: ignore[misc]
        _deadline: Any = None

        def _arm(self) -> None:
            if self._deadline is None:
                self._deadline = self.loop.call_later(request_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return TimedProtocol


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (``port`` 0: a free one), for ``kg serve`` and
    ``kg app`` alike; :class:`~kg.errors.ServeError` says why not in one line."""
    address, port = _address(host, port)
    return _bind(address, port, host)


def _bind(address: str, port: int, host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        sock.listen(512)
    except OSError as exc:
        sock.close()
        raise ServeError.cannot_listen(host, port, exc) from None
    sock.set_inheritable(False)
    return sock


class EndpointServer:
    """The endpoint, listening: :meth:`serve_forever`, then :meth:`close` from another thread."""

    def __init__(self, config: EndpointConfig) -> None:
        from kg.endpoint.app import Endpoint
        from kg.endpoint.pool import PoolSettings, QueryRunner
        from kg.endpoint.prefork import Supervisor

        self.config = config
        address, port = _address(config.host, config.port)
        settings = PoolSettings(
            build_dir=config.build_dir, size=config.workers, timeout_s=config.timeout_s,
            max_memory_mb=config.max_memory_mb, queue_wait_s=config.queue_wait_s,
        )

        def build_app(runner: QueryRunner) -> Endpoint:  # in each worker, after the fork
            pages: dict[str, bytes] = {}

            def page() -> bytes:
                name = runner.location.name
                if name not in pages:
                    pages[name] = _render_page(config, name)
                return pages[name]

            return Endpoint(
                runner, trusted_hosts=[*LOOPBACK, config.host, *config.allow_hosts],
                max_query_bytes=config.max_query_bytes, max_result_bytes=config.max_result_bytes,
                page=page, limits=config.describe_limits(),
            )

        options = {
            "http": _protocol(config.idle_timeout_s), "lifespan": "off", "log_config": None, "access_log": False,
            "timeout_keep_alive": max(1, int(config.idle_timeout_s)),
            "limit_concurrency": max(1, config.max_connections // config.workers),
            "server_header": False, "proxy_headers": False,
            "timeout_graceful_shutdown": max(1, int(config.timeout_s) + 1),
        }
        self.supervisor = Supervisor(settings, _bind(address, port, config.host), build_app, options)
        self.socket = self.supervisor._sock
        self.host, self.port = address, int(self.socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The query URL, e.g. ``http://127.0.0.1:7878/sparql``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/sparql"

    def serve_forever(self, ready: Callable[[], None] | None = None) -> None:
        """Answer requests until :meth:`close`, Ctrl-C or SIGTERM; then stop the workers.

        ``ready`` is called once the workers have opened the store, just before serving.
        """
        from kg.endpoint.pool import Failed
        from kg.errors import StoreError

        try:
            try:
                self.supervisor.start()
            except Failed as exc:
                raise StoreError(f"the query workers cannot start: {exc}") from None
            if ready is not None:
                ready()
            self.supervisor.run()
        finally:
            self.supervisor.stop(max(1.0, self.config.timeout_s + 1))
            self.socket.close()

    def close(self) -> None:
        """Ask :meth:`serve_forever` to return (running queries finish first)."""
        self.supervisor.request_stop()


def make_server(config: EndpointConfig) -> EndpointServer:
    """An endpoint ready to :meth:`~EndpointServer.serve_forever`.

    Raises
    ------
    ServeError
        The address cannot be listened on.
    kg.errors.StoreError
        Nothing is built, or CURRENT names no store.
    """
    return EndpointServer(config)
