"""The W3C SPARQL 1.1 Protocol test suite, replayed against a real ``kg serve``.

The manifest (tests/data/w3c-protocol/manifest.ttl, copied from w3c/rdf-tests) is read at
test time; each request is sent as written (method, path under /sparql, headers, body in
its character encoding) and the response checked against the expected status, format and
boolean. The store holds the manifest's three graphs under its names. ``kg serve`` is
read-only: the update tests check that every update is refused (4xx) and changes nothing.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from endpoint_support import Served, make_build_dir, start_serve
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

HERE = Path(__file__).resolve().parent / "data" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
GRAPHS = {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf": HERE / f"data{i}.nt" for i in (1, 2, 3)}
RESULT_TYPES = {
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json", "text/n3"}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    fmt: str | None


def _steps(graph: Graph, test: URIRef) -> list[Step]:
    action = graph.value(test, MF.action)
    steps = []
    for request in Collection(graph, graph.value(action, HT.requests)):
        headers = {}
        listed = graph.value(request, HT.headers)
        for header in Collection(graph, listed) if listed is not None else []:
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
        body = None
        content = graph.value(request, HT.body)
        if content is not None:
            encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(graph.value(content, CNT.chars)).encode(encoding)
        response = graph.value(request, HT.resp)
        boolean = graph.value(response, MF.expectedBoolean)
        fmt = graph.value(response, MF.expectedFormat)
        path = str(graph.value(request, HT.absolutePath))
        assert path.startswith("/sparql/")
        steps.append(Step(
            method=str(graph.value(request, HT.methodName)),
            path="/sparql" + path[len("/sparql/"):],
            headers=headers,
            body=body,
            statuses={str(s).rpartition("#")[2] for s in graph.objects(response, MF.expectedStatus)},
            boolean=None if boolean is None else bool(boolean.toPython()),
            fmt=None if fmt is None else str(fmt),
        ))
    return steps


def _manifest() -> list[Any]:
    graph = Graph().parse(HERE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(test).rpartition("#")[2]
        tests.append(pytest.param(name, _steps(graph, test), id=name))  # type: ignore[arg-type]
    return tests


TESTS = _manifest()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    build = make_build_dir(tmp_path_factory.mktemp("w3c") / "build", GRAPHS)
    server = start_serve(build)
    yield server
    log = server.stop()
    assert "Traceback" not in log, log


def _boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    assert media == "application/sparql-results+xml", media
    found = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None and found.text in ("true", "false")
    return found.text == "true"


def _check_rdf(media: str, body: bytes) -> None:
    import pyoxigraph as ox

    assert media in RDF_TYPES, media
    fmt = ox.RdfFormat.from_media_type(media)
    assert fmt is not None
    list(ox.parse(body, format=fmt, base_iri="http://example.org/"))  # it parses as RDF


def _graphs_intact(served: Served) -> None:
    status, _, body = served.request("GET", "/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20WHERE%20%7B%20GRAPH%20?g%20%7B%20?s%20?p%20?o%20%7D%20%7D")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "3"


def test_the_manifest_has_every_query_test() -> None:
    names = [p.values[0] for p in TESTS]
    assert len(names) == 34 and "bad_query_missing_form_type" in names and "query_multiple_dataset" in names


@pytest.mark.parametrize(("name", "steps"), TESTS)
def test_w3c_protocol(served: Served, name: str, steps: list[Step]) -> None:
    if name.startswith("update_"):
        # A read-only endpoint: the update (first request) must be refused; the checks
        # that follow depend on it and are replaced by: nothing changed.
        step = steps[0]
        status, _, body = served.request(step.method, step.path, headers=step.headers, body=step.body)
        assert 400 <= status < 500, (status, body)
        assert b"read-only" in body
        _graphs_intact(served)
        return
    for step in steps:
        status, headers, body = served.request(step.method, step.path, headers=step.headers, body=step.body)
        wanted = {f"StatusCode{status // 100}xx"}
        assert wanted & step.statuses, (status, body)
        media = (headers.get("Content-Type") or "").split(";")[0].strip()
        if step.fmt == "boolean":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml"), media
        elif step.fmt == "tabular":
            assert media in RESULT_TYPES, media
        elif step.fmt == "RDF":
            _check_rdf(media, body)
        if step.boolean is not None:
            assert _boolean(media, body) is step.boolean
    if name.startswith("bad_update"):
        _graphs_intact(served)
