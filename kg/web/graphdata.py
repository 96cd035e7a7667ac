"""What an entity page shows: every statement about a thing, with the citation of its named graph.

The built store keeps each statement in the named graph of its source
(``dcterms:bibliographicCitation``, ``jsi:locator``, ``jsi:certainty`` on the graph), the
reasoner's additions in :data:`kg.iris.INFERRED_GRAPH` and the ontology in
:data:`kg.iris.ONTOLOGY_GRAPH`. The IRI is bound as a term (SEP-0007), never pasted.
The same statements are served as Turtle or JSON-LD (W3C RDF 1.1 Turtle, JSON-LD 1.1).
"""

from __future__ import annotations

import threading
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import iris
from kg.choices import LANGS
from kg.labels import read_display_labels
from kg.queryfiles import read_rq, run_rq
from kg.store import Store

__all__ = ["Names", "Statement", "Description", "describe", "rdf_of", "types_of", "short"]

#: The queries of a thing's page, in ``queries/web/`` (read with :mod:`kg.queryfiles`).
_QUERIES = "web"


class Names:
    """The display labels of the graph (:mod:`kg.labels`, chosen at build time): IRI → name in a language."""

    def __init__(self, store: Store, queries_dir: Path) -> None:
        self._store = store
        self._queries_dir = queries_dir
        self._lock = threading.Lock()

    def _in(self, lang: str) -> dict[str, tuple[str, str]]:
        with self._lock:  # one read per language, even when pages are served in parallel
            return read_display_labels(self._store, self._queries_dir, lang)

    def label(self, iri: str, lang: str = "en") -> str:
        """The display label of ``iri`` in ``lang`` (English or any where it has none), else a short key."""
        found = self._in(lang if lang in LANGS else "en").get(iri)
        return found[0] if found else short(iri)

    def all_labels(self, iri: str) -> dict[str, str]:
        """Its display labels in every language, by their own language tag ("" for none)."""
        return {found[1]: found[0] for lang in LANGS if (found := self._in(lang).get(iri))}


def short(iri: str) -> str:
    """``member/CIV`` (the path of its page) for an instance, else :func:`kg.iris.compact`.

    Examples
    --------
    >>> short("https://w3id.org/jsi-ecom/ontology#Member"), short("https://w3id.org/jsi-ecom/id/member/CIV")
    ('jsi:Member', 'member/CIV')
    """
    if iri.startswith(iris.ID):  # the path of its page, /id/member/CIV
        return iri[len(iris.ID):]
    return iris.compact(iri)


@dataclass
class Statement:
    """One statement about the entity and why the graph holds it."""

    predicate: str
    value: str  # an IRI (link) or a literal's text
    is_iri: bool
    graph: str
    citation: str | None = None
    locator: str | None = None
    certainty: str | None = None
    own_assessment: bool = False
    lang: str | None = None
    datatype: str | None = None
    subject: str | None = None  # for statements pointing to the entity

    @property
    def inferred(self) -> bool:
        return self.graph == iris.INFERRED_GRAPH

    @property
    def uncertain(self) -> bool:
        return self.certainty in ("low", "medium")


@dataclass
class Description:
    """What the graph says about an entity, and what points to it."""

    iri: str
    types: list[str] = field(default_factory=list)
    out: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.out or self.incoming)


def _text(cell: Any) -> str | None:
    return None if cell is None else str(cell.value)


def describe(store: Store, iri: str, queries_dir: Path) -> Description:
    """Every statement with ``iri`` as subject, and (up to 2,000) with it as value; ontology axioms left out."""
    node = ox.NamedNode(iri)
    web = queries_dir / _QUERIES
    out_table = run_rq(store, web / "statements-about.rq", {"entity": node}, what="entity-page query")
    in_table = run_rq(store, web / "statements-naming.rq", {"entity": node}, what="entity-page query")
    d = Description(iri)
    ci = {c: i for i, c in enumerate(out_table.columns)}
    for row in out_table.rows:
        g = _text(row[ci["g"]]) or ""
        p, o = row[ci["p"]], row[ci["o"]]
        if p is None or o is None:
            continue
        if g == iris.ONTOLOGY_GRAPH and not iri.startswith(iris.JSI):
            continue
        if p.value == iris.PREFIXES["rdf"] + "type" and o.kind == "iri" and o.value not in d.types:
            d.types.append(o.value)
        d.out.append(Statement(
            predicate=p.value, value=o.value, is_iri=o.kind == "iri", graph=g,
            citation=_text(row[ci["citation"]]), locator=_text(row[ci["locator"]]),
            certainty=_text(row[ci["certainty"]]), own_assessment=_text(row[ci["own"]]) == "true",
            lang=o.lang, datatype=o.datatype,
        ))
    ci = {c: i for i, c in enumerate(in_table.columns)}
    for row in in_table.rows:
        g = _text(row[ci["g"]]) or ""
        s, p = row[ci["s"]], row[ci["p"]]
        if s is None or p is None or g == iris.ONTOLOGY_GRAPH:
            continue
        d.incoming.append(Statement(
            predicate=p.value, value=s.value, is_iri=True, graph=g, subject=s.value,
            citation=_text(row[ci["citation"]]), locator=_text(row[ci["locator"]]),
            certainty=_text(row[ci["certainty"]]), own_assessment=_text(row[ci["own"]]) == "true",
        ))
    key = lambda st: (st.inferred, st.predicate, st.value)  # noqa: E731
    d.out.sort(key=key)
    d.incoming.sort(key=key)
    return d


def types_of(store: Store, queries_dir: Path) -> dict[str, list[str]]:
    """IRI → its classes (asserted and inferred), for the kinds shown beside search results."""
    table = run_rq(store, queries_dir / _QUERIES / "types.rq", what="web app query")
    found: dict[str, list[str]] = {}
    for entity, cls in table.rows:
        if entity is not None and cls is not None:
            found.setdefault(entity.value, []).append(cls.value)
    return found


def rdf_of(store: Store, iri: str, fmt: str, queries_dir: Path) -> bytes:
    """The statements about ``iri`` (asserted and inferred) as Turtle or JSON-LD, sorted."""
    text = read_rq(queries_dir / _QUERIES / "describe.rq", "entity-page query")
    result = store.query(text, {"entity": ox.NamedNode(iri)})
    triples = sorted(getattr(result, "triples", []), key=str)
    rdf_format = ox.RdfFormat.JSON_LD if fmt == "jsonld" else ox.RdfFormat.TURTLE
    if rdf_format == ox.RdfFormat.JSON_LD:
        data = ox.serialize(triples, format=rdf_format)
    else:
        data = ox.serialize(triples, format=rdf_format, prefixes=iris.PREFIXES)
    return data or b""
