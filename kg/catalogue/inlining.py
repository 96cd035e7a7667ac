"""Bound parameters written into the query as terms, so that Oxigraph plans with them.

pyoxigraph's ``substitutions`` (SEP-0007) bind a variable when the query is evaluated, not
when it is planned: Oxigraph's optimiser sees the parameter as unbound, so it may build a
hash table of every label of the graph for an ``OPTIONAL`` that would need one (measured on
a generated graph of 2 million statements: 4 s with the member substituted, 1 ms with the
same member written in the query). SEP-0007 defines a substitution as replacing the variable
by the term; this module does exactly that before the query is parsed, on the query's
lexical tokens (:func:`kg.prebind.tokenize`: strings, IRIs and comments are single tokens,
so only variables are touched). The term is written by Oxigraph's own N-Triples serialiser
(escaped), never copied from what a person typed, and only for terms the catalogue resolved
(things of the graph, values of a closed list): free text stays a substitution
(:func:`kg.catalogue.running.written_in`). A projected parameter stays a column:
``SELECT ?member`` becomes ``SELECT (<…> AS ?member)``; a sub-select stops projecting it
(the term is written wherever it was used); in ``GROUP BY`` and ``ORDER BY`` it becomes a
bracketed constant.

Where a replacement would not be a query any more (the parameter assigned by ``BIND … AS``,
listed in ``VALUES``, ``SELECT *``), :func:`inline_terms` returns None and the caller binds
with substitutions as before: the rows are the same either way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

__all__ = ["inline_terms"]

_CLAUSE_ENDS = {"WHERE", "FROM", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def inline_terms(text: str, bindings: Mapping[str, Any]) -> str | None:
    """The query with every bound variable replaced by its term, or None where it cannot be.

    Examples
    --------
    >>> inline_terms("SELECT ?m ?n WHERE { ?d <urn:by> ?m ; <urn:n> ?n } ORDER BY ?m ?n", {"m": ox.NamedNode("urn:a")})
    'SELECT (<urn:a> AS ?m) ?n WHERE { ?d <urn:by> <urn:a> ; <urn:n> ?n } ORDER BY (<urn:a>) ?n'
    >>> inline_terms('SELECT ?t WHERE { FILTER (CONTAINS(?x, ?t)) }', {"t": ox.Literal('"} UNION {')})
    'SELECT ("\\\\"} UNION {" AS ?t) WHERE { FILTER (CONTAINS(?x, "\\\\"} UNION {")) }'
    >>> inline_terms("SELECT * WHERE { ?s ?p ?m }", {"m": ox.NamedNode("urn:a")}) is None
    True
    """
    if not bindings:
        return text
    terms: dict[str, str] = {}
    for name, term in bindings.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            return None
        terms[name] = str(term)
    tokens = _tokens(text)
    clause = ""  # "select", "group", "order", or "" (a pattern or an expression)
    depth = 0  # parentheses inside the clause
    selects = 0  # SELECT clauses seen: the first is the query's, the others sub-selects
    columns = 0  # what the current sub-select still projects
    parts: list[str] = []
    last = 0
    previous = ""
    for i, t in enumerate(tokens):
        kw = t.keyword
        if kw == "SELECT":
            clause, depth, columns = "select", 0, 0
            selects += 1
        elif kw == "BY" and previous in ("GROUP", "ORDER"):
            clause, depth = previous.lower(), 0
        elif clause and depth == 0 and (kw in _CLAUSE_ENDS or t.text in ("{", "}")):
            if clause == "select" and selects > 1 and columns == 0:
                return None  # a sub-select that projects only parameters
            clause = ""
        elif clause and t.text == "(":
            depth += 1
            columns += clause == "select" and depth == 1
        elif clause and t.text == ")":
            depth -= 1
        if clause == "select" and depth == 0 and t.kind == "var" and t.text[1:] not in terms:
            columns += 1
        if t.kind == "var" and t.text[1:] in terms:
            term = terms[t.text[1:]]
            if previous == "AS" or _in_values(tokens, i):
                return None  # the query assigns or lists the parameter itself
            if clause == "select" and depth == 0 and selects > 1:
                written = ""  # a sub-select: the term is written wherever the query uses it
            elif clause == "select" and depth == 0:
                written = f"({term} AS {t.text})"
            elif clause in ("group", "order") and depth == 0:
                written = f"({term})"
            else:
                written = term
            parts += [text[last:t.start], written]
            last = t.start + len(t.text)
        elif t.text == "*" and clause == "select" and depth == 0:
            return None  # SELECT *: the parameter would stop being a column
        previous = kw or t.text
    parts.append(text[last:])
    return "".join(parts)


@functools.lru_cache(maxsize=128)
def _tokens(text: str) -> tuple[Any, ...]:
    """The lexical tokens of a query (a catalogue file's text is tokenised once per process)."""
    from kg.prebind import tokenize

    return tuple(tokenize(text))


def _in_values(tokens: tuple[Any, ...], index: int) -> bool:
    """Whether the variable at ``index`` is in the variable list of a ``VALUES`` clause."""
    j = index - 1
    while j >= 0 and (tokens[j].kind == "var" or tokens[j].text == "("):
        j -= 1
    return j >= 0 and tokens[j].keyword == "VALUES"
