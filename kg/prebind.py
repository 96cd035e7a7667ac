"""Bound parameters for a remote SPARQL 1.1 endpoint, as inline data at the right scope.

The SPARQL 1.1 Protocol has no way to send bindings beside a query, so a remote store
must put them in the query. Appending ``VALUES`` after the query (what rdflib's remote
store does) joins them with the finished answer, which changes what aggregates and
sub-selects compute (rdflib#1772). Here each bound variable gets a one-row
``VALUES ?v { term }`` (SPARQL 1.1 §10.2.1, inline data) at the start of every group
graph pattern where the variable is in scope and written: the query's ``WHERE`` group and
the groups nested in it that name the variable, and the groups of each sub-select that
projects it (the scope in which Oxigraph's substitutions, SEP-0007, bind it); not in the pattern of a ``(NOT)
EXISTS``, which sees the tested row's term by substitution (SPARQL 1.1 §18.6). Every use of the variable then sees
the term before any join, filter, ``BIND``, grouping or aggregate, so the rows are those
of the embedded store. The term is written by Oxigraph's N-Triples serialiser, never
copied from what the person typed.

The query is tokenised by SPARQL's lexical rules (strings, IRIs, comments and prefixed
names are single tokens); where a brace opens a group, a ``VALUES`` block, a sub-select
or a ``CONSTRUCT`` template is decided from the tokens before and after it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.errors import QueryError

__all__ = ["Token", "tokenize", "query_form", "declared_prefixes", "bind_inline", "with_prefixes"]

#: A character of ``\u00C0-\uFFFF``, written so that ``re`` compiles it without filling a table of
#: the 65,536 characters of the BMP in Python (the lexer compiled in 23 ms with ``\u00C0-\uFFFF`` in
#: its classes, 1 ms so; every code point is lexed the same, tests/test_prebind_lexer.py).
_U = r"[^\x00-\xBF\U00010000-\U0010FFFF]"
_PATTERNS = (
    ("comment", r"#[^\n\r]*"),
    ("string", r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
               r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("var", r"[?$](?:[A-Za-z0-9_\u00B7]|" + _U + r")+"),
    # Prefixed names (with their colon) and keywords; a keyword never holds a colon.
    ("name", r"(?:(?:[A-Za-z]|" + _U + r")(?:[\w\-.\u00B7]|" + _U + r")*)?:(?:[\w\-.:%\u00B7]|" + _U + r"|\\.)*"
             r"|(?:[A-Za-z_]|" + _U + r")(?:[\w\-]|" + _U + r")*"),
    ("space", r"\s+"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*=<>!+\-/|^@a-zA-Z0-9]"),
    ("other", r"."),
)
_LEXER = re.compile("|".join(f"(?P<{k}>{p})" for k, p in _PATTERNS), re.DOTALL)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    """One lexical token of a query: its kind, text and start offset."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased word when the token is a bare word (a keyword), else ``""``."""
        return self.text.upper() if self.kind == "name" and ":" not in self.text else ""


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a query (no spaces, no comments).

    Examples
    --------
    >>> [t.text for t in tokenize('SELECT ?x { ?x rdfs:label "{ # }" } # {')]
    ['SELECT', '?x', '{', '?x', 'rdfs:label', '"{ # }"', '}']
    """
    out = []
    for m in _LEXER.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def query_form(tokens: list[Token]) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query keyword.

    Raises
    ------
    QueryError
        When the text is not a query (an update, or nothing).
    """
    for t in tokens:
        if t.keyword in _FORMS:
            return t.keyword
        if t.keyword in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            raise QueryError(f"{t.text} is an update; kg only reads the graph")
    raise QueryError("invalid SPARQL: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def declared_prefixes(tokens: list[Token]) -> set[str]:
    """The prefixes the query declares itself (``PREFIX jsi: <…>``)."""
    return {tokens[i + 1].text[:-1] for i, t in enumerate(tokens[:-1]) if t.keyword == "PREFIX"}


def with_prefixes(text: str, tokens: list[Token] | None = None) -> str:
    """The query with the PREFIX lines of :data:`kg.iris.PREFIXES` it does not declare itself.

    Examples
    --------
    >>> with_prefixes("PREFIX jsi: <urn:x#> ASK {}").count("PREFIX jsi:")
    1
    """
    own = declared_prefixes(tokens if tokens is not None else tokenize(text))
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in iris.PREFIXES.items() if p not in own]
    return "\n".join([*lines, text])


def _term_text(name: str, term: Any) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)  # Oxigraph's N-Triples form: valid SPARQL, escaped
    if isinstance(term, ox.BlankNode):
        raise QueryError(f"?{name} is bound to a blank node, which a remote store cannot be sent")
    raise QueryError(f"?{name} is bound to {term!r}, which is not an RDF term")


@dataclass
class _Select:
    """A SELECT clause being read: the variables it projects."""

    depth: int
    projected: set[str] = field(default_factory=set)
    star: bool = False
    paren: int = 0
    after_as: bool = False


