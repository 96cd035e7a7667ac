"""Narrowing a text search to the things whose names contain the text, from the name index.

A question such as ``find-entity`` tests every name of the graph with ``CONTAINS``: as
SPARQL, its cost grows with the graph, not with the answer. Its header says which variable
the search is about, of which kind, and which text parameter it contains::

    #+ narrow: x | entity | text

and its SPARQL holds ``VALUES ?x { UNDEF }`` (SPARQL 1.1 §10.2, inline data: one solution
that binds nothing, so the query as written reads everything, on any engine). Before the
query runs, the catalogue replaces the ``UNDEF`` of every such block with the things of that
kind that have a name containing the text, found in the store's name index (an FTS5
trigram search, :meth:`kg.catalogue.index.NameIndex.containing`). The terms are IRIs of
the index written by Oxigraph's serialiser, never what the person typed; the text itself
stays a bound literal, and the query keeps its own test, so the rows are the same: the
index finds every thing the test would accept (and perhaps a few more, which the test
drops). When more than a quarter of the things match (a one-letter search), the query runs
as written: naming them all would cost more than reading them.

A question about a thing and everything below it in a SKOS hierarchy (an issue and its
sub-issues) says so with::

    #+ below: at_issue | issue

and holds ``VALUES ?at_issue { UNDEF }`` beside its own ``?at_issue skos:broader* ?issue``.
The catalogue fills those blocks with the issue given and the issues below it
(``queries/narrow/below.rq``, with the resolved issue bound), so that the engine starts from
them: Oxigraph 0.5 estimates a ``skos:broader*`` path from a bound end as a million rows and
would otherwise start from every proposal element or sponsorship of the graph (issue 15).
The rows are the same: the query keeps its path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.catalogue.headers import KINDS, CatalogueQuery
from kg.errors import QueryError
from kg.project import Project, default_project
from kg.queryfiles import read_rq

__all__ = ["Below", "Narrowing", "below_of", "narrowing_of", "narrowed_text", "with_values", "with_list", "with_table"]


@dataclass(frozen=True)
class Narrowing:
    """``#+ narrow: variable | kind | parameter``: ``?variable`` is a thing of ``kind`` whose
    name contains the value of ``parameter``."""

    variable: str
    kind: str
    parameter: str


def narrowing_of(query: CatalogueQuery) -> Narrowing | None:
    """The query's ``#+ narrow:`` line, checked against its parameters and its SPARQL."""
    parts = _header_line(query, "narrow", "variable | kind | text parameter")
    if parts is None:
        return None
    variable, kind, parameter = parts
    if not KINDS.get(kind):
        raise QueryError(f"{query.path.name}: '#+ narrow:' names kind {kind!r}, which has no lookup query")
    p = query.parameter(parameter)
    if p is None or p.kind != "text":
        raise QueryError(f"{query.path.name}: '#+ narrow:' names {parameter!r}, which is not a text parameter of the query")
    return Narrowing(variable, kind, parameter)


@dataclass(frozen=True)
class Below:
    """``#+ below: variable | parameter``: ``?variable`` is the thing given as ``parameter`` or
    one below it (``skos:broader*``)."""

    variable: str
    parameter: str


def below_of(query: CatalogueQuery) -> Below | None:
    """The query's ``#+ below:`` line, checked against its parameters and its SPARQL."""
    parts = _header_line(query, "below", "variable | parameter")
    if parts is None:
        return None
    variable, parameter = parts
    p = query.parameter(parameter)
    if p is None or not KINDS.get(p.kind):
        raise QueryError(f"{query.path.name}: '#+ below:' names {parameter!r}, which is not a parameter naming a thing of the graph")
    return Below(variable, parameter)


def _header_line(query: CatalogueQuery, field: str, shape: str) -> list[str] | None:
    """The parts of the query's ``#+ field:`` line (as many as ``shape`` has, the first a variable
    with a ``VALUES ?variable { UNDEF }`` block in the query); None without such a line."""
    spec = query.fields.get(field)
    if not spec:
        return None
    parts = [p.strip().lstrip("?$") for p in spec.split("|")]
    if len(parts) != shape.count("|") + 1 or not all(parts):
        raise QueryError(f"{query.path.name}: '#+ {field}: {spec}' must be '{shape}'")
    if not _undef_blocks(query.text, parts[0]):
        raise QueryError(f"{query.path.name}: '#+ {field}:' needs a 'VALUES ?{parts[0]} {{ UNDEF }}' block in the query")
    return parts


