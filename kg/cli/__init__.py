"""The ``kg`` command (click): build, validate, query, export the JSI knowledge graph.

Only the ``kg.cli`` modules print. Errors of the package (:class:`kg.errors.KGError`)
become one line on stderr and exit code 1; usage errors exit 2. Each module of this
package holds the commands of one concern and is registered below.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from kg import __version__
from kg.cli._common import Context
from kg.layout import Layout, default_layout

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option(
    "--build-dir", type=click.Path(file_okay=False, path_type=Path), envvar="KG_BUILD_DIR",
    help="Where the built graph lives (default: build/ in the project; env KG_BUILD_DIR).",
)
@click.option(
    "--store", "store_url", metavar="URL", envvar="KG_STORE",
    help="Answer from this SPARQL 1.1 endpoint instead of the built graph (env KG_STORE), "
         "e.g. http://127.0.0.1:7878/query (see 'kg push').",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens, on standard error.")
@click.pass_context
def cli(ctx: click.Context, build_dir: Path | None, store_url: str | None, verbose: bool) -> None:
    """The knowledge graph of the WTO e-commerce Joint Statement Initiative.

    Build the graph once with 'kg build'; every other command answers from the built
    store without re-parsing or re-reasoning.

    \b
    Example:
      kg build
      kg sparql 'SELECT ?label WHERE { ?m a jsi:LeastDevelopedMember ; rdfs:label ?label FILTER(LANG(?label)="en") } ORDER BY ?label'
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    layout = default_layout()
    if build_dir is not None:
        layout = Layout(layout.root, build_override=build_dir)
    ctx.obj = Context(layout, store_url=store_url or None)


#: The modules of ``kg.cli`` whose ``COMMANDS`` list is added to the group, in help order.
COMMAND_MODULES = ("graph", "query", "coalitions", "serve", "viz", "add", "push", "app", "brief")


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kg.cli.{name}")
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the ``kg`` command: never a traceback.

    Errors of the package are handled by each command; what is left here is standard
    output failing (a full disk, a closed pipe) and, as a last resort, an unexpected
    error, printed as one line (``KG_TRACEBACK=1`` shows the traceback).
    """
    import os

    from kg.output import silence_stdout

    code: int | str | None = 0
    try:
        cli(prog_name="kg")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        code = 130
    except BrokenPipeError:
        silence_stdout()
        code = 1
    except OSError as exc:
        where = f" {exc.filename!r}" if exc.filename else ""
        click.echo(f"Error: cannot read or write{where}: {exc.strerror or exc}", err=True)
        code = 1
    except Exception as exc:  # the last line of defence: one line, and how to see more
        if os.environ.get("KG_TRACEBACK"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report it (KG_TRACEBACK=1 shows where)", err=True)
        code = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as exc:
        silence_stdout()
        click.echo(f"Error: cannot write to standard output: {exc.strerror or exc}", err=True)
        code = code or 1
    sys.exit(code)
