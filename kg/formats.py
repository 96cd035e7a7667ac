"""Answers a person can read: tables that fit the terminal, CSV that Excel opens safely, .xlsx.

* Text tables are fitted to a width (the terminal's, or 100 columns when the output is not
  a terminal): long cells wrap, a row too wide for columns side by side is shown as a
  record (one ``column: value`` line each, like psql's expanded display).
* CSV follows RFC 4180; with ``bom`` it starts with a UTF-8 byte order mark so that Excel
  reads accents right. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is neutralised with a leading apostrophe (OWASP "CSV injection"), unless
  it is a number.
* .xlsx is written with openpyxl (Office Open XML, ECMA-376); every cell is a string cell,
  so no value is ever read as a formula.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence

__all__ = [
    "DEFAULT_WIDTH",
    "terminal_width",
    "fit_table",
    "neutralise",
    "FORMULA_STARTS",
    "xlsx_bytes",
    "display_width",
]

#: Width of a text table when the output is not a terminal (a pipe, a file, a test).
DEFAULT_WIDTH = 100
#: Narrowest a column is made before the table turns into records.
_MIN_COLUMN = 8
#: A cell wraps to at most this many lines; the last one ends with "…" when cut.
_MAX_LINES = 6
_GAP = "  "

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def terminal_width() -> int:
    """The width to fit tables to: the terminal's when standard output is one, else 100.

    ``COLUMNS`` in the environment wins (as for ``shutil.get_terminal_size``).

    Examples
    --------
    >>> import os; os.environ["COLUMNS"] = "80"; terminal_width()
    80
    >>> del os.environ["COLUMNS"]
    """
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return max(40, int(env))
    try:
        if sys.stdout.isatty():
            import shutil  # only on a terminal: it pulls in the compression modules, a few ms at start

            return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def display_width(text: str) -> int:
    """Columns a text takes in a terminal (wide East Asian characters count two)."""
    if text.isascii():
        return len(text)
    import unicodedata  # not for ASCII text: an extension module to load

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending with "…" when something was cut."""
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out.rstrip() + "…"


def _wrap(text: str, width: int, max_lines: int = _MAX_LINES) -> list[str]:
    if not text:
        return [""]
    import textwrap  # only when a cell wraps

    lines = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    lines = [_cut(line, width) for line in lines]  # wide characters can still overflow
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_cut(lines[max_lines - 1] + " " + lines[max_lines], width)]
        if not lines[-1].endswith("…"):
            lines[-1] = _cut(lines[-1] + " …", width)
    return lines


