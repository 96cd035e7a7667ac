"""The web app and the briefing: a real browser (Debian Chromium driven by Playwright) on the real graph.

The browser test opens the app, finds Côte d'Ivoire by its French name, opens its
briefing and downloads an answer as .xlsx that openpyxl reads back, while every request
the browser makes is recorded: all must go to the app itself (the pages work offline).
Escaping is checked on the hostile labels of tests/data/viz-hostile.trig.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from ports import free_port

from kg.project import Project
from kg.store import Store, memory_store
from kg.web.app import CSP, WebApp

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def client(built_store: Store, project: Project) -> Client:
    return Client(WebApp(built_store, project))


@pytest.fixture(scope="module")
def server(built_store: Store, project: Project) -> Iterator[str]:
    from kg.web.server import make_app_server

    srv = make_app_server(built_store, project, host="127.0.0.1", port=free_port())
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.port}"
    srv.shutdown()
    srv.server_close()


def test_browser_finds_civ_in_french_opens_its_briefing_and_downloads_xlsx(
        server: str, browser: Any, tmp_path: Path) -> None:
    import openpyxl

    context = browser.new_context(accept_downloads=True, locale="fr-FR")
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(server + "/?lang=fr")
    page.fill("#q", "Côte d’Ivoire")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?**")
    link = page.get_by_role("link", name="Côte d'Ivoire", exact=True)
    link.first.click()
    page.wait_for_url("**/id/member/CIV**")
    assert page.locator("h1").inner_text().startswith("Côte d'Ivoire")
    assert "INF/ECOM/49" in page.content()

    page.get_by_role("link", name="Note d'une page").click()
    page.wait_for_url("**/brief/member/CIV**")
    text = page.locator("article").inner_text()
    assert "INF/ECOM/49" in text and "INF/ECOM/38" in text
    assert "Groupe africain" in text  # its groups, named in French
    assert "affaibli" in text or "weakened" in text  # what became of INF/ECOM/49

    page.goto(server + "/questions/proposals-of-member?lang=fr")
    page.fill("#p-member", "cote d'ivoire")
    page.get_by_role("button", name="Répondre").click()
    page.wait_for_selector("table.answer")
    assert "INF/ECOM/38" in page.locator("table.answer").inner_text()
    assert "kg query proposals-of-member" in page.locator("p.command").inner_text()
    with page.expect_download() as info:
        page.click("#download-xlsx")
    target = tmp_path / "answer.xlsx"
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "document"
    assert {"INF/ECOM/38", "INF/ECOM/49", "INF/ECOM/66"} <= {r[0] for r in rows[1:]}

    page.goto(server + "/charts?lang=fr")
    page.wait_for_load_state("load")
    assert all(img > 0 for img in page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)"))
    context.close()
    outside = [u for u in requests if not u.startswith(server) and not u.startswith("data:")]
    assert outside == []
    assert problems == []


def test_every_page_forbids_loading_from_elsewhere(client: Client) -> None:
    for path in ("/", "/search?q=kenya", "/questions", "/questions/group-members?group=LDC", "/id/member/KEN",
                 "/brief/member/KEN", "/charts"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Security-Policy"] == CSP
        assert "default-src 'none'" in CSP and "http" not in CSP
        body = response.get_data(as_text=True)
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "") or path.startswith("/id/")
        assert "<script src=\"/static/app.js\"" in body or path.startswith("/brief")


def test_read_only_loopback_host_check_and_limits(built_store: Store, project: Project) -> None:
    app = Client(WebApp(built_store, project, host="127.0.0.1", port=18499))
    assert app.get("/", headers={"Host": "127.0.0.1:18499"}).status_code == 200
    assert app.get("/", headers={"Host": "localhost:18499"}).status_code == 200
    assert app.get("/", headers={"Host": "evil.example:18499"}).status_code == 404
    assert app.post("/", headers={"Host": "127.0.0.1:18499"}).status_code == 405
    assert app.get("/search?q=" + "x" * 5000, headers={"Host": "127.0.0.1:18499"}).status_code == 414


def test_entity_page_content_negotiation(client: Client) -> None:
    html = client.get("/id/member/CIV", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and html.headers["Vary"] == "Accept"
    text = html.get_data(as_text=True)
    assert "Côte d&#39;Ivoire" in text or "Côte d'Ivoire" in text  # its labels
    assert "inferred" in text  # inferred facts are marked
    turtle = client.get("/id/member/CIV", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    import pyoxigraph as ox

    triples = list(ox.parse(turtle.get_data(), format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.Literal("Côte d'Ivoire", language="es") for t in triples)  # the WTO's Spanish name
    jsonld = client.get("/id/member/CIV", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    assert len(list(ox.parse(jsonld.get_data(), format=ox.RdfFormat.JSON_LD))) == len(triples)
    assert client.get("/id/member/NOPE").status_code == 404


def test_an_answer_marks_the_rows_that_are_not_certain(client: Client) -> None:
    """issue-overview on D.3: China's element of INF/ECOM/19 sits in its column by the layout of
    IISD's Table 5 (medium), which the answer marks; high rows stay plain."""
    body = client.get("/questions/issue-overview?issue=D.3&run=1").get_data(as_text=True)
    row = next(r for r in body.split("<tr>") if "Voluntary support and recommendations" in r)
    assert '<span class="tag cert-medium">medium</span>' in row
    indonesia = next(r for r in body.split("<tr>") if "INF/ECOM/52, column" in r)
    assert "cert-" not in indonesia and "<td>high</td>" in indonesia


