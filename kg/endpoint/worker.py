"""What an endpoint worker does with one job: run it on the open store and serialise the answer.

Runs SPARQL 1.1 queries with pyoxigraph, answers in the negotiated format (SPARQL 1.1
Query Results JSON/XML/CSV/TSV, RDF syntaxes) and describes the service (SPARQL 1.1
Service Description). Called in the query thread of a worker process
(:mod:`kg.endpoint.pool`, :mod:`kg.endpoint.prefork`).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.endpoint.formats import available, negotiate

__all__ = ["answer", "describe", "run_job", "limit_memory", "watch_parent", "Reply"]

#: (HTTP status, Content-Type, body)
Reply = tuple[int, str, bytes]

_TEXT = "text/plain; charset=utf-8"
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_VOID = "http://rdfs.org/ns/void#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N3",
)


class _TooLarge(Exception):
    pass


class _BoundedBuffer:
    """A binary sink that refuses to grow past a limit (pyoxigraph writes into it)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _error(status: int, message: str) -> Reply:
    return status, _TEXT, (message.rstrip() + "\n").encode()


@functools.lru_cache(maxsize=512)
def _checked(text: str) -> dict[str, str]:
    """The query checked by the project's one decision on what a query may do (SERVICE,
    updates: :mod:`kg.guard`), and the predeclared prefixes it can use (a name absent from
    the text cannot be used by it, and each prefix given costs Oxigraph time on every
    query). Both depend on the text alone, so a query asked again is not checked again (a
    refusal raises, and is not kept)."""
    from kg.guard import check_read_only_query

    check_read_only_query(text)
    return {name: iri for name, iri in iris.PREFIXES.items() if name + ":" in text}


def _dataset(job: dict[str, Any]) -> dict[str, Any]:
    """Query options for the dataset: the protocol's graphs replace the query's FROM."""
    default, named = job.get("default_graphs") or [], job.get("named_graphs") or []
    if not default and not named:
        return {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in default],
        "named_graphs": [ox.NamedNode(g) for g in named],
    }


def _serialize(result: Any, kind: str, name: str, sink: _BoundedBuffer) -> None:
    if kind == "graph":
        fmt = getattr(ox.RdfFormat, name)
        prefixes = iris.PREFIXES if name in ("TURTLE", "N3", "RDF_XML") else None
        ox.serialize(result, sink, format=fmt, prefixes=prefixes)  # type: ignore[arg-type]
    else:
        result.serialize(sink, format=getattr(ox.QueryResultsFormat, name))


def answer(store: ox.Store, job: dict[str, Any]) -> Reply:
    """Run one query job and serialise its answer; every failure is an HTTP reply."""
    from kg.errors import KGError

    max_bytes = int(job["max_bytes"])
    try:
        prefixes = _checked(job["text"])
        dataset = _dataset(job)
        result = store.query(job["text"], base_iri=job["base"], prefixes=prefixes, **dataset)
    except KGError as exc:
        return _error(400, str(exc))
    except ValueError as exc:  # a graph IRI of the protocol's dataset
        return _error(400, f"invalid graph IRI in default-graph-uri or named-graph-uri: {exc}")
    except SyntaxError as exc:
        return _error(400, f"invalid SPARQL: {exc}")
    except (RuntimeError, OSError) as exc:
        return _error(500, f"the query failed: {exc}")
    kind = "ask" if isinstance(result, ox.QueryBoolean) else "select" if isinstance(result, ox.QuerySolutions) else "graph"
    chosen = negotiate(kind, job["accept"], job["format"])
    if chosen is None:
        asked = job["format"] or job["accept"]
        return _error(406, f"a {kind.upper() if kind != 'graph' else 'CONSTRUCT/DESCRIBE'} result cannot be given as {asked!r}; acceptable: {available(kind)}")
    name, media = chosen
    sink = _BoundedBuffer(max_bytes)
    try:
        _serialize(result, kind, name, sink)
    except _TooLarge:
        return _error(413, f"the result is larger than {max_bytes} bytes; add a LIMIT or select fewer columns")
    except (RuntimeError, OSError, ValueError) as exc:
        return _error(500, f"the query failed: {exc}")
    return 200, media, b"".join(sink.parts)


def _description_quads(store: ox.Store, endpoint: str, comment: str) -> Iterator[ox.Triple]:
    sd = lambda name: ox.NamedNode(_SD + name)  # noqa: E731 - a local shorthand
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    yield ox.Triple(service, _RDF_TYPE, sd("Service"))
    yield ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint))
    yield ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query"))
    yield ox.Triple(service, sd("feature"), sd("UnionDefaultGraph"))
    for name in _RESULT_FORMATS:
        yield ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name))
    yield ox.Triple(service, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal(comment, language="en"))
    yield ox.Triple(service, sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, _RDF_TYPE, sd("Dataset"))
    yield ox.Triple(dataset, sd("defaultGraph"), default)
    yield ox.Triple(default, _RDF_TYPE, sd("Graph"))
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert isinstance(counts, ox.QuerySolutions)
    for i, row in enumerate(counts):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        yield ox.Triple(dataset, sd("namedGraph"), named)
        yield ox.Triple(named, _RDF_TYPE, sd("NamedGraph"))
        yield ox.Triple(named, sd("name"), row["g"])  # type: ignore[arg-type]
        yield ox.Triple(named, sd("graph"), graph)
        yield ox.Triple(graph, _RDF_TYPE, sd("Graph"))
        yield ox.Triple(graph, ox.NamedNode(_VOID + "triples"), row["n"])  # type: ignore[arg-type]


def describe(store: ox.Store, job: dict[str, Any]) -> Reply:
    """The SPARQL 1.1 Service Description of the endpoint, in the negotiated RDF syntax."""
    chosen = negotiate("graph", job["accept"], job["format"])
    if chosen is None:
        return _error(406, f"the service description cannot be given as {job['format'] or job['accept']!r}; acceptable: {available('graph')}")
    name, media = chosen
    sink = _BoundedBuffer(int(job["max_bytes"]))
    try:
        _serialize(list(_description_quads(store, job["base"], job["comment"])), "graph", name, sink)
    except _TooLarge:
        return _error(413, "the service description is larger than the result size limit")
    return 200, media, b"".join(sink.parts)


def limit_memory(max_bytes: int) -> None:
    """Let the worker's address space grow by at most ``max_bytes`` beyond what it holds now
    (the store open, the server's threads): a hard stop for what the query slot's watch
    of resident memory cannot catch in time (the process then dies, and is replaced)."""
    from kg.memory import cap_address_space

    cap_address_space(max_bytes)


def watch_parent(parent: int) -> None:
    """Exit when the server that started this worker is gone (its pipe may stay open)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(3)




def run_job(store: ox.Store, job: dict[str, Any]) -> Reply:
    """One job, whatever happens: every failure is an HTTP reply."""
    try:
        return describe(store, job) if job["op"] == "describe" else answer(store, job)
    except MemoryError:
        return _error(503, "the query needed more memory than a worker may use; narrow it or add a LIMIT")
    except Exception as exc:  # noqa: BLE001 - a worker answers every job, even an engine panic
        return _error(500, f"the query engine failed: {type(exc).__name__}: {exc}")
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return _error(500, f"the query engine failed: {type(exc).__name__}: {exc}")
