"""The loopback HTTP server of ``kg app`` (Werkzeug's threaded WSGI server, PEP 3333).

Slow clients are cut after a socket timeout; the app itself limits concurrency, sizes
and methods (:mod:`kg.web.app`).
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

from kg.project import Project
from kg.web.app import WebApp

__all__ = ["serve", "make_app_server"]

#: Seconds a connection may stay idle or slow before it is closed.
SOCKET_TIMEOUT = 30


class _Handler(WSGIRequestHandler):
    timeout = SOCKET_TIMEOUT

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logging.getLogger("kg.web").info("%s %s %s", self.command, self.path, code)


def make_app_server(store: Any, project: Project, *, host: str = "127.0.0.1", port: int = 18400,
                    version: str = "") -> Any:
    """A server bound to ``host:port`` (``port`` 0: a free one), not yet serving."""
    from kg.endpoint import listening_socket

    # the socket is made here, not by Werkzeug, which prints its own lines and exits when a
    # port is in use: kg says why in one line (kg.errors.ServeError.cannot_listen)
    sock = listening_socket(host, port)
    try:
        server = make_server(host, port, WebApp(store, project, host=host, port=port, version=version),
                             threaded=True, request_handler=_Handler, fd=sock.fileno())
    finally:
        sock.close()  # Werkzeug listens on its own duplicate of the descriptor
    if port == 0:  # the Host check needs the port actually bound
        server.app = WebApp(store, project, host=host, port=server.port, version=version)
    return server


def serve(store: Any, project: Project, *, host: str = "127.0.0.1", port: int = 18400, open_browser: bool = True,
          version: str = "") -> None:
    """Serve until Ctrl+C, printing the address (and opening it in the browser)."""
    import click

    import signal

    server = make_app_server(store, project, host=host, port=port, version=version)
    # Ctrl+C (and a service manager's SIGTERM) stop the app even when it was started from a
    # shell or a CI runner that ignores SIGINT for background jobs: Python then installs no
    # KeyboardInterrupt handler of its own.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.port}/"
    click.echo(f"kg app: {url} (Ctrl+C to stop)", err=True)
    if open_browser:
        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
