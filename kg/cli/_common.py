"""What the ``kg`` commands share: the project context, output options, error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.errors import KGError, ValidationFailed

if TYPE_CHECKING:
    from kg.project import Project

__all__ = ["Context", "output_options", "emit", "handle_errors", "pass_context"]

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every command needs: the project (its folders) and where the graph is answered from.

    ``store_url`` (``--store URL`` / ``KG_STORE``) names a remote SPARQL 1.1 endpoint; the
    commands then read it through :class:`kg.remote.RemoteStore`, which answers as the
    embedded :class:`kg.store.Store` does. Without it, the built graph is opened.
    """

    def __init__(self, project: Project, *, store_url: str | None = None) -> None:
        self.project = project
        self.store_url = store_url

    def store(self) -> Any:
        if self.store_url:
            from kg.remote import open_remote

            return open_remote(self.store_url)
        from kg.store import open_store

        return open_store(self.project.build_dir)

    def embedded_store(self) -> Any:
        """The built graph on this machine, for commands that only work on it (``kg serve``)."""
        if self.store_url:
            raise click.UsageError(f"this command works on the built graph, not on --store {self.store_url} "
                             "(unset KG_STORE or leave out --store)")
        from kg.store import open_store

        return open_store(self.project.build_dir)


def output_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    """The shared ``--format`` and ``-o/--output`` options (after sqlite-utils)."""

    def decorator(fn: F) -> F:
        fn = click.option(
            "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            help="Write to this file (a regular file is replaced atomically; '-' is standard output).",
        )(fn)
        fn = click.option(
            "-f", "--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
            help="Output format.",
        )(fn)
        return fn

    return decorator


def emit(text: str, output: Path | None) -> None:
    """Print data to stdout (``output`` None or ``-``), or write it to a file (see
    :func:`kg.output.write_text_atomic`: atomic for regular files, in place for devices)."""
    from kg.output import write_stdout, write_text_atomic

    if not text.endswith("\n"):
        text += "\n"
    if output is None or str(output) == "-":
        try:
            write_stdout(text)
        except BrokenPipeError:
            raise SystemExit(1) from None  # the reader went away (e.g. '| head'): nothing to say
        except OSError as exc:
            from kg.errors import OutputError

            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
    else:
        write_text_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


class _ExitTwo(click.ClickException):
    """One line ``Error: …`` and exit 2 (a usage error of :mod:`kg.errors`, without click's usage text)."""

    exit_code = 2


def handle_errors(fn: F) -> F:
    """Turn package errors into one clear line and exit 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            from kg.iris import compact
            from kg.output import render_table
            from kg.store import Cell, Table

            rows = [
                tuple(Cell("literal", x) for x in (v.file, compact(v.focus), compact(v.path), v.message))
                for v in exc.violations[:50]
            ]
            click.echo(render_table(Table(["file", "focus", "path", "message"], rows), "table"), err=True)  # type: ignore[arg-type]
            raise click.ClickException(str(exc)) from None
        except KGError as exc:
            raise (_ExitTwo if exc.exit_code == 2 else click.ClickException)(str(exc)) from None

    return wrapper  # type: ignore[return-value]



pass_context = click.make_pass_decorator(Context)