@functools.lru_cache(maxsize=256)
def _undef_blocks(text: str, variable: str) -> tuple[tuple[int, int], ...]:
    """Where the ``UNDEF`` of each ``VALUES ?variable { UNDEF }`` block is (start, end)."""
    from kg.prebind import tokenize

    tokens = [t for t in tokenize(text) if t.kind not in ("space", "comment")]
    found = []
    for i in range(len(tokens) - 4):
        window = tokens[i:i + 5]
        if (window[0].keyword == "VALUES" and window[1].kind == "var" and window[1].text[1:] == variable
                and window[2].text == "{" and window[3].keyword == "UNDEF" and window[4].text == "}"):
            found.append((window[3].start, window[3].start + len(window[3].text)))
    return tuple(found)


def narrowed_text(store: Any, query: CatalogueQuery, bindings: Mapping[str, Any], project: Project | None = None) -> str:
    """The query's text with its ``VALUES ?x { UNDEF }`` blocks holding the matching things
    (``#+ narrow:``) or the things at and below the one given (``#+ below:``); the text
    unchanged when the query narrows nothing or the search text is empty."""
    below = below_of(query)
    if below is not None:
        top = bindings.get(below.parameter)
        if not isinstance(top, ox.NamedNode):
            return query.text
        path = (project or default_project()).queries_dir / "narrow" / "below.rq"
        text = read_rq(path, "'#+ below:' query")
        found = [cell for cell in store.select(text, {"top": top}).column("thing") if cell is not None]
        if top.value not in found:  # the path's zero-length step, whatever the engine
            found.insert(0, top.value)
        prologue, things = _written(found, query.text)
        return _spliced(query.text, _undef_blocks(query.text, below.variable), prologue, things)
    narrowing = narrowing_of(query)
    if narrowing is None:
        return query.text
    term = bindings.get(narrowing.parameter)
    if not isinstance(term, ox.Literal) or not term.value:
        return query.text  # an empty text matches every name: nothing to narrow
    from kg.catalogue.index import name_index

    index = name_index(store, KINDS[narrowing.kind], project or default_project(), narrowing.kind)
    found = index.containing(term.value)
    if len(found) > 256 and len(found) * 4 > index.size():
        return query.text  # most things match: reading them all is cheaper than naming them
    prologue, things = _written(found, query.text)
    return _spliced(query.text, _undef_blocks(query.text, narrowing.variable), prologue, things)


def with_values(text: str, variable: str, iris: list[str]) -> str:
    """``text`` with the ``UNDEF`` of every ``VALUES ?variable { UNDEF }`` block replaced by these IRIs.

    The IRIs are written by Oxigraph's serialiser (as for a narrowed question); a query without
    such a block is returned as it is. Used by :mod:`kg.viz.reader` to read what is drawn only.

    Examples
    --------
    >>> with_values("SELECT ?x WHERE { VALUES ?x { UNDEF } ?x ?p ?o }", "x", ["urn:a", "urn:b"])
    'SELECT ?x WHERE { VALUES ?x { <urn:a> <urn:b> } ?x ?p ?o }'
    """
    prologue, things = _written(iris, text)
    return _spliced(text, _undef_blocks(text, variable), prologue, things)


def with_list(text: str, variable: str, iris: list[str]) -> str:
    """``text`` with the list of every ``?variable NOT IN (…)`` or ``?variable IN (…)`` holding these IRIs.

    The IRIs are written by Oxigraph's serialiser, as in :func:`with_values`; with none, the
    list written in the query stays (``NOT IN ()`` keeps no row on Oxigraph 0.5 and every row on
    Virtuoso: SPARQL 1.1 §17.4.1.9 says every row). For a test of a few terms where
    ``FILTER NOT EXISTS { VALUES … }`` is refused by Virtuoso 7.2.5 (error SP031).

    Examples
    --------
    >>> with_list("SELECT ?g WHERE { GRAPH ?g { } FILTER (?g NOT IN (<urn:x>)) }", "g", ["urn:a", "urn:b"])
    'SELECT ?g WHERE { GRAPH ?g { } FILTER (?g NOT IN (<urn:a>, <urn:b>)) }'
    """
    if not iris:
        return text
    prologue, things = _written(iris, text, ", ")
    return _spliced(text, _list_blocks(text, variable), prologue, things)


