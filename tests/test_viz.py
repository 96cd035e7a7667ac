"""kg viz and kg docs: offline, safe, deterministic pages, checked as text and in a real browser.

Three layers. The page as text: nothing outside the file is referenced, a strict
Content-Security-Policy allows only the page's own scripts (by hash), hostile names from
tests/data/viz-hostile.trig arrive escaped, and the same input gives the same bytes. The
views of the real graph: what each must show from the brief. The pages in headless
Chromium driven by Playwright (no network): drawn, not blank, holding the nodes and links
Python computed, with no console error, no request, no dialog, tooltips as text.

Playwright launches Debian's Chromium (``/usr/bin/chromium`` or ``$KG_CHROMIUM``) through
``executable_path``: no browser is downloaded. Without it the browser tests are skipped
locally and fail when ``CI=true``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg import iris
from kg.errors import ParameterError
from kg.project import Project
from kg.store import Store, memory_store
from kg.viz import PHYSICS_MAX_NODES, VIEWS, Page, draw, draw_view, page_references, write_page

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
T = iris.ID + "test/"
M = iris.ID + "member/"

#: Names of tests/data/viz-hostile.trig that would run script if they reached the page as markup.
HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '" onmouseover="alert(3)',
    "<svg onload=alert(4)>",
    "<script>alert(5)</script>",
    "<img src=y onerror=alert(6)>",
    "<script>alert(9)</script>",
    '<a href="https://evil.example/">',
    "<iframe src=//evil.example>",
    "<style>*{display:none}</style>",
)
#: The member to draw in each fixture.
HOSTILE_MEMBER = "AAA"
REAL_MEMBER = "Côte d'Ivoire"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hostile(build_fixture_project: Callable[..., tuple[Store, Project]]) -> tuple[Store, Project]:
    """tests/data/viz-hostile.trig built with the real ontology, checks and queries."""
    return build_fixture_project("viz-hostile.trig")


def _view_args(view: str, member: str) -> dict[str, Any]:
    return {"member": member} if view == "member" else {}


@pytest.fixture(scope="module")
def hostile_pages(hostile: tuple[Store, Project]) -> dict[str, Page]:
    store, project = hostile
    return {v: draw_view(store, v, project=project, **_view_args(v, HOSTILE_MEMBER)) for v in VIEWS}


@pytest.fixture(scope="module")
def real_pages(built_store: Store, project: Project) -> dict[str, Page]:
    return {v: draw_view(built_store, v, project=project, **_view_args(v, REAL_MEMBER)) for v in VIEWS}


def _data(page: Page) -> dict[str, Any]:
    """The nodes, links and options the page hands to vis-network."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page.html, re.S)
    assert match, "no kg-data script"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


