"""The query catalogue: the documented SPARQL questions of ``queries/*.rq`` and their parameters.

Each file opens with a grlc-style comment header (``#+ summary:``, ``#+ param:``,
``#+ column:``, ``#+ reasoning:``; see ``queries/README.md``). A parameter value is
resolved to an RDF term from a name (English, French or Spanish; case and accents
ignored), a code or an IRI, then bound as a term (SEP-0007 substitutions), never pasted
into the query text. Name lookups are themselves queries (``queries/lookup/*.rq``).
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kg import iris
from kg.errors import ParameterError, QueryError
from kg.layout import Layout, default_layout
from kg.store import Result, Table

__all__ = [
    "KINDS",
    "LANGS",
    "Parameter",
    "Column",
    "CatalogueQuery",
    "QueryEngine",
    "parse_header",
    "read_query",
    "list_queries",
    "find_query",
    "resolve_parameter",
    "bind_parameters",
    "run_query",
    "catalogue_table",
    "readme_block",
    "update_readme",
]

log = logging.getLogger(__name__)

#: The languages of labels (the WTO's three working languages).
LANGS = ("en", "fr", "es")

#: Kind of parameter → the lookup query (``queries/lookup/<file>.rq``) listing its candidates.
#: ``lang`` and ``text`` are literals and need no lookup.
KINDS: dict[str, str] = {
    "member": "member",
    "group": "group",
    "actor": "actor",
    "issue": "issue",
    "document": "document",
    "proposal": "document",
    "concern": "concern",
    "concern-category": "concern-category",
    "sdt-model": "sdt-model",
    "column": "column",
    "strength": "strength",
    "region": "region",
    "entity": "entity",
    "lang": "",
    "text": "",
}

#: What each kind accepts, for help texts and error messages.
KIND_HELP: dict[str, str] = {
    "member": "a WTO member: name in English, French or Spanish, ISO 3166 alpha-3 code (EUN for the EU) or IRI",
    "group": "a group or coalition: name, short name (LDC, FED, ACP, AFRICAN, JSI) or IRI",
    "actor": "a member or a group (who sponsors, raises or requests something)",
    "issue": "an issue of INF/ECOM/62/Rev.2: code (A.1.2 or A.1.(2), B, D.3, ANNEX1.3), name or IRI",
    "document": "a WTO document: symbol (INF/ECOM/49), name or IRI",
    "proposal": "a WTO document: symbol (INF/ECOM/49), name or IRI",
    "concern": "a development concern of IISD 2022 Table 2: name, key or IRI",
    "concern-category": "a concern category (Table 2/3): name or key (lack-of-capacity, market-access-flexibility, "
    "infant-industry-policy-space)",
    "sdt-model": "an SDT model: name or key (traditional, gats, tfa, tfa-gats, tfa-traditional)",
    "column": "a horizontal column of Table 5: cooperation, cooperation-mechanisms, capacity-building, "
    "implementation-periods",
    "strength": "a commitment strength: binding, best-endeavour, hortatory, encouraged, voluntary, recognition",
    "region": "a world region of the statistics: name or key",
    "entity": "anything with a name: member, group, document, issue, concern … (name, code or IRI)",
    "lang": "a language code: en, fr or es",
    "text": "any text, matched as a literal string",
}


class QueryEngine(Protocol):
    """What the catalogue needs of a store: SPARQL with bound terms (``kg.store.Store``)."""

    def query(self, text: str, bindings: Mapping[str, Any] | None = None) -> Result: ...


# --------------------------------------------------------------------------- header


@dataclass(frozen=True)
class Parameter:
    """One parameter of a catalogue query.

    Attributes
    ----------
    name : str
        The SPARQL variable (without ``?``) and the ``-p NAME=…`` key.
    kind : str
        One of :data:`KINDS`: how a value is resolved to an RDF term.
    example : str
        A value that works on the real graph.
    description : str
        What the parameter selects.
    required : bool
        False when the header writes ``name?``: left out, the variable stays free and
        the query answers for every value (the column is then shown).
    """

    name: str
    kind: str
    example: str = ""
    description: str = ""
    required: bool = True


@dataclass(frozen=True)
class Column:
    """One column of a query's result, with what it holds."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class CatalogueQuery:
    """A ``queries/*.rq`` file with its documentation header."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[Column, ...] = ()
    reasoning: bool = False
    fields: Mapping[str, str] = field(default_factory=dict)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if any."""
        for p in self.parameters:
            if p.name == name:
                return p
        return None

    def example_command(self) -> str:
        """A ``kg query`` command line that runs this query with its example values.

        Examples
        --------
        >>> q = CatalogueQuery("x", Path("x.rq"), "", "s", parameters=(Parameter("member", "member", "CIV"),))
        >>> q.example_command()
        'kg query x -p member=CIV'
        """
        parts = ["kg", "query", self.name]
        for p in self.parameters:
            if p.kind == "lang" or not p.example or not p.required:
                continue
            value = p.example
            parts += ["-p", f"{p.name}={_shell_quote(value)}"]
        return " ".join(parts)


