"""Running a catalogue query: its parameters resolved and bound as terms, its rows returned."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Mapping

import pyoxigraph as ox

from kg.catalogue.headers import FREE_TEXT_KINDS, KIND_HELP, CatalogueQuery, shell_quote
from kg.catalogue.names import resolve_parameter
from kg.catalogue.inlining import inline_terms
from kg.catalogue.narrowing import narrowed_text
from kg.choices import checked_lang
from kg.errors import ParameterError, QueryError
from kg.project import Project
from kg.store import QueryEngine, Store, Table

__all__ = ["bind_parameters", "run_catalogue_query", "run_query", "written_in"]


def bind_parameters(
    store: QueryEngine,
    query: CatalogueQuery,
    values: Mapping[str, str],
    lang: str = "en",
    *,
    project: Project | None = None,
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Resolve the values given for a query's parameters into bound RDF terms.

    A parameter of kind ``lang`` that is not given takes ``lang``.

    Raises
    ------
    ParameterError
        A required parameter is missing, a name is not a parameter of the query, or a
        value cannot be resolved.
    """
    known = {p.name for p in query.parameters}
    for name in values:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            allowed = ", ".join(sorted(known)) or "none"
            raise ParameterError(f"query {query.name!r} has no parameter {name!r}.{hint} Its parameters: {allowed}.")
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.parameters:
        if p.name in values:
            bound[p.name] = resolve_parameter(store, p.kind, values[p.name], lang, project=project)
        elif p.kind == "lang":
            bound[p.name] = resolve_parameter(store, "lang", lang)
        elif p.required:
            example = f", e.g. -p {p.name}={shell_quote(p.example)}" if p.example else ""
            raise ParameterError(f"query {query.name!r} needs the parameter {p.name!r} ({KIND_HELP[p.kind]}){example}")
    return bound


def run_catalogue_query(
    store: QueryEngine,
    query: CatalogueQuery,
    values: Mapping[str, str] | None = None,
    lang: str = "en",
    *,
    show_parameters: bool = False,
    project: Project | None = None,
) -> Table:
    """Run a catalogue query with its parameters bound.

    Parameters
    ----------
    store : Store
        The built graph.
    query : CatalogueQuery
        From :func:`find_query`.
    values : mapping, optional
        Parameter name → what the person typed.
    lang : str
        Language of labels (binds a ``lang`` parameter that was not given).
    show_parameters : bool
        Keep the columns of bound parameters (hidden by default: they repeat the
        value given on every row).

    Returns
    -------
    Table
    """
    checked_lang(lang)
    bindings = bind_parameters(store, query, values or {}, lang, project=project)
    result = _query(store, query, narrowed_text(store, query, bindings, project), bindings)
    if not isinstance(result, Table):
        raise QueryError(f"{query.path.name}: a catalogue query must be a select query (rows)")
    if show_parameters or not bindings:
        return result
    keep = [i for i, c in enumerate(result.columns) if c not in bindings]
    if len(keep) == len(result.columns):
        return result
    if not keep:
        return Table([], [() for _ in result.rows])
    # itemgetter gives a tuple for two or more indexes (a third of the cost of a generator
    # per row: inferred-facts has 120,000 rows at 1M statements)
    pick = operator.itemgetter(*keep)
    rows = [pick(row) for row in result.rows] if len(keep) > 1 else [(row[keep[0]],) for row in result.rows]
    return Table([result.columns[i] for i in keep], rows)


def written_in(query: CatalogueQuery, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal],
               ) -> tuple[str, dict[str, ox.NamedNode | ox.Literal]] | None:
    """The query with its resolved parameters written in as terms
    (:mod:`kg.catalogue.inlining`: Oxigraph then plans with them), and the bindings left to
    substitute; None where a parameter cannot be written in.

    Only terms the catalogue resolved (things of the graph, values of a closed list) are
    written in; free text (:data:`~kg.catalogue.headers.FREE_TEXT_KINDS`) is always a
    substitution, so nothing a person typed reaches the query's text."""
    free = {p.name for p in query.parameters if p.kind in FREE_TEXT_KINDS}
    inlined = inline_terms(text, {k: v for k, v in bindings.items() if k not in free})
    if inlined is None:
        return None
    return inlined, {k: v for k, v in bindings.items() if k in free}


def _query(store: QueryEngine, query: CatalogueQuery, text: str,
           bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> object:
    """Run a catalogue query: on the built graph with its resolved parameters written in
    (:func:`written_in`), else (other engines, or a parameter that cannot be written in)
    with every parameter bound as a substitution."""
    if bindings and isinstance(store, Store):
        written = written_in(query, text, bindings)
        if written is not None:
            try:
                return store.query(written[0], written[1] or None)
            except QueryError:  # e.g. an IRI that kg.guard cannot tell from SERVICE: bind it instead
                pass
    return store.query(text, bindings)


#: The name this function had before the split (``kg.store`` and the endpoint also "run
#: queries"; :func:`run_catalogue_query` says which).
run_query = run_catalogue_query
