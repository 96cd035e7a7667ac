"""The catalogue's documentation headers: the ``#+`` lines of ``queries/*.rq`` and the files.

Each file opens with a grlc-style comment header (``#+ summary:``, ``#+ param:``,
``#+ column:``, ``#+ reasoning:``; see ``queries/README.md``). This module reads the
headers and finds the files; :mod:`kg.catalogue.names` resolves parameter values and
:mod:`kg.catalogue.running` runs the queries.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import QueryError
from kg.project import Project, default_project
from kg.queryfiles import read_rq

__all__ = [
    "KINDS",
    "KIND_HELP",
    "Parameter",
    "Column",
    "CatalogueQuery",
    "parse_header",
    "read_query",
    "list_queries",
    "find_query",
    "shell_quote",
]

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

#: Kinds whose value is what the person typed, kept as typed (every other kind is resolved
#: to a thing of the graph or checked against a closed list): such a value is only ever
#: bound as a substitution, never written into a query's text (:mod:`kg.catalogue.inlining`).
FREE_TEXT_KINDS = frozenset({"text"})

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
            parts += ["-p", f"{p.name}={shell_quote(value)}"]
        return " ".join(parts)


_SAFE = re.compile(r"^[\w@%+=:,./-]+$")


def shell_quote(value: str) -> str:
    """A value as a POSIX shell word (double-quoted when it needs to be).

    Examples
    --------
    >>> shell_quote("Costa Rica")
    '"Costa Rica"'
    >>> shell_quote("member:CIV")
    'member:CIV'
    """
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
    text = read_rq(path)
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


def list_queries(project: Project | None = None) -> list[CatalogueQuery]:
    """The catalogue: every ``queries/*.rq`` (not the checks, lookups or stats), by name."""
    project = project or default_project()
    return [read_query(p) for p in sorted(project.queries_dir.glob("*.rq"))]


def find_query(name: str, project: Project | None = None) -> CatalogueQuery:
    """The catalogue query called ``name`` (its file stem).

    Raises
    ------
    QueryError
        ``Unknown query 'x'. Known: …`` with the closest names first.
    """
    project = project or default_project()
    path = project.queries_dir / f"{name}.rq"
    if name and "/" not in name and "\\" not in name and path.is_file():
        return read_query(path)
    known = [p.stem for p in sorted(project.queries_dir.glob("*.rq"))]
    if not known:
        raise QueryError(f"no questions in '{project.queries_dir}': this copy of the sources has no "
                         "queries/; copy the clone's queries/ folder there (or set KG_HOME to a full copy)")
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    close += [k for k in known if name and name.lower() in k and k not in close]
    hint = f" Did you mean {', '.join(repr(c) for c in close[:3])}?" if close else ""
    raise QueryError(f"Unknown query {name!r}.{hint} Known: {', '.join(known)}. See 'kg query --list'.")
