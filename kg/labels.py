"""Display labels, chosen once at build time: the one name to show for a thing, per language.

A table or a page in French shows a thing's French label, else its English one, else any.
That rule is computed here once per build instead of in every query: for each language of
:data:`kg.choices.LANGS`, the named graph ``id:graph/labels/<lang>`` holds for every labelled
resource exactly one ``skos:prefLabel``, the literal chosen from its ``skos:prefLabel`` and
``rdfs:label`` values, keeping its own language tag (a French page showing an English name
says so). The graph describes itself with ``dcterms:language`` (DCMI: a BCP 47 tag), so a
query asks for a label in one line::

    ?labels dcterms:language ?lang .                                     # once per query
    OPTIONAL { GRAPH ?labels { ?member skos:prefLabel ?member_name } }    # each label

and Python code that shows names (views, coalitions, the web app, name resolution) reads the
same graphs through :func:`read_display_labels` (``queries/labels/display.rq``) instead of
choosing a language itself.

SKOS as designed: a resource gets at most one ``skos:prefLabel`` per language tag across all
the graphs (SKOS S14), because the choice among the texts of one tag is the same in every
language's graph. Nothing is invented: each display label is one of the resource's labels.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.choices import LANGS

__all__ = ["display_labels", "display_labels_nquads", "labels_graph", "is_derived_graph", "read_display_labels", "display_label"]

_SKOS_PREF = iris.PREFIXES["skos"] + "prefLabel"
_RDFS_LABEL = iris.PREFIXES["rdfs"] + "label"
_DCTERMS = iris.PREFIXES["dcterms"]
#: Where a label comes from, most preferred first.
_SOURCES = (_SKOS_PREF, _RDFS_LABEL)


def labels_graph(lang: str) -> str:
    """The IRI of the named graph of display labels in ``lang``.

    Examples
    --------
    >>> labels_graph("fr")
    'https://w3id.org/jsi-ecom/id/graph/labels/fr'
    """
    return iris.LABELS_GRAPH + lang


def is_derived_graph(name: str) -> bool:
    """True for the graphs the build derives (inferred statements, display labels), not asserted.

    Examples
    --------
    >>> is_derived_graph(labels_graph("es")), is_derived_graph(iris.ID + "graph/brief-sdt")
    (True, False)
    """
    return name == iris.INFERRED_GRAPH or name.startswith(iris.LABELS_GRAPH)


def _choose(candidates: list[tuple[int, str, str]], lang: str) -> tuple[str, str]:
    """The label for ``lang`` among (source rank, text, tag): ``lang``, else English, else any."""

    def key(c: tuple[int, str, str]) -> tuple[int, int, str, str]:
        source, text, tag = c
        # the tag last: a total order, so the choice never depends on the order statements came in
        return (0 if tag == lang else 1 if tag == "en" else 2, source, text, tag)

    _, text, tag = min(candidates, key=key)
    return text, tag


def display_labels(quads: Iterable[ox.Quad], langs: Iterable[str] = LANGS) -> list[ox.Quad]:
    """The display-label graphs of a set of statements, one per language, sorted.

    Parameters
    ----------
    quads : iterable of Quad
        Every statement of the build (asserted and inferred); earlier display labels are ignored.
    langs : iterable of str
        The languages to write a graph for.

    Returns
    -------
    list of Quad
        For each language, the graph's own description and one ``skos:prefLabel`` per
        labelled resource (IRIs only; blank nodes have no name to show).

    Examples
    --------
    >>> g, x = ox.NamedNode("http://e/g"), ox.NamedNode("http://e/x")
    >>> label = ox.NamedNode(_RDFS_LABEL)
    >>> out = display_labels([ox.Quad(x, label, ox.Literal("Kenya", language="en"), g),
    ...                       ox.Quad(x, label, ox.Literal("Kenia", language="es"), g)], ["fr", "es"])
    >>> [(q.graph_name.value[-2:], q.object.value) for q in out if q.subject == x]
    [('es', 'Kenia'), ('fr', 'Kenya')]
    """
    pref = ox.NamedNode(_SKOS_PREF)
    out: list[ox.Quad] = []
    for lang, chosen in _chosen(quads, langs):
        graph = ox.NamedNode(labels_graph(lang))
        out += [ox.Quad(graph, ox.NamedNode(_DCTERMS + "language"), ox.Literal(lang), graph),
                ox.Quad(graph, ox.NamedNode(_DCTERMS + "description"), ox.Literal(_description(lang), language="en"), graph)]
        out += [ox.Quad(ox.NamedNode(subject), pref, ox.Literal(text, language=tag) if tag else ox.Literal(text), graph)
                for subject, text, tag in chosen]
    return out


def display_labels_nquads(quads: Iterable[ox.Quad], langs: Iterable[str] = LANGS) -> bytes:
    """:func:`display_labels` as N-Quads text, the same statements in the same order.

    The build loads it into its working store with Oxigraph's parser: making a Python quad per
    label and language cost more than the choice itself (300k statements: 0.9 s against 0.65 s).

    Examples
    --------
    >>> g, x = ox.NamedNode("http://e/g"), ox.NamedNode("http://e/x")
    >>> q = ox.Quad(x, ox.NamedNode(_RDFS_LABEL), ox.Literal('say "hi"', language="en"), g)
    >>> list(ox.parse(display_labels_nquads([q], ["en"]), format=ox.RdfFormat.N_QUADS)) == display_labels([q], ["en"])
    True
    """
    pref = f"<{_SKOS_PREF}>"
    lines: list[str] = []
    for lang, chosen in _chosen(quads, langs):
        graph = f"<{labels_graph(lang)}>"
        lines += [f"{graph} <{_DCTERMS}language> {_nq_literal(lang, '')} {graph} .\n",
                  f"{graph} <{_DCTERMS}description> {_nq_literal(_description(lang), 'en')} {graph} .\n"]
        lines += [f"<{subject}> {pref} {_nq_literal(text, tag)} {graph} .\n" for subject, text, tag in chosen]
    return "".join(lines).encode("utf-8")


def _nq_literal(text: str, tag: str) -> str:
    """A literal as N-Quads writes it, by Oxigraph's own serialiser."""
    return str(ox.Literal(text, language=tag) if tag else ox.Literal(text))


