"""Writing an answer as a person reads it: ``--wide``, ``--bom``, ``--format xlsx``, notes on stderr.

Shared by the commands that print tables (``kg query``, ``kg partners``, ``kg coalitions``).
Text goes through :func:`kg.cli._common.emit`; an .xlsx workbook is bytes and goes to a file
(``-o FILE.xlsx``) or to standard output when that is not a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.cli._common import emit

__all__ = ["TERMINAL_ROWS", "answer_options", "emit_answer", "say_note"]

F = TypeVar("F", bound=Callable[..., Any])

#: At a terminal a text table shows at most this many rows (more would scroll away and take
#: seconds to lay out); it then says how many there are and how to get every one. A pipe or
#: a file gets every row, and so does every other format.
TERMINAL_ROWS = 1000


def answer_options(fn: F) -> F:
    """``--wide`` (text tables in full) and ``--bom`` (CSV for Excel)."""
    fn = click.option("--bom", is_flag=True,
                      help="csv/tsv: start with a UTF-8 byte order mark, so that Excel shows accents right.")(fn)
    fn = click.option("--wide", is_flag=True,
                      help="table: every cell in full on one line, whatever the terminal's width "
                           "(by default tables fit the terminal, 100 columns when not a terminal).")(fn)
    return fn


def emit_answer(table: Any, fmt: str, output: Path | None, *, lang: str = "en", wide: bool = False,
                bom: bool = False, title: str = "answer", notes: Sequence[str] = ()) -> None:
    """Print or write one answer (a :class:`kg.store.Table`) in ``fmt``."""
    from kg.output import render_table, render_xlsx, write_bytes_atomic

    if fmt == "xlsx":
        data = render_xlsx(table, lang=lang, title=title, notes=tuple(notes))
        if output is None or str(output) == "-":
            if output is None and sys.stdout.isatty():
                raise click.UsageError("an .xlsx workbook is not text: give -o FILE.xlsx (or redirect standard output)")
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        write_bytes_atomic(output, data)
        click.echo(f"wrote {output}", err=True)
        return
    shown = table
    if fmt == "table" and (output is None or str(output) == "-") and len(table.rows) > TERMINAL_ROWS \
            and sys.stdout.isatty():
        shown = type(table)(table.columns, table.rows[:TERMINAL_ROWS])
    emit(render_table(shown, fmt, wide=wide, lang=lang, bom=bom), output)
    if shown is not table:
        command = next((n[len("command: "):] for n in notes if n.startswith("command: ")), None)
        every = f"{command} --format csv -o answer.csv" if command else "--format csv -o answer.csv"
        click.echo(f"showing the first {TERMINAL_ROWS:,} of {len(table.rows):,} rows; every row: {every} "
                   "(or pipe the table, e.g. '| less')", err=True)


def say_note(note: str | None) -> None:
    """Tell the person, on standard error, how a name they typed was read."""
    if note:
        click.echo(f"note: {note}", err=True)
