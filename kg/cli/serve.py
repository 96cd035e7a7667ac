"""The read-only SPARQL endpoint command: ``kg serve``."""

from __future__ import annotations

import click

from kg.cli._common import Context, handle_errors, pass_context

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless you mean it).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--timeout", "timeout_s", default=10.0, show_default=True, type=click.FloatRange(0.1, 600), help="Seconds a query may run before it is stopped.")
@click.option("--max-result-mb", default=10.0, show_default=True, type=click.FloatRange(0.01, 1000), help="Largest result sent, in MB; larger ones are refused.")
@pass_context
@handle_errors
def serve(context: Context, host: str, port: int, timeout_s: float, max_result_mb: float) -> None:
    """Serve the built graph as a read-only SPARQL endpoint.

    Answers the SPARQL 1.1 Protocol query operation at /sparql (GET or POST; results as
    JSON, XML, CSV, TSV or Turtle by the Accept header or ?format=) and a query form at
    /. Updates and SERVICE are refused; each query has a time and a size limit. Stop
    with Ctrl-C.

    \b
    Example:
      kg serve --port 7878
      curl 'http://127.0.0.1:7878/sparql?format=csv' --data-urlencode 'query=SELECT ?s WHERE { ?s a jsi:Section } ORDER BY ?s'
    """
    from pathlib import Path

    from kg.server import LOOPBACK, EndpointConfig, make_server

    store = context.embedded_store()  # fails early, with advice, when nothing is built
    config = EndpointConfig(
        store_location=Path(store.location),
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_result_bytes=int(max_result_mb * 1_000_000),
    )
    del store  # the workers open the store themselves
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}, reachable from other machines; the endpoint has no authentication", err=True)
    server = make_server(config)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    click.echo(f"kg SPARQL endpoint on http://{bound_host}:{bound_port}/sparql (read-only; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [serve]