class _Markup(HTMLParser):
    """Every element of a page with its attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def _markup(text: str) -> _Markup:
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser


# --------------------------------------------------------------------------- the view queries

VIZ_QUERIES = sorted((ROOT / "queries" / "viz").glob("*.rq"))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in VIZ_QUERIES])
def test_view_query_documents_what_it_returns(hostile: tuple[Store, Project], path: Path) -> None:
    """Header with summary and columns, full PREFIX lines, ORDER BY (or a description of why not: kg.viz
    reads the rows into sets); the columns named are those returned."""
    import pyoxigraph as ox

    text = path.read_text(encoding="utf-8")
    header = [line[2:].strip() for line in text.splitlines() if line.startswith("#+")]
    assert header and header[0].startswith("summary:"), "the header opens with '#+ summary:'"
    assert "ORDER BY" in text or "No ORDER BY" in text
    ox.Store().query(text)  # parses with no predeclared prefix
    params = [h.split(":", 1)[1].split("|")[0].strip() for h in header if h.startswith("param:")]
    columns = [h.split(":", 1)[1].split("|")[0].strip() for h in header if h.startswith("column:")]
    store, _ = hostile
    bindings = {"member": ox.NamedNode(T + "AAA")} if "member" in params else None
    table = store.select(text, bindings)
    assert table.columns == params + columns


# --------------------------------------------------------------------------- the page as text


@pytest.mark.parametrize("view", VIEWS)
def test_no_reference_leaves_the_file(hostile_pages: dict[str, Page], view: str) -> None:
    refs = page_references(hostile_pages[view].html)
    assert all(r.startswith(("#", "data:")) for r in refs), refs
    assert "cdn" not in hostile_pages[view].html.lower().split("<script>")[0]


@pytest.mark.parametrize("view", VIEWS)
def test_strict_content_security_policy(hostile_pages: dict[str, Page], view: str) -> None:
    markup = _markup(hostile_pages[view].html)
    metas = [a for t, a in markup.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    first_script = next(i for i, (t, _) in enumerate(markup.tags) if t in ("script", "style", "link"))
    assert markup.tags.index(("meta", metas[0])) < first_script, "the CSP must come before any script or style"
    policy = dict(d.strip().split(" ", 1) for d in (metas[0]["content"] or "").split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'none'"
    assert policy["img-src"] == "data:"
    sources = policy["script-src"].split()
    assert sources and all(s.startswith("'sha256-") for s in sources), "scripts are allowed by hash only"
    executable = [text for attrs, text in markup.scripts if attrs.get("type") != "application/json"]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in executable}
    assert hashes == set(sources), "every script of the page and only those are allowed"
    assert [a.get("type") for a, _ in markup.scripts] == ["application/json", None, None]
    assert not any(a.get("src") for a, _ in markup.scripts)


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_names_arrive_escaped(hostile_pages: dict[str, Page], view: str) -> None:
    page = hostile_pages[view]
    for name in HOSTILE:
        assert name not in page.html, f"{name!r} reached the page unescaped"
    markup = _markup(page.html)
    handlers = [(t, k) for t, a in markup.tags for k in a if k.startswith("on")]
    assert handlers == [], "no element of the page has an event-handler attribute"
    assert {t for t, _ in markup.tags} <= {
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "div", "label", "input",
        "datalist", "output", "span", "main", "aside", "ul", "li", "details", "summary", "noscript", "script",
    }
    labels = {n["label"] for n in _data(page)["nodes"]} | {n["title"].split("\n")[0] for n in _data(page)["nodes"]}
    assert any("<" in label for label in labels), "the hostile names are drawn, as text"


def test_hostile_member_page(hostile_pages: dict[str, Page]) -> None:
    page = hostile_pages["member"]
    assert page.title == "<img src=x onerror=alert(1)>: proposals, issues, partners, groups and concerns"
    assert "<title>&lt;img src=x onerror=alert(1)&gt;: proposals" in page.html
    nodes = {n["id"]: n for n in _data(page)["nodes"]}
    assert nodes[T + "AAA"]["label"] == "<img src=x onerror=alert(1)>"
    assert {T + "BBB", T + "CCC", T + "group", iris.ID + "issue/A.1.2"} <= set(nodes)


def test_template_markers_in_names_are_not_substituted(hostile: tuple[Store, Project]) -> None:
    store, project = hostile
    page = draw_view(store, "member", member="DDD", project=project)
    assert page.title.startswith("Dland {{vis_js}} {{csp}}")
    assert "<h1>Dland {{vis_js}} {{csp}}:" in page.html
    assert page.html.count("Content-Security-Policy") == 1
    assert len(page.html) < 1.3 * len(draw_view(store, "sdt", project=project).html)


@pytest.mark.parametrize("view", VIEWS)
def test_same_input_same_bytes(hostile: tuple[Store, Project], hostile_pages: dict[str, Page], view: str) -> None:
    store, project = hostile
    again = draw_view(store, view, project=project, **_view_args(view, HOSTILE_MEMBER))
    assert again.html == hostile_pages[view].html


def test_same_bytes_across_processes(hostile: tuple[Store, Project], tmp_path: Path) -> None:
    """String hashing is randomised per process: no output may depend on set order."""
    _, project = hostile
    script = (
        "import sys; from pathlib import Path; from kg.project import Project; from kg.store import open_store; "
        "from kg.viz import VIEWS, draw_view, write_page\n"
        "project = Project(Path(sys.argv[1])); store = open_store(project.build_dir)\n"
        "for v in VIEWS:\n"
        "    write_page(draw_view(store, v, project=project, member='AAA' if v == 'member' else None), "
        "Path(sys.argv[2]) / (v + '.html'))\n"
    )
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(project.root), str(out)], check=True, env=env, timeout=300)
    for view in VIEWS:
        assert (tmp_path / "1" / f"{view}.html").read_bytes() == (tmp_path / "2" / f"{view}.html").read_bytes(), view


def test_seed_changes_the_layout(hostile: tuple[Store, Project]) -> None:
    store, project = hostile
    pos = [{n.id: (n.x, n.y) for n in draw(store, "graph", seed=s, project=project).nodes} for s in (0, 1)]
    assert pos[0] != pos[1]


@pytest.mark.parametrize("lang, word", [("fr", "Légende"), ("es", "Leyenda")])
def test_lang_picks_names_and_words(hostile: tuple[Store, Project], lang: str, word: str) -> None:
    store, project = hostile
    page = draw_view(store, "member", member="Alande", lang=lang, project=project)
    assert f'<html lang="{lang}">' in page.html and word in page.html
    label = {n["id"]: n["label"] for n in _data(page)["nodes"]}[T + "AAA"]
    assert label == ("Alande" if lang == "fr" else "<img src=x onerror=alert(1)>"), "French name, else English"


def test_empty_graph_still_makes_a_page() -> None:
    page = draw_view(memory_store([]), "issues", project=Project(ROOT))
    assert (page.nodes, page.edges) == (0, 0)
    assert "Nothing to show" in _data(page)["strings"]["empty"]


def test_unknown_view_member_and_misplaced_options(hostile: tuple[Store, Project]) -> None:
    store, project = hostile
    with pytest.raises(ParameterError, match=r"Unknown view 'isues'\. Did you mean 'issues'\?"):
        draw_view(store, "isues", project=project)
    with pytest.raises(ParameterError, match="unknown language 'de'; use one of en, fr, es"):
        draw_view(store, "sdt", lang="de", project=project)
    with pytest.raises(ParameterError, match="needs a member"):
        draw_view(store, "member", project=project)
    with pytest.raises(ParameterError, match="Did you mean"):
        draw_view(store, "member", member="Alandd", project=project)
    with pytest.raises(ParameterError, match="coalitions view"):
        draw_view(store, "sdt", on="A.1", project=project)


def test_type_filter_keeps_subclasses(hostile: tuple[Store, Project]) -> None:
    store, project = hostile
    drawing = draw(store, "graph", types=["Member"], project=project)
    assert {n.id for n in drawing.nodes} == {T + c for c in ("AAA", "BBB", "CCC", "DDD")}
    assert drawing.title.endswith(": Member")


def test_large_views_have_fixed_positions_and_no_physics(hostile: tuple[Store, Project]) -> None:
    from kg.viz.page import render_page
    from kg.viz.networks import graph_view

    store, project = hostile
    from kg.viz.reader import Reader

    drawing = graph_view(Reader(store, project, "en"), seed=0)
    assert drawing.physics == (len(drawing.nodes) <= PHYSICS_MAX_NODES)
    drawing.physics = False
    data = _data(render_page(drawing))
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in data["nodes"])


def test_cli_writes_the_file_atomically(hostile: tuple[Store, Project], tmp_path: Path) -> None:
    from kg.cli import cli

    _, project = hostile
    env = {"KG_HOME": str(project.root), "KG_BUILD_DIR": str(project.build_dir)}
    out = tmp_path / "out" / "civ.html"
    result = CliRunner().invoke(cli, ["viz", "member", "AAA", "-o", str(out), "--lang", "fr"], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["civ.html"], "no temporary file left behind"
    assert "wrote" in result.output and "nodes" in result.output
    usage = CliRunner().invoke(cli, ["viz", "member", "-o", str(out)], env=env)
    assert usage.exit_code == 2 and "needs a NAME" in usage.output
    unknown = CliRunner().invoke(cli, ["viz", "member", "Zzzland", "-o", str(out)], env=env)
    assert unknown.exit_code == 1 and "Error: unknown member 'Zzzland'" in unknown.output
    misplaced = CliRunner().invoke(cli, ["viz", "issues", "--on", "A", "-o", str(out)], env=env)
    assert misplaced.exit_code == 2


def test_write_page_writes_the_page(tmp_path: Path) -> None:
    page = draw_view(memory_store([]), "sdt", project=Project(ROOT))
    out = tmp_path / "sdt.html"
    write_page(page, out)
    assert out.read_text(encoding="utf-8") == page.html
    assert out.stat().st_mode & 0o777 == 0o644, "a page is meant to be shared"


# --------------------------------------------------------------------------- the views of the real graph


def _nodes(page: Page) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in _data(page)["nodes"]}


def test_real_issues_view(real_pages: dict[str, Page]) -> None:
    """The Table A1 scheme, with the proposals of Table 5 and their sponsors (IISD 2022)."""
    nodes = _nodes(real_pages["issues"])
    kinds = {n["kind"] for n in nodes.values()}
    assert {"section", "subsection", "issue", "proposal", "sponsor-member"} <= kinds
    assert sum(n["kind"] == "section" for n in nodes.values()) >= 6
    assert {iris.ID + "doc/INF-ECOM-49", M + "CIV", iris.ID + "issue/D.3.1"} <= set(nodes)
    assert any(k.startswith("strength:") and k != "strength:none" for k in kinds)
    edges = {(e["from"], e["to"]) for e in _data(real_pages["issues"])["edges"]}
    assert (M + "CIV", iris.ID + "doc/INF-ECOM-49") in edges
    borders = {n["color"]["border"] for n in nodes.values() if n.get("borderWidth") == 3}
    assert len(borders) >= 2, "issues are bordered by what became of them in INF/ECOM/87"


def test_real_sdt_view(real_pages: dict[str, Page]) -> None:
    """IISD 2022 Table 3: three models × three categories; TFA fits lack of capacity."""
    nodes = _nodes(real_pages["sdt"])
    fits = [n for n in nodes.values() if n["kind"].startswith("fit:")]
    assert len(fits) == 9
    assert sum(n["kind"] == "fit:Appropriate" for n in fits) == 4
    tfa = nodes[iris.ID + "fit-assessment/tfa-lack-of-capacity"]
    assert tfa["kind"] == "fit:Appropriate" and tfa["shape"] == "star", "the recommended pair is starred"


def test_real_member_view(real_pages: dict[str, Page]) -> None:
    nodes = _nodes(real_pages["member"])
    assert nodes[M + "CIV"]["kind"] == "member"
    assert {iris.ID + "doc/INF-ECOM-49", iris.ID + "doc/INF-ECOM-66"} <= set(nodes)
    assert any(n["kind"] == "group" for n in nodes.values())
    assert any(n["kind"] == "issue" for n in nodes.values())


def test_real_coalitions_view(built_store: Store, project: Project, real_pages: dict[str, Page]) -> None:
    from kg.coalitions import build_member_graph, find_coalitions

    graph = build_member_graph(built_store, project=project)
    report = find_coalitions(graph, seed=0)
    page = real_pages["coalitions"]
    assert page.nodes == graph.number_of_nodes()
    assert page.edges == sum(1 for *_, d in graph.edges(data=True) if d["weight"] > 0)
    nodes = _nodes(page)
    for community in report.communities:
        colours = {nodes[m]["color"]["background"] for m in community.members}
        assert len(colours) == 1, f"community {community.id} has one colour"


def test_real_graph_view_opens_on_what_a_negotiator_looks_for(real_pages: dict[str, Page]) -> None:
    """Not a hairball of 1,233 dots: members, groups, issues, documents … at most MAX_DRAWN, the rest said."""
    from kg.viz.networks import MAX_DRAWN

    page = real_pages["graph"]
    assert 0 < page.nodes <= MAX_DRAWN
    data = _data(page)
    kinds = {n["kind"] for n in data["nodes"]}
    assert "Country" in kinds and "Member" not in kinds, "the most specific class is the colour"
    assert not kinds & {"Citation", "Membership"}, "plumbing stays out of the opening view"
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert "left out:" in page.html and "× citation" in page.html.lower(), "the page says what it left out"


def test_real_graph_view_unknown_type_is_an_error(built_store: Store, project: Project) -> None:
    with pytest.raises(ParameterError, match=r"Unknown --type 'Countries'.*Country.*Member"):
        draw(built_store, "graph", types=["Countries"], project=project)
    drawing = draw(built_store, "graph", types=["Citation"], project=project)
    assert drawing.nodes and {n.kind for n in drawing.nodes} == {"Citation"}


@pytest.mark.parametrize(("member", "documents"), [("Kenya", ["INF-ECOM-37"]), ("CIV", ["INF-ECOM-38", "INF-ECOM-49"])])
def test_real_member_view_shows_every_document(built_store: Store, project: Project, member: str,
                                                documents: list[str]) -> None:
    """Every document of 'kg query proposals-of-member', communications included (issue 12)."""
    drawing = draw(built_store, "member", member=member, project=project)
    ids = {n.id for n in drawing.nodes}
    for doc in documents:
        assert iris.ID + "doc/" + doc in ids


def test_real_communities_are_named_after_what_binds_them(built_store: Store, project: Project,
                                                          real_pages: dict[str, Page]) -> None:
    from html import escape

    from kg.coalitions import build_member_graph, find_coalitions

    report = find_coalitions(build_member_graph(built_store, project=project), seed=0)
    names = [c.name for c in report.communities]
    assert all(names) and len(set(names)) == len(names), names
    for c in report.communities:
        assert any(r.what in c.name or c.name.startswith(r.what[:20]) for r in c.reasons)
        assert escape(f"{c.id}. {c.name}") in real_pages["coalitions"].html


@pytest.mark.parametrize("view", VIEWS)
def test_real_views_are_deterministic(built_store: Store, project: Project, real_pages: dict[str, Page], view: str) -> None:
    again = draw_view(built_store, view, project=project, **_view_args(view, REAL_MEMBER))
    assert again.html == real_pages[view].html


# --------------------------------------------------------------------------- kg docs


def test_docs_page_is_offline_and_replaceable(tmp_path: Path) -> None:
    from kg.cli import cli

    out = tmp_path / "docs"
    result = CliRunner().invoke(cli, ["docs", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "JSI" in page or "Joint Statement" in page
    assert "<title>JSI e-commerce negotiations ontology</title>" in page and "commitment strength" in page
    markup = _markup(page)
    loads = [(t, a) for t, a in markup.tags if (t in ("script", "img", "iframe") and a.get("src"))
             or (t == "link" and not (a.get("href") or "").startswith("data:"))]
    assert loads == [], "the page loads nothing from anywhere"
    assert (out / "jsi.ttl").read_bytes() == (ROOT / "ontology" / "jsi.ttl").read_bytes()
    assert (out / "imports.ttl").read_bytes() == (ROOT / "ontology" / "imports.ttl").read_bytes()
    again = CliRunner().invoke(cli, ["docs", "-o", str(out)])
    assert again.exit_code == 0 and (out / "index.html").read_text(encoding="utf-8") == page, "same bytes, replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"], "no temporary folder left behind"
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    refused = CliRunner().invoke(cli, ["docs", "-o", str(foreign)])
    assert refused.exit_code == 2 and "not written by 'kg docs'" in refused.output
    assert (foreign / "notes.txt").read_text() == "keep me"


# --------------------------------------------------------------------------- in a real browser

#: Debian's Chromium, driven by Playwright (no browser download: executable_path).
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    # no reachable network: whatever would be fetched goes to a closed local port
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright's sync API); skipped where it is missing, failing with CI=true."""
    if shutil.which(CHROMIUM) is None:
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: the browser tests must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Tab:
    """One page in its own browser context, recording errors, warnings, requests and dialogs."""

    def __init__(self, browser: Any, path: Path, *, width: int = 1280, height: int = 800) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)  # a shared 2-core machine: generous, still finite
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"exception: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "assert"):
            self.errors.append(f"console.{message.type}: {message.text}")
        elif message.type == "warning":
            self.warnings.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


