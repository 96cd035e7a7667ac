"""Load the built graph into a SPARQL server with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the build (one per citation, plus the ontology, the inferences and
the build's description) replaces the graph of the same name on the server: ``PUT
URL?graph=IRI`` for its first part, ``POST`` (merge) for the next parts of a large graph,
so a push shows its progress and no request grows without bound. A graph holding blank
nodes goes in one request, since the protocol gives each request fresh blank nodes.

A full push also writes the union graph (:data:`kg.remote.UNION_GRAPH`): every statement
of the build once, what the embedded store's default graph is. A remote store then sends
that one graph as the default graph instead of naming every citation graph (which made
Oxigraph server read about 200 graphs for each triple pattern, and Virtuoso's cost
estimator refuse or mis-plan queries). A push of some graphs only (``--graph``) cannot
keep it exact, so it deletes it, and the store names the graphs again until the next full push.

Then the index graph (:data:`kg.remote.INDEX_GRAPH`) is replaced: it lists with
``dcterms:hasPart`` every graph that makes up the pushed graph (and, after a full push,
``<UNION_GRAPH> dcterms:hasPart`` each of them too), and is what
:class:`kg.remote.RemoteStore` reads to query exactly those graphs. It is written only
after every graph went through, so a failed push leaves the previous index in place. Last,
the graphs the previous index listed that the build no longer has are deleted.

Oxigraph server takes writes on ``/store``; Virtuoso on ``/sparql-graph-crud-auth`` with
HTTP Digest authentication (user and password).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.errors import StoreError
from kg.remote import HAS_PART, INDEX_GRAPH, UNION_GRAPH, http_request

__all__ = ["PushReport", "push_graph", "graph_url", "CHUNK"]

#: Statements per request (those with blank nodes go in one request of their own).
CHUNK = 5_000
_TURTLE = "text/turtle; charset=utf-8"


@dataclass
class PushReport:
    """What a push did: the graphs replaced and the statements sent."""

    url: str
    graphs: list[str] = field(default_factory=list)
    statements: int = 0
    #: Graphs an earlier push listed that the build no longer has, deleted after the new index.
    removed: list[str] = field(default_factory=list)
    #: Statements of the union graph written by a full push (0: none written).
    union: int = 0


def graph_url(url: str, graph: str) -> str:
    """The Graph Store Protocol address of one named graph (indirect identification).

    Examples
    --------
    >>> graph_url("http://127.0.0.1:7878/store", "https://w3id.org/jsi-ecom/id/graph/x")
    'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fjsi-ecom%2Fid%2Fgraph%2Fx'
    """
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    if user is None:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password or "")
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)
    )


def _turtle(triples: Sequence[ox.Triple]) -> bytes:
    # Full IRIs: Virtuoso 7.2 keeps the backslash of escaped local names (doc:COM\(2025\)_33).
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b""


def _has_bnode(triples: Iterable[ox.Triple]) -> bool:
    return any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise StoreError("the built graph holds statements outside a named graph; "
                             "kg push keeps every statement in its citation graph: run 'kg build --force'")
        graphs.setdefault(q.graph_name.value, []).append(q.triple)
    return {g: sorted(ts, key=str) for g, ts in sorted(graphs.items())}


def _index(graphs: Iterable[str], *, union: bool) -> bytes:
    wholes = [INDEX_GRAPH, UNION_GRAPH] if union else [INDEX_GRAPH]
    triples = [ox.Triple(ox.NamedNode(w), ox.NamedNode(HAS_PART), ox.NamedNode(g))
               for w in wholes for g in sorted(set(graphs))]
    return _turtle(triples)


def _send(url: str, method: str, body: bytes, opener: urllib.request.OpenerDirector, timeout: float) -> None:
    http_request(url, method=method, data=body, headers={"Content-Type": _TURTLE}, opener=opener,
                 timeout=timeout, what="the graph store")


def _indexed(url: str, opener: urllib.request.OpenerDirector, timeout: float) -> list[str]:
    """The graphs the server's index lists now (none when there is no index)."""
    try:
        status, head, body = http_request(graph_url(url, INDEX_GRAPH), headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
                                          opener=opener, timeout=timeout, what="the graph store")
    except StoreError as exc:
        if " answered 404 " in str(exc):
            return []
        raise
    ctype = head.get("content-type", "text/turtle").split(";")[0].strip().lower()
    fmt = ox.RdfFormat.N_TRIPLES if ctype in ("application/n-triples", "text/plain") else ox.RdfFormat.TURTLE
    try:
        return [q.object.value for q in ox.parse(body, format=fmt)
                if q.predicate.value == HAS_PART and isinstance(q.object, ox.NamedNode)]
    except SyntaxError as exc:
        raise StoreError(f"the index graph on {url} is unreadable ({exc})") from None