def _allocate(natural: Sequence[int], wanted: Sequence[int], available: int) -> list[int] | None:
    """Widths for columns of these natural widths within ``available`` columns, or None.

    Each column first gets what it wants at least (its longest word, its header; capped),
    then a column whose full text fits in its fair share (``available`` / columns) gets it
    whole, shortest first, so a short name never wraps while a long column takes the room;
    what is left then goes to the columns still too narrow, in proportion to what they lack.
    None when the columns cannot each get ``_MIN_COLUMN`` characters.

    Examples
    --------
    >>> _allocate([4, 50, 30], [4, 10, 8], 60)
    [4, 35, 21]
    >>> _allocate([15, 8, 11, 11, 120], [11, 8, 11, 11, 24], 92)  # "Traditional SDT" stays on one line
    [15, 8, 11, 11, 47]
    """
    widths = [min(n, w) for n, w in zip(natural, wanted)]
    if sum(min(w, _MIN_COLUMN) for w in widths) > available:
        return None
    while sum(widths) > available:  # the widest give way first, down to _MIN_COLUMN
        i = max(range(len(widths)), key=lambda k: (widths[k], -k))
        widths[i] -= 1
    left = available - sum(widths)
    fair = available // len(widths)
    for i in sorted(range(len(widths)), key=lambda k: (natural[k] - widths[k], k)):
        lack = natural[i] - widths[i]
        if 0 < lack <= left and natural[i] <= fair:
            widths[i] += lack
            left -= lack
    while left > 0:
        lacking = {i: natural[i] - w for i, w in enumerate(widths) if natural[i] > w}
        if not lacking:
            break
        total = sum(lacking.values())
        given = 0
        for i, lack in lacking.items():
            extra = min(lack, left * lack // total)
            widths[i] += extra
            given += extra
        if given == 0:  # rounding: one character at a time to the neediest
            i = max(lacking, key=lambda k: (lacking[k], -k))
            widths[i] += 1
            given = 1
        left -= given
    return widths


def _wanted(header: str, cells: Sequence[str]) -> int:
    """The width a column should not go under: its longest word (≤ 24) and its header (≤ 14)."""
    longest = max((display_width(w) for c in cells for w in c.split()), default=0)
    return max(min(longest, 24), min(display_width(header), 14), 4)


def fit_table(columns: Sequence[str], cells: Sequence[Sequence[str]], width: int | None) -> str:
    """A text table of these header and cells, every line at most ``width`` columns.

    ``width=None`` gives the full table whatever its width (``--wide``). When columns side
    by side would be narrower than 8 characters, each row is printed as a record instead.

    Examples
    --------
    >>> print(fit_table(["a", "b"], [["x", "one two three four"]], 12))
    a  b
    -  ---------
    x  one two
       three
       four
    <BLANKLINE>
    >>> print(fit_table(["name", "what"], [["Kenya", "yes"]], 40))
    name   what
    -----  ----
    Kenya  yes
    """
    natural = [display_width(c) for c in columns]
    for row in cells:
        natural = [max(w, display_width(c)) for w, c in zip(natural, row)]
    gaps = len(_GAP) * (len(columns) - 1)
    if width is None or sum(natural) + gaps <= width:
        lines = [_GAP.join(_pad(c, w) for c, w in zip(columns, natural)).rstrip()]
        lines.append(_GAP.join("-" * w for w in natural))
        lines += [_GAP.join(_pad(c, w) for c, w in zip(row, natural)).rstrip() for row in cells]
        return "\n".join(lines)
    wanted = [_wanted(h, [row[i] for row in cells]) for i, h in enumerate(columns)]
    widths = _allocate(natural, wanted, width - gaps)
    if widths is None:
        return _records(columns, cells, width)
    lines = _row_lines(columns, widths, max_lines=2)
    lines.append(_GAP.join("-" * w for w in widths))
    wrapped = False
    for n, row in enumerate(cells):
        row_lines = _row_lines(row, widths)
        if wrapped or len(row_lines) > 1:
            if n > 0:
                lines.append("")
            wrapped = True
        lines += row_lines
    return "\n".join(lines) + ("\n" if wrapped else "")


def _row_lines(row: Sequence[str], widths: Sequence[int], max_lines: int = _MAX_LINES) -> list[str]:
    parts = [_wrap(c, w, max_lines) for c, w in zip(row, widths)]
    height = max(len(p) for p in parts)
    return [
        _GAP.join(_pad(p[i] if i < len(p) else "", w) for p, w in zip(parts, widths)).rstrip() for i in range(height)
    ]


def _records(columns: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    """Each row as a block of ``column  value`` lines (for answers with many columns)."""
    label = min(max(display_width(c) for c in columns), max(8, width // 4))
    value_width = max(10, width - label - len(_GAP))
    blocks = []
    for n, row in enumerate(cells, 1):
        head = f"── {n}/{len(cells)} "
        lines = [head + "─" * max(0, min(width, 60) - display_width(head))]
        for c, v in zip(columns, row):
            wrapped = _wrap(v, value_width, max_lines=_MAX_LINES * 2)
            lines.append(_pad(_cut(c, label), label) + _GAP + wrapped[0])
            lines += [" " * (label + len(_GAP)) + rest for rest in wrapped[1:]]
        blocks.append("\n".join(line.rstrip() for line in lines))
    return "\n".join(blocks) if blocks else _GAP.join(columns)


#: The first characters that make a spreadsheet read a cell as a formula (:func:`neutralise`).
FORMULA_STARTS = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (OWASP "CSV injection").

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-0.5"), neutralise("@SUM(A1)"), neutralise("Kenya")
    ('\\'=HYPERLINK("http://x")', '-0.5', "'@SUM(A1)", 'Kenya')
    """
    if value and value[0] in FORMULA_STARTS and not _NUMBER.match(value):
        return "'" + value
    return value


def xlsx_bytes(columns: Sequence[str], rows: Sequence[Sequence[str | None]], *, title: str = "answer",
               notes: Sequence[str] = ()) -> bytes:
    """An Excel workbook (.xlsx) of one sheet: a bold header row, then the rows as text cells.

    ``notes`` (the question, the command that reproduces it, the sources) go to a second
    sheet "about". Every value is written as a string cell, never as a formula, and the
    file carries a fixed creation date so that the same answer gives the same bytes.
    """
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    fixed = datetime.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "kg"
    ws = wb.active
    ws.title = _sheet_title(title)
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c)
            if value is None:
                continue
            cell.value = _xml_safe(value)
            cell.data_type = "s"  # text, even when it starts with '=': never a formula
    for c, name in enumerate(columns, 1):
        longest = max([len(name)] + [len(str(row[c - 1] or "")) for row in rows[:200]])
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, longest + 2))
        if longest > 60:
            for (cell,) in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if notes:
        about = wb.create_sheet("about")
        for line in notes:
            about.append([_xml_safe(line)])
            about.cell(row=about.max_row, column=1).data_type = "s"
        about.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_dates(buf.getvalue())


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "answer"
    return cleaned[:31]


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value: str) -> str:
    """XML 1.0 cannot hold most control characters: drop them."""
    return _ILLEGAL.sub("", value)


def _fixed_zip_dates(data: bytes) -> bytes:
    """Rewrite the zip with a fixed date on every entry and in its properties: same answer, same bytes.

    openpyxl stamps ``dcterms:modified`` of ``docProps/core.xml`` with the time of saving,
    whatever the workbook says: it is set back to the fixed date here.
    """
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                                 content)
            dst.writestr(fixed, content)
    return out.getvalue()
