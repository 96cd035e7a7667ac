"""The built graph on disk and the SPARQL 1.1 queries over it (embedded Oxigraph).

Parameters are bound as RDF terms through Oxigraph's substitutions (SEP-0007), never
pasted into query text. Opening the store read-only costs tens of milliseconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Union

import pyoxigraph as ox

from kg import iris
from kg.errors import QueryError, StoreError

__all__ = [
    "Cell",
    "Table",
    "Graph",
    "Result",
    "QueryEngine",
    "Store",
    "read_manifest",
    "open_store",
    "memory_store",
    "cell_from_term",
    "refuse_federation",
]

MANIFEST = "CURRENT"

# Strings, IRIs and comments, which may contain the word SERVICE without meaning it.
_LONG_DQ = r'"""(?:[^"\\]|\\.|"(?!""))*"""'
_LONG_SQ = r"'''(?:[^'\\]|\\.|'(?!''))*'''"
_DQ = r'"(?:[^"\\\n]|\\.)*"'
_SQ = r"'(?:[^'\\\n]|\\.)*'"
_IRI = r"<[^<>\"{}|^`\\\s]*>"
_COMMENT = r"#[^\n]*"
_SKIP = re.compile("|".join((_LONG_DQ, _LONG_SQ, _DQ, _SQ, _IRI, _COMMENT)))
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def refuse_federation(text: str) -> None:
    """Refuse a query that would fetch from another server (``SERVICE``).

    Oxigraph would send the request; kg answers from the local graph only, offline.

    Examples
    --------
    >>> refuse_federation('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')
    >>> refuse_federation("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE (a federated query) is refused: kg answers from the local graph only, offline
    """
    if _SERVICE.search(_SKIP.sub(" ", text)):
        raise QueryError("SERVICE (a federated query) is refused: kg answers from the local graph only, offline")


@dataclass(frozen=True, order=True)
class Cell:
    """One value of a result row: an IRI, a literal or a blank node.

    Examples
    --------
    >>> Cell("literal", "Côte d'Ivoire", lang="fr").value
    "Côte d'Ivoire"
    """

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value


@dataclass
class Table:
    """The rows of a SELECT query, in the query's order."""

    columns: list[str]
    rows: list[tuple[Cell | None, ...]]

    def column(self, name: str) -> list[str | None]:
        """The values of one column as text (``None`` where unbound)."""
        i = self.columns.index(name)
        return [None if r[i] is None else r[i].value for r in self.rows]  # type: ignore[union-attr]

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of text values."""
        return [
            {c: (None if v is None else v.value) for c, v in zip(self.columns, r)} for r in self.rows
        ]


@dataclass
class Graph:
    """The triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[ox.Triple]

    def to_turtle(self) -> str:
        """Turtle, with the project's prefixes, triples sorted for stable output."""
        data = ox.serialize(
            sorted(self.triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=iris.PREFIXES
        )
        return data.decode("utf-8") if data else ""


Result = Union[Table, bool, Graph]


def cell_from_term(term: Any) -> Cell | None:
    """Convert an Oxigraph term to a :class:`Cell`."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Cell("literal", term.value, term.language, term.datatype.value)
    return Cell("literal", str(term))


class QueryEngine(Protocol):
    """What every SPARQL backend of a built graph offers (:class:`Store` on Oxigraph,
    :class:`kg.rdflib_store.RdflibStore` on rdflib, its referee).

    Library code takes a ``QueryEngine`` so that any backend can answer.
    """

    #: Where the statements come from, for messages.
    location: str

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Result:
        """Run any SPARQL query with the variables of ``bindings`` bound to terms."""
        ...

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> Table:
        """Run a SELECT query; anything else is a :class:`~kg.errors.QueryError`."""
        ...

    def count_graph(self, graph_iri: str) -> int:
        """The number of triples in one named graph."""
        ...

    def quads(self, *, asserted_only: bool = False) -> Iterable[ox.Quad]:
        """Every statement as an Oxigraph quad, optionally without the inferred graph."""
        ...


class Store:
    """A read-only view of a built graph answering SPARQL queries.

    The default graph of a query is the union of every named graph (facts, ontology,
    inferences); ``GRAPH ?g`` reaches one citation. Use :func:`open_store` or
    :func:`memory_store` to get one.
    """

    def __init__(self, store: ox.Store, *, location: str = "memory") -> None:
        self._store = store
        self.location = location

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Result:
        """Run any SPARQL query.

        Parameters
        ----------
        text : str
            The query. The prefixes of :data:`kg.iris.PREFIXES` are predeclared.
        bindings : mapping, optional
            Variable name → Oxigraph term (``NamedNode``, ``Literal``); each is
            substituted as a term, so no value can change the query's meaning.
            Oxigraph requires a bound variable of a SELECT query to be in its
            projection (and so in its GROUP BY when it aggregates).

        Examples
        --------
        >>> s = memory_store([ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"),
        ...                  ox.Literal("x"), ox.NamedNode("http://e/g"))])
        >>> s.query("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://e/a")}).column("o")
        ['x']
        """
        refuse_federation(text)
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            result = self._store.query(
                text,
                prefixes=iris.PREFIXES,
                use_default_graph_as_union=True,
                substitutions=subs or None,
            )
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        except RuntimeError as exc:
            raise QueryError(f"the query cannot run: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [tuple(cell_from_term(sol[i]) for i in range(len(columns))) for sol in result]
            return Table(columns, rows)
        return Graph(list(result))

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> Table:
        """Run a SELECT query; anything else is an error."""
        result = self.query(text, bindings)
        if not isinstance(result, Table):
            raise QueryError("expected a SELECT query")
        return result

    def count_graph(self, graph_iri: str) -> int:
        """The number of triples in one named graph."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))

    def quads(self, *, asserted_only: bool = False) -> Iterable[ox.Quad]:
        """Every statement, optionally without the graphs the build derives (inferred, display labels)."""
        from kg.labels import is_derived_graph

        for q in self._store.quads_for_pattern(None, None, None, None):
            if asserted_only and is_derived_graph(getattr(q.graph_name, "value", "")):
                continue
            yield q


def read_manifest(build_dir: Path) -> dict[str, Any] | None:
    """The description of the current build, or ``None`` if nothing was built."""
    path = build_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(f"the build description {str(path)!r} is unreadable ({exc}); run 'kg build --force'") from exc


def open_store(build_dir: Path) -> Store:
    """Open the current built graph read-only.

    Raises
    ------
    StoreError
        When nothing has been built yet, or the store cannot be opened.
    """
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise StoreError(f"no built graph in {str(build_dir)!r}; run 'kg build' first")
    location = build_dir / manifest["store"]
    try:
        store = ox.Store.read_only(str(location))
    except OSError as exc:
        raise StoreError(f"cannot open the built graph {str(location)!r} ({exc}); run 'kg build --force'") from exc
    return Store(store, location=str(location))


def memory_store(quads: Iterable[ox.Quad]) -> Store:
    """An in-memory store of the given statements (for fixtures and checks)."""
    store = ox.Store()
    store.extend(list(quads))
    return Store(store)
