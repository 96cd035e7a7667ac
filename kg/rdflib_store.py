"""A second SPARQL 1.1 engine over the same built statements: rdflib's, on an in-memory Dataset.

It answers ``query(text, bindings)`` exactly as :class:`kg.store.Store` does, so that every
catalogue query can be checked to give the same rows on both engines. Bindings go through
rdflib's ``initBindings`` (which rdflib applies as initial solutions, not as text).
rdflib is imported lazily: ``kg query`` on the default backend never loads it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import iris
from kg.errors import QueryError
from kg.guard import check_read_only_query
from kg.loading import from_rdflib_term
from kg.loading import to_rdflib_term as _to_rdflib_term
from kg.store import Cell, Graph, Result, Store, Table

if TYPE_CHECKING:
    import rdflib

__all__ = ["RdflibStore", "rdflib_store", "to_rdflib_term", "cell_from_rdflib"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib_term(term: Any) -> Any:
    """An Oxigraph term as the rdflib term its SPARQL engine compares equal
    (``xsd:string`` literals become plain ones; see :func:`kg.loading.to_rdflib_term`).

    Examples
    --------
    >>> to_rdflib_term(ox.Literal("fr"))
    rdflib.term.Literal('fr')
    """
    return _to_rdflib_term(term, plain_strings=True)


def cell_from_rdflib(term: Any) -> Cell | None:
    """An rdflib result term as the :class:`~kg.store.Cell` Oxigraph would give for it.

    Examples
    --------
    >>> from rdflib import Literal
    >>> cell_from_rdflib(Literal("x"))
    Cell(kind='literal', value='x', lang=None, datatype='http://www.w3.org/2001/XMLSchema#string')
    """
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return Cell("iri", str(term))
    if isinstance(term, BNode):
        return Cell("bnode", str(term))
    if isinstance(term, Literal):
        if term.language:
            return Cell("literal", str(term), term.language, _LANG_STRING)
        datatype = str(term.datatype) if term.datatype is not None else _XSD_STRING
        return Cell("literal", str(term), None, datatype)
    return Cell("literal", str(term))


class RdflibStore:
    """rdflib's SPARQL engine over an in-memory Dataset whose default graph is the union.

    Use :func:`rdflib_store` to copy a built :class:`~kg.store.Store` into one.
    """

    def __init__(self, dataset: rdflib.Dataset, *, location: str = "rdflib memory") -> None:
        self._dataset = dataset
        self.location = location

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Result:
        """Run any SPARQL query, with the same prefixes and result types as :meth:`kg.store.Store.query`.

        Parameters
        ----------
        text : str
            The query.
        bindings : mapping, optional
            Variable name → Oxigraph term, handed to rdflib as ``initBindings``.
        """
        from pyparsing import ParseException
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        check_read_only_query(text)
        try:
            tree = parseQuery(text)
            prepared = translateQuery(tree, initNs=iris.PREFIXES)
        except ParseException as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        _repair_empty_values(tree, prepared.algebra)
        if prepared.algebra.get("datasetClause"):
            # rdflib would fetch each FROM / FROM NAMED graph from the web (Oxigraph does not).
            raise QueryError("FROM and FROM NAMED are refused on the rdflib engine: it would fetch those graphs from the web")
        init = {k: to_rdflib_term(v) for k, v in (bindings or {}).items()}
        # rdflib 7.6 warns about its own use of Dataset.default_context and Dataset.contexts
        # while it evaluates a query on a Dataset; the results are complete, so only those
        # warnings are silenced.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=r"Dataset\.(default_context|contexts) is deprecated", category=DeprecationWarning
            )
            try:
                result = self._dataset.query(prepared, initBindings=init or None)
                if result.type == "ASK":
                    return bool(result.askAnswer)
                if result.type == "SELECT":
                    columns = [str(v) for v in (result.vars or [])]
                    rows = [tuple(cell_from_rdflib(row[i]) for i in range(len(columns))) for row in result]  # type: ignore[index]
                    return Table(columns, rows)
                triples = [ox.Triple(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o)) for s, p, o in result]  # type: ignore[arg-type, misc]
            except ParseException as exc:
                raise QueryError(f"invalid SPARQL: {exc}") from exc
            except Exception as exc:  # rdflib's evaluator raises bare exceptions
                raise QueryError(f"the query cannot run on rdflib: {exc}") from exc
        return Graph(triples)

    #: Run a SELECT query; anything else is an error (the same method as the Oxigraph store's).
    select = Store.select

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs that hold statements, sorted."""
        from rdflib import URIRef

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Dataset\.(default_context|contexts) is deprecated",
                                    category=DeprecationWarning)
            return sorted({str(g.identifier) for g in self._dataset.contexts()
                           if isinstance(g.identifier, URIRef) and str(g.identifier) != _DEFAULT and len(g)})

    def count_graph(self, graph_iri: str) -> int:
        """The number of triples in one named graph."""
        from rdflib import URIRef

        return len(self._dataset.graph(URIRef(graph_iri)))

    def quads(self, *, asserted_only: bool = False) -> Iterable[ox.Quad]:
        """Every statement as an Oxigraph quad (in its named graph), optionally without the derived graphs."""
        from rdflib import URIRef

        from kg.labels import is_derived_graph
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Dataset\.(default_context|contexts) is deprecated",
                                    category=DeprecationWarning)
            for s, p, o, g in self._dataset.quads((None, None, None, None)):
                name = getattr(g, "identifier", g)
                if asserted_only and is_derived_graph(str(name)):
                    continue
                graph = from_rdflib_term(name) if isinstance(name, URIRef) and str(name) != _DEFAULT else ox.DefaultGraph()
                yield ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), graph)  # type: ignore[arg-type]


