"""Shared fixtures: the real graph built once per session, a CLI runner, the project."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kg.build import build_graph
from kg.project import Project
from kg.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def project() -> Project:
    """The project's own sources (ontology/, graph_data/, queries/)."""
    return Project(ROOT)


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory, project: Project) -> Path:
    """The real graph, built once per test session into a temporary folder."""
    build_dir = tmp_path_factory.mktemp("build")
    build_graph(Project(project.root, build_override=build_dir))
    return build_dir


@pytest.fixture(scope="session")
def built_store(built_dir: Path) -> Iterator[Store]:
    """A read-only store of the real built graph."""
    yield open_store(built_dir)


@pytest.fixture(scope="session")
def invoke(built_dir: Path) -> Callable[..., Result]:
    """Run a ``kg`` command against the session's built graph: ``invoke("sparql", q)``."""
    from kg.cli import cli

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), env={"KG_BUILD_DIR": str(built_dir)}, input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="module")
def served(built_dir: Path) -> Iterator[Any]:
    """A real ``kg serve`` of the session's built graph, one per test module (tests/endpoint_support.py)."""
    from endpoint_support import start_serve

    server = start_serve(built_dir)
    yield server
    log = server.stop()
    assert "Traceback" not in log, log


@pytest.fixture()
def fixture_project(tmp_path: Path, project: Project) -> Callable[..., Project]:
    """A throw-away project with the real ontology and checks and the given data files.

    ``fixture_project("x.trig")`` copies files from tests/data into its graph_data/.
    """
    import shutil

    def make(*data_files: str, text: dict[str, str] | None = None) -> Project:
        root = tmp_path / "project"
        (root / "graph_data").mkdir(parents=True, exist_ok=True)
        shutil.copytree(project.ontology_dir, root / "ontology", dirs_exist_ok=True)
        shutil.copytree(project.queries_dir, root / "queries", dirs_exist_ok=True)
        for name in data_files:
            shutil.copy(DATA / name, root / "graph_data" / name)
        for name, content in (text or {}).items():
            (root / "graph_data" / name).write_text(content, encoding="utf-8")
        return Project(root)

    return make


@pytest.fixture(scope="session")
def build_fixture_project(tmp_path_factory: pytest.TempPathFactory, project: Project) -> Callable[..., tuple[Store, Project]]:
    """Build a throw-away project of the real ontology, checks and queries with files of tests/data.

    ``build_fixture_project("viz-hostile.trig")`` returns the opened store and its project.
    """
    import shutil

    def build(*data_files: str) -> tuple[Store, Project]:
        root = tmp_path_factory.mktemp("project")
        shutil.copytree(project.ontology_dir, root / "ontology")
        shutil.copytree(project.queries_dir, root / "queries")
        (root / "graph_data").mkdir()
        for name in data_files:
            shutil.copy(DATA / name, root / "graph_data" / name)
        built = Project(root)
        build_graph(built)
        return open_store(built.build_dir), built

    return build


@pytest.fixture(autouse=True)
def _runs_the_queries_it_names(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test marked ``@pytest.mark.query("name")`` must run ``queries/name.rq`` on a store:
    the link between a catalogue query and the test that asserts its rows is checked, not
    assumed from a name appearing in a file."""
    marker = request.node.get_closest_marker("query")
    if marker is None:
        yield
        return
    ran: set[str] = set()
    original = Store.query

    def recording(self: Store, text: str, bindings: object = None) -> object:
        ran.add(text)
        return original(self, text, bindings)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "query", recording)
    # a catalogue query runs narrowed and with its parameters written in (kg.catalogue.running)
    import kg.catalogue.running as running

    narrowing = running.narrowed_text

    def recording_catalogue(store: object, query: Any, bindings: Any, project: Any = None) -> str:
        ran.add(query.text)
        return narrowing(store, query, bindings, project)

    monkeypatch.setattr(running, "narrowed_text", recording_catalogue)
    yield
    for name in marker.args:
        text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        assert text in ran, f"{request.node.name} is marked query({name!r}) but never ran queries/{name}.rq"


#: Debian's Chromium, driven by Playwright without a browser download (``$KG_CHROMIUM`` elsewhere).
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the pages of the web app and the endpoint (test_viz has its own,
    whose proxy flags send every request to a closed port)."""
    if not os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()
