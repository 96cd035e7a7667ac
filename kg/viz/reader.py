"""Read what the views draw from the built graph, with the queries of ``queries/viz/``.

Names are the display labels the build chose (:mod:`kg.labels`: the reader's language, then
English, then any), then a code; the most specific class of a thing and the citations that
describe it are looked up once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.choices import LANGS
from kg.labels import read_display_labels
from kg.errors import QueryError
from kg.project import Project
from kg.queryfiles import run_rq
from kg.store import Store, Table
from kg.iris import local_name
from kg.words import words

__all__ = ["Reader"]

#: How many things one bound query reads at most (the VALUES block of :meth:`Reader.focus`).
_BATCH = 400


def _text(cell: Any) -> str | None:
    return None if cell is None else str(cell.value)


def most_specific(types: set[str], ancestors: Mapping[str, set[str]]) -> str:
    """The most specific of a thing's classes: none of its other classes is below it; ties: the one
    with more ancestors, then IRI order.

    Examples
    --------
    >>> most_specific({"Member", "Country", "Agent"}, {"Country": {"Member", "Agent"}, "Member": {"Agent"}})
    'Country'
    """
    specific = [t for t in types if not any(t in ancestors.get(o, ()) for o in types if o != t)] or sorted(types)
    specific.sort(key=lambda t: (-len(ancestors.get(t, ())), t))
    return specific[0]


class Reader:
    """Runs the view queries against a store and answers names, codes, types and sources.

    Parameters
    ----------
    store : Store
        The built graph.
    project : Project
        Where ``queries/viz/`` is.
    lang : str
        The reader's language.
    """

    def __init__(self, store: Store, project: Project, lang: str) -> None:
        self.store = store
        self.project = project
        self.lang = lang
        self.words = words(lang)
        self._codes: dict[str, list[str]] | None = None
        self._types: dict[str, str] | None = None
        self._ancestors: dict[str, set[str]] | None = None
        self._sources: dict[str, list[str]] | None = None
        #: the things whose codes, sources, classes and labels were read alone (:meth:`focus`); None: read them all
        self._focused: set[str] | None = None
        self._labels: dict[str, dict[str, tuple[str, str]]] = {}
        self._others: list[str] | None = None

    def select(self, name: str, **bindings: Any) -> Table:
        """Run ``queries/viz/<name>.rq`` with the given terms bound."""
        return run_rq(self.store, self.project.queries_dir / "viz" / f"{name}.rq", bindings, what="view query")

    def records(self, name: str, **bindings: Any) -> list[dict[str, str | None]]:
        """The rows of a view query as dicts of text (``None`` where unbound)."""
        table = self.select(name, **bindings)
        return [{c: _text(v) for c, v in zip(table.columns, row)} for row in table.rows]

    def rows(self, name: str, *, about: tuple[str, list[str]] | None = None,
             also: tuple[str, list[str]] | None = None, citations: bool = False) -> list[tuple[str | None, ...]]:
        """The rows of a view query as tuples of text; ``about=(variable, IRIs)`` fills its
        ``VALUES ?variable { UNDEF }`` block with those things (:func:`kg.catalogue.narrowing.with_values`),
        ``also`` a second one; ``citations`` fills the list of ``?citation NOT IN (…)`` with the graphs
        that are no citation (:meth:`other_graphs`, :func:`kg.catalogue.narrowing.with_list`)."""
        path = self.project.queries_dir / "viz" / f"{name}.rq"
        blocks = [b for b in (about, also) if b is not None]
        if not blocks and not citations:
            table = run_rq(self.store, path, what="view query")
        else:
            table = self._bound(path, blocks, lists=[("citation", self.other_graphs())] if citations else [])
        return [tuple(None if v is None else v.value for v in row) for row in table.rows]

    def other_graphs(self) -> list[str]:
        """The named graphs that are no citation, sorted: the store's named graphs less those of
        ``queries/viz/citation-graphs.rq`` (what reasoning added, the ontology, the display labels)."""
        if self._others is None:
            citations = {g for (g,) in self.rows("citation-graphs") if g}
            self._others = [g for g in self.store.named_graphs() if g not in citations]
        return self._others

    def _bound(self, path: Path, blocks: list[tuple[str, list[str]]], bindings: dict[str, Any] | None = None,
               lists: Sequence[tuple[str, list[str]]] = ()) -> Table:
        """Run a query file with its ``VALUES ?variable { UNDEF }`` blocks and ``?variable NOT IN (…)``
        lists filled and ``bindings`` bound as terms."""
        from kg.catalogue.narrowing import with_list, with_values
        from kg.queryfiles import read_rq

        text = read_rq(path, "view query")
        for variable, iris in blocks:
            text = with_values(text, variable, iris)
        for variable, iris in lists:
            text = with_list(text, variable, iris)
        result = self.store.query(text, bindings)
        if not isinstance(result, Table):
            raise QueryError(f"{path.name}: the view query must be a select query (rows)")
        return result

    def focus(self, iris: Iterable[str]) -> None:
        """Read the codes and sources of these things only, bound in the queries, instead of every
        thing's (what a view of a large graph does for what it draws); others are read when asked."""
        if self._focused is None:
            self._focused = set()
            self._codes, self._sources = defaultdict(list), defaultdict(list)
        assert self._codes is not None and self._sources is not None
        wanted = sorted(set(iris) - self._focused)
        by_entity: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start:start + _BATCH]
            for entity, code in self.rows("codes", about=("entity", batch)):
                if entity and code:
                    self._codes[entity].append(code)
            for entity, _, text in self.rows("sources", about=("entity", batch)):
                if entity and text and text not in self._sources[entity]:
                    self._sources[entity].append(text)
            for entity, type_ in self.rows("types", about=("entity", batch)):
                if entity and type_:
                    by_entity[entity].add(type_)
            for lang in LANGS:
                table = self._bound(self.project.queries_dir / "labels" / "display.rq", [("entity", batch)],
                                    {"lang": ox.Literal(lang)})
                ie, il = table.columns.index("entity"), table.columns.index("label")
                found = self._labels.setdefault(lang, {})
                for row in table.rows:
                    named, label = row[ie], row[il]
                    if named is not None and label is not None:
                        found[named.value] = (label.value, label.lang or "")
        if self._types is None:
            self._types = {}
        ancestors = self.ancestors() if wanted else {}
        for entity, types in by_entity.items():
            self._types[entity] = most_specific(types, ancestors)
        self._focused.update(wanted)

    # names -------------------------------------------------------------------------
    def _display(self, iri: str, lang: str) -> tuple[str, str] | None:
        """The display label of a thing in ``lang`` (:mod:`kg.labels`): of the things focused on, or of all."""
        if self._focused is not None:
            if iri not in self._focused:
                self.focus([iri])
            return self._labels.get(lang, {}).get(iri)
        return read_display_labels(self.store, self.project.queries_dir, lang).get(iri)

    def label(self, iri: str, *, with_code: bool = False) -> str:
        """The display label of a thing in the reader's language (:mod:`kg.labels`), else its code."""
        found = self._display(iri, self.lang)
        code = self.code(iri)
        if found is None:
            return code or local_name(iri)
        text = found[0]
        if with_code and code and code not in text:
            return f"{code} {text}"
        return text

    def code(self, iri: str) -> str | None:
        """The issue code, document symbol or ISO code of a thing."""
        if self._focused is not None and iri not in self._focused:
            self.focus([iri])
        if self._codes is None:
            codes: dict[str, list[str]] = defaultdict(list)
            for row in self.records("codes"):
                if row["entity"] and row["code"]:
                    codes[row["entity"]].append(row["code"])
            self._codes = codes
        found = sorted(self._codes.get(iri, []))
        return found[0] if found else None

    def search_text(self, iri: str) -> str:
        """Its code and its display labels in every language, for the page's search box."""
        names = sorted({found[0] for lang in LANGS if (found := self._display(iri, lang))})
        code = self.code(iri)
        return " | ".join(([code] if code else []) + names)

    # types -------------------------------------------------------------------------
    def ancestors(self) -> dict[str, set[str]]:
        """Every declared class → its superclasses, however far up."""
        if self._ancestors is None:
            ancestors: dict[str, set[str]] = defaultdict(set)
            for row in self.records("class-ancestors"):
                if row["class"] and row["ancestor"]:
                    ancestors[row["class"]].add(row["ancestor"])
            self._ancestors = ancestors
        return self._ancestors

    def kind(self, iri: str) -> str | None:
        """The most specific declared class of a thing (:func:`most_specific`)."""
        if self._focused is not None and iri not in self._focused:
            self.focus([iri])
        if self._types is None:
            ancestors = self.ancestors()
            by_entity: dict[str, set[str]] = defaultdict(set)
            for entity, type_ in self.rows("types"):
                if entity and type_:
                    by_entity[entity].add(type_)
            self._types = {entity: most_specific(types, ancestors) for entity, types in by_entity.items()}
        return self._types.get(iri)

    def kind_counts(self) -> Counter[str]:
        """How many things of the graph have each most specific class: one row per class, the classes
        ordered as :func:`most_specific` chooses (``queries/viz/graph-most-specific.rq``), or, when a
        class is through others its own superclass, one row per set of classes things have together
        (``queries/viz/graph-kinds.rq``); not one per thing."""
        from kg.catalogue.narrowing import with_table
        from kg.queryfiles import read_rq

        ancestors = self.ancestors()
        counts: Counter[str] = Counter()
        if any(c in ancestors.get(a, set()) for c, above in ancestors.items() for a in above):
            for kinds, things in self.rows("graph-kinds"):
                if kinds and things:
                    counts[most_specific(set(kinds.split(" ")), ancestors)] += int(things)
            return counts
        order = sorted((c for (c,) in self.rows("classes") if c), key=lambda c: (-len(ancestors.get(c, ())), c))
        path = self.project.queries_dir / "viz" / "graph-most-specific.rq"
        result = self.store.query(with_table(read_rq(path, "view query"), ["type", "order"],
                                             [(c, i) for i, c in enumerate(order)]))
        if not isinstance(result, Table):
            raise QueryError(f"{path.name}: the view query must be a select query (rows)")
        for rank, many in result.rows:
            if rank is not None and many is not None:
                counts[order[int(rank.value)]] += int(many.value)
        return counts

    # sources -----------------------------------------------------------------------
    def _all_sources(self) -> dict[str, list[str]]:
        if self._sources is None:
            sources: dict[str, list[str]] = defaultdict(list)
            for row in self.records("sources"):
                if row["entity"] and row["text"] and row["text"] not in sources[row["entity"]]:
                    sources[row["entity"]].append(row["text"])
            self._sources = sources
        return self._sources

    def sources(self, iri: str) -> list[str]:
        """The citations of the statements about a thing."""
        if self._focused is not None and iri not in self._focused:
            self.focus([iri])
        return self._all_sources().get(iri, [])

    def tooltip(self, iri: str, lines: Iterable[str] = (), *, kind: str | None = None) -> str:
        """Plain text: the name, the type, the given lines, then up to three sources."""
        w = self.words
        out = [self.label(iri, with_code=True)]
        kind = kind if kind is not None else self.kind(iri)
        if kind:
            out.append(f"{w['type']}: {self.label(kind)}")
        out.extend(line for line in lines if line)
        found = self.sources(iri)
        if found:
            more = " " + w["more"].format(n=len(found) - 3) if len(found) > 3 else ""
            out.append(f"{w['sources']}: " + "; ".join(found[:3]) + more)
        return "\n".join(out)
