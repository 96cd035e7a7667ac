"""The built graph on disk and the SPARQL 1.1 queries over it (embedded Oxigraph).

Parameters are bound as RDF terms through Oxigraph's substitutions (SEP-0007), never
pasted into query text. Opening the store read-only costs tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol, Union

import pyoxigraph as ox

from kg import iris
from kg.errors import KGError, QueryError, StoreError
from kg.guard import check_read_only_query

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
    "cells_of_one_answer",
    "refuse_federation",
    "current_store_path",
    "hold_for_reading",
]

MANIFEST = "CURRENT"

def refuse_federation(text: str) -> None:
    """Refuse a query that would fetch from another server; kept for callers of the old name.

    Use :func:`kg.guard.check_read_only_query`, which also returns the query form.
    """
    check_read_only_query(text)


class Cell(NamedTuple):
    """One value of a result row: an IRI, a literal or a blank node.

    Immutable, hashable and ordered by (kind, value, lang, datatype). A named tuple, not a
    frozen dataclass: a big answer makes one per value (120,000 rows × 5 at 1M statements),
    and a frozen dataclass costs about six times as much to make (issue 15).

    Examples
    --------
    >>> Cell("literal", "Côte d'Ivoire", lang="fr").value
    "Côte d'Ivoire"
    >>> str(Cell("iri", "https://w3id.org/jsi-ecom/id/member/CIV"))
    'https://w3id.org/jsi-ecom/id/member/CIV'
    """

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value


class Table:
    """The rows of a SELECT query, in the query's order (equal when columns and rows are)."""

    def __init__(self, columns: list[str], rows: list[tuple[Cell | None, ...]]) -> None:
        self.columns = columns
        self.rows = rows

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.columns, self.rows) == (other.columns, other.rows)  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __repr__(self) -> str:
        return f"Table(columns={self.columns!r}, rows={self.rows!r})"

    def column(self, name: str) -> list[str | None]:
        """The values of one column as text (``None`` where unbound)."""
        i = self.columns.index(name)
        return [None if r[i] is None else r[i].value for r in self.rows]  # type: ignore[union-attr]

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of text values."""
        return [
            {c: (None if v is None else v.value) for c, v in zip(self.columns, r)} for r in self.rows
        ]


class Graph:
    """The triples of a CONSTRUCT or DESCRIBE query."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.triples == other.triples  # type: ignore[attr-defined, no-any-return]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Graph(triples={self.triples!r})"

    def to_turtle(self) -> str:
        """Turtle, with the project's prefixes, triples sorted for stable output."""
        data = ox.serialize(
            sorted(self.triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=iris.PREFIXES
        )
        return data.decode("utf-8") if data else ""


Result = Union[Table, bool, Graph]


_NEW = tuple.__new__


def cell_from_term(term: Any) -> Cell | None:
    """Convert an Oxigraph term to a :class:`Cell`.

    Examples
    --------
    >>> cell_from_term(ox.Literal("Kenya", language="en"))
    Cell(kind='literal', value='Kenya', lang='en', datatype='http://www.w3.org/1999/02/22-rdf-syntax-ns#langString')
    >>> cell_from_term(ox.NamedNode("http://e/a")), cell_from_term(None)
    (Cell(kind='iri', value='http://e/a', lang=None, datatype=None), None)
    """
    # one call per value of an answer: the exact type first, the tuple made directly
    kind = type(term)
    if kind is ox.NamedNode:
        return _NEW(Cell, ("iri", term.value, None, None))  # type: ignore[no-any-return]
    if kind is ox.Literal:
        return _NEW(Cell, ("literal", term.value, term.language, term.datatype.value))  # type: ignore[no-any-return]
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", term.value)
    if isinstance(term, ox.NamedNode):
        return Cell("iri", term.value)
    if isinstance(term, ox.Literal):
        return Cell("literal", term.value, term.language, term.datatype.value)
    return Cell("literal", str(term))


_NOT_SEEN = object()


def cells_of_one_answer() -> Callable[[Any], Cell | None]:
    """:func:`cell_from_term` for the terms of one answer, each distinct term made a
    :class:`Cell` once.

    Reading a term's value, language and datatype crosses from Python into Oxigraph and makes
    new strings each time; hashing the term to find the cell made for an equal one costs a
    fifth of that (120,000 rows of five terms: 1.1 s of CPU made one by one, 0.23 s so; an
    answer repeats its parameters, predicates and names on every row). Equal terms (same
    value, language and datatype) share one immutable cell.

    Examples
    --------
    >>> cell = cells_of_one_answer()
    >>> cell(ox.Literal("Kenya", language="en")) is cell(ox.Literal("Kenya", language="en"))
    True
    >>> cell(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) == cell(ox.Literal("1"))
    False
    >>> cell(None) is None
    True
    """
    cells: dict[Any, Cell | None] = {}
    seen = cells.get

    def cell(term: Any) -> Cell | None:
        try:
            made = seen(term, _NOT_SEEN)
        except TypeError:  # a term that cannot be hashed: made on its own
            return cell_from_term(term)
        if made is _NOT_SEEN:
            made = cells[term] = cell_from_term(term)
        return made  # type: ignore[return-value]

    return cell


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

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs of the dataset queried, sorted."""
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

    def __init__(self, store: ox.Store, *, location: str = "memory", reader_lock: int | None = None) -> None:
        self._store = store
        self.location = location
        self._reader_lock = reader_lock

    def close(self) -> None:
        """Let go of the store (and of the folder's reader lock, so a later build may delete it)."""
        self._store = None  # type: ignore[assignment]
        if self._reader_lock is not None:
            os.close(self._reader_lock)
            self._reader_lock = None

    def __del__(self) -> None:
        if getattr(self, "_reader_lock", None) is not None:
            try:
                os.close(self._reader_lock)  # type: ignore[arg-type]
            except OSError:
                pass

    def query(self, text: str, bindings: Mapping[str, Any] | None = None, *, max_bytes: int | None = None) -> Result:
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
        check_read_only_query(text)
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            result = self._store.query(
                text,
                prefixes=iris.PREFIXES,
                use_default_graph_as_union=True,
                substitutions=subs or None,
            )
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise self._engine_error(exc) from exc
        try:
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                columns = [v.value for v in result.variables]
                if max_bytes is None:
                    cell = cells_of_one_answer()
                    rows = [tuple(map(cell, sol)) for sol in result]  # a solution yields its values in column order
                    return Table(columns, rows)
                return Table(columns, _bounded_rows(result, len(columns), max_bytes))
            if max_bytes is None:
                return Graph(list(result))
            triples, size = [], 0
            for triple in result:
                triples.append(triple)
                size += len(str(triple))
                if size > max_bytes:
                    raise _too_large(max_bytes)
            return Graph(triples)
        except (RuntimeError, OSError) as exc:
            raise self._engine_error(exc) from exc

    def _engine_error(self, exc: Exception) -> KGError:
        """What an error of the engine means for the user: the one mapping for every query path."""
        if isinstance(exc, SyntaxError):
            return QueryError(f"invalid SPARQL: {exc}")
        if isinstance(exc, OSError):
            return self._failure(exc)
        return QueryError(f"the query cannot run: {exc}")

    def _failure(self, exc: Exception) -> KGError:
        if "corrupt" in str(exc).lower() or "No such file" in str(exc):
            return StoreError(f"the built graph {self.location!r} is damaged ({exc}); run 'kg build' to repair it")
        return QueryError(f"the query failed: {exc}")

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> Table:
        """Run a SELECT query; anything else is an error."""
        result = self.query(text, bindings)
        if not isinstance(result, Table):
            raise QueryError("expected a SELECT query")
        return result

    def select_values(self, text: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
        """Run a SELECT query and give its rows as plain values, without a :class:`Cell` per value.

        Each value is what :attr:`Cell.value` would hold (an IRI, a literal's lexical form, a
        blank node's id; ``None`` where unbound): for code that reads many rows of IRIs and
        needs no language or datatype (kg.coalitions reads its queries' rows this way).
        """
        return self._solutions(text, lambda sol: tuple([None if t is None else t.value for t in sol]))

    def solutions(self, text: str) -> tuple[list[str], list[ox.QuerySolution]]:
        """Run a SELECT query and give Oxigraph's own solutions, without a :class:`Cell` per value:
        for code that reads many rows and needs the terms' languages and datatypes (the name
        indexes of the build's working store, :func:`kg.catalogue.index.lookup_names`)."""
        return self._solutions(text, lambda sol: sol)

    def _solutions(self, text: str, row: Callable[[ox.QuerySolution], Any]) -> tuple[list[str], list[Any]]:
        """A SELECT query's columns and its solutions, each made a row by ``row``; errors as :meth:`query`'s."""
        check_read_only_query(text)
        try:
            result = self._store.query(text, prefixes=iris.PREFIXES, use_default_graph_as_union=True)
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("expected a SELECT query")
            return [v.value for v in result.variables], [row(sol) for sol in result]
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise self._engine_error(exc) from exc

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted (from the store's own list: no query)."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count_graph(self, graph_iri: str) -> int:
        """The number of triples in one named graph (counted by Oxigraph: ``kg.rules.graph_size``)."""
        from kg.rules import graph_size

        return graph_size(self._store, graph_iri)

    def quads(self, *, asserted_only: bool = False) -> Iterable[ox.Quad]:
        """Every statement, optionally without the graphs the build derives (inferred, display labels)."""
        from kg.labels import is_derived_graph

        for q in self._store.quads_for_pattern(None, None, None, None):
            if asserted_only and is_derived_graph(getattr(q.graph_name, "value", "")):
                continue
            yield q


#: The name of a store folder that CURRENT may point at (never a path elsewhere).
STORE_NAME = re.compile(r"store-[0-9a-f]{16}(?:-[0-9a-f]+)?")


def _damaged(path: Path, why: str) -> StoreError:
    return StoreError(f"the build description {str(path)!r} is damaged ({why}); run 'kg build' to repair it")


def _too_large(max_bytes: int) -> QueryError:
    from kg.limits import LimitExceeded

    return LimitExceeded(
        f"the result is larger than {max_bytes / 1048576:g} MB; narrow the query (LIMIT, fewer columns), "
        "allow more with --max-result-mb, or use 'kg export' for the whole graph"
    )


def _bounded_rows(solutions: Any, width: int, max_bytes: int) -> list[tuple[Cell | None, ...]]:
    """The rows of a SELECT result, read until they hold more than ``max_bytes`` characters."""
    rows, size = [], 0
    cell = cells_of_one_answer()
    for sol in solutions:
        row = tuple(map(cell, sol))
        size += sum(len(c.value) + 3 if c is not None else 1 for c in row)
        if size > max_bytes:
            raise _too_large(max_bytes)
        rows.append(row)
    return rows


def read_manifest(build_dir: Path) -> dict[str, Any] | None:
    """The description of the current build, or ``None`` if nothing was built.

    Raises
    ------
    StoreError
        ``CURRENT`` is unreadable, not JSON, or does not name a store folder of ``build_dir``.
    """
    path = build_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise _damaged(path, f"not UTF-8 text: {exc.reason}") from exc
    except ValueError as exc:
        raise _damaged(path, f"not JSON: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot read {str(path)!r} ({exc.strerror}); check its permissions, or run 'kg build'") from exc
    if not isinstance(manifest, dict):
        raise _damaged(path, "not a JSON object")
    name = manifest.get("store")
    if not isinstance(name, str) or not STORE_NAME.fullmatch(name):
        raise _damaged(path, f"'store' is {name!r}, not the name of a store folder")
    for key in ("asserted", "inferred", "statements"):
        if not isinstance(manifest.get(key, 0), int):
            raise _damaged(path, f"{key!r} is not a number")
    return manifest


def current_store_path(build_dir: Path) -> Path:
    """The folder of the store ``build_dir/CURRENT`` points at: what a reader should open.

    A build writes a new folder and then replaces ``CURRENT`` atomically; it never deletes
    a folder that a reader holds (see :func:`open_store`), so a long-running reader such as
    the endpoint can call this (or watch ``CURRENT``'s modification time) to switch to a
    new build, and keep the old :class:`Store` open until its queries end.

    Raises
    ------
    StoreError
        Nothing built, a damaged ``CURRENT``, or the folder it names is gone.
    """
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise StoreError(f"no built graph in {str(build_dir)!r}; run 'kg build' first")
    location = build_dir / manifest["store"]
    if not location.is_dir():
        raise StoreError(f"the built graph {str(location)!r} named by {MANIFEST} is gone; run 'kg build' to repair it")
    return location


def hold_for_reading(location: Path) -> int | None:
    """Take a shared lock on a store folder (released when the returned descriptor is closed).

    A build deletes an old store folder only when it can take that lock exclusively, so a
    folder is never deleted under a reader. ``None`` where locks are not available.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    fd = os.open(location, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        return None
    return fd


def open_store(build_dir: Path) -> Store:
    """Open the current built graph read-only, holding its folder for as long as the store lives.

    Raises
    ------
    StoreError
        When nothing has been built yet, or the store is damaged or cannot be opened.
    """
    for attempt in range(3):
        location = current_store_path(build_dir)
        try:
            lock = hold_for_reading(location)
        except FileNotFoundError:
            continue  # a build switched CURRENT and removed that folder meanwhile: read CURRENT again
        try:
            store = ox.Store.read_only(str(location))
        except (OSError, RuntimeError) as exc:
            if lock is not None:
                os.close(lock)
            if attempt < 2 and not location.is_dir():
                continue
            raise StoreError(
                f"the built graph {str(location)!r} is damaged or unreadable ({exc}); run 'kg build' to repair it"
            ) from exc
        return Store(store, location=str(location), reader_lock=lock)
    raise StoreError(f"the built graph in {str(build_dir)!r} keeps changing; run the command again")


def memory_store(quads: Iterable[ox.Quad]) -> Store:
    """An in-memory store of the given statements (for fixtures and checks)."""
    store = ox.Store()
    store.extend(list(quads))
    return Store(store)
