"""The read-only SPARQL endpoint command: ``kg serve``."""

from __future__ import annotations

import signal

import click

from kg.cli._common import Context, handle_errors, pass_context

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless you mean it; ::1 for IPv6).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--timeout", "timeout_s", default=10.0, show_default=True, type=click.FloatRange(0.1, 600), help="Seconds a query may run before it is stopped.")
@click.option("--max-result-mb", default=10.0, show_default=True, type=click.FloatRange(0.01, 1000), help="Largest result sent, in MB; larger ones are refused.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Queries run at once; more wait a moment, then get 503.")
@click.option("--max-memory-mb", default=2048, show_default=True, type=click.IntRange(0, 1_000_000), help="Memory a query may use in its worker, in MB, beyond the open store (0: no limit).")
@click.option("--idle-timeout", default=20, show_default=True, type=click.IntRange(1, 3600), help="Seconds before an idle connection, or one whose request is still incomplete, is closed.")
@click.option("--allow-host", multiple=True, metavar="NAME", help="Also accept this Host header (besides loopback names); repeatable.")
@pass_context
@handle_errors
def serve(
    context: Context, host: str, port: int, timeout_s: float, max_result_mb: float, workers: int,
    max_memory_mb: int, idle_timeout: int, allow_host: tuple[str, ...],
) -> None:
    """Serve the built graph as a read-only SPARQL endpoint.

    Answers the SPARQL 1.1 Protocol query operation at /sparql (GET or POST; results as
    JSON, XML, CSV or TSV, graphs as Turtle, N-Triples, RDF/XML or JSON-LD, by the Accept
    header or ?format=), a service description at GET /sparql, and a query form at /.
    Updates and SERVICE are refused; each query has a time, size and memory limit. After
    'kg build' the endpoint serves the new graph. Stop with Ctrl-C.

    \b
    Example:
      kg serve --port 7878
      curl 'http://127.0.0.1:7878/sparql?format=csv' --data-urlencode 'query=SELECT ?s WHERE { ?s a jsi:Section } ORDER BY ?s'
    """
    from kg.endpoint import LOOPBACK, EndpointConfig, ServeError, make_server

    if context.store_url:  # kg serve serves the built graph, not a --store endpoint
        context.embedded_store()
    config = EndpointConfig(
        build_dir=context.project.build_dir, host=host, port=port, timeout_s=timeout_s,
        max_result_bytes=int(max_result_mb * 1_000_000), workers=workers, max_memory_mb=max_memory_mb,
        idle_timeout_s=idle_timeout, allow_hosts=allow_host,
    )
    try:
        server = make_server(config)
    except ServeError as exc:
        raise (_UsageError if exc.usage else click.ClickException)(str(exc)) from None
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}, reachable from other machines; the endpoint has no authentication. "
            "Requests must name this machine as --host or an --allow-host NAME (DNS rebinding guard)", err=True,
        )
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop also stops the workers
    try:
        server.serve_forever(ready=lambda: click.echo(f"kg SPARQL endpoint on {server.url} (read-only; Ctrl-C stops)", err=True))
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


class _UsageError(click.ClickException):
    """A wrong --host or --port: one Error line, exit 2 (no usage banner)."""

    exit_code = 2


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


COMMANDS = [serve]
