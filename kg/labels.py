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

SKOS as designed: a resource gets at most one ``skos:prefLabel`` per language tag across all
the graphs (SKOS S14), because the choice among the texts of one tag is the same in every
language's graph. Nothing is invented: each display label is one of the resource's labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kg import iris
from kg.choices import LANGS

__all__ = ["display_labels", "labels_graph", "is_derived_graph"]

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

    def key(c: tuple[int, str, str]) -> tuple[int, int, str]:
        source, text, tag = c
        return (0 if tag == lang else 1 if tag == "en" else 2, source, text)

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
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for q in quads:
        predicate = q.predicate.value
        if predicate not in _SOURCES or not isinstance(q.subject, ox.NamedNode):
            continue
        if not isinstance(q.object, ox.Literal) or is_derived_graph(getattr(q.graph_name, "value", "")):
            continue
        found[q.subject.value].append((_SOURCES.index(predicate), q.object.value, q.object.language or ""))
    pref = ox.NamedNode(_SKOS_PREF)
    out: list[ox.Quad] = []
    for lang in sorted(set(langs)):
        graph = ox.NamedNode(labels_graph(lang))
        out += [
            ox.Quad(graph, ox.NamedNode(_DCTERMS + "language"), ox.Literal(lang), graph),
            ox.Quad(graph, ox.NamedNode(_DCTERMS + "description"), ox.Literal(
                f"Display labels in {lang}: for each labelled resource one of its own labels, in {lang} where "
                "it has one, else in English, else in any language (chosen at build time by kg.labels).",
                language="en"), graph),
        ]
        for subject in sorted(found):
            text, tag = _choose(found[subject], lang)
            literal = ox.Literal(text, language=tag) if tag else ox.Literal(text)
            out.append(ox.Quad(ox.NamedNode(subject), pref, literal, graph))
    return out