_DEFAULT = "urn:x-rdflib:default"


def _nodes(tree: Any) -> Iterable[Any]:
    """Every node of an rdflib parse tree or algebra (``CompValue`` dicts, lists, tuples, parse results)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)


def _repair_empty_values(tree: Any, algebra: Any) -> None:
    """Make rdflib evaluate ``VALUES ?x { }`` as SPARQL 1.1 §10.2 and §18.2.4.3 say: no solutions.

    rdflib 7 (``translateValues`` in ``rdflib.plugins.sparql.algebra``) translates a data
    block with no rows into a bare list instead of a ``values`` node, and its evaluator then
    fails on any query that holds one (``'list' object has no attribute 'name'``).
    :mod:`kg.catalogue.narrowing` writes such a block when no name contains the searched
    text. The list is replaced by the empty ``values`` node it stands for, in place. A block
    with no variables (``VALUES () { () }``, one empty solution) becomes the same bare list
    in rdflib, so a query that holds one is left as it is: rdflib refuses it, as before.
    """
    from rdflib.plugins.sparql.algebra import Values

    if any(n.name in ("InlineData", "ValuesClause") and not dict.get(n, "var") for n in _nodes(tree)):
        return
    for node in _nodes(algebra):
        if node.name == "ToMultiSet" and isinstance(dict.get(node, "p"), list):
            node["p"] = Values([])


def _load(quads: Iterable[ox.Quad]) -> rdflib.Dataset:
    from rdflib import Dataset, URIRef

    dataset = Dataset(default_union=True)
    graphs: dict[str, Any] = {}
    for q in quads:
        name = q.graph_name
        key = name.value if isinstance(name, (ox.NamedNode, ox.BlankNode)) else ""
        graph = graphs.get(key)
        if graph is None:
            graph = dataset.graph(URIRef(key)) if key else dataset.default_graph
            graphs[key] = graph
        graph.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return dataset


def rdflib_store(store: Store) -> RdflibStore:
    """Copy every statement of a built store (each in its named graph) into an rdflib Dataset.

    Examples
    --------
    >>> from kg.store import memory_store
    >>> s = memory_store([ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"),
    ...                  ox.Literal("x"), ox.NamedNode("http://e/g"))])
    >>> rdflib_store(s).query("SELECT ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://e/a")}).column("o")
    ['x']
    """
    return RdflibStore(_load(store.quads()), location=f"rdflib copy of {store.location}")
