"""The built graph on a remote SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, ``kg serve`` …).

:class:`RemoteStore` answers ``query(text, bindings)`` with the same :class:`~kg.store.Table`,
``bool`` and :class:`~kg.store.Graph` results as the embedded :class:`~kg.store.Store`, so
every command runs unchanged with ``--store URL`` (or ``KG_STORE``). It speaks the SPARQL
1.1 Protocol (POST, ``application/x-www-form-urlencoded``), reads SPARQL 1.1 Query Results
JSON and N-Triples/Turtle answers, and:

- binds parameters as inline data at the right scope (:mod:`kg.prebind`), never by
  pasting text and never as a trailing ``VALUES`` (rdflib#1772);
- sends the dataset explicitly: when the server holds the index graph that ``kg push``
  writes, the default graph is the union graph a full push writes (every statement of the
  build once, as the embedded store's default graph), or, without one, every named graph
  the index lists as a ``default-graph-uri``; and when the query has a ``GRAPH`` pattern,
  every listed graph is a ``named-graph-uri`` (``GRAPH ?g`` reaches each citation, never
  the union or the index). Virtuoso's own default graph, which unites all of its graphs
  including its system graphs, is thus never queried;
- refuses federation (``SERVICE``) and ``FROM``/``FROM NAMED`` before anything is sent;
- enforces its own time limit on the whole answer, and turns a hang, a 206 (partial
  content), Virtuoso's partial-result marker, an HTTP error or an unreadable answer into
  one :class:`~kg.errors.StoreError` line: never partial rows.

Only the standard library and pyoxigraph are imported: no rdflib.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.errors import QueryError, StoreError, UsageError
from kg.prebind import bind_inline, query_form, tokenize, with_prefixes
from kg.guard import check_read_only_query
from kg.store import Cell, Graph, Result, Table

__all__ = [
    "INDEX_GRAPH",
    "UNION_GRAPH",
    "DEFAULT_TIMEOUT",
    "MAX_BYTES",
    "RemoteStore",
    "is_remote",
    "open_remote",
    "http_request",
]

#: The graph ``kg push`` writes last: ``<INDEX_GRAPH> dcterms:hasPart <g>`` for each named graph pushed.
INDEX_GRAPH = iris.ID + "graph/index"
#: The graph a full ``kg push`` writes with every statement of the build: the remote default graph.
UNION_GRAPH = iris.ID + "graph/union"
HAS_PART = "http://purl.org/dc/terms/hasPart"
#: Seconds a remote may take for one whole answer (env ``KG_STORE_TIMEOUT``).
DEFAULT_TIMEOUT = 60.0
#: Bytes of one answer beyond which it is refused (env ``KG_STORE_MAX_BYTES``).
MAX_BYTES = 512 * 1024 * 1024

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RESULTS_JSON = "application/sparql-results+json"
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}


def is_remote(location: str | None) -> bool:
    """Whether a ``--store`` value names an endpoint (``http://`` or ``https://``)."""
    return bool(location) and str(location).lower().startswith(("http://", "https://"))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise StoreError(f"{name}={raw!r} must be above 0")
    return value


def http_request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    opener: urllib.request.OpenerDirector | None = None,
    what: str = "the store",
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP exchange with a deadline on the whole answer, not only on each read.

    Returns the status, the headers (lower-case names) and the body. A status of 400 or
    more, a refused connection, a hang beyond ``timeout`` seconds or a body over
    ``max_bytes`` raise :class:`~kg.errors.StoreError` with one line saying so.
    """
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    # Virtuoso echoes each graph of the dataset in a header of its own; http.client stops at 100.
    http.client._MAXHEADERS = max(getattr(http.client, "_MAXHEADERS", 100), 10_000)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    open_ = (opener or urllib.request.build_opener()).open
    try:
        with open_(request, timeout=timeout) as response:
            status = response.status
            head = {k.lower(): v for k, v in response.headers.items()}
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise StoreError(f"{what} {url} did not answer within {timeout:g} s (KG_STORE_TIMEOUT)")
                chunk = response.read1(65536)  # what has arrived: a trickling server meets the deadline
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise StoreError(f"the answer of {what} {url} exceeds {max_bytes} bytes (KG_STORE_MAX_BYTES); "
                                     "narrow the query")
                chunks.append(chunk)
            return status, head, b"".join(chunks)
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace") if exc.fp else ""
        raise StoreError(f"{what} {url} answered {exc.code} {exc.reason}: {_first_line(body)}") from None
    except TimeoutError:
        raise StoreError(f"{what} {url} did not answer within {timeout:g} s (KG_STORE_TIMEOUT)") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise StoreError(f"{what} {url} did not answer within {timeout:g} s (KG_STORE_TIMEOUT)") from None
        raise StoreError(f"cannot reach {what} {url}: {reason}; is the server running?") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, malformed URL or answer
        raise StoreError(f"cannot reach {what} {url}: {exc}") from None


def _first_line(body: str) -> str:
    """The first meaningful line of an error body (HTML tags dropped), shortened."""
    import re

    text = re.sub(r"<[^>]*>", " ", body)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:300]
    return "(no explanation)"


def _cell(value: Mapping[str, Any] | None) -> Cell | None:
    """A SPARQL 1.1 Query Results JSON term as the :class:`Cell` Oxigraph would give."""
    if value is None:
        return None
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return Cell("iri", text)
    if kind == "bnode":
        return Cell("bnode", text)
    if kind in ("literal", "typed-literal"):  # "typed-literal": Virtuoso's pre-standard name
        lang = value.get("xml:lang")
        if lang:
            return Cell("literal", text, str(lang).lower(), _LANG_STRING)
        return Cell("literal", text, None, str(value.get("datatype") or _XSD_STRING))
    raise ValueError(f"unknown term type {kind!r}")


class RemoteStore:
    """A SPARQL 1.1 endpoint answering as :class:`kg.store.Store` does.

    Parameters
    ----------
    url : str
        The query endpoint (Oxigraph server: ``http://host:7878/query``; Virtuoso:
        ``http://host:8890/sparql``; ``kg serve``: ``http://host:port/sparql``).
    timeout : float
        Seconds for one whole answer.
    graphs : list of str, optional
        The named graphs that make up the graph. By default they are read from the
        index graph ``kg push`` writes; without one, the endpoint's own dataset is used.
    """

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES,
                 graphs: Iterable[str] | None = None) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise UsageError(f"--store {url!r} is not an http(s) URL of a SPARQL endpoint; give one such as http://127.0.0.1:7878/sparql")
        self.url = url
        self.location = url
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._graphs: list[str] | None = list(graphs) if graphs is not None else None
        self._union = False

    # ------------------------------------------------------------------ the dataset

    def graphs(self) -> list[str]:
        """The named graphs queried (empty: the endpoint's default dataset)."""
        if self._graphs is None:
            table = self._select(_remote_query("index"), dataset=False, bindings={"index": ox.NamedNode(INDEX_GRAPH)})
            parts: dict[str, set[str]] = {}
            for whole, g in table.rows:
                if whole is not None and g is not None:
                    parts.setdefault(whole.value, set()).add(g.value)
            self._graphs = sorted(parts.get(INDEX_GRAPH, set()))
            # the union graph stands for the default graph only when it unites exactly the listed graphs
            self._union = bool(self._graphs) and parts.get(UNION_GRAPH) == set(self._graphs)
        return self._graphs

    def named_graphs(self) -> list[str]:
        """The named graphs of the dataset queried (those :meth:`graphs` lists), sorted."""
        return list(self.graphs())

    def _dataset(self, named: bool = True) -> list[tuple[str, str]]:
        graphs = self.graphs()
        default = [UNION_GRAPH] if self._union else graphs
        return [*(("default-graph-uri", g) for g in default), *(("named-graph-uri", g) for g in graphs if named)]

    # ------------------------------------------------------------------ queries

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Result:
        """Run any SPARQL query on the endpoint (the same contract as :meth:`kg.store.Store.query`)."""
        check_read_only_query(text)  # SERVICE and updates: refused before anything is sent
        tokens = tokenize(text)
        form = query_form(tokens)
        for t in tokens:
            if t.keyword == "FROM":
                raise QueryError("FROM and FROM NAMED are refused: kg chooses the graphs of its dataset itself")
        sent = with_prefixes(bind_inline(text, bindings or {}) if bindings else text, tokens if not bindings else None)
        # named graphs only for a query that can reach them: naming ~200 graphs costs every server
        return self._run(sent, form, dataset=True, named=any(t.keyword == "GRAPH" for t in tokens))

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> Table:
        """Run a SELECT query; anything else is an error."""
        result = self.query(text, bindings)
        if not isinstance(result, Table):
            raise QueryError("expected a select query")
        return result

    def _select(self, text: str, *, dataset: bool, bindings: Mapping[str, Any] | None = None) -> Table:
        if bindings:
            text = bind_inline(text, bindings)
        result = self._run(text, "SELECT", dataset=dataset)
        assert isinstance(result, Table)
        return result

    def _run(self, text: str, form: str, *, dataset: bool, named: bool = True) -> Result:
        fields = [("query", text), *(self._dataset(named) if dataset else [])]
        accept = (f"{_RESULTS_JSON}" if form in ("SELECT", "ASK")
                  else "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5")
        status, head, body = http_request(
            self.url, method="POST", data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept},
            timeout=self.timeout, max_bytes=self.max_bytes,
        )
        if status == 206:
            raise StoreError(f"the store {self.url} answered 206 (partial results), refused: "
                             "raise the server's time limit or narrow the query")
        if status != 200:
            raise StoreError(f"the store {self.url} answered {status}, not 200: no result read")
        if "x-sql-state" in head:  # Virtuoso marks an answer cut short by its time limit
            raise StoreError(f"the store {self.url} returned incomplete results ({head.get('x-sql-message', head['x-sql-state'])}); "
                             "raise its MaxQueryExecutionTime or narrow the query")
        ctype = head.get("content-type", "").split(";")[0].strip().lower()
        try:
            if form in ("SELECT", "ASK"):
                return self._results(body, form, ctype)
            fmt = _RDF_TYPES.get(ctype)
            if fmt is None:
                raise ValueError(f"unexpected content type {ctype or 'none'!r}")
            triples = [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=fmt)]
            return Graph(list(triples))
        except (ValueError, KeyError, TypeError, SyntaxError) as exc:
            raise StoreError(f"the answer of the store {self.url} is unreadable ({exc}): no result read") from None

    def _results(self, body: bytes, form: str, ctype: str) -> Result:
        if ctype not in (_RESULTS_JSON, "application/json"):
            raise ValueError(f"expected {_RESULTS_JSON}, got {ctype or 'no content type'!r}")
        doc = json.loads(body.decode("utf-8"))
        if form == "ASK":
            if not isinstance(doc.get("boolean"), bool):
                raise ValueError("an ASK answer without a boolean")
            return bool(doc["boolean"])
        columns = [str(v) for v in doc["head"]["vars"]]
        rows = [tuple(_cell(b.get(c)) for c in columns) for b in doc["results"]["bindings"]]
        return Table(columns, rows)

    # ------------------------------------------------------------------ statements

    def quads(self, *, asserted_only: bool = False) -> Iterable[ox.Quad]:
        """Every statement of the dataset's named graphs, optionally without the inferred graph."""
        skip = {"skip": ox.NamedNode(iris.INFERRED_GRAPH)} if asserted_only else None
        table = self._select(_remote_query("statements"), dataset=True, bindings=skip)
        for s, p, o, g in table.rows:
            if s is None or p is None or o is None or g is None:
                continue
            yield ox.Quad(_term(s), _term(p), _term(o), ox.NamedNode(g.value))  # type: ignore[arg-type]

    def count_graph(self, graph_iri: str) -> int:
        """The number of triples in one named graph."""
        table = self._select(_remote_query("graph-count"), dataset=True, bindings={"graph": ox.NamedNode(graph_iri)})
        value = table.rows[0][0] if table.rows else None
        return int(value.value) if value is not None else 0


def _term(cell: Cell) -> Any:
    if cell.kind == "iri":
        return ox.NamedNode(cell.value)
    if cell.kind == "bnode":
        return ox.BlankNode(cell.value)
    if cell.lang:
        return ox.Literal(cell.value, language=cell.lang)
    return ox.Literal(cell.value, datatype=ox.NamedNode(cell.datatype or _XSD_STRING))


def open_remote(url: str) -> RemoteStore:
    """A :class:`RemoteStore` with the time limit of ``KG_STORE_TIMEOUT`` (seconds, default 60)."""
    return RemoteStore(url, timeout=_env_float("KG_STORE_TIMEOUT", DEFAULT_TIMEOUT))


def _remote_query(name: str) -> str:
    """The text of ``queries/remote/NAME.rq`` (the fixed queries of a remote store)."""
    from kg.project import default_project
    from kg.queryfiles import read_rq

    return read_rq(default_project().queries_dir / "remote" / f"{name}.rq", "remote store query")