def with_table(text: str, variables: list[str], rows: list[tuple[str, int]]) -> str:
    """``text`` with the ``(UNDEF UNDEF)`` of every ``VALUES (?a ?b) { (UNDEF UNDEF) }`` block over these
    two variables replaced by these rows of an IRI and an integer, written by Oxigraph's serialiser
    (IRIs as in :func:`with_values`).

    Examples
    --------
    >>> with_table("SELECT * WHERE { VALUES (?c ?n) { (UNDEF UNDEF) } }", ["c", "n"], [("urn:a", 0), ("urn:b", 1)])
    'SELECT * WHERE { VALUES (?c ?n) { (<urn:a> 0) (<urn:b> 1) } }'
    """
    from kg.prebind import tokenize

    tokens = [t for t in tokenize(text) if t.kind not in ("space", "comment")]
    shape = ["VALUES", "(", *(f"?{v}" for v in variables), ")", "{", "(", *(["UNDEF"] * len(variables)), ")", "}"]
    spans = [(tokens[i + len(variables) + 4].start, tokens[i + 2 * len(variables) + 5].start + 1)
             for i in range(len(tokens) - len(shape) + 1)
             if [t.keyword or t.text for t in tokens[i:i + len(shape)]] == shape]
    prologue, iris = _terms([iri for iri, _ in rows], text)
    things = " ".join(f"({iri} {int(n)})" for iri, (_, n) in zip(iris, rows))
    return _spliced(text, spans, prologue, things)


def _spliced(text: str, spans: Iterable[tuple[int, int]], prologue: str, things: str) -> str:
    """``prologue``, then ``text`` with each (start, end) span replaced by ``things`` (the spans in order)."""
    parts, last = [prologue], 0
    for start, end in spans:
        parts += [text[last:start], things]
        last = end
    parts.append(text[last:])
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _list_blocks(text: str, variable: str) -> tuple[tuple[int, int], ...]:
    """Where the inside of the list of each ``?variable [NOT] IN (…)`` is (start, end)."""
    from kg.prebind import tokenize

    tokens = [t for t in tokenize(text) if t.kind not in ("space", "comment")]
    found = []
    for i, token in enumerate(tokens):
        if token.kind != "var" or token.text[1:] != variable:
            continue
        j = i + 1 + (i + 1 < len(tokens) and tokens[i + 1].keyword == "NOT")
        if j + 1 < len(tokens) and tokens[j].keyword == "IN" and tokens[j + 1].text == "(":
            close = next((k for k in range(j + 2, len(tokens)) if tokens[k].text == ")"), None)
            if close is not None:
                found.append((tokens[j + 1].start + 1, tokens[close].start))
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _declared(text: str) -> frozenset[str]:
    """The prefixes a query declares itself (the text of a file: kept per text)."""
    from kg.prebind import declared_prefixes, tokenize

    return frozenset(declared_prefixes(tokenize(text)))


def _written(found: list[str], text: str, separator: str = " ") -> tuple[str, str]:
    """The IRIs as SPARQL terms joined by ``separator``, and PREFIX lines to put before the query (:func:`_terms`)."""
    prologue, terms = _terms(found, text)
    return prologue, separator.join(terms)


def _terms(found: list[str], text: str) -> tuple[str, list[str]]:
    """The IRIs as SPARQL terms, and PREFIX lines to put before the query.

    An IRI holding the word "service" is written through a prefix declared for it alone
    (``PREFIX m0: <…service…>`` … ``m0:``), as :mod:`kg.guard` asks: it refuses that word
    in an IRI written in full in the body of a query, where it cannot be told from the
    keyword.
    """
    taken = _declared(text)
    lines: list[str] = []
    terms: list[str] = []
    for iri in found:
        written = str(ox.NamedNode(iri))
        if "service" in iri.lower():
            number = len(lines)
            while f"kgmatch{number}" in taken:
                number += 1000
            lines.append(f"PREFIX kgmatch{number}: {written}\n")
            written = f"kgmatch{number}:"
        terms.append(written)
    return "".join(lines), terms
