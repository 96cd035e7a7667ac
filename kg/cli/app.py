"""``kg app``: the local web app for a delegation (search, questions, entity pages, briefings, charts)."""

from __future__ import annotations

import click

from kg.cli._common import Context, handle_errors, pass_context

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Loopback by default; anything else is refused unless --allow-remote.")
@click.option("--port", type=click.IntRange(0, 65535), default=18400, show_default=True, help="Port (0: any free one).")
@click.option("--no-browser", is_flag=True, help="Do not open the home page in the browser.")
@click.option("--allow-remote", is_flag=True, hidden=True, help="Listen on a non-loopback address (read-only all the same).")
@pass_context
@handle_errors
def app(context: Context, host: str, port: int, no_browser: bool, allow_remote: bool) -> None:
    """Open the web app on this computer: works with the network unplugged.

    Search any member, group, issue, proposal or provision by name in English, French or
    Spanish; ask the catalogue's questions as forms and download the answers (CSV,
    Excel); read every entity's page with the source of each statement (also as Turtle
    or JSON-LD at the same address); print a one-page briefing; see charts and views.
    Read-only; stops with Ctrl+C.

    \b
    Example:
      kg app
      kg app --port 18401 --no-browser
    """
    from kg.endpoint import LOOPBACK
    from kg.store import read_manifest
    from kg.web.server import serve

    if host not in LOOPBACK and not allow_remote:
        raise click.BadParameter(f"{host!r} is not a loopback address; the app serves this computer only",
                                 param_hint="--host")
    store = context.store()
    manifest = read_manifest(context.project.build_dir) or {}
    serve(store, context.project, host=host, port=port, open_browser=not no_browser,
          version=str(manifest.get("fingerprint", "")))
    # Ctrl+C stops at once: the daemon threads that prepare views and briefings may be inside
    # a long native call (Oxigraph, layout), and the interpreter's shutdown would wait for it.
    # The app writes nothing, so there is nothing to finish.
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


COMMANDS = [app]
