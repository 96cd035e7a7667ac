"""The build: skipped when nothing changed; a failed build leaves the previous graph usable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build import build_graph
from kg.errors import DataError, InconsistencyError, StoreError, ValidationFailed
from kg.store import open_store, read_manifest

DATA = Path(__file__).parent / "data"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a jsi:Country }"


def test_build_then_skip_then_rebuild_on_change(fixture_project) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig")
    first = build_graph(project)
    assert not first.skipped and first.inferred > 0
    again = build_graph(project)
    assert again.skipped and again.store == first.store
    data = project.data_dir / "minimal.trig"
    data.write_text(data.read_text().replace('"Bland"@en', '"Bland"@en , "Blande"@fr'))
    third = build_graph(project)
    assert not third.skipped and third.store != first.store
    assert not first.store.exists(), "the superseded store is removed"
    assert open_store(project.build_dir).select(COUNT).column("n") == ["2"]


def test_failed_build_leaves_the_previous_graph(fixture_project) -> None:  # type: ignore[no-untyped-def]
    project = fixture_project("minimal.trig")
    good = build_graph(project)
    before = read_manifest(project.build_dir)
    shutil.copy(DATA / "inconsistent.trig", project.data_dir)
    with pytest.raises(InconsistencyError):
        build_graph(project)
    (project.data_dir / "inconsistent.trig").unlink()
    shutil.copy(DATA / "broken-syntax.trig", project.data_dir)
    with pytest.raises(DataError, match="broken-syntax.trig:6"):
        build_graph(project)
    (project.data_dir / "broken-syntax.trig").unlink()
    shutil.copy(DATA / "broken-member.trig", project.data_dir)
    with pytest.raises(ValidationFailed) as info:
        build_graph(project)
    assert len(info.value.violations) >= 4
    assert read_manifest(project.build_dir) == before
    assert open_store(project.build_dir).select(COUNT).column("n") == ["2"]
    assert good.store.exists()
    assert not list(project.build_dir.glob("*.tmp")), "no half-built store is left behind"


def test_same_sources_give_the_same_statements(fixture_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.export import export_graph

    project = fixture_project("minimal.trig")
    build_graph(project)
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    export_graph(open_store(project.build_dir), "nq", a)
    build_graph(project, force=True)
    export_graph(open_store(project.build_dir), "nq", b)
    assert a.read_bytes() == b.read_bytes()


def test_open_store_without_build_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run 'kg build' first"):
        open_store(tmp_path)


def test_name_indexes_read_from_the_working_store_equal_those_of_the_built_store(built_dir: Path, project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The build writes the name indexes from its in-memory working store (faster to sort); each
    holds the same rows, in the same order, as an index written from the built on-disk store."""
    import sqlite3

    from kg.catalogue.index import write_indexes

    manifest = read_manifest(built_dir)
    assert manifest is not None
    built = sorted((built_dir / "index").glob(f"{manifest['store']}.*.sqlite"))
    lookups = sorted((project.queries_dir / "lookup").glob("*.rq"))
    assert len(built) == len(lookups) > 0
    copy = tmp_path / manifest["store"]
    shutil.copytree(built_dir / manifest["store"], copy)
    assert write_indexes(project, copy) == len(lookups)  # no engine: read from the on-disk store
    for file in built:
        rows = [sqlite3.connect(f).execute("SELECT * FROM names ORDER BY id").fetchall() for f in (file, tmp_path / "index" / file.name)]
        assert rows[0] == rows[1] and (rows[0] or file.name.split(".")[1] in ("region", "sdt-model")), file.name


def test_split_dump_names_the_graph_of_each_statement_and_keeps_blank_nodes_apart(tmp_path: Path) -> None:
    """kg.storewriter.split_dump: a graph dumped alone gets its name on every line (literals
    holding ' .', line breaks, '_:' included); statements with a blank node come back as quads."""
    import pyoxigraph as ox

    from kg.storewriter import split_dump

    e = lambda n: ox.NamedNode("http://e/" + n)  # noqa: E731
    g = e("g")
    quads = [ox.Quad(e("a"), e("p"), ox.Literal('x .\n y . \r\n\t"q" .'), g), ox.Quad(e("a"), e("p"), ox.Literal("é .", language="fr"), g),
             ox.Quad(e("a"), e("p"), ox.Literal("1", datatype=e("dt")), g), ox.Quad(ox.BlankNode("b1"), e("p"), e("o"), g),
             ox.Quad(e("a"), e("p"), ox.Literal("_:x"), g), ox.Quad(e("z"), e("p"), e("o"), e("other"))]
    store = ox.Store()
    store.extend(quads)
    out = tmp_path / "x.nq"
    kept, lines = split_dump(store, out, g)
    kept_other, lines_other = split_dump(store, out, e("other"))
    assert (lines, len(kept), lines_other, kept_other) == (3, 2, 1, [])
    assert set(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS)) | set(kept) == set(quads)
    kept_all, lines_all = split_dump(store, tmp_path / "all.nq")
    assert lines_all == 4 and set(ox.parse((tmp_path / "all.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)) | set(kept_all) == set(quads)


def test_a_name_index_file_has_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Same input, same bytes: the words of each name went into the index in set order, which
    changes with Python's hash seed (PYTHONHASHSEED), so two builds wrote different files."""
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from kg.catalogue.index import NameIndex\n"
        "rows = [(f'http://e/{i}', f'Name {i} of the {i % 7} kind, République {i % 3}', 'en' if i % 2 else None) for i in range(300)]\n"
        "NameIndex.from_rows(rows, Path(sys.argv[1]))\n"
    )
    digests = set()
    for seed in ("1", "2", "3"):
        out = tmp_path / f"index-{seed}.sqlite"
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_the_loads_beside_the_stages_leave_the_main_thread_a_core(tmp_path: Path) -> None:
    """kg.storewriter: a load queued beside the stages runs on half of the CPUs (the main thread
    keeps the others for validation and reasoning); a load of the store stage, which the build
    waits for, may use all of them; the main thread itself is never confined."""
    import os
    import sys

    from kg.storewriter import StoreWriter

    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("per-thread CPU affinity needs Linux and two CPUs or more")
    every = os.sched_getaffinity(0)
    writer = StoreWriter(tmp_path, "store-0123456789abcdef")
    seen: dict[str, set[int]] = {}
    def note(key: str) -> None:
        seen[key] = os.sched_getaffinity(0)

    writer._enqueue(lambda store: note("beside"), beside=True)
    writer._enqueue(lambda store: note("store stage"))
    writer.wait()
    writer.abandon()
    assert seen["beside"] and seen["beside"] < every and len(seen["beside"]) == len(every) - len(every) // 2
    assert seen["store stage"] == every and os.sched_getaffinity(0) == every