STATE = """JSON.stringify({
  nodes: kgViz.nodes ? kgViz.nodes.length : 0, edges: kgViz.edges ? kgViz.edges.length : 0,
  images: document.images.length, scripts: document.scripts.length,
  frames: document.querySelectorAll('iframe, object, embed, frame').length,
  handlers: Array.prototype.filter.call(document.querySelectorAll('*'), function (e) {
    return Array.prototype.some.call(e.attributes, function (a) { return a.name.indexOf('on') === 0; }); }).length,
  canvas: document.querySelectorAll('#kg-network canvas').length,
  box: (function () { var r = document.getElementById('kg-network').getBoundingClientRect();
    return [r.left, r.top, r.width, r.height]; })()
})"""


def _not_blank(png: bytes, box: list[float]) -> tuple[float, float]:
    """Share of drawn (non-background) pixels and the grey-level spread inside the network's box."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("L")
    left, top, width, height = (int(v) for v in box)
    area = image.crop((left + 1, top + 1, left + width - 1, top + height - 1))
    histogram = area.histogram()
    drawn = sum(histogram[:235]) / max(1, sum(histogram))
    return drawn, ImageStat.Stat(area).stddev[0]


def _render(chromium: Any, page: Page, tmp_path: Path, check: Callable[[Tab], None] | None = None) -> dict[str, Any]:
    path = tmp_path / f"{page.view}.html"
    write_page(page, path)
    tab = Tab(chromium, path)
    try:
        # polled from here: wait_for_function evaluates its predicate with eval, which the page's CSP
        # forbids once the page takes longer than one check (a project settling in the browser)
        for _ in range(600):
            if tab.page.evaluate("window.kgViz && window.kgViz.ready === true"):
                break
            tab.page.wait_for_timeout(100)
        state: dict[str, Any] = json.loads(tab.page.evaluate(STATE))
        state["png"] = tab.page.screenshot()
        if check is not None:
            check(tab)
        tab.page.wait_for_timeout(200)
    finally:
        tab.close()
    (tmp_path / f"{page.view}.png").write_bytes(state["png"])
    state.update(errors=tab.errors, warnings=tab.warnings, requests=tab.requests, dialogs=tab.dialogs, url=tab.url)
    return state


def _assert_drawn(state: dict[str, Any], page: Page) -> None:
    assert state["errors"] == [], state["errors"]
    assert state["dialogs"] == [], "a dialog opened: some script from the data ran"
    assert set(state["requests"]) <= {state["url"]}, f"the page asked for {state['requests']}"
    assert (state["nodes"], state["edges"]) == (page.nodes, page.edges)
    assert (state["images"], state["frames"], state["handlers"], state["scripts"]) == (0, 0, 0, 3)
    assert state["canvas"] == 1
    if page.nodes:
        drawn, spread = _not_blank(state["png"], state["box"])
        assert drawn > 0.002 and spread > 2.0, f"the {page.view} view looks blank ({drawn:.4f} drawn, spread {spread:.1f})"


@pytest.mark.parametrize("view", VIEWS)
def test_browser_hostile_views(chromium: Any, hostile_pages: dict[str, Page], view: str, tmp_path: Path) -> None:
    _assert_drawn(_render(chromium, hostile_pages[view], tmp_path), hostile_pages[view])


@pytest.mark.parametrize("view", VIEWS)
def test_browser_real_views(chromium: Any, real_pages: dict[str, Page], view: str, tmp_path: Path) -> None:
    _assert_drawn(_render(chromium, real_pages[view], tmp_path), real_pages[view])


def test_browser_tooltip_is_text_and_search_finds(chromium: Any, hostile_pages: dict[str, Page], tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def hover_and_search(tab: Tab) -> None:
        x, y = tab.page.evaluate(f"(function () {{ var p = kgViz.network.canvasToDOM(kgViz.network.getPosition({json.dumps(T + 'AAA')}));"
                                 " var r = document.getElementById('kg-network').getBoundingClientRect();"
                                 " return [p.x + r.left, p.y + r.top]; }())")
        for dx in (0, 1, 0):
            tab.page.mouse.move(x + dx, y)
            tab.page.wait_for_timeout(300)
        seen["tooltip"] = tab.page.wait_for_function(
            "(function () { var t = document.querySelector('div.vis-tooltip');"
            " return t && t.style.visibility !== 'hidden' && t.textContent ?"
            " [t.textContent, t.querySelectorAll(':not(br)').length] : null; }())", timeout=10_000).json_value()
        tab.page.fill("#kg-search", "alande")
        seen["selected"] = tab.page.evaluate("kgViz.network.getSelectedNodes()")
        seen["found"] = tab.page.evaluate("document.getElementById('kg-found').textContent")

    page = hostile_pages["member"]
    state = _render(chromium, page, tmp_path, hover_and_search)
    _assert_drawn(state, page)
    text, children = seen["tooltip"]
    assert text.startswith("AAA <img src=x onerror=alert(1)>") and "<script>alert(9)</script>" in text
    assert children == 0, "the tooltip is plain text (line breaks only)"
    assert seen["selected"] == [T + "AAA"], "search matches a name in any language, accents and case ignored"
    assert seen["found"] == "1 found"


def test_browser_type_filter_hides(chromium: Any, hostile_pages: dict[str, Page], tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def untick(tab: Tab) -> None:
        tab.page.click('input[data-kind="Country"]')
        seen["hidden"] = tab.page.evaluate("kgViz.nodes.get({filter: function (n) { return n.hidden; }}).length")

    page = hostile_pages["graph"]
    _assert_drawn(_render(chromium, page, tmp_path, untick), page)
    assert seen["hidden"] == sum(n["kind"] == "Country" for n in _data(page)["nodes"]) == 3


def test_browser_docs_page_loads_nothing(chromium: Any, tmp_path: Path) -> None:
    from kg.docs import write_ontology_docs

    index = write_ontology_docs(ROOT / "ontology" / "jsi.ttl", tmp_path / "docs")
    tab = Tab(chromium, index)
    try:
        tab.page.wait_for_load_state("load")
        headings = tab.page.evaluate("document.querySelectorAll('h1, h2, h3').length")
        tab.page.wait_for_timeout(300)
    finally:
        tab.close()
    assert headings > 10
    assert set(tab.requests) <= {tab.url}, tab.requests
    assert tab.errors == [], tab.errors


def test_legend_names_the_classes_in_the_page_language(built_store: Store, project: Project) -> None:
    """The legend reads the ontology's labels (checked namespace terms as plain IRIs), escaped by the template."""
    french = draw_view(built_store, "sdt", lang="fr", project=project)
    assert "<span>approprié</span>" in french.html and "<span>catégorie de préoccupation</span>" in french.html
    assert "<span>Appropriate</span>" not in french.html