def _description(lang: str) -> str:
    return (f"Display labels in {lang}: for each labelled resource one of its own labels, in {lang} where "
            "it has one, else in English, else in any language (chosen at build time by kg.labels).")


def _chosen(quads: Iterable[ox.Quad], langs: Iterable[str]) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """The one home of the choice: for each language (sorted), the (subject IRI, text, language
    tag) of every labelled resource (sorted by IRI), from the label statements of ``quads``."""
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for q in quads:
        predicate = q.predicate.value
        if predicate not in _SOURCES or not isinstance(q.subject, ox.NamedNode):
            continue
        if not isinstance(q.object, ox.Literal) or is_derived_graph(getattr(q.graph_name, "value", "")):
            continue
        found[q.subject.value].append((_SOURCES.index(predicate), q.object.value, q.object.language or ""))
    # each subject's candidates sorted once (not once per language)
    ordered = [(subject, sorted(found[subject])) for subject in sorted(found)]
    for lang in sorted(set(langs)):
        yield lang, [(subject, *_first(candidates, lang)) for subject, candidates in ordered]


def _first(ordered: list[tuple[int, str, str]], lang: str) -> tuple[str, str]:
    """:func:`_choose` on candidates sorted by (source rank, text, tag): the first in ``lang``,
    else the first in English, else the first."""
    english = None
    for _, text, tag in ordered:
        if tag == lang:
            return text, tag
        if english is None and tag == "en":
            english = (text, tag)
    return english or ordered[0][1:]


_READ: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], dict[str, tuple[str, str]]]] = weakref.WeakKeyDictionary()


def read_display_labels(store: Any, queries_dir: Path, lang: str) -> dict[str, tuple[str, str]]:
    """Every thing's display label in ``lang``, as the build chose it: IRI → (text, its language tag).

    Read once per store and language with ``queries/labels/display.rq`` (the language bound as a
    term). A thing without a label is absent: the caller shows its code or key. A store built
    without the display-label graphs (a bare test store) gives an empty mapping.
    """
    from kg.queryfiles import run_rq

    key = (str(queries_dir), lang)
    try:
        cache = _READ.setdefault(store, {})
    except TypeError:  # an engine that cannot be weakly referenced: read every time
        cache = {}
    if key not in cache:
        table = run_rq(store, queries_dir / "labels" / "display.rq", {"lang": ox.Literal(lang)},
                       what="display-label query")
        ie, il = table.columns.index("entity"), table.columns.index("label")
        found: dict[str, tuple[str, str]] = {}
        for row in table.rows:
            entity, label = row[ie], row[il]
            if entity is not None and label is not None:
                found[entity.value] = (label.value, label.lang or "")
        cache[key] = found
    return cache[key]


def display_label(store: Any, queries_dir: Path, iri: str, lang: str) -> str | None:
    """One thing's display label in ``lang`` (None when it has none), without reading them all.

    The labels already read for the store are used; otherwise the query runs with the thing
    bound too, so a message naming a few things costs a few look-ups, not the whole graph.
    """
    from kg.queryfiles import run_rq

    cached = _READ.get(store, {}).get((str(queries_dir), lang)) if _weakable(store) else None
    if cached is not None:
        found = cached.get(iri)
        return found[0] if found else None
    table = run_rq(store, queries_dir / "labels" / "display.rq",
                   {"lang": ox.Literal(lang), "entity": ox.NamedNode(iri)}, what="display-label query")
    il = table.columns.index("label")
    texts = sorted(label.value for row in table.rows if (label := row[il]) is not None)
    return texts[0] if texts else None


def _weakable(store: Any) -> bool:
    try:
        weakref.ref(store)
    except TypeError:
        return False
    return True
