"""The read-only SPARQL endpoint: protocol, loopback, refusals, time and size limits."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.server import EndpointConfig, make_server
from kg.store import read_manifest

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(built_dir: Path) -> Iterator[Callable[..., EndpointConfig]]:
    """Start servers on free loopback ports; stop them after the module."""
    servers = []
    manifest = read_manifest(built_dir)
    assert manifest is not None
    location = built_dir / manifest["store"]

    def start(**limits: float) -> str:
        config = EndpointConfig(store_location=location, port=0, **limits)  # type: ignore[arg-type]
        server = make_server(config)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    yield start  # type: ignore[misc]
    for server in servers:
        server.shutdown()
        server.server_close()


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def _q(base: str, query: str, **params: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **params})


def test_default_config_is_loopback(built_dir: Path) -> None:
    assert EndpointConfig(store_location=built_dir).host == "127.0.0.1"


def test_select_in_json_and_csv(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint()
    q = "SELECT ?code WHERE { ?s a jsi:Section ; jsi:code ?code } ORDER BY ?code"
    status, media, body = _get(_q(base, q), {"Accept": "application/sparql-results+json"})
    assert status == 200 and media.startswith("application/sparql-results+json")
    assert [b["code"]["value"] for b in json.loads(body)["results"]["bindings"]] == list("ABCDEF")
    status, media, body = _get(_q(base, q, format="csv"))
    assert status == 200 and body.splitlines() == ["code", "A", "B", "C", "D", "E", "F"]


def test_post_forms_and_construct(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint()
    body = urllib.parse.urlencode({"query": "ASK { member:CIV a jsi:Member }"}).encode()
    status, _, text = _get(f"{base}/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert status == 200 and json.loads(text)["boolean"] is True
    status, media, text = _get(
        f"{base}/sparql",
        {"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
        b"CONSTRUCT { jsi:Binding jsi:rank ?r } WHERE { jsi:Binding jsi:rank ?r }",
    )
    assert status == 200 and media.startswith("text/turtle") and "ontology#rank> 5" in text


def test_updates_and_federation_are_refused(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint()
    status, _, text = _get(f"{base}/sparql", {"Content-Type": "application/sparql-update"}, b"INSERT DATA { <a:b> <a:c> <a:d> }")
    assert status == 403 and "read-only" in text
    status, _, _ = _get(f"{base}/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"}))
    assert status == 403
    status, _, text = _get(_q(base, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"))
    assert status == 400 and "SERVICE" in text
    assert _get(_q(base, "ASK { member:CIV a jsi:Member }"))[2].count("true") == 1, "the store is unchanged"


def test_time_limit_stops_a_runaway_query(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint(timeout_s=0.5)
    status, _, text = _get(_q(base, HEAVY))
    assert status == 503 and "longer than 0.5 s" in text


def test_size_limit_refuses_a_large_result(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint(max_result_bytes=2000)
    status, _, text = _get(_q(base, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
    assert status == 413 and "add a LIMIT" in text
    assert _get(_q(base, "SELECT ?s WHERE { ?s a jsi:Section } LIMIT 2"))[0] == 200


def test_bad_requests_are_explained(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint(max_query_bytes=200)
    assert _get(f"{base}/sparql")[0] == 400
    status, _, text = _get(_q(base, "SELECT ?x WHERE { ?x ?y }"))
    assert status == 400 and text
    assert _get(_q(base, "SELECT * WHERE { ?s ?p ?o } # " + "x" * 300))[0] == 413
    assert _get(f"{base}/nothing")[0] == 404
    assert _get(_q(base, "ASK {}", format="pdf"))[0] == 400


def test_query_page_is_self_contained(endpoint) -> None:  # type: ignore[no-untyped-def]
    base = endpoint()
    request = urllib.request.Request(f"{base}/")
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "http://" not in page.replace("http://{", "") and "https://" not in page
    assert response.headers.get("Access-Control-Allow-Origin") is None