_SAFE = re.compile(r"^[\w@%+=:,./-]+$")


def _shell_quote(value: str) -> str:
    if _SAFE.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


_FIELD = re.compile(r"^#\+ ([a-z][a-z-]*):\s?(.*)$")
_CONTINUATION = re.compile(r"^#\+(?:\s{2,}(.*)|\s*)$")


def parse_header(text: str, source: str = "<query>") -> dict[str, list[str]]:
    """Read the ``#+ key: value`` lines at the top of a query.

    A line ``#+`` followed by two or more spaces continues the previous field; a bare
    ``#+`` starts a new paragraph of it. Plain ``#`` comments and blank lines are skipped; the
    header ends at the first line that is not a comment.

    Examples
    --------
    >>> parse_header("#+ summary: Proposals of\\n#+   a member\\n#+ param: m | member | CIV | who\\nSELECT")
    {'summary': ['Proposals of a member'], 'param': ['m | member | CIV | who']}
    """
    fields: dict[str, list[str]] = {}
    last: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.rstrip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _FIELD.match(stripped)
        if m:
            last = fields.setdefault(m.group(1), [])
            last.append(m.group(2).strip())
            continue
        c = _CONTINUATION.match(stripped)
        if c:
            if last is None:
                raise QueryError(f"{source}:{number}: a continuation line comes before any '#+ key:' line")
            extra = (c.group(1) or "").strip()
            if not extra:
                last[-1] = last[-1].rstrip("\n") + "\n\n"  # a bare '#+' starts a paragraph
            elif last[-1].endswith("\n"):
                last[-1] += extra
            else:
                last[-1] = f"{last[-1]} {extra}"
            continue
        last = None  # a plain comment ends a field
    return {k: [v.strip() for v in vs] for k, vs in fields.items()}


def _parse_parameter(spec: str, source: str) -> Parameter:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise QueryError(f"{source}: '#+ param: {spec}' must be 'name | kind | example | description'")
    name = parts[0]
    required = not name.endswith("?")
    name = name.rstrip("?").lstrip("?$")
    if not name.isidentifier():
        raise QueryError(f"{source}: parameter name {name!r} is not a SPARQL variable name")
    kind = parts[1]
    if kind not in KINDS:
        raise QueryError(f"{source}: parameter {name!r} has unknown kind {kind!r}; known: {', '.join(KINDS)}")
    example = parts[2] if len(parts) > 2 else ""
    description = " | ".join(parts[3:]) if len(parts) > 3 else ""
    return Parameter(name, kind, example, description, required)


def _parse_columns(values: Iterable[str], single: Iterable[str]) -> tuple[Column, ...]:
    cols: list[Column] = []
    for spec in single:
        name, _, desc = spec.partition("|")
        cols.append(Column(name.strip(), desc.strip()))
    for spec in values:
        for name in spec.replace("\n", " ").split(","):
            if name.strip():
                cols.append(Column(name.strip()))
    return tuple(cols)


