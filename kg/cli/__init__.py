"""The ``kg`` command (click): build, validate, query, export the JSI knowledge graph.

Only the ``kg.cli`` modules print. Errors of the package (:class:`kg.errors.KGError`)
become one line on stderr and exit code 1; usage errors exit 2. Each module of this
package holds the commands of one concern and is registered below.

The group is lazy (click's documented LazyGroup pattern): a command's module is imported
only when that command runs; ``kg --help`` shows the short help kept in :data:`LAZY_COMMANDS`
(a test checks it against each command's own).
"""

from __future__ import annotations

import sys


def _stop_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C while ``kg`` is still importing: one line and exit code 130, as later (nothing is written yet)."""
    import os

    os.write(2, b"Error: interrupted\n")
    raise SystemExit(130)


def _started_as_kg() -> bool:
    """True in the ``kg`` command's own process (its console script, or ``python -m kg``)."""
    started = sys.modules.get("__main__")
    spec = getattr(started, "__spec__", None)
    if spec is not None and spec.name == "kg.__main__":
        return True
    return (getattr(started, "__file__", None) or "").replace("\\", "/").rsplit("/", 1)[-1] in ("kg", "kg.exe", "kg-script.py")


def _guard_the_start() -> None:
    """Until :func:`main` runs, a Ctrl-C ends ``kg`` with one line (Python's handler would print a
    traceback from within an import). Only in the ``kg`` process, and only where Python's own
    handler is set: a process started with SIGINT ignored keeps ignoring it (see kg.limits)."""
    if _started_as_kg():
        _swap_sigint(_default_handler(), _stop_while_starting)


def _default_handler() -> object:
    """Python's own SIGINT handler (the one that raises KeyboardInterrupt)."""
    try:
        from _signal import default_int_handler  # not the signal module: it imports enum (start-up cost)
    except ImportError:  # pragma: no cover - another Python implementation
        from signal import default_int_handler
    return default_int_handler


def _swap_sigint(expected: object, handler: object) -> None:
    """Set ``handler`` for SIGINT if ``expected`` is the one set now (an inherited ignore is kept)."""
    try:
        from _signal import SIGINT, getsignal, signal
    except ImportError:  # pragma: no cover - another Python implementation
        from signal import SIGINT, getsignal, signal
    if getsignal(SIGINT) is expected:
        signal(SIGINT, handler)  # type: ignore[arg-type]


_guard_the_start()

from pathlib import Path  # noqa: E402 - after the guard: a Ctrl-C while these load is one line too
from typing import Any  # noqa: E402

import click  # noqa: E402

from kg import __version__  # noqa: E402
from kg.cli._common import Context  # noqa: E402

__all__ = ["main", "cli"]


#: name → (module, attribute, short help) of each command, loaded only when it runs.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "add": ("kg.cli.add", "add", "Add facts from a filled-in sheet (FILE.csv or FILE.xlsx) to graph_data/."),
    "app": ("kg.cli.app", "app", "Open the web app on this computer: works with the network unplugged."),
    "brief": ("kg.cli.brief", "brief", 'Write a one-page briefing on MEMBER (or a group: LDC, ACP, "African Group").'),
    "build": ("kg.cli.graph", "build", "Parse, validate (SHACL), reason (OWL-RL) and store the graph."),
    "coalitions": ("kg.cli.coalitions", "coalitions", "Communities of members who share interests, what binds each, and who bridges them."),
    "docs": ("kg.cli.viz", "docs", "Write a human-readable page of the ontology (pyLODE), offline."),
    "export": ("kg.cli.graph", "export", "Export the built graph to a file."),
    "partners": ("kg.cli.coalitions", "partners", "Rank the partners of MEMBER, with a score and the reasons, each with its source."),
    "push": ("kg.cli.push", "push", "Load the built graph into a SPARQL server, keeping every named graph."),
    "query": ("kg.cli.query", "query", "Answer a question of the catalogue (queries/*.rq) without writing SPARQL."),
    "serve": ("kg.cli.serve", "serve", "Serve the built graph as a read-only SPARQL endpoint."),
    "sparql": ("kg.cli.graph", "sparql", "Run a SPARQL query (text, or @FILE) on the built graph."),
    "stats": ("kg.cli.graph", "stats", "Counts: statements asserted vs inferred, instances per class, statements per source."),
    "validate": ("kg.cli.graph", "validate", "Check the data against the SHACL shapes and the violation queries."),
    "viz": ("kg.cli.viz", "viz", "Draw a view of the graph as one HTML file that works offline."),
}


#: Commands that log nothing above INFO themselves: ``logging`` is neither imported nor configured
#: for them unless ``-v`` asks for it (4 ms of a start that costs nothing, issue 11); a library's
#: warning would still be printed by logging's last-resort handler, without level and name.
UNLOGGED_COMMANDS = frozenset({"sparql", "query"})


def _interrupted() -> SystemExit:
    """What a Ctrl-C that no command handled ends in: one line and exit code 130 (128 + SIGINT),
    the same as a query stopped by :class:`kg.limits.Watchdog`."""
    click.echo("Error: interrupted", err=True)
    return SystemExit(130)


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is called.

    A Ctrl-C (KeyboardInterrupt) that the command did not handle ends in :func:`_interrupted`:
    click would print "Aborted!" and exit with 1.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise _interrupted() from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _interrupted() from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module, attribute, _ = LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, without importing their modules."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, click.Command(name, help=LAZY_COMMANDS[name][2]).get_short_help_str(limit)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
      kg sparql 'SELECT ?name WHERE { ?m a jsi:LeastDevelopedMember . ?labels dcterms:language "fr" . GRAPH ?labels { ?m skos:prefLabel ?name } } ORDER BY ?name'
    """
    from kg.project import Project, default_project  # not for 'kg --help', which never gets here

    if verbose or ctx.invoked_subcommand not in UNLOGGED_COMMANDS:
        import logging

        logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.meta["kg.verbose"] = verbose  # e.g. kg build's progress lines
    project = default_project()
    if build_dir is not None:
        project = Project(project.root, build_override=build_dir)
    ctx.obj = Context(project, store_url=store_url or None)


#: Modules of ``kg.cli`` whose ``COMMANDS`` are registered eagerly (imported at start):
#: prefer an entry in :data:`LAZY_COMMANDS`.
COMMAND_MODULES: tuple[str, ...] = ()


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

    def silence_stdout() -> None:  # kg.output (and pyoxigraph with it) only when needed
        from kg.output import silence_stdout

        silence_stdout()

    code: int | str | None = 0
    try:
        _swap_sigint(_stop_while_starting, _default_handler())  # from here a Ctrl-C is a KeyboardInterrupt again
        cli(prog_name="kg")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        code = _interrupted().code
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
