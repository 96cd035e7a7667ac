"""Output a person can read: every catalogue answer fits 100 columns, CSV/xlsx safe for Excel, headers translated."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import pytest

from kg.catalogue import list_queries
from kg.formats import display_width, fit_table, neutralise
from kg.project import Project
from kg.output import render_table, render_xlsx
from kg.store import Cell, Table

QUERIES = list_queries(Project(__import__("pathlib").Path(__file__).resolve().parent.parent))


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_catalogue_answer_fits_100_columns(invoke: Callable[..., Any], query: Any) -> None:
    args = ["query", query.name]
    for p in query.parameters:
        if p.required and p.kind != "lang":
            args += ["-p", f"{p.name}={p.example}"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines, query.name
    assert max(display_width(line) for line in lines) <= 100, query.name


def test_wide_keeps_every_cell_whole(invoke: Callable[..., Any]) -> None:
    narrow = invoke("query", "agreement-support", "-p", "member=Brazil").stdout
    wide = invoke("query", "agreement-support", "-p", "member=Brazil", "--wide").stdout
    assert max(map(len, narrow.splitlines())) <= 100 < max(map(len, wide.splitlines()))
    assert "INF/ECOM/87 (26 July 2024), footnote 1" in wide


def test_fit_table_wraps_and_cuts() -> None:
    text = fit_table(["a", "b"], [["short", "word " * 200]], 40)
    lines = text.splitlines()
    assert max(map(display_width, lines)) <= 40
    assert lines[-1].rstrip().endswith("…")  # a very long cell is cut after a few lines


def test_csv_neutralises_formulas_and_keeps_accents() -> None:
    t = Table(["name", "n"], [(Cell("literal", "=HYPERLINK(\"http://x\",\"y\")"), Cell("literal", "-1.5")),
                              (Cell("literal", "Côte d'Ivoire"), Cell("literal", "@SUM(A1)"))])
    text = render_table(t, "csv", bom=True)
    assert text.startswith("\ufeffname,n\n")
    assert "'=HYPERLINK" in text and ",-1.5" in text and "'@SUM(A1)" in text and "Côte d'Ivoire" in text
    assert neutralise("+1") == "+1" and neutralise("+cmd") == "'+cmd" and neutralise("-x") == "'-x"


def test_xlsx_is_text_never_a_formula_and_deterministic() -> None:
    import openpyxl

    t = Table(["member", "note"], [(Cell("iri", "https://w3id.org/jsi-ecom/id/member/CIV"), Cell("literal", "=1+1"))])
    data = render_xlsx(t, lang="fr", title="test", notes=("question: test",))
    time.sleep(1.1)  # openpyxl stamps the time of saving (to the second): the bytes must not change
    assert data == render_xlsx(t, lang="fr", title="test", notes=("question: test",))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["test"]
    assert [c.value for c in sheet[1]] == ["Membre", "note"]
    assert sheet["A2"].value == "member:CIV"
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
    assert book["about"]["A1"].value == "question: test"


def test_lang_translates_headers(invoke: Callable[..., Any]) -> None:
    fr = invoke("query", "groups-of-member", "-p", "member=Kenya", "--lang", "fr").stdout.splitlines()[0]
    es = invoke("query", "groups-of-member", "-p", "member=Kenya", "--lang", "es").stdout.splitlines()[0]
    assert fr.split()[:2] == ["groupe", "rôle"] and es.split()[:2] == ["grupo", "función"]


def test_xlsx_format_on_the_command_line(invoke: Callable[..., Any], tmp_path: Any) -> None:
    import openpyxl

    out = tmp_path / "a.xlsx"
    result = invoke("query", "group-members", "-p", "group=African Group", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "member" and any(r[0] == "Côte d'Ivoire" for r in rows[1:])


@pytest.mark.parametrize("name", ["EU", "LDC", "ACP", "African Group"])
def test_group_names_resolve_where_an_actor_is_asked(invoke: Callable[..., Any], name: str) -> None:
    result = invoke("query", "proposals-of-member", "-p", f"member={name}", "--format", "csv")
    assert result.exit_code == 0, result.output
