"""The reasons of a coalition tie: who holds a shared item, names in one language, a reason in words.

Used by :mod:`kg.coalitions.ties` (which reads the graph); a reason carries the certainty of
its sources (the lower of its two sides), shown in words when it is not high.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.iris import JSI, compact

__all__ = ["describe_reason"]


#: How a reason reads, by kind; ``{what}`` is the shared item.
_PHRASES: dict[str, str] = {
    "cosponsor": "co-sponsor {what}",
    "position": "named together: “{what}”",
    "theme": "both propose “{what}”",
    "column": "both propose in the column “{what}”",
    "issue": "both have an interest in {what}",
    "stance": "both {what}",
    "participation": "both took part as {what}",
    "concern": "both raise the concern “{what}”",
    "group": "both in the {what}",
}



def _stances() -> dict[str, str]:
    # plain IRIs (kg.iris), not rdflib's checked namespace: importing rdflib cost kg coalitions 0.14 s;
    # tests/test_coalitions_fast.py checks that the ontology declares both properties
    return {JSI + "supportedText": "supported", JSI + "didNotSupportText": "did not support"}


#: jsi:certainty of a citation → rank; a tie is as certain as the less certain of its two holdings
_CERTAINTY = {JSI + "LowCertainty": 0, JSI + "MediumCertainty": 1, JSI + "HighCertainty": 2}
_CERTAINTY_WORD = {0: "low", 1: "medium", 2: "high"}


@dataclass
class _Holding:
    """What one member holds of one shared item: its own, or through groups."""

    own: bool = False
    groups: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    citations: set[str] = field(default_factory=set)
    froms: set[str] = field(default_factory=set)
    #: the highest certainty of the citations this holding rests on (0 low, 1 medium, 2 high; 2 when not given)
    certainty: int = -1
    # the same, named (once per holding, not once per pair)
    group_names: tuple[str, ...] = ()
    document_names: tuple[str, ...] = ()
    citation_names: tuple[str, ...] = ()
    from_codes: frozenset[tuple[str, str]] = frozenset()

    def finish(self, names: _Names) -> None:
        self.group_names = tuple(sorted({names.label(g) for g in self.groups}))
        self.document_names = tuple(sorted({names.document(d) for d in self.documents}))
        self.citation_names = tuple(sorted({names.citation(c) for c in self.citations}))
        self.from_codes = frozenset((f, code if (code := names.codes.get(f)) is not None else compact(f))
                                    for f in self.froms)


class _Names:
    """Display labels (one language, chosen at build time by :mod:`kg.labels`), codes and citation texts."""

    def __init__(self, table: tuple[list[str], list[tuple[str | None, ...]]],
                 labels: Mapping[str, tuple[str, str]]) -> None:
        self.labels = {entity: text for entity, (text, _) in labels.items()}
        self.codes: dict[str, str] = {}
        self.citations: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self._label: dict[str, str] = {}
        columns, values = table
        cols = {c: i for i, c in enumerate(columns)}
        for row in values:
            entity = _value(row, cols["entity"])
            if entity is None:
                continue
            for column, found in (("code", self.codes), ("citation", self.citations), ("source", self.sources)):
                value = _value(row, cols.get(column))
                if value is not None and (entity not in found or value < found[entity]):
                    found[entity] = value  # the smallest, so that the choice never depends on row order

    def label(self, iri: str) -> str:
        found = self._label.get(iri)
        if found is None:  # kept: a group's name is asked for once per member holding through it
            found = self._label[iri] = self.labels.get(iri) or self.codes.get(iri) or compact(iri)
        return found

    def member(self, iri: str) -> str:
        return self.label(iri)

    def document(self, iri: str) -> str:
        return self.codes.get(iri) or self.labels.get(iri) or compact(iri)

    def citation(self, iri: str) -> str:
        """The citation's label, else its text, unless that is a bare URL and its source has a title."""
        text = self.citations.get(iri)
        if iri in self.labels:
            return self.labels[iri]
        if text and not (text.startswith("http") and iri in self.sources):
            return text
        return self.sources.get(iri) or text or compact(iri)

    def topic(self, iri: str, ancestors: Mapping[str, set[str]]) -> str:
        """An issue as 'code label', a column as 'the column “label”'."""
        if iri in ancestors:
            return self.issue(iri)
        return f"the column “{self.label(iri)}”"

    def issue(self, iri: str) -> str:
        code, label = self.codes.get(iri), self.labels.get(iri)
        if code and label and label != code:
            return f"{code} {label}"
        return code or label or compact(iri)


def _value(row: tuple[str | None, ...], index: int | None) -> str | None:
    return None if index is None else row[index]


def _what(kind: str, item: str, facet: str, names: _Names) -> str:
    if kind == "cosponsor":
        return names.document(item)
    if kind == "issue":
        return names.issue(item)
    if kind == "stance":
        return f"{_stances().get(facet, 'took the same stance on')} {names.document(item)}"
    if kind == "participation":
        return f"{names.label(item)}, {facet}" if facet else names.label(item)
    return names.label(item)


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    """The sorted union of two sorted tuples (most pairs hold the same sources)."""
    if a == b or not b:
        return list(a)
    if not a:
        return list(b)
    return sorted(set(a).union(b))


def _reason(kind: str, item: str, what: str, share: float, n: int, ha: _Holding, hb: _Holding) -> dict[str, Any]:
    own = ha.own and hb.own
    groups = _merge(() if ha.own else ha.group_names, () if hb.own else hb.group_names)
    documents = _merge(ha.document_names, hb.document_names)
    citations = _merge(ha.citation_names, hb.citation_names)
    reason: dict[str, Any] = {
        "kind": kind,
        "item": item,
        "what": what,
        "basis": "own" if own else "group",
        "weight": share,
        "shared_by": n,
        "groups": groups,
        "documents": documents,
        "citations": citations,
        "sources": documents + citations,
    }
    if kind == "issue":
        reason["through"] = sorted({code for f, code in ha.from_codes | hb.from_codes if f != item})
    certainty = min(ha.certainty, hb.certainty)
    reason["certainty"] = _CERTAINTY_WORD.get(certainty, "high")
    return reason


def describe_reason(reason: Mapping[str, Any], *, with_sources: bool = True) -> str:
    """A reason of a tie in words, with its sources.

    Documents are named when there are any (other than the shared document itself), else the
    citations.

    Examples
    --------
    >>> describe_reason({"kind": "theme", "what": "Binding support from capable members", "basis": "own",
    ...                  "documents": ["INF/ECOM/52", "INF/ECOM/66"], "citations": ["IISD 2022, Table 5"]})
    'both propose “Binding support from capable members”: INF/ECOM/52, INF/ECOM/66'
    >>> describe_reason({"kind": "group", "what": "LDC Group", "basis": "group", "groups": ["LDC Group"],
    ...                  "documents": [], "citations": ["WTO LDC list"]})
    'both in the LDC Group: WTO LDC list'
    """
    text = _PHRASES.get(str(reason["kind"]), "{what}").format(what=reason["what"])
    through = reason.get("through") or []
    if through:
        text += f" (through {', '.join(through)})"
    if reason.get("certainty") in ("medium", "low"):
        text += f" ({reason['certainty']} certainty)"
    groups = reason.get("groups") or []
    if reason.get("basis") == "group" and reason["kind"] != "group" and groups:
        text += f" (as members of the {' and the '.join(groups)})"
    if with_sources:
        documents = [d for d in reason.get("documents") or [] if d not in str(reason["what"]).split()]
        sources = documents or list(reason.get("citations") or [])
        if sources:
            text += ": " + ", ".join(sources)
    return text