def _scopes(tokens: list[Token], names: set[str]) -> list[tuple[int, set[str], bool]]:
    """For each group graph pattern that needs inline data: (index of its ``{``, variables,
    whether it is the ``WHERE`` group of the query or of a sub-select).

    Walks the braces with a stack. A brace after ``VALUES`` opens data, the first brace
    after ``CONSTRUCT`` a template; a group whose first token is ``SELECT`` holds a
    sub-select, whose own ``WHERE`` group sees only the variables it projects.
    """
    out: list[tuple[int, set[str], bool]] = []
    # Each frame: (kind, variables in scope). Kinds: group, data, template, subselect.
    stack: list[tuple[str, set[str]]] = []
    form = query_form(tokens)
    top: set[str] = set(names) if form != "SELECT" else set()
    select: _Select | None = None
    pending: set[str] | None = None if form == "SELECT" else top  # scope of the next WHERE group
    values_next = False
    template_next = form == "CONSTRUCT"
    for i, t in enumerate(tokens):
        kw = t.keyword
        if select is not None and select.paren == 0 and (t.text == "{" or kw in ("WHERE", "FROM")):
            if not stack:  # the query's own WHERE: bound whether projected or not (as Oxigraph does)
                pending = set(names)
            else:
                outer = stack[-1][1]
                pending = set(outer) if select.star else outer & select.projected
            select = None
        if select is not None:
            if t.text == "(":
                select.paren += 1
            elif t.text == ")":
                select.paren -= 1
            elif t.text == "*" and select.paren == 0:
                select.star = True
            elif kw == "AS":
                select.after_as = True
            elif t.kind == "var" and (select.paren == 0 or select.after_as):
                select.projected.add(t.text[1:])
                select.after_as = False
            continue
        if kw == "SELECT":
            select = _Select(len(stack))
            continue
        if kw == "VALUES":
            values_next = True
            continue
        if t.text == "{":
            if values_next:
                stack.append(("data", set()))
                values_next = False
            elif template_next:
                stack.append(("template", set()))
                template_next = False
            elif i + 1 < len(tokens) and tokens[i + 1].keyword == "SELECT":
                stack.append(("subselect", stack[-1][1] if stack else set(names)))
            elif i and tokens[i - 1].keyword == "EXISTS":
                # (NOT) EXISTS substitutes the tested row (§18.6), whose group starts with the
                # inline data: the pattern already sees the term, so none is written in it
                # (Virtuoso 7.2.5 answers NOT EXISTS { VALUES ?v {…} … } wrongly)
                stack.append(("exists", set()))
            else:
                where = pending is not None
                if pending is not None:
                    scope, pending = pending, None
                else:
                    scope = stack[-1][1] if stack and stack[-1][0] == "group" else set()
                stack.append(("group", scope))
                if scope:
                    out.append((i, scope, where))
            continue
        if t.text == "}":
            if stack:
                stack.pop()
            continue
        if kw == "WHERE" and form == "CONSTRUCT":
            template_next = False
        if t.kind == "var" and t.text[1:] in names and stack and stack[-1][0] == "group":
            prev = tokens[i - 1].keyword if i else ""
            if prev == "AS" and t.text[1:] in stack[-1][1]:
                raise QueryError(f"the query assigns ?{t.text[1:]} (BIND … AS ?{t.text[1:]}), so it cannot be bound")
    return out


def _mentioned(tokens: list[Token], inserts: list[tuple[int, set[str], bool]]) -> list[tuple[int, set[str]]]:
    """Each nested group keeps only the variables written inside it (at any depth).

    A group that never names ``?v`` cannot use its value: its rows meet the term where they
    are joined into the nearest enclosing group that names ``?v``, which has the inline data
    (the ``WHERE`` group of the query and of each sub-select in scope always keeps it). Leaving it out also matches Oxigraph's
    substitution, which binds ``?v`` nowhere in such a group (a ``MINUS`` group that does not
    name ``?v`` shares no variable through it). Virtuoso 7.2.5 stopped answering a query
    with one-row ``VALUES`` in each of its 15 nested groups (agreement-cooperation-2021-vs-2024,
    on a freshly loaded server), and answered it with the data in the groups that name ``?lang``.
    """
    ends: dict[int, int] = {}
    opened: list[int] = []
    for i, t in enumerate(tokens):
        if t.text == "{":
            opened.append(i)
        elif t.text == "}" and opened:
            ends[opened.pop()] = i
    out = []
    for index, scope, where in inserts:
        if not where:
            inside = {t.text[1:] for t in tokens[index + 1:ends.get(index, len(tokens))] if t.kind == "var"}
            scope = scope & inside
        if scope:
            out.append((index, scope))
    return out


def bind_inline(text: str, bindings: Mapping[str, Any]) -> str:
    """The query with each bound variable given by inline data in every group of its scope.

    Parameters
    ----------
    text : str
        A SPARQL 1.1 query.
    bindings : mapping
        Variable name → Oxigraph ``NamedNode`` or ``Literal``.

    Examples
    --------
    >>> q = "SELECT ?m (COUNT(?d) AS ?n) WHERE { ?d <urn:by> ?m } GROUP BY ?m"
    >>> bind_inline(q, {"m": ox.NamedNode("urn:CIV")})
    'SELECT ?m (COUNT(?d) AS ?n) WHERE { VALUES ?m { <urn:CIV> } ?d <urn:by> ?m } GROUP BY ?m'
    >>> bind_inline('SELECT ?x WHERE { { SELECT ?y WHERE { ?y ?p ?x } } }', {"x": ox.Literal('a"b')})
    'SELECT ?x WHERE { VALUES ?x { "a\\\\"b" } { SELECT ?y WHERE { ?y ?p ?x } } }'
    """
    if not bindings:
        return text
    tokens = tokenize(text)
    data = {name: _term_text(name, term) for name, term in bindings.items()}
    inserts = _mentioned(tokens, _scopes(tokens, set(data)))
    parts = []
    last = 0
    for index, scope in inserts:
        at = tokens[index].start + 1
        block = " ".join(f"VALUES ?{v} {{ {data[v]} }}" for v in sorted(scope))
        parts += [text[last:at], f" {block}"]
        last = at
    parts.append(text[last:])
    return "".join(parts)
