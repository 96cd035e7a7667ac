"""Render query results as a text table, CSV, TSV, JSON or Markdown, and write files atomically.

CSV follows RFC 4180; JSON is a list of objects (column → value, ``null`` when unbound).
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from pathlib import Path

from kg import iris
from kg.store import Cell, Table

__all__ = ["FORMATS", "render_table", "render_xlsx", "shorten", "write_text_atomic", "write_bytes_atomic"]

#: The formats a SELECT result can be written in.
FORMATS = ("table", "csv", "tsv", "json", "markdown")


def shorten(cell: Cell | None) -> str:
    """A readable form of a value: IRIs of known namespaces are compacted.

    Examples
    --------
    >>> shorten(Cell("iri", "https://w3id.org/jsi-ecom/id/member/CIV"))
    'member:CIV'
    >>> shorten(Cell("iri", "https://w3id.org/jsi-ecom/id/obs/x-2019"))
    'obs/x-2019'
    >>> shorten(Cell("iri", "https://w3id.org/jsi-ecom/ontology#Member"))
    'jsi:Member'
    >>> shorten(None)
    ''
    """
    if cell is None:
        return ""
    if cell.kind != "iri":
        return cell.value
    best = max(
        ((prefix, ns) for prefix, ns in iris.PREFIXES.items() if cell.value.startswith(ns) and prefix != "id"),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best is not None:
        return f"{best[0]}:{cell.value[len(best[1]):]}"
    if cell.value.startswith(iris.ID):
        return cell.value[len(iris.ID):]
    return cell.value


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
    from kg.formats import fit_table, neutralise, terminal_width
    from kg.headers import header

    if fmt == "json":
        return json.dumps(
            [{c: (None if v is None else v.value) for c, v in zip(table.columns, row)} for row in table.rows],
            ensure_ascii=False,
            indent=2,
        ) + "\n"
    headers = [header(c, lang) for c in table.columns]
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(["" if v is None else neutralise(_one_line(v.value) if fmt == "tsv" else v.value) for v in row])
        return ("\ufeff" if bom else "") + buf.getvalue()
    cells: list[list[str]] = [[_one_line(shorten(v)) for v in row] for row in table.rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    if fmt == "table":
        return fit_table(headers, cells, None if wide else (width or terminal_width()))
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_xlsx(table: Table, *, lang: str = "en", title: str = "answer", notes: tuple[str, ...] = ()) -> bytes:
    """A SELECT result as an Excel workbook (.xlsx): IRIs compacted, headers in ``lang``."""
    from kg.formats import xlsx_bytes
    from kg.headers import header

    rows = [[None if v is None else shorten(v) for v in row] for row in table.rows]
    return xlsx_bytes([header(c, lang) for c in table.columns], rows, title=title, notes=notes)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes (an .xlsx) like :func:`write_text_atomic`: through a temporary file and a rename."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary file and a rename: readers never see half a file."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    # A new unique name opened with "x" gets the usual permissions (umask), unlike mkstemp's 0600.
    tmp = directory / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
