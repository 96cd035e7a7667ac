"""``kg serve`` on the real graph: protocol details, real clients, refusals and limits.

Each test talks HTTP to a real ``kg serve`` subprocess on a free loopback port (see
tests/endpoint_support.py). The W3C protocol suite itself is in test_w3c_protocol.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from endpoint_support import KG, Served, start_serve
from ports import free_port

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SECTIONS = "SELECT ?code WHERE { ?s a jsi:Section ; jsi:code ?code } ORDER BY ?code"
JSON = "application/sparql-results+json"


def _q(query: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def _media(headers: object) -> str:
    return str(headers.get("Content-Type") or "").split(";")[0]  # type: ignore[attr-defined]


# -- the protocol ------------------------------------------------------------------
def test_select_in_json_and_csv(served: Served) -> None:
    status, headers, body = served.request("GET", _q(SECTIONS), headers={"Accept": JSON})
    assert status == 200 and _media(headers) == JSON
    assert [b["code"]["value"] for b in json.loads(body)["results"]["bindings"]] == list("ABCDEF")
    assert headers["Vary"] == "Accept" and headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = served.request("GET", _q(SECTIONS, format="csv"))
    assert status == 200 and body.decode().splitlines() == ["code", "A", "B", "C", "D", "E", "F"]


def test_post_form_and_direct(served: Served) -> None:
    form = urllib.parse.urlencode({"query": "ASK { member:CIV a jsi:Member }"}).encode()
    status, _, body = served.request("POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"}, body=form)
    assert status == 200 and json.loads(body)["boolean"] is True
    status, headers, body = served.request(
        "POST", "/sparql", headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
        body=b"CONSTRUCT { jsi:Binding jsi:rank ?r } WHERE { jsi:Binding jsi:rank ?r }",
    )
    assert status == 200 and _media(headers) == "text/turtle" and b"jsi:Binding jsi:rank 6" in body


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        pytest.param("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", {}, None, 400, id="two-queries-in-url"),
        pytest.param("POST", "/sparql?query=ASK%7B%7D", {"Content-Type": "application/sparql-query"}, b"ASK {}", 400, id="url-and-body"),
        pytest.param("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=ASK%7B%7D&query=ASK%7B%7D", 400, id="two-in-form"),
        pytest.param("POST", "/sparql", {}, b"query=ASK%7B%7D", 415, id="no-content-type"),
        pytest.param("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415, id="text-plain"),
        pytest.param("POST", "/sparql", {"Content-Type": "application/sparql-query; charset=latin-1"}, b"ASK {}", 415, id="not-utf8-charset"),
        pytest.param("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK { \xff }", 400, id="bad-utf8"),
        pytest.param("GET", _q("ASK {}", **{"default-graph-uri": "not an iri"}), {}, None, 400, id="bad-graph-iri"),
        pytest.param("GET", _q("SELECT ?x WHERE { ?x ?y }"), {}, None, 400, id="syntax"),
        pytest.param("GET", _q("ASK {}", format="pdf"), {}, None, 400, id="unknown-format"),
        pytest.param("GET", "/nothing", {}, None, 404, id="no-such-page"),
        pytest.param("PUT", _q("ASK {}"), {}, b"", 405, id="put"),
        pytest.param("DELETE", "/sparql", {}, None, 405, id="delete"),
        pytest.param("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL", 403, id="update-direct"),
        pytest.param("GET", "/sparql?update=CLEAR%20ALL", {}, None, 403, id="update-get"),
    ],
)
def test_bad_requests_get_the_status_the_spec_says(
    served: Served, method: str, path: str, headers: dict[str, str], body: bytes | None, status: int
) -> None:
    got, response_headers, text = served.request(method, path, headers=headers, body=body)
    assert got == status, text
    assert _media(response_headers) == "text/plain" and text.strip()
    if status == 405:
        assert response_headers["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_options_and_head(served: Served) -> None:
    status, headers, _ = served.request("OPTIONS", "/sparql")
    assert status == 204 and headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    status, headers, body = served.request("HEAD", _q("ASK {}"))
    get_status, get_headers, get_body = served.request("GET", _q("ASK {}"))
    assert status == get_status == 200 and body == b"" and headers["Content-Length"] == str(len(get_body))
    assert headers["Content-Type"] == get_headers["Content-Type"]


def test_http_1_1_keep_alive(served: Served) -> None:
    import http.client

    conn = http.client.HTTPConnection(served.host, served.port, timeout=30)
    try:
        for _ in range(3):
            conn.request("GET", _q("ASK {}"))
            response = conn.getresponse()
            assert response.version == 11 and response.status == 200
            response.read()
    finally:
        conn.close()


def test_base_iri_is_the_endpoint(served: Served) -> None:
    status, _, body = served.request(
        "POST", "/sparql", headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        body=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
    )
    base = f"http://{served.host}:{served.port}"
    assert status == 200 and body.decode().strip() == f'<{base}/s> <{base}/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml;q=0, application/json", "application/json"),
        ("application/sparql-results+xml;q=0.5, application/sparql-results+json", JSON),
        ("text/*", "text/csv"),
        ("TEXT/TAB-SEPARATED-VALUES", "text/tab-separated-values"),
        ("image/png, text/csv;q=0.2", "text/csv"),
        ("", JSON),
        ("*/*", JSON),
    ],
)
def test_content_negotiation_of_a_select(served: Served, accept: str, media: str) -> None:
    status, headers, _ = served.request("GET", _q(SECTIONS), headers={"Accept": accept} if accept else {})
    assert status == 200 and _media(headers) == media


def test_ask_is_never_a_bare_csv(served: Served) -> None:
    status, _, body = served.request("GET", _q("ASK {}"), headers={"Accept": "text/csv"})
    assert status == 406 and b"application/sparql-results+json" in body
    status, headers, body = served.request("GET", _q("ASK {}"), headers={"Accept": "text/csv, application/sparql-results+xml;q=0.1"})
    assert status == 200 and _media(headers) == "application/sparql-results+xml" and b"<boolean>true</boolean>" in body
    assert served.request("GET", _q("ASK {}", format="tsv"))[0] == 406


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/ld+json", ox.RdfFormat.JSON_LD),
     ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("text/turtle", ox.RdfFormat.TURTLE)],
)
def test_construct_in_every_rdf_syntax(served: Served, accept: str, fmt: ox.RdfFormat) -> None:
    query = "CONSTRUCT { ?s jsi:code ?c } WHERE { ?s a jsi:Section ; jsi:code ?c }"
    status, headers, body = served.request("GET", _q(query), headers={"Accept": accept})
    assert status == 200 and _media(headers) == accept
    assert len(set(ox.parse(body, format=fmt))) == 6
    assert served.request("GET", _q(query), headers={"Accept": "application/sparql-results+json"})[0] == 406


def test_protocol_dataset_replaces_the_query_dataset(served: Served, built_store: object) -> None:
    graph = "https://w3id.org/jsi-ecom/id/graph/ontology"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = served.request("GET", _q(count, **{"default-graph-uri": graph}))
    in_graph = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    status, _, body = served.request("GET", _q(count))
    everything = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert status == 200 and 0 < in_graph < everything
    from_query = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    status, _, body = served.request("GET", _q(from_query, **{"default-graph-uri": "http://example.org/none"}))
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0", "the protocol's dataset wins over FROM"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = served.request("GET", _q(named, **{"named-graph-uri": graph}))
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [graph]


def test_service_description(served: Served) -> None:
    status, headers, body = served.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and _media(headers) == "text/turtle"
    store = ox.Store()
    store.load(body, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rows = list(store.query(f"SELECT ?e WHERE {{ ?s a <{sd}Service> ; <{sd}endpoint> ?e ; <{sd}supportedLanguage> <{sd}SPARQL11Query> }}"))
    assert [r["e"].value for r in rows] == [f"http://{served.host}:{served.port}/sparql"]
    named = list(store.query(f"SELECT (COUNT(?g) AS ?n) WHERE {{ ?d <{sd}namedGraph>/<{sd}name> ?g }}"))
    assert int(named[0]["n"].value) > 100  # one per citation
    status, headers, page = served.request("GET", "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and _media(headers) == "text/html" and b"<form" in page


def test_query_page_is_self_contained(served: Served) -> None:
    status, headers, page = served.request("GET", "/")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert b"https://" not in page and b"http://" not in page
    assert headers.get("Access-Control-Allow-Origin") is None


def test_host_header_against_dns_rebinding(served: Served) -> None:
    status, _, body = served.request("GET", _q("ASK {}"), headers={"Host": f"attacker.example:{served.port}"})
    assert status == 400 and b"--allow-host" in body
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}", f"[::1]:{served.port}"):
        assert served.request("GET", _q("ASK {}"), headers={"Host": host})[0] == 200


def test_updates_and_federation_are_refused(served: Served) -> None:
    status, _, text = served.request("GET", _q("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"))
    assert status == 400 and b"SERVICE" in text
    status, _, text = served.request(
        "POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode({"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}).encode(),
    )
    assert status == 403 and b"read-only" in text
    assert json.loads(served.request("GET", _q("ASK { <a:b> <a:c> <a:d> }"))[2])["boolean"] is False


# -- real clients --------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper 2.0
def test_sparqlwrapper_in_every_format(served: Served) -> None:
    from SPARQLWrapper import JSON as SW_JSON
    from SPARQLWrapper import JSONLD, N3, RDFXML, TURTLE, XML, SPARQLWrapper

    url = f"http://{served.host}:{served.port}/sparql"
    client = SPARQLWrapper(url)
    client.setQuery(SECTIONS)
    client.setReturnFormat(SW_JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert [r["code"]["value"] for r in rows] == list("ABCDEF")
    client.setQuery("ASK { member:CIV a jsi:Member }")
    client.setReturnFormat(XML)
    assert "true" in client.query().convert().toxml()  # type: ignore[union-attr]
    construct = "CONSTRUCT { ?s jsi:code ?c } WHERE { ?s a jsi:Section ; jsi:code ?c }"
    for fmt in (RDFXML, TURTLE, N3, JSONLD):
        client.setQuery(construct)
        client.setReturnFormat(fmt)
        result = client.query().convert()
        assert result, fmt
        if hasattr(result, "__len__") and not isinstance(result, (bytes, str)):
            assert len(result) == 6, fmt


def test_rdflib_sparqlstore_reads_ask_and_select(served: Served) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    url = f"http://{served.host}:{served.port}/sparql"
    assert SPARQLStore(url).query("ASK { member:CIV a jsi:Member }").askAnswer is True
    assert [str(r[0]) for r in SPARQLStore(url).query(SECTIONS)] == list("ABCDEF")
    assert [str(r[0]) for r in SPARQLStore(url, returnFormat="csv").query(SECTIONS)] == list("ABCDEF")
    # An ASK asked for as CSV was read as a one-row SELECT (a falsy answer); now it is refused.
    with pytest.raises(ValueError):
        SPARQLStore(url, returnFormat="csv").query("ASK { member:CIV a jsi:Member }")


# -- limits ----------------------------------------------------------------------------
def test_time_limit_stops_a_cross_product(built_dir: Path) -> None:
    server = start_serve(built_dir, "--timeout", "1", "--workers", "1")
    try:
        started = time.monotonic()
        status, _, body = server.request("GET", _q(HEAVY))
        assert status == 503 and b"longer than 1 s" in body
        assert time.monotonic() - started < 10
        assert server.request("GET", _q("ASK {}"))[0] == 200, "a fresh worker answers next"
    finally:
        assert "Traceback" not in server.stop()


def test_size_limit_refuses_a_large_result(built_dir: Path) -> None:
    server = start_serve(built_dir, "--max-result-mb", "0.01")
    try:
        status, _, body = server.request("GET", _q("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
        assert status == 413 and b"add a LIMIT" in body
        assert server.request("GET", _q("SELECT ?s WHERE { ?s a jsi:Section } LIMIT 2"))[0] == 200
    finally:
        server.stop()


def test_memory_limit_stops_a_sorted_cross_product(built_dir: Path) -> None:
    server = start_serve(built_dir, "--max-memory-mb", "400", "--timeout", "60", "--workers", "1")
    try:
        status, _, body = server.request("GET", _q("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"), timeout=90)
        assert status in (500, 503) and (b"memory" in body or b"engine failed" in body), body
        assert server.request("GET", _q("ASK {}"))[0] == 200
    finally:
        server.stop()


def test_concurrency_cap_answers_503_with_retry_after(built_dir: Path) -> None:
    server = start_serve(built_dir, "--timeout", "3", "--workers", "1")
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: server.request("GET", _q(HEAVY)), range(4)))
        busy = [h for status, h, _ in answers if status == 503 and h.get("Retry-After")]
        stopped = [b for status, _, b in answers if status == 503 and b"longer than" in b]
        assert busy and stopped and len(busy) + len(stopped) == 4
        pid = server.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():  # Linux: one worker process, however many clients
            assert len(children.read_text().split()) <= 1
    finally:
        server.stop()


def test_bad_content_length_and_body_limit(served: Served) -> None:
    for value in ("-1", "abc"):
        with socket.create_connection((served.host, served.port), timeout=10) as sock:
            sock.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: {value}\r\n\r\nASK {{}}".encode())
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 300000000\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 413"), "refused before reading the body"


def test_idle_and_half_sent_sockets_are_closed(built_dir: Path) -> None:
    server = start_serve(built_dir, "--idle-timeout", "2")
    socks = []
    try:
        for i in range(60):
            sock = socket.create_connection((server.host, server.port), timeout=15)
            if i % 3 == 1:
                sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no end of headers
            elif i % 3 == 2:
                sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 50\r\n\r\nASK")
            socks.append(sock)
        assert server.request("GET", _q("ASK {}"))[0] == 200, "served while they hang"
        time.sleep(3.5)
        for sock in socks:
            assert sock.recv(100) == b"", "closed without an answer: a half-sent request never runs"
    finally:
        for sock in socks:
            sock.close()
        server.stop()


# -- starting and stopping ------------------------------------------------------------
def _run_kg(*args: str, build_dir: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([KG, *args], capture_output=True, text=True, timeout=60, cwd=cwd, env={**os.environ, "KG_BUILD_DIR": str(build_dir)})


def test_port_in_use_is_one_error_line(served: Served, built_dir: Path) -> None:
    done = _run_kg("serve", "--port", str(served.port), build_dir=built_dir)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: port") and "--port" in done.stderr and "Traceback" not in done.stderr


def test_kg_app_on_a_port_in_use_says_the_same_line(served: Served, built_dir: Path) -> None:
    """Both servers of kg word 'cannot listen' once (kg.errors.ServeError.cannot_listen)."""
    serve = _run_kg("serve", "--port", str(served.port), build_dir=built_dir)
    app = _run_kg("app", "--port", str(served.port), "--no-browser", build_dir=built_dir)
    assert app.returncode == serve.returncode == 1 and app.stderr == serve.stderr
    assert app.stderr == f"Error: port {served.port} on 127.0.0.1 is already in use (another server of kg?); stop it or pick another with --port\n"


def test_unknown_host_is_one_error_line(built_dir: Path) -> None:
    done = _run_kg("serve", "--host", "no-such-host.invalid", build_dir=built_dir)
    assert done.returncode == 2 and done.stderr.startswith("Error: cannot listen on --host") and done.stderr.count("\n") == 1


def test_ipv6_loopback(built_dir: Path) -> None:
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    server = start_serve(built_dir, "--host", "::1")
    try:
        assert server.host == "::1"
        assert server.request("GET", _q("ASK {}"))[0] == 200
    finally:
        assert "Traceback" not in server.stop()


def test_a_kg_folder_in_the_working_directory_is_not_imported(built_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "kg" / "endpoint").mkdir(parents=True)
    (tmp_path / "kg" / "__init__.py").write_text("raise ImportError('the wrong kg')\n")
    (tmp_path / "kg" / "endpoint" / "__init__.py").write_text("raise ImportError('the wrong kg')\n")
    server = start_serve(built_dir, cwd=tmp_path)
    try:
        assert server.request("GET", _q("ASK { member:CIV a jsi:Member }"))[0] == 200
    finally:
        assert "wrong kg" not in server.stop()


def test_serves_the_new_store_after_kg_build(fixture_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import threading

    project = fixture_project("minimal.trig")
    env = {**os.environ, "KG_HOME": str(project.root)}
    env.pop("KG_BUILD_DIR", None)

    def build(*args: str) -> None:
        done = subprocess.run([KG, "build", *args], capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr

    build()
    server = start_serve(project.root / "build")
    label = _q("SELECT ?l WHERE { <https://w3id.org/jsi-ecom/id/test/BBB> rdfs:label ?l }", format="csv")
    statuses: list[int] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set() and len(statuses) < 5000:
            statuses.append(server.request("GET", label)[0])
            time.sleep(0.02)

    try:
        assert server.request("GET", label)[2].decode().splitlines() == ["l", "Bland"]
        asker = threading.Thread(target=keep_asking)
        asker.start()
        data = project.root / "graph_data" / "minimal.trig"
        data.write_text(data.read_text(encoding="utf-8").replace('"Bland"@en', '"Blandia"@en'), encoding="utf-8")
        build()
        deadline = time.monotonic() + 60  # a loaded machine takes a while to start workers
        while server.request("GET", label)[2].decode().splitlines() != ["l", "Blandia"]:
            assert time.monotonic() < deadline, "still serving the old store"
            time.sleep(0.2)
        build("--force")  # the same store name, replaced under the endpoint
        time.sleep(1.0)
        assert server.request("GET", label)[2].decode().splitlines() == ["l", "Blandia"]
        stop.set()
        asker.join(30)
        assert statuses and set(statuses) == {200}, "every query answered during the builds"
    finally:
        stop.set()
        assert "Traceback" not in server.stop()


def test_the_endpoint_benchmark_runs(built_dir: Path) -> None:
    """benchmarks/endpoint_bench.py on a small size, so that a benchmark that no longer runs fails."""
    import shutil
    import sys

    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "endpoint_bench.py"
    if shutil.which("oxigraph") is None and not (Path(sys.executable).parent / "oxigraph").exists():
        pytest.fail("the reference server is missing: pip install oxigraph (in the test extra)")
    done = subprocess.run(
        [sys.executable, str(bench), "--build-dir", str(built_dir), "--seconds", "0.5", "--rounds", "1", "--clients", "2", "--timeout", "1"],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "lookup: Oxigraph's server answers" in done.stdout and "answered 503 after" in done.stdout
    rows = [line for line in done.stdout.splitlines() if line.startswith(("| lookup", "| mixed"))]
    assert len(rows) == 4 and all(row.rstrip().endswith("| 0 |") for row in rows), "no errors"


def test_a_damaged_store_is_one_error_line(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "store-0123456789abcdef").mkdir(parents=True)
    (build / "store-0123456789abcdef" / "CURRENT").write_text("junk\n")
    (build / "CURRENT").write_text('{"store": "store-0123456789abcdef"}')
    done = _run_kg("serve", "--port", str(free_port()), build_dir=build)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("Error: the query workers cannot start") and "kg build" in done.stderr


def test_two_host_headers_are_refused(served: Served) -> None:
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