def test_search_did_you_mean_and_downloads(client: Client) -> None:
    body = client.get("/search?q=Keny%20Republik").get_data(as_text=True)
    assert "Did you mean" in body and "Kyrgyz Republic" in body
    csv = client.get("/questions/proposals-of-member?member=Kenya&format=csv")
    assert csv.get_data().startswith("\ufeffdocument,".encode())
    assert "INF/ECOM/37" in csv.get_data(as_text=True)
    xlsx = client.get("/questions/proposals-of-member?member=Kenya&format=xlsx")
    assert xlsx.get_data()[:2] == b"PK"
    suggest = client.get("/suggest/member?q=ken").get_json()
    assert "Kenya" in suggest


HOSTILE = ("<img src=x", "</script><script>alert(2)", "onmouseover=\"alert(3)", "<svg onload", "<iframe",
           "<a href=\"https://evil", "<script>alert(5)", "<style>*{display:none}")


def test_hostile_labels_are_escaped() -> None:
    import pyoxigraph as ox

    store = memory_store(ox.parse(path=str(DATA / "viz-hostile.trig"), format=ox.RdfFormat.TRIG))
    client = Client(WebApp(store, Project(Path(__file__).resolve().parent.parent)))
    pages = ["/search?q=alert", "/search?q=Issue", "/id/test/AAA", "/id/test/BBB", "/id/test/group", "/id/test/doc",
             "/id/issue/A.1.1", "/search?q=<script>alert(7)</script>",
             "/questions/find-entity?text=<script>alert(7)</script>", "/questions/find-entity?text=alert"]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        body = response.get_data(as_text=True)
        for needle in HOSTILE + ("<script>alert(7)",):
            assert needle not in body, (path, needle)
    assert "&lt;img src=x onerror=alert(1)&gt;" in client.get("/id/test/AAA").get_data(as_text=True)
    svg = client.get("/charts/documents.svg").get_data(as_text=True)
    assert "<script" not in svg


def test_brief_command_for_a_group(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "ldc.html"
    result = invoke("brief", "LDC", "--lang", "fr", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Groupe des PMA" in html and "WT/GC/W/787" in html
    assert "Afghanistan" in html  # its members
    assert "@page" in html and "size: A4" in html  # print CSS inside the one file
    assert "http://" not in html.split("</style>")[1].replace("https://", "")  # nothing to fetch


def test_brief_says_unknown_stance(invoke: Any) -> None:
    result = invoke("brief", "kenia")
    assert result.exit_code == 0
    assert "'kenia' → Kenya (member:KEN)" in result.stderr
    assert "INF/ECOM/37" in result.stdout
    assert "unknown" in result.stdout


@pytest.mark.parametrize("who", ["CIV", "Kenya"])
def test_briefing_prints_on_one_a4_page(invoke: Any, browser: Any, tmp_path: Path, who: str) -> None:
    out = tmp_path / "brief.html"
    assert invoke("brief", who, "-o", str(out)).exit_code == 0
    page = browser.new_page()
    page.goto(out.as_uri())
    pdf = page.pdf(format="A4", print_background=False)
    page.close()
    import re

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_slow_pages_answer_503_then_the_page(built_store: Store, project: Project, monkeypatch: Any) -> None:
    import time

    from kg.web import app as web_app

    monkeypatch.setitem(web_app.LIMITS, "page_seconds", 0)
    client = Client(WebApp(built_store, project))
    first = client.get("/views/sdt")
    assert first.status_code == 503 and first.headers["Retry-After"] == "5"
    deadline = time.monotonic() + 120
    while (later := client.get("/views/sdt")).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert later.status_code == 200
    assert "Content-Security-Policy" in later.headers and "<script" in later.get_data(as_text=True)


def test_kg_app_serves_then_stops_on_ctrl_c(built_dir: Path) -> None:
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "KG_BUILD_DIR": str(built_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "app", "--port", str(free_port()), "--no-browser"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
        with direct.open(url.group(0) + "search?q=kenia", timeout=30) as response:
            assert response.status == 200 and "Kenya" in response.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0 and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()


def test_kg_app_refuses_a_non_loopback_host(invoke: Any) -> None:
    result = invoke("app", "--host", "0.0.0.0", "--no-browser")
    assert result.exit_code == 2 and "not a loopback address" in result.output
