"""Big answers (issue 15): the per-row cost of turning a result into cells and CSV, and what
a text table at a terminal does with more rows than a person can read."""

from __future__ import annotations

import csv
import io
import os
import sys
import threading
from contextlib import redirect_stdout

import pyoxigraph as ox
import pytest

from kg.cli._answers import TERMINAL_ROWS, emit_answer
from kg.formats import neutralise
from kg.output import render_table
from kg.store import Cell, Table, cell_from_term

RISKY = ["=HYPERLINK(\"http://x\")", "-0.5", "+1", "@SUM(A1)", "-x", "", "\tx", "\rx", "Kenya", "a,b", 'say "hi"',
         "two\nlines"]


def test_cells_of_every_kind_of_term() -> None:
    lit = ox.Literal("Kenia", language="es")
    typed = ox.Literal("2021", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert cell_from_term(ox.NamedNode("http://e/a")) == Cell("iri", "http://e/a")
    assert cell_from_term(lit) == Cell("literal", "Kenia", "es", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
    assert cell_from_term(typed) == Cell("literal", "2021", None, "http://www.w3.org/2001/XMLSchema#gYear")
    assert cell_from_term(ox.BlankNode("b1")) == Cell("bnode", "b1")
    assert cell_from_term(None) is None
    # immutable, hashable, ordered as before
    cell = Cell("literal", "x")
    with pytest.raises(AttributeError):
        cell.value = "y"  # type: ignore[misc]
    assert len({Cell("iri", "a"), Cell("iri", "a")}) == 1
    assert sorted([Cell("literal", "b"), Cell("iri", "z"), Cell("literal", "a")])[0] == Cell("iri", "z")
    assert str(Cell("iri", "http://e/a")) == "http://e/a"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_neutralises_exactly_the_cells_a_spreadsheet_would_run(fmt: str) -> None:
    rows: list[tuple[Cell | None, ...]] = [(Cell("literal", v), None, Cell("iri", "http://e/" + str(i)))
                                           for i, v in enumerate(RISKY)]
    out = render_table(Table(["value", "nothing", "iri"], rows), fmt)
    expected = io.StringIO()
    writer = csv.writer(expected, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(["value", "nothing", "iri"])
    for v, _, iri in rows:
        text = " ".join(v.value.split()) if fmt == "tsv" else v.value  # type: ignore[union-attr]
        writer.writerow([neutralise(text), "", iri.value])  # type: ignore[union-attr]
    assert out == expected.getvalue()
    assert "'=HYPERLINK" in out and "'@SUM" in out and "\n-0.5," in out.replace("\t", ",")


def _on_a_terminal(table: Table, notes: tuple[str, ...] = ()) -> str:
    """What emit_answer prints on a real terminal (a pseudo-terminal from os.openpty)."""
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with open(slave, "w", encoding="utf-8", closefd=True) as tty:
        assert tty.isatty()
        with redirect_stdout(tty):
            emit_answer(table, "table", None, notes=notes)
    reader.join(timeout=10)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_big_table_at_a_terminal_shows_its_first_rows_and_says_how_to_get_every_row(
        capsys: pytest.CaptureFixture[str]) -> None:
    n = TERMINAL_ROWS + 234
    table = Table(["number"], [(Cell("literal", f"row {i}"),) for i in range(n)])
    shown = _on_a_terminal(table, ("question: q", "command: kg query big -p x=1"))
    assert f"row {TERMINAL_ROWS - 1}\n" in shown and f"row {TERMINAL_ROWS}\n" not in shown
    said = capsys.readouterr().err
    assert f"showing the first {TERMINAL_ROWS:,} of {n:,} rows" in said
    assert "kg query big -p x=1 --format csv -o answer.csv" in said


def test_a_big_table_in_a_pipe_or_a_file_has_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    n = TERMINAL_ROWS + 5
    table = Table(["number"], [(Cell("literal", f"row {i}"),) for i in range(n)])
    assert not sys.stdout.isatty()
    emit_answer(table, "table", None)
    captured = capsys.readouterr()
    assert f"row {n - 1}" in captured.out and "showing" not in captured.err


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_small_table_at_a_terminal_is_whole(capsys: pytest.CaptureFixture[str]) -> None:
    table = Table(["number"], [(Cell("literal", f"row {i}"),) for i in range(TERMINAL_ROWS)])
    shown = _on_a_terminal(table)
    assert f"row {TERMINAL_ROWS - 1}\n" in shown and "showing" not in capsys.readouterr().err
