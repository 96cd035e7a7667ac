"""Read a filled-in sheet (CSV, RFC 4180, or Excel .xlsx via openpyxl) and write empty templates.

A row whose first cell starts with ``#`` is a comment (the template's documentation and its
example row are comments, so an untouched template imports nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from kg.dataentry.kinds import KindSpec
from kg.errors import DataError

__all__ = ["Row", "Sheet", "SheetProblem", "read_sheet", "template_csv", "write_template", "split_list", "FORMATS"]

FORMATS = (".csv", ".xlsx")


@dataclass(frozen=True)
class Row:
    """One data row: where it is (row number in the sheet) and its cells by column name."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """A read sheet: its file, its columns (in order) and its data rows."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """'file, row 4, column C (sponsors)' for an error message."""
        parts = [str(self.path)]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            if self.path.suffix.lower() == ".xlsx" and column in self.columns:
                parts.append(f"column {_letter(self.columns.index(column))} ({column})")
            else:
                parts.append(f"column {column}")
        return ", ".join(parts)


class SheetProblem(DataError):
    """A sheet that cannot be read as one of the kinds."""


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header(name: object) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", "_").split())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _raw_rows(path: Path) -> list[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SheetProblem(f"{path}: not UTF-8 text (byte {exc.start}); save the sheet as 'CSV UTF-8'") from exc
        except OSError as exc:
            raise SheetProblem(f"{path}: cannot read it ({exc.strerror})") from exc
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[tuple[int, list[str]]] = []
        try:
            start = 1
            for record in reader:
                rows.append((start, [_cell(c) for c in record]))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise SheetProblem(f"{path}, row {start}: not valid CSV ({exc})") from exc
        return rows
    if suffix == ".xlsx":
        import zipfile

        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise SheetProblem(f"{path}: cannot read it as an Excel workbook ({exc})") from exc
        try:
            sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
            return [(i, [_cell(c) for c in values]) for i, values in enumerate(sheet.iter_rows(values_only=True), 1)]
        finally:
            book.close()
    raise SheetProblem(f"{path}: a sheet must be .csv or .xlsx, not {suffix or 'a file without extension'!r}")


def read_sheet(path: Path, spec: KindSpec) -> Sheet:
    """Read the sheet at ``path`` as rows of ``spec``.

    Raises
    ------
    SheetProblem
        Unreadable file, no header, unknown or missing columns.
    """
    raw = [(n, cells) for n, cells in _raw_rows(path) if any(cells) and not cells[0].startswith("#")]
    if not raw:
        raise SheetProblem(f"{path}: no header row; the first row names the columns: {', '.join(spec.names)} "
                           f"('kg add --template {spec.name}' writes one)")
    _, header_cells = raw[0]
    columns = tuple(_header(c) for c in header_cells)
    while columns and not columns[-1]:
        columns = columns[:-1]
    unknown = [c for c in columns if c not in spec.names]
    if unknown:
        raise SheetProblem(f"{path}, row {raw[0][0]}: unknown column {unknown[0]!r} for a {spec.name}; "
                           f"the columns are: {', '.join(spec.names)}")
    missing = [c.name for c in spec.columns if c.required and c.name not in columns]
    if missing:
        raise SheetProblem(f"{path}, row {raw[0][0]}: the column {missing[0]!r} is missing; a {spec.name} sheet "
                           f"needs {', '.join(c.name for c in spec.columns if c.required)}")
    seen = set()
    for c in columns:
        if c in seen:
            raise SheetProblem(f"{path}, row {raw[0][0]}: the column {c!r} appears twice")
        seen.add(c)
    rows = []
    for number, cells in raw[1:]:
        extra = [v for v in cells[len(columns):] if v]
        if extra:
            raise SheetProblem(f"{path}, row {number}: a value {extra[0]!r} stands outside the named columns")
        rows.append(Row(number, {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns)}))
    return Sheet(path, columns, tuple(rows))


def _doc_lines(spec: KindSpec) -> list[str]:
    lines = [f"kg add {spec.name}: {spec.summary}.",
             "Rows starting with # are comments (this text and the example row): they are not imported."]
    for c in spec.columns:
        lines.append(f"{c.name} ({'required' if c.required else 'optional'}): {c.help}")
    return lines


def template_csv(spec: KindSpec) -> str:
    """The CSV template: documentation as comment rows, the header, a commented example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in _doc_lines(spec):
        writer.writerow(["# " + line])
    writer.writerow(spec.names)
    example = [c.example for c in spec.columns]
    example[0] = "# example: " + example[0]
    writer.writerow(example)
    return out.getvalue()


def write_template(spec: KindSpec, path: Path) -> None:
    """Write an empty sheet of ``spec`` at ``path`` (.csv or .xlsx), atomically."""
    from kg.output import write_text_atomic

    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_text_atomic(path, template_csv(spec))
        return
    if suffix != ".xlsx":
        raise SheetProblem(f"{path}: a template is written as .csv or .xlsx, not {suffix or 'no extension'!r}")
    import os
    import secrets

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    data = book.active
    data.title = "data"
    data.append(list(spec.names))
    example = [c.example for c in spec.columns]
    example[0] = "# example: " + example[0]
    data.append(example)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(spec.columns):
        data.column_dimensions[_letter(i)].width = max(14, len(c.name) + 4)
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "required", "what it takes"])
    for c in spec.columns:
        help_sheet.append([c.name, "yes" if c.required else "no", c.help])
    help_sheet.append([])
    for line in _doc_lines(spec)[:2]:
        help_sheet.append([line])
    help_sheet.column_dimensions["C"].width = 100
    # Fixed document properties: the same template gives the same bytes' content each time.
    book.properties.creator = "kg"
    book.properties.created = book.properties.modified = dt.datetime(2024, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def split_list(value: str) -> list[str]:
    """'Kenya; Côte d'Ivoire' → ['Kenya', "Côte d'Ivoire"] (';' separates, empty parts dropped)."""
    return [part.strip() for part in value.split(";") if part.strip()]