def read_query(path: Path) -> CatalogueQuery:
    """Read one ``.rq`` file and its header.

    Raises
    ------
    QueryError
        When the file cannot be read, has no ``#+ summary:`` or a malformed parameter.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read the query {str(path)!r}: {exc.strerror}") from exc
    header = parse_header(text, path.name)
    summary = " ".join(header.get("summary", [""])[0].split())
    if not summary:
        raise QueryError(f"{path.name}: the header needs a '#+ summary:' line saying which question it answers")
    params = tuple(_parse_parameter(spec, path.name) for spec in header.get("param", []))
    reasoning = header.get("reasoning", ["no"])[0].lower().startswith("yes")
    return CatalogueQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=summary,
        description="\n".join(header.get("description", [])).strip(),
        parameters=params,
        columns=_parse_columns(header.get("columns", []), header.get("column", [])),
        reasoning=reasoning,
        fields={k: "\n".join(v) for k, v in header.items()},
    )


def list_queries(layout: Layout | None = None) -> list[CatalogueQuery]:
    """The catalogue: every ``queries/*.rq`` (not the checks, lookups or stats), by name."""
    layout = layout or default_layout()
    return [read_query(p) for p in sorted(layout.queries_dir.glob("*.rq"))]


def find_query(name: str, layout: Layout | None = None) -> CatalogueQuery:
    """The catalogue query called ``name`` (its file stem).

    Raises
    ------
    QueryError
        ``Unknown query 'x'. Known: …`` with the closest names first.
    """
    layout = layout or default_layout()
    path = layout.queries_dir / f"{name}.rq"
    if name and "/" not in name and "\\" not in name and path.is_file():
        return read_query(path)
    known = [p.stem for p in sorted(layout.queries_dir.glob("*.rq"))]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    close += [k for k in known if name and name.lower() in k and k not in close]
    hint = f" Did you mean {', '.join(repr(c) for c in close[:3])}?" if close else ""
    raise QueryError(f"Unknown query {name!r}.{hint} Known: {', '.join(known)}. See 'kg query --list'.")


# --------------------------------------------------------------------------- names


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and spacing so that names compare as a person would.

    Examples
    --------
    >>> normalise("  CÔTE  D’IVOIRE ")
    "cote d'ivoire"
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(stripped.casefold().split())


def _compact(text: str) -> str:
    """Only letters and digits: 'INF/ECOM/49' and 'inf-ecom-49' meet, 'A.1.(2)' and 'a12' too."""
    return "".join(ch for ch in normalise(text) if ch.isalnum())


#: What a name looks like: only such a value is matched word by word ("Korea" → "Korea, Republic of").
_NAME_LIKE = re.compile(r"^[\w .,'’()/-]*\w[\w .,'’()/-]*$")


def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in re.split(r"[^\w]+", normalise(text)) if t)


@dataclass
class _Candidate:
    iri: str
    names: list[tuple[str, str | None]] = field(default_factory=list)  # (text, lang)

    def display(self, lang: str) -> str:
        label = _pick_label(self.names, lang) or self.short()
        short = self.short()
        return f"{label} ({short})" if label != short else short

    def short(self) -> str:
        return self.iri[len(iris.ID):] if self.iri.startswith(iris.ID) else self.iri


def _pick_label(names: Sequence[tuple[str, str | None]], lang: str) -> str | None:
    for wanted in (lang, "en"):
        for text, tag in names:
            if tag == wanted:
                return text
    for text, tag in names:
        if tag:
            return text
    return names[0][0] if names else None


_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[_Candidate]]] = weakref.WeakKeyDictionary()


def _candidates(store: QueryEngine, kind: str, layout: Layout) -> list[_Candidate]:
    lookup = KINDS[kind]
    key = (str(layout.queries_dir), lookup)
    try:
        cache = _CACHE.setdefault(store, {})
    except TypeError:  # an engine that cannot be weakly referenced: no cache
        cache = {}
    if key in cache:
        return cache[key]
    path = layout.queries_dir / "lookup" / f"{lookup}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"the lookup query {str(path)!r} for parameters of kind {kind!r} is missing") from exc
    result = store.query(text)
    if not isinstance(result, Table) or "entity" not in result.columns or "name" not in result.columns:
        raise QueryError(f"{path.name}: a lookup query must select ?entity ?name")
    ie, iname = result.columns.index("entity"), result.columns.index("name")
    by_iri: dict[str, _Candidate] = {}
    for row in result.rows:
        entity, name = row[ie], row[iname]
        if entity is None or entity.kind != "iri":
            continue
        cand = by_iri.setdefault(entity.value, _Candidate(entity.value))
        if name is not None and name.value:
            cand.names.append((name.value, name.lang))
    for cand in by_iri.values():
        # the key of an IRI is a name too: member/CIV → CIV, doc/INF-ECOM-49 → INF-ECOM-49
        cand.names.append((cand.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1], None))
    found = sorted(by_iri.values(), key=lambda c: c.iri)
    cache[key] = found
    return found


def _as_iri(value: str) -> str | None:
    """An IRI written in full, in angle brackets, as ``prefix:local`` or as shown in tables."""
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1].strip()
    if re.match(r"^https?://\S+$", v):
        return v
    prefix, colon, local = v.partition(":")
    if colon and prefix in iris.PREFIXES and local and not re.search(r"\s", local):
        return iris.PREFIXES[prefix] + local
    if re.match(r"^[a-z][a-z-]*/\S+$", v):  # member/CIV, as tables show it
        return iris.ID + v
    return None


