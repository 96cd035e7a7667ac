"""The query page of ``kg serve`` is YASGUI, offline: a real browser (Debian Chromium driven by
Playwright) opens it, runs the example query from the editor and reads the answer's rows,
while every request it makes is recorded (all must go to the endpoint itself) and the
Content-Security-Policy must not block anything.
"""

from __future__ import annotations

from typing import Any


from endpoint_support import Served


def test_the_page_serves_yasgui_and_its_licence(served: Served) -> None:
    status, headers, page = served.request("GET", "/")
    assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
    assert b'src="/static/yasgui.min.js"' in page and b'id="plain-form"' in page  # the form stays for no-JavaScript
    status, headers, script = served.request("GET", "/static/yasgui.min.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and len(script) > 500_000
    status, _, licence = served.request("GET", "/static/YASGUI-LICENSE.txt")
    assert status == 200 and b"MIT License" in licence and b"@zazuko/yasgui" in licence
    assert served.request("POST", "/static/yasgui.min.js", body=b"x")[0] == 405
    assert served.request("GET", "/static/../app.py")[0] == 404


def test_a_browser_runs_the_example_query_from_yasgui(served: Served, browser: Any) -> None:
    base = f"http://127.0.0.1:{served.port}"
    page = browser.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(base + "/")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    assert page.locator("#plain-form").is_hidden()
    assert "jsi:assessedCategory" in page.locator(".yasqe .CodeMirror").inner_text()
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    text = page.locator(".yasr table").inner_text()
    assert "model" in text and "fit" in text
    assert page.locator(".yasr table tbody tr").count() >= 1
    assert any(u.startswith(base + "/sparql") for u in requests), requests
    outside = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == [], outside
    blocked = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert blocked == [], blocked
