"""Render query results as a text table, CSV, TSV, JSON or Markdown, and write files atomically.

CSV follows RFC 4180; JSON is a list of objects (column → value, ``null`` when unbound).
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
import unicodedata
from pathlib import Path

from kg import iris
from kg.choices import TABLE_FORMATS
from kg.store import Cell, Table

__all__ = ["FORMATS", "render_table", "shorten", "write_text_atomic"]

#: The formats a SELECT result can be written in (the list lives in :mod:`kg.choices`).
FORMATS = TABLE_FORMATS


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


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_table(table: Table, fmt: str) -> str:
    """Render a SELECT result.

    Parameters
    ----------
    table : Table
        The rows.
    fmt : {'table', 'csv', 'tsv', 'json', 'markdown'}
        ``table`` and ``markdown`` compact IRIs for reading; ``csv``, ``tsv`` and
        ``json`` keep full IRIs for further processing.

    Examples
    --------
    >>> t = Table(["model", "fit"], [(Cell("literal", "TFA SDT"), Cell("literal", "appropriate"))])
    >>> print(render_table(t, "markdown"))
    | model | fit |
    |---|---|
    | TFA SDT | appropriate |
    """
    if fmt == "json":
        return json.dumps(
            [{c: (None if v is None else v.value) for c, v in zip(table.columns, row)} for row in table.rows],
            ensure_ascii=False,
            indent=2,
        ) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow(["" if v is None else _one_line(v.value) if fmt == "tsv" else v.value for v in row])
        return buf.getvalue()
    cells: list[list[str]] = [[_one_line(shorten(v)) for v in row] for row in table.rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines)
    if fmt == "table":
        widths = [_width(c) for c in table.columns]
        for cell_row in cells:
            widths = [max(w, _width(c)) for w, c in zip(widths, cell_row)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(table.columns, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(_pad(c, w) for c, w in zip(cell_row, widths)).rstrip() for cell_row in cells]
        return "\n".join(lines)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