def test_a_page_is_written_without_importing_ipython() -> None:
    """vis-network is read from the installed pyvis package without importing it (pyvis.network pulls IPython)."""
    code = ("import sys; from kg.store import memory_store; from kg.viz import draw_view; "
            "page = draw_view(memory_store([]), 'sdt'); assert 'vis.Network' in page.html or 'vis-network' in page.html; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'pyvis')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_coalitions_view_keeps_the_strongest_links_and_says_so(built_store: Store, project: Project,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MAX_LINKS ties among the members drawn, the strongest are drawn and the page says how many of how many."""
    from kg.viz import networks

    whole = draw(built_store, "coalitions", project=project)
    assert len(whole.edges) <= networks.MAX_LINKS and "strongest" not in whole.description  # the real graph: all of them
    monkeypatch.setattr(networks, "MAX_LINKS", 100)
    cut = draw(built_store, "coalitions", project=project)
    assert len(cut.edges) == 100 and {n.id for n in cut.nodes} == {n.id for n in whole.nodes}
    assert f"Links: the 100 strongest of {len(whole.edges)}" in cut.description
    weight = {(e.source, e.target): e.width for e in whole.edges}
    kept = sorted(weight[(e.source, e.target)] for e in cut.edges)
    dropped = [w for pair, w in weight.items() if pair not in {(e.source, e.target) for e in cut.edges}]
    assert min(kept) >= max(dropped)


def test_graph_view_draws_what_a_walk_over_the_whole_graph_ranks_first(built_store: Store, project: Project) -> None:
    """The things graph-top.rq ranks and cuts in SPARQL are those a Python walk over every link of the
    citation graphs (graph-links.rq) and every thing's classes (types.rq) ranks first: distinct things
    linked, ties by IRI; and graph-kinds.rq counts by most specific class what the walk counts thing by thing."""
    from collections import Counter, defaultdict

    from kg.viz.networks import _OPENING, MAX_DRAWN, graph_view
    from kg.viz.reader import Reader, most_specific

    walk = Reader(built_store, project, "en")
    ancestors = walk.ancestors()
    classes: dict[str, set[str]] = defaultdict(set)
    for entity, type_ in walk.rows("types"):
        classes[entity or ""].add(type_ or "")
    neighbours: dict[str, set[str]] = defaultdict(set)
    for s, o in walk.rows("graph-links"):
        if s and o and s != o:
            neighbours[s].add(o)
            neighbours[o].add(s)
    opening = {str(c) for c in _OPENING}
    matching = [e for e, ts in classes.items() if any(({t} | ancestors.get(t, set())) & opening for t in ts)]
    ranked = sorted(matching, key=lambda e: (-len(neighbours[e]), e))[:MAX_DRAWN]
    drawing = graph_view(Reader(built_store, project, "en"), seed=0)
    assert sorted(n.id for n in drawing.nodes) == sorted(ranked)
    assert len(ranked) == MAX_DRAWN < len(matching)
    expected = Counter(most_specific(ts, ancestors) for ts in classes.values())
    assert Reader(built_store, project, "en").kind_counts() == expected
    text = (project.queries_dir / "viz" / "graph-top.rq").read_text(encoding="utf-8")
    assert f"LIMIT {MAX_DRAWN}\n" in text, "the query cuts where the view does"


def test_the_graphs_left_out_of_the_graph_view_are_those_that_are_no_citation(built_store: Store, project: Project) -> None:
    """graph-top.rq, graph-neighbours.rq and graph-touches.rq leave out the named graphs that are no
    citation: the store's list of graphs less citation-graphs.rq (for Virtuoso, which finds no graph
    with ``GRAPH ?g { }``) is what ``GRAPH ?g { }`` less ``?g a jsi:Citation`` gives, on Oxigraph and on
    the rdflib referee: what reasoning added, the ontology and the display labels, nothing else."""
    from kg import iris
    from kg.rdflib_store import rdflib_store
    from kg.viz.reader import Reader

    others = Reader(built_store, project, "en").other_graphs()
    query = "SELECT ?g WHERE { GRAPH ?g { } FILTER NOT EXISTS { ?g a jsi:Citation } } ORDER BY ?g"
    assert others == built_store.select(query).column("g")
    assert set(others) == {iris.INFERRED_GRAPH, iris.ONTOLOGY_GRAPH} | {iris.LABELS_GRAPH + lang for lang in ("en", "es", "fr")}
    referee = rdflib_store(built_store)
    assert referee.named_graphs() == built_store.named_graphs()
    assert Reader(referee, project, "en").other_graphs() == others  # type: ignore[arg-type]


def test_a_not_in_list_is_filled_with_terms_not_text() -> None:
    """with_list writes the IRIs into ``?v NOT IN (…)`` with Oxigraph's serialiser; an IRI that holds
    the word "service" goes through a PREFIX (kg.guard), and with no IRI the list written stays
    (``NOT IN ()`` keeps no row on Oxigraph 0.5, every row on Virtuoso)."""
    import pyoxigraph as ox

    from kg.catalogue.narrowing import with_list

    text = "SELECT ?g WHERE { VALUES ?g { <urn:a> <urn:b> <urn:c> } FILTER (?g NOT IN (<urn:x>)) }"
    assert with_list(text, "g", []) == text
    filled = with_list(text, "g", ["urn:a", "urn:service:b", "urn:b"])
    assert "<urn:a>, kgmatch" in filled and "service" not in filled.split("WHERE")[1]
    assert [s["g"].value for s in ox.Store().query(filled)] == ["urn:c"]  # type: ignore[index]
    assert with_list("SELECT * WHERE { ?s ?p ?o FILTER (?o IN (1)) }", "g", ["urn:a"]).endswith("(?o IN (1)) }")


def test_the_graph_view_finds_things_through_the_topmost_classes_only_when_they_have_them_all(project: Project) -> None:
    """graph-top.rq joins with the topmost of the classes drawn when those have the same things as all of
    them (each thing once, not once per class); a thing typed only with a subclass (no reasoning stated its
    superclass) keeps the join with every class, so it is still drawn and its links still counted."""
    import pyoxigraph as ox

    from kg.viz.networks import _joined, graph_view
    from kg.viz.reader import Reader

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    member, country = ox.NamedNode(iris.JSI + "Member"), ox.NamedNode(iris.JSI + "Country")
    cited, onto = ox.NamedNode(iris.ID + "graph/test-citation"), ox.NamedNode(iris.ONTOLOGY_GRAPH)
    a, b, c = (ox.NamedNode(iris.ID + f"member/{n}") for n in ("AAA", "BBB", "CCC"))
    quads = [ox.Quad(member, rdf_type, owl_class, onto), ox.Quad(country, rdf_type, owl_class, onto),
             ox.Quad(country, sub, member, onto),
             ox.Quad(cited, rdf_type, ox.NamedNode(iris.JSI + "Citation"), cited),
             ox.Quad(a, rdf_type, member, cited), ox.Quad(b, rdf_type, country, cited),
             ox.Quad(a, ox.NamedNode(iris.JSI + "partner"), b, cited), ox.Quad(c, rdf_type, member, cited)]
    below = [country.value, member.value]
    open_ = memory_store(quads)
    assert _joined(Reader(open_, project, "en"), below) == below  # BBB is a Country, not stated a Member
    drawing = graph_view(Reader(open_, project, "en"), seed=0, types=["Member"])
    assert sorted(n.id for n in drawing.nodes) == [a.value, b.value, c.value]
    closed = memory_store([*quads, ox.Quad(b, rdf_type, member, ox.NamedNode(iris.INFERRED_GRAPH))])
    assert _joined(Reader(closed, project, "en"), below) == [member.value]
    assert sorted(n.id for n in graph_view(Reader(closed, project, "en"), seed=0, types=["Member"]).nodes) == [
        a.value, b.value, c.value]


def test_the_most_specific_classes_are_counted_as_a_thing_by_thing_choice_would(built_store: Store, project: Project) -> None:
    """graph-most-specific.rq (each thing's first class in most_specific's order) counts what
    graph-kinds.rq (each thing's set of classes, most_specific in Python) counts, on the real graph; and
    when a class is through others its own superclass, where the first class can be a superclass of
    another, kg viz counts with graph-kinds.rq."""
    from collections import Counter

    import pyoxigraph as ox

    from kg.viz.reader import Reader, most_specific

    reader = Reader(built_store, project, "en")
    ancestors = reader.ancestors()
    by_sets: Counter[str] = Counter()
    for kinds, things in reader.rows("graph-kinds"):
        by_sets[most_specific(set((kinds or "").split(" ")), ancestors)] += int(things or 0)
    assert reader.kind_counts() == by_sets and len(by_sets) > 10

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sub = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    owl_class, g = ox.NamedNode("http://www.w3.org/2002/07/owl#Class"), ox.NamedNode(iris.ONTOLOGY_GRAPH)
    a, b, c, z = (ox.NamedNode(iris.JSI + n) for n in ("A", "B", "C", "Z"))
    thing = ox.NamedNode(iris.ID + "thing/x")
    # A and B are each other's superclass and both below Z; C is unrelated: x (A, B, C) is a C
    quads = [ox.Quad(k, rdf_type, owl_class, g) for k in (a, b, c, z)]
    quads += [ox.Quad(a, sub, b, g), ox.Quad(b, sub, a, g), ox.Quad(a, sub, z, g), ox.Quad(b, sub, z, g)]
    quads += [ox.Quad(thing, rdf_type, k, g) for k in (a, b, c)]
    assert Reader(memory_store(quads), project, "en").kind_counts() == Counter({c.value: 1})
