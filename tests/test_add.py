"""kg add: sheets (CSV and Excel) → citation graphs in graph_data/, checked against the whole graph.

The end-to-end test runs the real commands as subprocesses on a copy of the project
(KG_HOME): a filled-in template, then 'kg add' and 'kg build', then 'kg query'.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from kg.cli import cli
from kg.dataentry.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["symbol", "kind", "date", "title", "sponsors", "element", "column", "issues", "citation", "locator",
          "certainty", "certainty_note"]


def _copy_project(dest: Path) -> Path:
    for part in ("ontology", "queries", "graph_data"):
        shutil.copytree(ROOT / part, dest / part)
    return dest


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _snapshot(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.trig"))}


@pytest.fixture()
def kg_copy(tmp_path: Path, built_dir: Path) -> Callable[..., Result]:
    """A copy of the project, names resolved in the session's built graph: run('add', ...)."""
    home = _copy_project(tmp_path / "home")
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), env={"KG_HOME": str(home), "KG_BUILD_DIR": str(built_dir)})

    run.home = home  # type: ignore[attr-defined]
    return run


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_document_every_column_and_import_nothing(kg_copy, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    for name in (f"{kind}.csv", f"{kind}.xlsx"):
        out = tmp_path / name
        result = kg_copy("add", "--template", kind, "-o", str(out))
        assert result.exit_code == 0, result.output
        if name.endswith(".xlsx"):
            book = openpyxl.load_workbook(out)
            header = [c.value for c in book["data"][1]]
            assert header == list(KINDS[kind].names)
            assert str(book["data"]["A2"].value).startswith("# example: ")
            documented = [row[0].value for row in book["columns"].iter_rows(min_row=2) if row[0].value]
            assert set(KINDS[kind].names) <= set(documented)
        else:
            text = out.read_text(encoding="utf-8")
            for column in KINDS[kind].columns:
                assert f"# {column.name} (" in text
        before = _snapshot(kg_copy.home / "graph_data")
        result = kg_copy("add", kind, str(out))
        assert result.exit_code == 0, result.output
        assert "nothing new" in result.output
        assert _snapshot(kg_copy.home / "graph_data") == before


def test_template_to_stdout_and_usage_errors(kg_copy) -> None:  # type: ignore[no-untyped-def]
    result = kg_copy("add", "--template", "stance")
    assert result.exit_code == 0 and "member,target,stance,statement,date,citation" in result.output
    assert kg_copy("add", "document").exit_code == 2
    assert kg_copy("add", "dokument", "x.csv").exit_code == 2
    assert kg_copy("add", "--template", "document", "-o", "x.ods").exit_code == 1


# ---------------------------------------------------------------- errors


def test_a_broken_row_names_its_cells_and_changes_nothing(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = _write_csv(tmp_path / "bad.csv", HEADER, [
        ["INF/ECOM/901", "communication", "2024-03-01", "ok", "Kenya; Côte d'Ivoire", "A", "capacity-building",
         "D.3.1", "INF/ECOM/901", "cover", "high", ""],
        ["INF/ECOM/902", "communication", "2024-13-01", "bad", "Kenya; Narnia", "B", "capacity-buildin", "Z.9",
         "INF/ECOM/902", "cover", "medium", ""],
    ])
    before = _snapshot(kg_copy.home / "graph_data")
    result = kg_copy("add", "document", str(sheet))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert errors == [line for line in errors if "bad.csv, row 3, column " in line]
    assert any("column date: '2024-13-01' is not a date" in e for e in errors)
    assert any("column sponsors: 'Narnia'" in e and "Did you mean" in e for e in errors)
    assert any("column column: 'capacity-buildin'" in e for e in errors)
    assert any("column issues: 'Z.9'" in e for e in errors)
    assert any("column certainty_note: empty" in e for e in errors)
    assert _snapshot(kg_copy.home / "graph_data") == before  # row 2 was fine, yet nothing is written


def test_xlsx_errors_name_the_column_letter(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["INF/ECOM/903", "communication", "2024", "", "Atlantis", "", "", "", "INF/ECOM/903", "p. 1",
                        "high", ""])
    book.save(path)
    result = kg_copy("add", "document", str(path))
    assert result.exit_code == 1
    assert "bad.xlsx, row 2, column E (sponsors): 'Atlantis'" in result.output


def test_unknown_and_missing_columns_are_refused(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = _write_csv(tmp_path / "c.csv", ["member", "grop", "citation", "locator", "certainty"], [["Kenya", "FED", "x", "y", "high"]])
    result = kg_copy("add", "membership", str(bad))
    assert result.exit_code == 1 and "unknown column 'grop'" in result.output
    bad = _write_csv(tmp_path / "d.csv", ["member", "group", "locator", "certainty"], [["Kenya", "FED", "y", "high"]])
    result = kg_copy("add", "membership", str(bad))
    assert result.exit_code == 1 and "the column 'citation' is missing" in result.output


# ---------------------------------------------------------------- duplicates, conflicts, determinism


def test_nothing_new_is_reported_not_duplicated(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = ["member", "role", "date", "citation", "locator", "certainty"]
    # Albania's 2017 signature is already in participation.trig (its membership IRI and date)
    sheet = _write_csv(tmp_path / "p.csv", header, [["Albania", "signatory-2017", "2017-12-13", "WT/MIN(17)/60", "list", "high"],
                                                    ["Albania", "signatory-2017", "2017-12-13", "WT/MIN(17)/60", "list", "high"]])
    before = _snapshot(kg_copy.home / "graph_data")
    result = kg_copy("add", "participation", str(sheet))
    assert result.exit_code == 0, result.output
    assert "p.csv, row 2: nothing new" in result.output and "p.csv, row 3: nothing new" in result.output
    assert _snapshot(kg_copy.home / "graph_data") == before


def test_a_stale_row_cannot_overwrite_a_newer_fact(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [["INF/ECOM/904", "communication", "2024-05-02", "t", "Kenya", "E", "cooperation", "", "INF/ECOM/904", "p. 1", "high", ""]]
    assert kg_copy("add", "document", str(_write_csv(tmp_path / "new.csv", HEADER, rows))).exit_code == 0
    added = kg_copy.home / "graph_data" / "added-document.trig"
    newer = added.read_bytes()
    rows[0][2] = "2024-04"  # an older copy of the sheet
    stale = _write_csv(tmp_path / "old.csv", HEADER, rows)
    result = kg_copy("add", "document", str(stale))
    assert result.exit_code == 1
    assert "old.csv, row 2, column date: '2024-04' conflicts with '2024-05-02'" in result.output
    assert added.read_bytes() == newer
    # explicitly replaced: the old value goes, the new one comes
    assert kg_copy("add", "document", str(stale), "--replace").exit_code == 0
    text = added.read_text(encoding="utf-8")
    assert '"2024-04"^^xsd:gYearMonth' in text and "2024-05-02" not in text


def test_a_hand_written_fact_is_never_replaced(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # documents.trig (hand-written) dates JOB/GC/177 to 2018-04-12
    rows = [["JOB/GC/177", "proposal", "2017", "", "Japan", "", "", "", "JOB/GC/177", "p. 1", "high", ""]]
    result = kg_copy("add", "document", str(_write_csv(tmp_path / "j.csv", HEADER, rows)), "--replace")
    assert result.exit_code == 1
    assert "kg add did not write graph_data/documents.trig" in result.output


def test_same_rows_same_bytes_in_any_order(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = ["member", "target", "stance", "statement", "date", "citation", "locator", "certainty", "certainty_note"]
    rows = [["Kenya", "INF/ECOM/87", "supported", "", "2024-07-26", "https://example.org/a", "para. 2", "medium", "news"],
            ["Chile", "INF/ECOM/87", "position", "wants more", "2024-07", "https://example.org/b", "p. 3", "high", ""]]
    added = kg_copy.home / "graph_data" / "added-stance.trig"
    shipped = added.read_bytes() if added.exists() else None
    assert kg_copy("add", "stance", str(_write_csv(tmp_path / "a.csv", header, rows))).exit_code == 0
    first = added.read_bytes()
    if shipped is None:
        added.unlink()
    else:
        added.write_bytes(shipped)
    assert kg_copy("add", "stance", str(_write_csv(tmp_path / "b.csv", header, rows[::-1]))).exit_code == 0
    assert added.read_bytes() == first
    text = first.decode("utf-8")
    assert "    member:KEN\n        jsi:supportedText doc:INF-ECOM-87 ." in text
    assert 'jsi:certaintyNote "news"@en' in text


def test_membership_and_concern_rows(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    m = _write_csv(tmp_path / "m.csv", ["member", "group", "since", "until", "citation", "locator", "certainty"],
                   [["Bénin", "FED", "2017-12", "2019", "A made-up roster", "p. 1", "high"]])
    result = kg_copy("add", "membership", str(m))
    assert result.exit_code == 0, result.output
    text = (kg_copy.home / "graph_data" / "added-membership.trig").read_text(encoding="utf-8")
    assert "membership:FED-BEN" in text and "org:member member:BEN" in text
    assert 'time:hasEnd [ time:inXSDgYear "2019"^^xsd:gYear ]' in text  # graph_data/README.md: ORG + OWL-Time
    assert 'time:hasBeginning [ time:inXSDgYearMonth "2017-12"^^xsd:gYearMonth ]' in text
    # an earlier beginning than the graph's is a conflict; a later one adds nothing
    later = _write_csv(tmp_path / "m2.csv", ["member", "group", "since", "citation", "locator", "certainty"],
                       [["BEN", "FED", "2018", "Another made-up roster", "p. 9", "high"]])
    result = kg_copy("add", "membership", str(later))
    assert result.exit_code == 0 and "m2.csv, row 2: nothing new" in result.output
    earlier = _write_csv(tmp_path / "m3.csv", ["member", "group", "since", "citation", "locator", "certainty"],
                         [["BEN", "FED", "2016", "Another made-up roster", "p. 9", "high"]])
    result = kg_copy("add", "membership", str(earlier))
    assert result.exit_code == 1 and "m3.csv, row 2, column since: '2016' conflicts with '2017-12'" in result.output
    c = _write_csv(tmp_path / "c.csv", ["concern", "category", "raised_by", "issues", "citation", "locator", "certainty"],
                   [["Too few customs officers trained in e-commerce", "lack-of-capacity", "LDC", "D.3.1", "A made-up note",
                     "p. 2", "high"]])
    result = kg_copy("add", "concern", str(c))
    assert result.exit_code == 0, result.output
    text = (kg_copy.home / "graph_data" / "added-concern.trig").read_text(encoding="utf-8")
    assert "jsi:raisedBy group:LDC" in text and "jsi:inCategory category:lack-of-capacity" in text


def test_validate_a_file_in_the_context_of_the_whole_graph(invoke) -> None:  # type: ignore[no-untyped-def]
    # brief-sdt.trig cites source:iisd-2022 (described in sources.trig) and group:LDC (groups.trig)
    result = invoke("validate", "graph_data/brief-sdt.trig")
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- end to end, real processes


def _kg(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_BUILD_DIR",)}
    env["KG_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, text=True, timeout=900)


def test_a_new_communication_goes_from_a_filled_in_template_to_kg_query(tmp_path: Path, built_dir: Path) -> None:
    home = _copy_project(tmp_path / "home")
    shutil.copytree(built_dir, home / "build")  # the graph as built before the new facts
    # .xlsx: the template, filled in as a delegate would (two sponsors, two elements)
    xlsx = tmp_path / "new.xlsx"
    assert _kg(home, "add", "--template", "document", "-o", str(xlsx)).returncode == 0
    book = openpyxl.load_workbook(xlsx)
    data = book["data"]
    data.append(["INF/ECOM/911", "communication", "2024-03-01", None, "Needs first", "Kenya; Côte d'Ivoire",
                 "Needs assessment before commitments", "capacity-building", "D.3.1", "INF/ECOM/911", "para. 1", "high"])
    data.append(["INF/ECOM/911", None, None, None, None, None, "Enquiry points for small firms", "cooperation-mechanisms",
                 None, "INF/ECOM/911", "para. 2", "high"])
    book.save(xlsx)
    # .csv: the same for another communication, with French and ISO names
    sheet = tmp_path / "new.csv"
    assert _kg(home, "add", "--template", "document", "-o", str(sheet)).returncode == 0
    with sheet.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["INF/ECOM/912", "communication", "2024-04", "", "", "Kenya; SEN", "Regional training hubs",
                                 "capacity-building", "", "INF/ECOM/912", "para. 1", "high", ""])
        csv.writer(fh).writerow(["INF/ECOM/912", "", "", "", "", "", "Mutual recognition of e-signatures", "cooperation",
                                 "", "INF/ECOM/912", "para. 4", "high", ""])
    # a broken sheet first: it names its cell and changes nothing
    broken = tmp_path / "broken.csv"
    broken.write_text(sheet.read_text(encoding="utf-8").replace("Kenya; SEN", "Kenya; Senegall"), encoding="utf-8")
    before = _snapshot(home / "graph_data")
    result = _kg(home, "add", "document", str(broken))
    assert result.returncode == 1
    assert "column sponsors: 'Senegall'" in result.stderr and "Senegal" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(home / "graph_data") == before

    for path in (xlsx, sheet):
        result = _kg(home, "add", "document", str(path))
        assert result.returncode == 0, result.stderr
    result = _kg(home, "build")
    assert result.returncode == 0, result.stderr
    result = _kg(home, "query", "proposals-of-member", "-p", "member=Kenya", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    mine = {(r["document"], r["element"], r["column"], r["sponsors"]) for r in rows if r["document"] in ("INF/ECOM/911", "INF/ECOM/912")}
    assert {(d, e) for d, e, _, _ in mine} == {
        ("INF/ECOM/911", "Needs assessment before commitments"), ("INF/ECOM/911", "Enquiry points for small firms"),
        ("INF/ECOM/912", "Regional training hubs"), ("INF/ECOM/912", "Mutual recognition of e-signatures")}
    assert {s for d, _, _, s in mine if d == "INF/ECOM/911"} == {"Côte d'Ivoire, Kenya"}
    assert {s for d, _, _, s in mine if d == "INF/ECOM/912"} == {"Kenya, Senegal"}
    assert all(c for _, _, c, _ in mine)
    assert {r["date"] for r in rows if r["document"] == "INF/ECOM/911"} == {"2024-03-01"}


def test_the_committed_sheets_give_the_committed_files(kg_copy) -> None:  # type: ignore[no-untyped-def]
    """data_entry/ is the input, graph_data/added-*.trig the output: re-entering the sheets gives the same bytes."""
    data = kg_copy.home / "graph_data"
    shipped = {p.name: p.read_bytes() for p in sorted(data.glob("added-*.trig"))}
    assert set(shipped) == {"added-document.trig", "added-participation.trig", "added-stance.trig"}
    for path in shipped:
        (data / path).unlink()
    sheets = [("participation", "participation-2017-signatories.csv"), ("participation", "participation-2019-signatories.csv"),
              ("participation", "participation-joiners.csv"), ("document", "documents-more.csv"), ("stance", "stances-2024.csv")]
    for kind, name in sheets:
        result = kg_copy("add", kind, str(ROOT / "data_entry" / name))
        assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in sorted(data.glob("added-*.trig"))} == shipped
    for kind, name in sheets:  # and a second time, nothing new
        result = kg_copy("add", kind, str(ROOT / "data_entry" / name))
        assert result.exit_code == 0 and "added:" not in result.output


def test_rows_are_validated_with_the_project_shapes(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same SHACL shapes as 'kg build': a project whose shapes ask more refuses the row, naming it."""
    shapes = kg_copy.home / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + '''
jsish:CommunicationTitleShape a sh:NodeShape ;
    sh:targetClass jsi:Communication ;
    sh:property [ sh:path dcterms:description ; sh:minCount 1 ;
        sh:message "A communication needs its topic (dcterms:description)." ] .
''', encoding="utf-8")
    sheet = _write_csv(tmp_path / "t.csv", HEADER, [
        ["INF/ECOM/905", "communication", "2024-06", "", "Kenya", "", "", "", "INF/ECOM/905", "p. 1", "high", ""]])
    before = _snapshot(kg_copy.home / "graph_data")
    result = kg_copy("add", "document", str(sheet))
    assert result.exit_code == 1
    assert "t.csv, row 2: the graph would not validate: doc:INF-ECOM-905, property dcterms:description" in result.output
    assert "A communication needs its topic" in result.output
    assert _snapshot(kg_copy.home / "graph_data") == before


def test_an_element_can_be_added_to_a_document_of_the_graph(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # INF/ECOM/49 (Côte d'Ivoire) has elements 1-3 from IISD 2022 Table 5; a new source adds a fourth
    sheet = _write_csv(tmp_path / "e.csv", HEADER, [
        ["INF/ECOM/49", "", "", "", "", "Made-up fourth element", "capacity-building", "D.3.1", "A made-up reading",
         "p. 4", "low", "a made-up example"]])
    result = kg_copy("add", "document", str(sheet))
    assert result.exit_code == 0, result.output
    text = (kg_copy.home / "graph_data" / "added-document.trig").read_text(encoding="utf-8")
    block = text[text.index("graph:a-made-up-reading"):]
    block = block[:block.index("\n}")]
    assert "    doc:INF-ECOM-49\n        jsi:hasElement element:INF-ECOM-49-4 .\n" in block
    assert "a jsi:Proposal ;" not in block and "jsi:sponsoredBy" not in block  # the graph's own facts stay where they are


def test_an_element_named_as_a_person_would_type_it_is_the_same_element(kg_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two rows name one made-up element, the second with the typographic apostrophe a spreadsheet's
    # autocorrect puts in: names compare as kg.catalogue compares them, so it is one element (-4), not two
    rows = [["INF/ECOM/49", "", "", "", "", name, "capacity-building", "D.3.1", "A made-up reading", "p. 4", "low",
             "a made-up example"] for name in ("Members' help desk", "members\u2019 help desk")]
    result = kg_copy("add", "document", str(_write_csv(tmp_path / "e.csv", HEADER, rows)))
    assert result.exit_code == 0, result.output
    text = (kg_copy.home / "graph_data" / "added-document.trig").read_text(encoding="utf-8")
    assert "element:INF-ECOM-49-4" in text and "element:INF-ECOM-49-5" not in text
