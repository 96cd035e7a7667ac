"""Names as a person types them: resolution with a correction that is said, and suggestions.

:func:`kg.catalogue.resolve_parameter` does the resolution (English, French or Spanish
names, codes, IRIs). This module adds what a person needs around it:

* :func:`resolve_noting` resolves, and when the value was not the name shown (a Spanish
  name, an alternative name) or was a typo close to one single thing ("Kenyaa"), returns
  a note to say on standard error ("'kenia' → Kenya (member/KEN)").
* :func:`names_of` lists every candidate of a kind with its names, for suggestions as
  one types (the web app's ``<datalist>`` and search).

The names come from the same lookup queries (``queries/lookup/<kind>.rq``) as the
catalogue's: a name of one thing is read from the store's name index
(:mod:`kg.catalogue.index`); only suggestions list them all.
"""

from __future__ import annotations

import difflib
import weakref
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.catalogue import KINDS, normalise, resolve_parameter
from kg.catalogue.index import lookup_names, name_index
from kg.errors import ParameterError
from kg.labels import display_label
from kg.project import Project, default_project
from kg.queryfiles import run_rq

__all__ = ["Named", "names_of", "resolve_noting", "label_of"]

#: How close a typo must be (difflib ratio of the folded names) to be corrected silently-but-said.
CUTOFF = 0.8


@dataclass
class Named:
    """A thing of the graph with all its names, to match what is typed: ``(text, lang)``, ``lang`` None
    for codes. The name to show is its display label (:func:`label_of`)."""

    iri: str
    names: list[tuple[str, str | None]] = field(default_factory=list)


_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[Named]]] = weakref.WeakKeyDictionary()


def names_of(store: Any, kind: str, project: Project | None = None) -> list[Named]:
    """Every thing of ``kind`` (a key of :data:`kg.catalogue.KINDS`) with its names, by IRI."""
    project = project or default_project()
    lookup = KINDS.get(kind)
    if not lookup:
        return []
    key = (str(project.queries_dir), lookup)
    try:
        cache = _CACHE.setdefault(store, {})
    except TypeError:
        cache = {}
    if key in cache:
        return cache[key]
    path = project.queries_dir / "lookup" / f"{lookup}.rq"
    iris_found, rows = lookup_names(run_rq(store, path, what="lookup query"), path, kind)  # in the lookup order
    by_iri = {iri: Named(iri) for iri in iris_found}
    for iri, name, lang in rows:
        named = by_iri[iri]
        if (name, lang) not in named.names:
            named.names.append((name, lang))
    found = sorted(by_iri.values(), key=lambda n: n.iri)
    cache[key] = found
    return found


def _named(store: Any, kind: str, iri: str, project: Project | None) -> Named | None:
    """One thing of ``kind`` with its names, from the store's name index (an indexed
    look-up: it costs what one thing has, not what the graph holds), or None."""
    lookup = KINDS.get(kind)
    if not lookup:
        return None
    names = name_index(store, lookup, project or default_project(), kind).names_of(iri)
    if not names:
        return None
    named = Named(iri)
    for name in names:
        if name not in named.names:
            named.names.append(name)
    return named


def label_of(store: Any, kind: str, iri: str, lang: str = "en", project: Project | None = None) -> str:
    """The display label of ``iri`` in ``lang`` (:mod:`kg.labels`), its key when unnamed.

    ``kind`` is kept for the callers that name what they show; the label rule is the same for all.
    """
    return display_label(store, (project or default_project()).queries_dir, iri, lang) or iris.compact(iri)


def _close(store: Any, kind: str, value: str, project: Project | None) -> Named | None:
    """The one thing whose name is close to ``value`` (a typo), or None when none or several are."""
    folded: dict[str, set[str]] = {}
    things = {n.iri: n for n in names_of(store, kind, project)}
    for named in things.values():
        for text, _ in named.names:
            folded.setdefault(normalise(text), set()).add(named.iri)
    close = difflib.get_close_matches(normalise(value), list(folded), n=5, cutoff=CUTOFF)
    hits = {iri for name in close for iri in folded[name]}
    if len(hits) != 1:
        return None
    return things[hits.pop()]


def resolve_noting(store: Any, kind: str, value: str, lang: str = "en", *,
                   project: Project | None = None) -> tuple[ox.NamedNode | ox.Literal, str | None]:
    """Resolve what a person typed, with a note when it was read as something else.

    Returns the bound term and a note to show the person (None when the value was the
    very name, code or IRI of the thing). A typo close to exactly one thing is corrected
    (and noted); otherwise the catalogue's error ("did you mean …") is raised.

    Raises
    ------
    ParameterError
        Unknown or ambiguous, with suggestions.
    """
    try:
        term = resolve_parameter(store, kind, value, lang, project=project)
    except ParameterError as exc:
        if kind in ("lang", "text") or "ambiguous" in str(exc):
            raise
        guess = _close(store, kind, value, project)
        if guess is None:
            raise
        return ox.NamedNode(guess.iri), f"{value!r} is not a known {kind} name; read as {label_of(store, kind, guess.iri, lang, project)} ({iris.compact(guess.iri)})"
    if not isinstance(term, ox.NamedNode):
        return term, None
    label = label_of(store, kind, term.value, lang, project)
    key = iris.compact(term.value)
    wanted = normalise(value)
    local = term.value[len(iris.ID):] if term.value.startswith(iris.ID) else key
    shown = {normalise(label), normalise(key), normalise(local), normalise(iris.local_name(local)),
             normalise(term.value)}
    named = _named(store, kind, term.value, project)
    if named is not None:
        shown |= {normalise(t) for t, tag in named.names if tag is None or tag == lang}
    if wanted in shown:
        return term, None
    return term, f"{value!r} → {label} ({key})"
