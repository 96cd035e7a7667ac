"""Render query results as a text table, CSV, TSV, JSON or Markdown, and write them safely.

CSV follows RFC 4180; JSON is a list of objects (column → value, ``null`` when unbound).
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

from kg import iris
from kg.choices import TABLE_FORMATS
from kg.errors import OutputError, UsageError
from kg.store import Cell, Table

__all__ = ["FORMATS", "cell_text", "render_table", "render_xlsx", "write_text_atomic", "write_bytes_atomic",
           "write_stdout", "silence_stdout"]

#: The formats a SELECT result can be written in (the list lives in :mod:`kg.choices`).
FORMATS = TABLE_FORMATS


def cell_text(cell: Cell | None) -> str:
    """A value as a table shows it: IRIs compacted (:func:`kg.iris.compact`), literals as they are.

    Examples
    --------
    >>> cell_text(Cell("iri", "https://w3id.org/jsi-ecom/id/member/CIV"))
    'member:CIV'
    >>> cell_text(Cell("literal", "Kenya", lang="en"))
    'Kenya'
    >>> cell_text(None)
    ''
    """
    if cell is None:
        return ""
    return iris.compact(cell.value) if cell.kind == "iri" else cell.value


def render_table(table: Table, fmt: str, *, width: int | None = None, wide: bool = False, lang: str = "en",
                 bom: bool = False) -> str:
    """Render a SELECT result.

    Parameters
    ----------
    table : Table
        The rows.
    fmt : {'table', 'csv', 'tsv', 'json', 'markdown'}
        ``table`` and ``markdown`` compact IRIs for reading; ``csv``, ``tsv`` and
        ``json`` keep full IRIs for further processing. (``xlsx`` is bytes: see
        :func:`render_xlsx`.)
    width : int, optional
        ``table``: the width to fit to (default: the terminal's, 100 when not a terminal;
        see :mod:`kg.formats`).
    wide : bool
        ``table``: every cell in full, whatever the width.
    lang : str
        Language of the column headers (en, fr, es) of ``table`` and ``markdown``; the
        machine formats (csv, tsv, json) keep the query's own column names.
    bom : bool
        ``csv``/``tsv``: start with a UTF-8 byte order mark, for Excel.

    CSV and TSV cells that a spreadsheet would read as a formula are neutralised
    (:func:`kg.formats.neutralise`).

    Examples
    --------
    >>> t = Table(["model", "fit"], [(Cell("literal", "TFA SDT"), Cell("literal", "appropriate"))])
    >>> print(render_table(t, "markdown"))
    | model | fit |
    |---|---|
    | TFA SDT | appropriate |
    >>> print(render_table(t, "markdown", lang="fr"))
    | modèle | adéquation |
    |---|---|
    | TFA SDT | appropriate |
    """
    from kg.formats import FORMULA_STARTS, fit_table, neutralise, terminal_width
    from kg.words import header

    if fmt == "json":
        return json.dumps(
            [{c: (None if v is None else v.value) for c, v in zip(table.columns, row)} for row in table.rows],
            ensure_ascii=False,
            indent=2,
        ) + "\n"
    headers = [header(c, lang) for c in table.columns]
    if fmt in ("csv", "tsv"):
        import csv  # only for these formats: kept off the start of every command

        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        if fmt == "tsv":
            writer.writerows([["" if v is None else neutralise(_one_line(v.value)) for v in row] for row in table.rows])
        else:  # one pass, neutralise called only on a cell that may need it: 12 -> 5 µs a row of 4 (issue 15)
            writer.writerows([["" if v is None else v.value if not v.value or v.value[0] not in FORMULA_STARTS
                               else neutralise(v.value) for v in row] for row in table.rows])
        return ("\ufeff" if bom else "") + buf.getvalue()
    cells: list[list[str]] = [[_one_line(cell_text(v)) for v in row] for row in table.rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    if fmt == "table":
        return fit_table(headers, cells, None if wide else (width or terminal_width()))
    raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_xlsx(table: Table, *, lang: str = "en", title: str = "answer", notes: tuple[str, ...] = ()) -> bytes:
    """A SELECT result as an Excel workbook (.xlsx): IRIs compacted, headers in ``lang``."""
    from kg.formats import xlsx_bytes
    from kg.words import header

    rows = [[None if v is None else cell_text(v) for v in row] for row in table.rows]
    return xlsx_bytes([header(c, lang) for c in table.columns], rows, title=title, notes=notes)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _temporary_name(directory: Path, name: str) -> Path:
    """A new name beside ``name`` in ``directory`` for a file being written, unique to this write."""
    import secrets  # only when a file is written: it pulls in hmac and hashlib, a few ms at every start

    return directory / f".{name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes (an .xlsx) like :func:`write_text_atomic`: through a temporary file and a rename."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_name(directory, path.name)
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _written_in_place(path: Path) -> bool:
    """True for what must not be replaced: a device, a FIFO, a socket, /dev/stdout and the like."""
    name = str(path)
    if name.startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text to a file so that nothing is lost or half-written.

    * ``-`` is standard output.
    * A regular file (or a new one) is written to a temporary file in the same folder and
      renamed over it: readers never see half a file, and a failed write leaves the old one.
    * A symbolic link is followed: its target is replaced that way, the link stays.
    * Anything else (``/dev/null``, ``/dev/stdout``, a named pipe, a terminal) is written in
      place, never replaced.

    Raises
    ------
    OutputError
        The file cannot be written (one line: the file and the reason).
    """
    path = Path(path)
    try:
        if str(path) == "-":
            write_stdout(text)
            return
        if _written_in_place(path):
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            return
        _replace_atomically(Path(os.path.realpath(path)), text)
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc


def _replace_atomically(path: Path, text: str) -> None:
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    # A new unique name opened with "x" gets the usual permissions (umask), unlike mkstemp's 0600.
    tmp = _temporary_name(directory, path.name)
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            fh.write(text)
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))  # keep the replaced file's permissions
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_stdout(text: str) -> None:
    """Write text to standard output and flush it, so that a full disk or a closed pipe is
    an :class:`OSError` here (and not a traceback when Python exits)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError:
        silence_stdout()
        raise


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
