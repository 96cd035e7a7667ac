"""Name resolution: what a person typed (a name, code, key or IRI) → the RDF term a query binds.

Names are English, French or Spanish (case, accents and apostrophes ignored); codes are ISO
3166 alpha-3, document symbols, issue codes; keys and IRIs work too. The candidates of each
kind come from ``queries/lookup/<kind>.rq``, read once per store into an index
(:mod:`kg.catalogue.index`). The value is bound as a term (SEP-0007
substitutions), never pasted into the query text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.catalogue.headers import KIND_HELP, KINDS
from kg.catalogue.index import name_index, normalise
from kg.choices import checked_lang
from kg.errors import ParameterError
from kg.labels import display_label
from kg.project import Project, default_project
from kg.store import QueryEngine

__all__ = ["normalise", "resolve_parameter"]

#: What a name looks like: only such a value is matched word by word ("Korea" → "Korea, Republic of").
_NAME_LIKE = re.compile(r"^[\w .,'’()/-]*\w[\w .,'’()/-]*$")


@dataclass
class _Candidate:
    iri: str
    names: list[tuple[str, str | None]] = field(default_factory=list)  # (text, lang)

    def short(self) -> str:
        return iris.compact(self.iri)


def _display(store: QueryEngine, queries_dir: Path, cand: _Candidate, lang: str) -> str:
    """A candidate as a message names it: its display label in ``lang`` (:mod:`kg.labels`) and key."""
    short = cand.short()
    label = display_label(store, queries_dir, cand.iri, lang) or short
    return f"{label} ({short})" if label != short else short


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
    project: Project | None = None,
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
    project : Project, optional
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
        return ox.Literal(checked_lang(normalise(value)))
    if not value.strip():
        raise ParameterError(f"an empty {kind} was given; {KIND_HELP[kind]}")
    project = project or default_project()
    index = name_index(store, KINDS[kind], project, kind)
    queries_dir = project.queries_dir

    iri = _as_iri(value)
    if iri is not None and index.has(iri):
        return ox.NamedNode(iri)
    # an IRI that is not a known thing of this kind falls through to name matching,
    # so 'member/CIV' behaves like 'CIV' and a wrong IRI gets suggestions

    for search in (index.by_name, index.by_compact, index.by_words if _NAME_LIKE.match(value) else None):
        found = search(value) if search is not None else []
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if len(found) > 1:
            hits = [_Candidate(i, index.names_of(i)) for i in found]
            shown = ", ".join(_display(store, queries_dir, c, lang) for c in hits[:8])
            more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
            raise ParameterError(
                f"ambiguous {kind} {value!r}: it names {shown}{more}. Give one of the keys in brackets instead, e.g. {hits[0].short()!r}."
            )
    candidates = [_Candidate(i, names) for i, names in index.everything().items()]
    raise ParameterError(_unknown_message(kind, value, candidates, lambda c: _display(store, queries_dir, c, lang)))


def _unknown_message(kind: str, value: str, candidates: Sequence[_Candidate], display: Callable[[_Candidate], str]) -> str:
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
    hint = f" Did you mean: {'; '.join(display(c) for c in seen[:5])}?" if seen else ""
    return f"unknown {kind} {value!r}.{hint} Expected {KIND_HELP[kind]}."