def push_graph(
    store: Any,
    url: str,
    *,
    only: Sequence[str] | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300.0,
    chunk: int = CHUNK,
    progress: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Replace the named graphs of ``store`` on the Graph Store at ``url``, then the index graph.

    Parameters
    ----------
    store : kg.store.Store
        The built graph.
    url : str
        The Graph Store Protocol endpoint (Oxigraph: ``http://host:7878/store``; Virtuoso:
        ``http://host:8890/sparql-graph-crud-auth``).
    only : sequence of str, optional
        Push only these named graphs (the index keeps the others it lists).
    user, password : str, optional
        For servers that require authentication (Virtuoso: HTTP Digest).
    timeout : float
        Seconds for each request.
    chunk : int
        Statements per request.
    progress : callable, optional
        Called with (graph, statements sent) after each request.

    Raises
    ------
    StoreError
        A graph asked for is not in the build, or the server refused a request (the
        message names the graph; the index is then left as it was).
    """
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise StoreError(f"{url!r} is not an http(s) URL of a Graph Store (e.g. http://127.0.0.1:7878/store)")
    graphs = _by_graph(store.quads())
    if only:
        missing = [g for g in only if g not in graphs]
        if missing:
            raise StoreError(f"the built graph has no named graph {missing[0]!r}; see 'kg stats' for the sources")
        graphs = {g: graphs[g] for g in only}
    opener = _opener(url, user, password)
    listed = _indexed(url, opener, timeout)
    report = PushReport(url)
    for name, triples in graphs.items():
        _put(url, name, triples, opener, timeout, chunk, progress, f"{len(report.graphs)} of {len(graphs)} graphs done")
        report.statements += len(triples)
        report.graphs.append(name)
    if only:  # the union on the server would no longer be exact: named graphs are queried until a full push
        _delete(url, UNION_GRAPH, opener, timeout)
    else:
        union = sorted({t for triples in graphs.values() for t in triples}, key=str)
        _put(url, UNION_GRAPH, union, opener, timeout, chunk, None, "every graph done")
        report.union = len(union)
    kept = listed if only else []
    _send(graph_url(url, INDEX_GRAPH), "PUT", _index([*kept, *report.graphs], union=not only), opener, timeout)
    if not only:  # graphs of an earlier push that this build no longer has
        for name in sorted(set(listed) - set(report.graphs)):
            _delete(url, name, opener, timeout)
            report.removed.append(name)
    return report


def _put(url: str, name: str, triples: Sequence[ox.Triple], opener: urllib.request.OpenerDirector, timeout: float,
         chunk: int, progress: Callable[[str, int], None] | None, done: str) -> None:
    """Replace one graph: PUT its first part, POST the next ones.

    The statements with blank nodes go together in the first request (the protocol gives
    each request fresh blank nodes); the others in parts of ``chunk``, so that no body is
    large enough for a server that answers 401 before reading it (Virtuoso's Digest) to
    break the connection.
    """
    linked = [t for t in triples if _has_bnode([t])]
    plain = [t for t in triples if not _has_bnode([t])]
    size = max(1, chunk)
    parts = [linked] if linked else []
    parts += [plain[i:i + size] for i in range(0, len(plain), size)]
    target = graph_url(url, name)
    for i, part in enumerate(parts or [[]]):
        try:
            _send(target, "PUT" if i == 0 else "POST", _turtle(part), opener, timeout)
        except StoreError as exc:
            raise StoreError(f"push stopped at graph <{name}> ({done}; the index is unchanged): {exc}") from None
        if progress is not None:
            progress(name, len(part))


def _delete(url: str, name: str, opener: urllib.request.OpenerDirector, timeout: float) -> None:
    try:
        http_request(graph_url(url, name), method="DELETE", opener=opener, timeout=timeout, what="the graph store")
    except StoreError as exc:
        if " answered 404 " not in str(exc):
            raise