def resolve_parameter(
    store: QueryEngine,
    kind: str,
    value: str,
    lang: str = "en",
    *,
    layout: Layout | None = None,
) -> ox.NamedNode | ox.Literal:
    """Turn what a person typed into the RDF term a query is bound to.

    Parameters
    ----------
    store : Store
        The built graph (or any engine with the same ``query(text, bindings)``).
    kind : str
        One of :data:`KINDS`. ``lang`` gives a language literal (en, fr, es), ``text``
        a plain string literal; the others look the value up among the things of that
        kind with ``queries/lookup/<kind>.rq``.
    value : str
        A name in English, French or Spanish (case, accents and apostrophes ignored),
        an ISO code, a document symbol, an issue code (``A.1.2`` or ``A.1.(2)``), a key
        (``FED``, ``lack-of-capacity``) or an IRI (full, ``<…>``, ``member:CIV`` or
        ``member/CIV``).
    lang : str
        The language of the names shown in error messages.
    layout : Layout, optional
        Where ``queries/lookup/`` is (default: this clone).

    Returns
    -------
    pyoxigraph.NamedNode or pyoxigraph.Literal

    Raises
    ------
    ParameterError
        Unknown or ambiguous value, with the closest matches ("did you mean …").

    Examples
    --------
    >>> resolve_parameter(None, "lang", "FR")
    <Literal value=fr datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if kind not in KINDS:
        raise ParameterError(f"unknown parameter kind {kind!r}; known: {', '.join(KINDS)}")
    if not isinstance(value, str):
        raise ParameterError(f"a {kind} must be given as text, not {value!r}")
    if kind == "text":
        return ox.Literal(value)
    if kind == "lang":
        code = normalise(value)
        if code not in LANGS:
            raise ParameterError(f"unknown language {value!r}; use one of {', '.join(LANGS)}")
        return ox.Literal(code)
    if not value.strip():
        raise ParameterError(f"an empty {kind} was given; {KIND_HELP[kind]}")
    candidates = _candidates(store, kind, layout or default_layout())

    iri = _as_iri(value)
    if iri is not None:
        for cand in candidates:
            if cand.iri == iri:
                return ox.NamedNode(iri)
        # an IRI that is not a known thing of this kind falls through to name matching,
        # so 'member/CIV' behaves like 'CIV' and a wrong IRI gets suggestions

    wanted = normalise(value)
    for match in (
        lambda c: any(normalise(n) == wanted for n, _ in c.names),
        lambda c: any(_compact(n) == _compact(value) for n, _ in c.names) and bool(_compact(value)),
        lambda c: _NAME_LIKE.match(value) is not None
        and any(_tokens(value) <= _tokens(n) for n, _ in c.names if len(n) > 3),
    ):
        hits = [c for c in candidates if match(c)]
        if len(hits) == 1:
            return ox.NamedNode(hits[0].iri)
        if len(hits) > 1:
            shown = ", ".join(c.display(lang) for c in hits[:8])
            more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
            raise ParameterError(
                f"ambiguous {kind} {value!r}: it names {shown}{more}. Give one of the keys in brackets instead, e.g. {hits[0].short()!r}."
            )
    raise ParameterError(_unknown_message(kind, value, candidates, lang))


def _unknown_message(kind: str, value: str, candidates: Sequence[_Candidate], lang: str) -> str:
    by_name: dict[str, list[_Candidate]] = {}
    for cand in candidates:
        for name, _ in cand.names:
            by_name.setdefault(normalise(name), []).append(cand)
    wanted = normalise(value)
    close = difflib.get_close_matches(wanted, list(by_name), n=8, cutoff=0.6)
    close += [n for n in by_name if wanted and len(wanted) >= 3 and wanted in n and n not in close]
    seen: list[_Candidate] = []
    for name in close:
        for cand in by_name[name]:
            if cand not in seen:
                seen.append(cand)
    if not candidates:
        return f"unknown {kind} {value!r}: the graph holds no {kind} at all (is it built? 'kg build')"
    hint = f" Did you mean: {'; '.join(c.display(lang) for c in seen[:5])}?" if seen else ""
    return f"unknown {kind} {value!r}.{hint} Expected {KIND_HELP[kind]}."


# --------------------------------------------------------------------------- running


def bind_parameters(
    store: QueryEngine,
    query: CatalogueQuery,
    values: Mapping[str, str],
    lang: str = "en",
    *,
    layout: Layout | None = None,
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
            bound[p.name] = resolve_parameter(store, p.kind, values[p.name], lang, layout=layout)
        elif p.kind == "lang":
            bound[p.name] = resolve_parameter(store, "lang", lang)
        elif p.required:
            example = f", e.g. -p {p.name}={_shell_quote(p.example)}" if p.example else ""
            raise ParameterError(f"query {query.name!r} needs the parameter {p.name!r} ({KIND_HELP[p.kind]}){example}")
    return bound


def run_query(
    store: QueryEngine,
    query: CatalogueQuery,
    values: Mapping[str, str] | None = None,
    lang: str = "en",
    *,
    show_parameters: bool = False,
    layout: Layout | None = None,
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
    if lang not in LANGS:
        raise ParameterError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    bindings = bind_parameters(store, query, values or {}, lang, layout=layout)
    result = store.query(query.text, bindings)
    if not isinstance(result, Table):
        raise QueryError(f"{query.path.name}: a catalogue query must be a select query (rows)")
    if show_parameters or not bindings:
        return result
    keep = [i for i, c in enumerate(result.columns) if c not in bindings]
    return Table([result.columns[i] for i in keep], [tuple(row[i] for i in keep) for row in result.rows])


def catalogue_table(queries: Sequence[CatalogueQuery]) -> Table:
    """The catalogue as rows: name, question, parameters (for ``--list`` and the README)."""
    from kg.store import Cell

    rows = []
    for q in queries:
        params = ", ".join(
            f"{p.name}{'' if p.required else '?'} ({p.kind}{', e.g. ' + p.example if p.example else ''})"
            for p in q.parameters
            if p.kind != "lang"
        )
        rows.append((Cell("literal", q.name), Cell("literal", q.summary), Cell("literal", params)))
    return Table(["query", "question", "parameters"], rows)  # type: ignore[arg-type]


#: The markers between which README.md carries the catalogue.
README_START = "<!-- catalogue:start -->"
README_END = "<!-- catalogue:end -->"


def readme_block(queries: Sequence[CatalogueQuery]) -> str:
    """The README's catalogue section: a heading, how to run a question, the table.

    Examples
    --------
    >>> q = CatalogueQuery("x", Path("x.rq"), "", "What?", parameters=(Parameter("m", "member", "CIV"),))
    >>> print(readme_block([q]).splitlines()[-1])
    | x | What? | m (member, e.g. CIV) |
    """
    from kg.output import render_table

    return (
        "## The query catalogue\n\n"
        "Each question is a file `queries/NAME.rq` (its header is its documentation; see\n"
        "`queries/README.md`). Run it with `kg query NAME -p PARAM=VALUE`; `kg query --describe NAME`\n"
        "explains its parameters and columns. This table is generated by\n"
        "`kg query --list --update-readme README.md`, and a test keeps it in sync with the files.\n\n"
        + render_table(catalogue_table(queries), "markdown")
    )


def update_readme(text: str, queries: Sequence[CatalogueQuery]) -> str:
    """Replace what lies between the catalogue markers of a README (added at the end if absent).

    Examples
    --------
    >>> update_readme("# T\\n", []).count(README_START)
    1
    """
    block = f"{README_START}\n{readme_block(queries)}\n{README_END}"
    start, end = text.find(README_START), text.find(README_END)
    if start == -1 or end == -1 or end < start:
        return text.rstrip("\n") + "\n\n" + block + "\n"
    return text[:start] + block + text[end + len(README_END):]
