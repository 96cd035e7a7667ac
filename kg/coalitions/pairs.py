"""The ties of the member graph as arrays: every pair of members that share an item, its weight, its reasons on demand.

An item held by ``n`` members makes ``n(n-1)/2`` pairs: 600,000 pairs of 4,500 members for
5,000 synthetic members, where building a reason (a dict with its sources) for each cost tens of
seconds. Here the pairs are numpy arrays, one row per (pair, shared item), sorted by pair and,
within a pair, strongest reason first, as the reasons are listed. The weights are summed with
``numpy.bincount``, which adds in the order of its input, one value after the other: the sums
have the bits of the Python loop they replace. A tie's reasons become dicts only when they are
read (:class:`TieReasons`); what binds a community is summed from the arrays
(:meth:`Ties.binding`), in the order the per-tie loop of :mod:`kg.coalitions.analysis` adds them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, overload

import numpy as np

from kg.coalitions.reasons import _Holding, _reason
from kg.errors import ParameterError

__all__ = ["Ties", "TieReasons", "pair_members"]


#: The most (pair, shared item) rows a member graph may have (the 100k generated project has 823,000,
#: 5,000 synthetic members 614,000): about 40 bytes each in the arrays, and up to as many networkx ties
#: of some hundreds of bytes. A graph whose members nearly all share items (the 1M generated project)
#: would need tens of gigabytes; it is refused with what to narrow instead.
MAX_PAIR_ROWS = 5_000_000


@lru_cache(maxsize=256)
def _small_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    first, second = np.triu_indices(n, 1)
    return first.astype(np.int64), second.astype(np.int64)


def unique_ints(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: what ``numpy.unique`` gives, by a sort (numpy 2's
    ``unique`` imports ``numpy.ma`` the first time it is called without ``return_*``, 20 ms of a command)."""
    if len(values) == 0:
        return np.sort(values)
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _pairs_of(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``range(n)`` in the order of ``itertools.combinations`` (kept for small ``n`` only)."""
    if n <= 256:
        return _small_pairs(n)
    first, second = np.triu_indices(n, 1)
    return first.astype(np.int64), second.astype(np.int64)


def _check_size(held: Mapping[str, Mapping[tuple[str, str], Mapping[str, _Holding]]], kinds: Sequence[str],
                weight_of: Mapping[str, float], index: Mapping[str, int]) -> None:
    """Refuse, before any array is made, a member graph of more than :data:`MAX_PAIR_ROWS` rows."""
    by_kind: dict[str, int] = {}
    widest = 0
    for kind in kinds:
        if weight_of[kind] == 0:
            continue
        for holders in held.get(kind, {}).values():
            n = sum(1 for m in holders if m in index)
            by_kind[kind] = by_kind.get(kind, 0) + n * (n - 1) // 2
            widest = max(widest, n)
    total = sum(by_kind.values())
    if total > MAX_PAIR_ROWS:
        heaviest = ", ".join(f"{k} ({v:,})" for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])[:3])
        raise ParameterError(
            f"the member graph would pair members {total:,} times (at most {MAX_PAIR_ROWS:,}; items shared by up to "
            f"{widest:,} members; most pairs from {heaviest}): narrow it with --on ISSUE, --ties KIND,… or "
            f"--weight KIND=0 for the kinds shared most widely")


class Ties:
    """Every (pair, shared item) of a member graph, sorted by pair then strongest reason first.

    Attributes
    ----------
    nodes : list of str
        The member IRIs, sorted; ``a`` and ``b`` index them (``a < b``).
    a, b, item : numpy.ndarray
        One row per pair and item: the two members and the item (an index of ``items``).
    share, own : numpy.ndarray
        The item's weight divided among those who share it, and whether both hold it themselves.
    items : list of tuple
        ``(kind, item IRI, facet, what, share, n, holdings)`` per shared item.
    starts : numpy.ndarray
        Where each pair's rows begin (one more entry than there are pairs).
    """

    def __init__(self, nodes: list[str], a: np.ndarray, b: np.ndarray, item: np.ndarray, share: np.ndarray,
                 own: np.ndarray, items: list[tuple[str, str, str, str, float, int, Mapping[str, _Holding]]],
                 starts: np.ndarray) -> None:
        self.nodes, self.a, self.b, self.item, self.share, self.own = nodes, a, b, item, share, own
        self.items, self.starts = items, starts
        self.weight: np.ndarray = np.zeros(0)
        self.own_weight: np.ndarray = np.zeros(0)
        #: issue → itself and its broader issues (the scheme the issue rule used)
        self.ancestors: Mapping[str, set[str]] = {}
        self._by_name: np.ndarray | None = None
        self._names: list[tuple[str, str]] = []
        self._index: dict[str, int] | None = None

    def pairs(self) -> int:
        """How many ties (pairs of members)."""
        return len(self.starts) - 1

    def pair_arrays(self) -> tuple[list[int], list[int], list[float]]:
        """Each tie's two members (indices of ``nodes``) and weight, in IRI order."""
        at = self.starts[:-1]
        return self.a[at].tolist(), self.b[at].tolist(), self.weight.tolist()

    def reasons(self, pair: int) -> list[dict[str, Any]]:
        """The reasons of one tie (the ``pair``-th), strongest first, as dicts with their sources."""
        out = []
        for row in range(int(self.starts[pair]), int(self.starts[pair + 1])):
            kind, iri, _, what, share, n, holdings = self.items[int(self.item[row])]
            a, b = self.nodes[int(self.a[row])], self.nodes[int(self.b[row])]
            out.append(_reason(kind, iri, what, share, n, holdings[a], holdings[b]))
        return out

    def binding(self, members: Sequence[str], position: Mapping[str, int]) -> list[dict[str, Any]]:
        """What ties the members of a community, summed by shared item (not yet sorted).

        The rows inside the community are added in the order a walk over the graph's edges
        would add them (members in the graph's node order ``position``, each one's partners in
        IRI order, each tie's reasons strongest first), so the sums are those of that walk.
        Returns dicts with ``kind``, ``what``, ``weight``, ``members`` (sorted), ``own``,
        ``documents`` and ``citations``.
        """
        if self._index is None:
            self._index = {m: i for i, m in enumerate(self.nodes)}
        index = self._index
        inside = np.zeros(len(self.nodes), dtype=bool)
        chosen = np.array(sorted(index[m] for m in members if m in index), dtype=np.int64)
        inside[chosen] = True
        # the rows are sorted by pair, so by first member: the rows of each member of the community are one
        # block of ``a``; of those, the rows whose other member is inside too (not a pass over every row per
        # community: 16 communities at 5,000 members went over 614,000 rows each)
        begin, end = np.searchsorted(self.a, chosen, "left"), np.searchsorted(self.a, chosen, "right")
        lengths = end - begin
        candidates = np.repeat(begin - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
        rows = candidates[inside[self.b[candidates]]]
        if not len(rows):
            return []
        rank = np.full(len(self.nodes), len(position), dtype=np.int64)
        for m in members:
            if m in index:
                rank[index[m]] = position[m]
        a, b = self.a[rows], self.b[rows]
        a_first = rank[a] <= rank[b]
        first = np.where(a_first, rank[a], rank[b])
        second = np.where(a_first, b, a)
        rows = rows[np.lexsort((rows, second, first))]
        found, inverse = np.unique(self._named()[self.item[rows]], return_inverse=True)
        weights = np.bincount(inverse, weights=self.share[rows], minlength=len(found))
        owned = np.bincount(inverse, weights=self.own[rows], minlength=len(found)) > 0
        # each (reason, item, member) once: a reason's sources are those of its members' holdings
        size = len(self.nodes)
        ends = np.concatenate([self.a[rows], self.b[rows]])
        twice = np.concatenate([inverse, inverse]).astype(np.int64)
        items = np.concatenate([self.item[rows], self.item[rows]])
        triples = unique_ints((twice * len(self.items) + items) * size + ends)
        by_item: list[set[str]] = [set() for _ in found]
        documents: list[set[str]] = [set() for _ in found]
        citations: list[set[str]] = [set() for _ in found]
        for code in triples.tolist():
            rest, node = divmod(code, size)
            k, t = divmod(rest, len(self.items))
            m = self.nodes[node]
            holding = self.items[t][6][m]
            by_item[k].add(m)
            documents[k].update(holding.document_names)
            citations[k].update(holding.citation_names)
        out: list[dict[str, Any]] = []
        for k, name in enumerate(found.tolist()):
            kind, what = self._names[name]
            out.append({"kind": kind, "what": what, "weight": float(weights[k]), "members": sorted(by_item[k]),
                        "own": bool(owned[k]), "documents": documents[k], "citations": citations[k]})
        return out

    def _named(self) -> np.ndarray:
        """Each item's (kind, what) as a number: a community's reasons are summed by name, as in words."""
        if self._by_name is None:
            number: dict[tuple[str, str], int] = {}
            self._by_name = np.array([number.setdefault((it[0], it[3]), len(number)) for it in self.items], dtype=np.int64)
            self._names = list(number)
        return self._by_name


class TieReasons(Sequence[dict[str, Any]]):
    """The reasons of one tie, made into dicts the first time they are read."""

    __slots__ = ("_ties", "_pair", "_list")

    def __init__(self, ties: Ties, pair: int) -> None:
        self._ties, self._pair = ties, pair
        self._list: list[dict[str, Any]] | None = None

    def _load(self) -> list[dict[str, Any]]:
        if self._list is None:
            self._list = self._ties.reasons(self._pair)
        return self._list

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self._load()[i]

    def __len__(self) -> int:
        return int(self._ties.starts[self._pair + 1] - self._ties.starts[self._pair])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        return self._load() == (list(other) if isinstance(other, (TieReasons, list, tuple)) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._load())


def pair_members(
    held: Mapping[str, Mapping[tuple[str, str], Mapping[str, _Holding]]],
    kinds: Sequence[str],
    weight_of: Mapping[str, float],
    nodes: set[str],
    ancestors: Mapping[str, set[str]],
    what: Any,
    kind_order: Mapping[str, int],
) -> tuple[Ties, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of members sharing each item, the issue rule applied, sorted; and each pair's weights.

    ``what(kind, key)`` names an item. An interest in an issue counts only at the most specific
    issue a pair shares: a row for issue ``i`` goes when the pair also shares an issue of which
    ``i`` is a broader one. Returns the :class:`Ties` and, per pair in IRI order, ``own_weight``,
    ``group_weight`` and ``weight``.
    """
    order = sorted(nodes)
    index = {m: i for i, m in enumerate(order)}
    _check_size(held, kinds, weight_of, index)
    size = max(len(order), 1)
    items: list[tuple[str, str, str, str, float, int, Mapping[str, _Holding]]] = []
    parts_a: list[np.ndarray] = []
    parts_b: list[np.ndarray] = []
    parts_item: list[np.ndarray] = []
    parts_own: list[np.ndarray] = []
    issue_blocks: list[tuple[int, int, str]] = []  # (first row, rows, issue IRI)
    rows = 0
    for kind in kinds:
        if weight_of[kind] == 0:
            continue
        for key, holders in sorted(held.get(kind, {}).items()):
            present = sorted(m for m in holders if m in index)
            n = len(present)
            if n < 2:
                continue
            share = weight_of[kind] / (n - 1)
            t = len(items)
            items.append((kind, key[0], key[1], what(kind, key), share, n, holders))
            first, second = _pairs_of(n)
            at = np.fromiter((index[m] for m in present), dtype=np.int64, count=n)
            mine = np.fromiter((holders[m].own for m in present), dtype=bool, count=n)
            parts_a.append(at[first])
            parts_b.append(at[second])
            parts_item.append(np.full(len(first), t, dtype=np.int64))
            parts_own.append(mine[first] & mine[second])
            if kind == "issue":
                issue_blocks.append((rows, len(first), key[0]))
            rows += len(first)
    if not items:
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        none = Ties(order, empty_i, empty_i, empty_i, empty_f, np.zeros(0, dtype=bool), items, np.zeros(1, dtype=np.int64))
        return none, empty_f, empty_f, empty_f
    a, b = np.concatenate(parts_a), np.concatenate(parts_b)
    item, own = np.concatenate(parts_item), np.concatenate(parts_own)
    code = a * size + b
    keep = np.ones(len(a), dtype=bool)
    if len(issue_blocks) > 1:
        issues = sorted({iri for _, _, iri in issue_blocks} | {up for _, _, iri in issue_blocks for up in ancestors.get(iri, ())})
        number = {iri: i for i, iri in enumerate(issues)}
        width = len(issues)
        dominated = []
        own_key = np.empty(len(a), dtype=np.int64)
        for start, count, iri in issue_blocks:
            block = code[start:start + count] * width
            own_key[start:start + count] = block + number[iri]
            for up in ancestors.get(iri, ()):
                if up != iri:
                    dominated.append(block + number[up])
        if dominated:
            marked = np.sort(np.concatenate(dominated))  # sorted is enough for searchsorted
            rows_of = np.concatenate([np.arange(start, start + count) for start, count, _ in issue_blocks])
            found = np.searchsorted(marked, own_key[rows_of])
            hit = marked[np.minimum(found, len(marked) - 1)] == own_key[rows_of]
            keep[rows_of[hit]] = False
    a, b, item, own, code = a[keep], b[keep], item[keep], own[keep], code[keep]
    share = np.array([it[4] for it in items])[item]
    kind_rank = np.array([kind_order[it[0]] for it in items], dtype=np.int64)[item]
    whats = sorted({it[3] for it in items})
    what_at = {w: i for i, w in enumerate(whats)}
    what_rank = np.array([what_at[it[3]] for it in items], dtype=np.int64)[item]
    # within a pair: heavier first, then the kinds' order, then the item's name (a stable sort: ties keep
    # the order the items were listed in, kind by kind)
    sort = np.lexsort((what_rank, kind_rank, -share, code))
    a, b, item, own, code, share = a[sort], b[sort], item[sort], own[sort], code[sort], share[sort]
    new = np.ones(len(code), dtype=bool)
    new[1:] = code[1:] != code[:-1]
    starts = np.concatenate([np.flatnonzero(new), [len(code)]]).astype(np.int64)
    pair_of = np.cumsum(new) - 1
    own_weight = np.bincount(pair_of, weights=np.where(own, share, 0.0))
    group_weight = np.bincount(pair_of, weights=np.where(own, 0.0, share))
    ties = Ties(order, a, b, item, share, own, items, starts)
    ties.ancestors = ancestors
    ties.own_weight = own_weight
    ties.weight = own_weight + group_weight
    return ties, own_weight, group_weight, ties.weight
