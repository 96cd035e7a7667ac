"""The member–member graph of coalition discovery: which members share what, read from the knowledge graph.

Ties come from the SPARQL queries of ``queries/coalitions/`` (never from the files). A shared
item's weight is divided among the members that share it, as in Newman's (2001) weighting of
collaboration networks.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kg.iris import compact
from kg.errors import ParameterError, QueryError
from kg.project import Project, default_project
from kg.labels import read_display_labels
from kg.coalitions import pairs
from kg.coalitions.graph import MemberGraph
from kg.coalitions.reasons import _CERTAINTY, _Holding, _Names, _what, describe_reason
from kg.coalitions.rows import Rows, issue_rows as _issue_rows, records as _records, run as _run
from kg.store import QueryEngine

if TYPE_CHECKING:  # networkx is imported lazily: 'kg query' must not pay for it
    import networkx as nx

__all__ = [
    "TIE_KINDS",
    "DEFAULT_WEIGHTS",
    "TIE_KIND_HELP",
    "parse_ties",
    "parse_weights",
    "resolve_on",
    "build_member_graph",
    "member_graph",
    "describe_reason",
]

log = logging.getLogger(__name__)

#: The kinds of tie between two members, strongest evidence first. Each is read by the query
#: ``queries/coalitions/<kind>.rq`` (``group`` by ``memberships.rq``).
TIE_KINDS: tuple[str, ...] = ("cosponsor", "position", "theme", "column", "issue", "stance", "participation", "concern",
                              "group")

#: The weight of one shared item of each kind, before it is divided among the members sharing it.
DEFAULT_WEIGHTS: dict[str, float] = {
    "cosponsor": 3.0,
    "position": 3.0,
    "theme": 2.0,
    "column": 1.0,
    "issue": 1.0,
    "stance": 1.0,
    "participation": 1.0,
    "concern": 1.0,
    "group": 1.0,
}

#: What each kind of tie means, in words (for help texts and docs/coalitions.md).
TIE_KIND_HELP: dict[str, str] = {
    "cosponsor": "both sponsor the same proposal or communication",
    "position": "a source names both as sharing a position or interest (jsi:Position)",
    "theme": "both propose an element of the same shared theme (the same shade in IISD 2022 Table 5)",
    "column": "both propose elements in the same horizontal column of Table 5",
    "issue": "both have an interest in the same issue of INF/ECOM/62/Rev.2, counted at the most specific issue they share",
    "stance": "both supported, or both did not support, the same text",
    "participation": "both took part in the initiative in the same way at the same date (e.g. both signed the 2019 Joint "
                     "Statement, WT/L/1056)",
    "concern": "both raise the same development concern",
    "group": "both belong to the same coalition or group of convenors",
}

# --------------------------------------------------------------------------- parameters


def parse_ties(ties: Iterable[str] | str | None) -> tuple[str, ...]:
    """Check a selection of tie kinds (``"cosponsor,theme"`` or a list); ``None`` is all of them.

    Examples
    --------
    >>> parse_ties("theme, position")
    ('position', 'theme')
    >>> parse_ties("themes")
    Traceback (most recent call last):
    ...
    kg.errors.ParameterError: unknown kind of tie 'themes'. Did you mean 'theme'? Known: cosponsor, position, ...
    """
    if ties is None:
        return TIE_KINDS
    items = ties.split(",") if isinstance(ties, str) else list(ties)
    chosen = {t.strip().lower() for t in items if t.strip()}
    for kind in sorted(chosen):
        if kind not in TIE_KINDS:
            raise ParameterError(_unknown_kind(kind))
    if not chosen:
        raise ParameterError(f"no kind of tie was given; choose among {', '.join(TIE_KINDS)}")
    return tuple(k for k in TIE_KINDS if k in chosen)


def _unknown_kind(kind: str) -> str:
    close = difflib.get_close_matches(kind, TIE_KINDS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown kind of tie {kind!r}.{hint} Known: {', '.join(TIE_KINDS)}"


def parse_weights(weights: Mapping[str, float] | Iterable[str] | None) -> dict[str, float]:
    """The weight of each kind: :data:`DEFAULT_WEIGHTS` with the given changes.

    Accepts a mapping or ``KIND=WEIGHT`` strings (as given to ``--weight``).

    Examples
    --------
    >>> parse_weights(["group=0.5"])["group"], parse_weights(None)["theme"]
    (0.5, 2.0)
    >>> parse_weights(["group=-1"])
    Traceback (most recent call last):
    ...
    kg.errors.ParameterError: the weight of 'group' must be a number >= 0, not '-1'
    """
    result = dict(DEFAULT_WEIGHTS)
    if weights is None:
        return result
    pairs: list[tuple[str, Any]] = []
    if isinstance(weights, Mapping):
        pairs = list(weights.items())
    else:
        for text in weights:
            kind, sep, value = str(text).partition("=")
            if not sep:
                raise ParameterError(f"{text!r} is not KIND=WEIGHT, e.g. group=0.5")
            pairs.append((kind, value))
    for kind, value in pairs:
        kind = kind.strip().lower()
        if kind not in TIE_KINDS:
            raise ParameterError(_unknown_kind(kind))
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not number >= 0 or number == float("inf"):
            raise ParameterError(f"the weight of {kind!r} must be a number >= 0, not {str(value).strip()!r}")
        result[kind] = number
    return result


_COLUMN_CODES = ("cooperation", "cooperation-mechanisms", "capacity-building", "implementation-periods")


def resolve_on(store: QueryEngine, value: str, *, project: Project | None = None) -> str:
    """Resolve what ``--on`` names: an issue or section (code or name) or a Table 5 column.

    Returns the IRI. Raises :class:`~kg.errors.ParameterError` with the query layer's "did you
    mean" message when it names neither.
    """
    import re

    from kg.catalogue import resolve_parameter

    looks_like_code = bool(re.match(r"^\s*([A-Fa-f](\.[\d()]+)*|annex.*)\s*$", value))
    errors: list[str] = []
    for kind in ("issue",) if looks_like_code else ("column", "issue"):
        try:
            return resolve_parameter(store, kind, value, project=project).value
        except ParameterError as exc:
            errors.append(str(exc))
    if looks_like_code:
        raise ParameterError(errors[0])
    raise ParameterError(f"{errors[-1]} Or a column of Table 5: {', '.join(_COLUMN_CODES)}.")


# --------------------------------------------------------------------------- reading the graph


def build_member_graph(
    store: QueryEngine,
    *,
    on: str | None = None,
    ties: Iterable[str] | str | None = None,
    weights: Mapping[str, float] | Iterable[str] | None = None,
    lang: str = "en",
    project: Project | None = None,
) -> nx.Graph:
    """The weighted member–member graph of the knowledge graph.

    Two members are tied when they share something: a proposal they co-sponsor, a position a
    source names them in, a theme or a column of their proposals' elements, an issue they have an
    interest in, a stance on a text, a development concern, a group. Each shared item is worth its
    kind's weight divided among the others who share it: the weight ``w`` of an item shared by
    ``n`` members adds ``w / (n - 1)`` to each of their ties, so a theme two members share counts
    fully while a 60-member group spreads thin. An interest in an issue counts only at the most
    specific issue a pair shares (sharing D.3.1 implies D.3 and D).

    A member holds what it does itself (basis ``"own"``) or what a coalition or group of convenors
    it belongs to did, e.g. the concerns the LDC Group raised (basis ``"group"``); a tie's reason is
    ``"group"``-based unless both members hold the item themselves.

    Parameters
    ----------
    store : kg.store.Store
        The built graph.
    on : str, optional
        The IRI of an issue, section or Table 5 column (see :func:`resolve_on`). Only what is
        about it counts (an issue includes its narrower issues); the nodes are the members with
        an interest in it, and their shared groups are kept as ties among them.
    ties : iterable of str or str, optional
        The kinds of tie to use (default: all of :data:`TIE_KINDS`).
    weights : mapping or iterable of ``KIND=W``, optional
        Changes to :data:`DEFAULT_WEIGHTS`.
    lang : {'en', 'fr', 'es'}
        The language of names (English where a name is missing).
    project : kg.project.Project, optional
        Where ``queries/coalitions/`` is (default: this clone).

    Returns
    -------
    networkx.Graph
        Nodes are member IRIs with ``label``, ``code``, ``activity`` (the proposals and
        communications it sponsored itself) and ``participant`` (it takes part in the JSI).
        Edges have ``weight`` (= ``own_weight`` + ``group_weight``) and ``reasons``: a sequence
        of dicts, made when first read (:class:`kg.coalitions.pairs.TieReasons`), with ``kind``, ``what``, ``sources`` (document symbols, then citations),
        ``documents``, ``citations``, ``basis`` (``own`` or ``group``), ``groups`` (names of the
        groups a group-based reason comes through), ``weight`` and ``shared_by`` (how many
        members share the item), strongest first. ``graph.graph`` records ``on``, ``on_label``,
        ``ties`` and ``weights``.

    Raises
    ------
    ParameterError
        Unknown kind of tie or a bad weight.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from kg.store import memory_store
    >>> J, I = "https://w3id.org/jsi-ecom/ontology#", "https://w3id.org/jsi-ecom/id/"
    >>> def q(s, p, o):
    ...     o = ox.NamedNode(o) if o.startswith("http") else ox.Literal(o)
    ...     return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(I + "graph/t"))
    >>> TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    >>> store = memory_store([
    ...     q(I + "graph/t", TYPE, J + "Citation"),
    ...     q(I + "graph/t", "http://purl.org/dc/terms/bibliographicCitation", "Made-up source"),
    ...     q(I + "member/AAA", TYPE, J + "Member"), q(I + "member/BBB", TYPE, J + "Member"),
    ...     q(I + "doc/P-1", TYPE, J + "Proposal"), q(I + "doc/P-1", J + "symbol", "P/1"),
    ...     q(I + "doc/P-1", J + "sponsoredBy", I + "member/AAA"),
    ...     q(I + "doc/P-1", J + "sponsoredBy", I + "member/BBB")])
    >>> g = build_member_graph(store, ties="cosponsor")
    >>> sorted(g.nodes) == [I + "member/AAA", I + "member/BBB"]
    True
    >>> edge = g.edges[I + "member/AAA", I + "member/BBB"]
    >>> edge["weight"], describe_reason(edge["reasons"][0])
    (3.0, 'co-sponsor P/1: Made-up source')
    """
    return member_graph(store, on=on, ties=ties, weights=weights, lang=lang, project=project).to_networkx()


def member_graph(
    store: QueryEngine,
    *,
    on: str | None = None,
    ties: Iterable[str] | str | None = None,
    weights: Mapping[str, float] | Iterable[str] | None = None,
    lang: str = "en",
    project: Project | None = None,
) -> MemberGraph:
    """The member graph of :func:`build_member_graph` (same parameters) kept as arrays, without networkx.

    What ``kg coalitions`` and ``kg partners`` read: :func:`kg.coalitions.find_coalitions` and
    :func:`kg.coalitions.rank_partners` take it as they take the networkx graph, with the same
    answers; :meth:`~kg.coalitions.graph.MemberGraph.to_networkx` makes that graph.
    """
    from kg.gcpause import paused_gc

    with paused_gc():  # millions of small objects, no cycle: the collector would only slow it down
        return _build(store, on=on, ties=ties, weights=weights, lang=lang, project=project)


def _build(
    store: QueryEngine,
    *,
    on: str | None,
    ties: Iterable[str] | str | None,
    weights: Mapping[str, float] | Iterable[str] | None,
    lang: str,
    project: Project | None,
) -> MemberGraph:
    kinds = parse_ties(ties)
    weight_of = parse_weights(weights)
    project = project or default_project()
    queries_dir = project.queries_dir / "coalitions"

    names = _Names(_run(store, queries_dir, "names"), read_display_labels(store, project.queries_dir, lang))
    members: dict[str, tuple[bool, int]] = {}
    for rec in _records(_run(store, queries_dir, "members")):
        iri = rec["member"]
        if iri is None:
            continue
        participant = (rec.get("participant") or "").lower() == "true"
        members[iri] = (participant, int(rec.get("proposals") or 0))

    group_members: dict[str, dict[str, set[str]]] = {}
    for rec in _records(_run(store, queries_dir, "memberships")):
        member, group, citation = rec["member"], rec["group"], rec["citation"]
        if member in members and group is not None:
            group_members.setdefault(group, {}).setdefault(member, set()).add(citation or "")

    # issue → itself and every broader issue
    ancestors: dict[str, set[str]] = {}
    for rec in _records(_run(store, queries_dir, "scheme")):
        if rec["issue"] is not None and rec["broader"] is not None:
            ancestors.setdefault(rec["issue"], {rec["issue"]}).add(rec["broader"])

    # kind → (item, facet) → member → holding
    held: dict[str, dict[tuple[str, str], dict[str, _Holding]]] = {}
    for kind in kinds:
        if kind == "group":
            continue
        rows = _issue_rows(store, queries_dir) if kind == "issue" else _run(store, queries_dir, kind)
        held[kind] = _holdings(rows, kind, on, members, group_members, ancestors)
    if "group" in kinds:
        held["group"] = {
            (group, ""): {m: _Holding(groups={group}, citations=set(cits)) for m, cits in ms.items()}
            for group, ms in group_members.items()
        }

    if on is None:
        nodes = {m for m, (participant, _) in members.items() if participant}
        for items in held.values():
            for holders in items.values():
                nodes.update(holders)
    else:
        nodes = set()
        for kind, items in held.items():
            if kind != "group":
                for holders in items.values():
                    nodes.update(holders)

    graph_attrs: dict[str, Any] = {
        "on": on,
        "on_label": (names.topic(on, ancestors) if on else None),
        "ties": list(kinds),
        "weights": {k: weight_of[k] for k in kinds},
        "lang": lang,
    }
    node_attrs: dict[str, dict[str, Any]] = {}
    for iri in sorted(nodes, key=lambda m: (names.member(m).casefold(), m)):
        participant, activity = members.get(iri, (False, 0))
        node_attrs[iri] = {"label": names.member(iri), "code": names.codes.get(iri) or compact(iri),
                           "activity": activity, "participant": participant}

    # The pairs and their weights are numpy arrays (kg.coalitions.pairs); the reasons' dicts are
    # made only for the ties that are read (an item shared by n members makes n(n-1)/2 pairs).
    for items in held.values():
        for holders in items.values():
            for h in holders.values():
                h.finish(names)
    whats: dict[tuple[str, tuple[str, str]], str] = {}

    def what(kind: str, key: tuple[str, str]) -> str:
        if (kind, key) not in whats:
            whats[(kind, key)] = _what(kind, key[0], key[1], names)
        return whats[(kind, key)]

    order = {k: i for i, k in enumerate(TIE_KINDS)}
    ties_index, own_w, group_w, _ = pairs.pair_members(held, kinds, weight_of, nodes, ancestors, what, order)
    graph = MemberGraph(graph_attrs, node_attrs, ties_index, own_w, group_w)
    log.info("member graph: %d members, %d ties (on=%s, ties=%s)", graph.number_of_nodes(),
             graph.number_of_edges(), on, ",".join(kinds))
    return graph


def _holdings(
    table: Rows,
    kind: str,
    on: str | None,
    members: Mapping[str, tuple[bool, int]],
    group_members: Mapping[str, Mapping[str, set[str]]],
    ancestors: Mapping[str, set[str]],
) -> dict[tuple[str, str], dict[str, _Holding]]:
    """Group the rows of one tie query by what a holder holds, keep those about ``on``, expand groups.

    A row's topics are the issues and columns it is about; an issue brings its broader issues
    (an interest in D.3.1 is about D.3 and D too), and an issue item is about itself.
    """
    columns, values = table
    cols = {c: i for i, c in enumerate(columns)}
    for needed in ("holder", "item", "citation"):
        if needed not in cols:
            raise QueryError(f"the coalition query {kind}.rq must select ?{needed}")
    rows: dict[tuple[str, str, str, str, str, str], set[str]] = {}
    best: dict[tuple[str, str, str, str, str, str], int] = {}
    absent = len(columns)  # a column the query does not select reads the None added at the end of each row
    i_holder, i_item, i_citation = cols["holder"], cols["item"], cols["citation"]
    i_facet, i_evidence, i_from, i_certainty, i_topic = (
        cols.get(c, absent) for c in ("facet", "evidence", "from", "certainty", "topic"))
    certainty_of = _CERTAINTY.get
    for values_row in values:
        row = values_row + (None,)
        holder, item = row[i_holder], row[i_item]
        if holder is None or item is None:
            continue
        key = (holder, item, row[i_facet] or "", row[i_evidence] or "", row[i_citation] or "", row[i_from] or "")
        certainty = certainty_of(row[i_certainty] or "", 2)
        if best.get(key, -1) < certainty:
            best[key] = certainty
        topics = rows.get(key)
        if topics is None:
            topics = rows[key] = set()
        topic = row[i_topic]
        if topic is not None:
            topics.update(ancestors.get(topic, (topic,)))
        if kind == "issue":
            topics.update(ancestors.get(item, (item,)))
    result: dict[tuple[str, str], dict[str, _Holding]] = {}
    for key, topics in sorted(rows.items()):
        holder, item, facet, evidence, citation, origin = key
        if on is not None and on not in topics:
            continue
        holders = result.setdefault((item, facet), {})
        if holder in members:
            h = holders.setdefault(holder, _Holding())
            h.own = True
            h.certainty = max(h.certainty, best[key])
            _note(h, evidence, citation, origin)
        elif holder in group_members:
            for member, membership_citations in group_members[holder].items():
                h = holders.setdefault(member, _Holding())
                h.groups.add(holder)
                h.certainty = max(h.certainty, best[key])
                h.citations.update(membership_citations)
                _note(h, evidence, citation, origin)
    return result


def _note(h: _Holding, evidence: str, citation: str, origin: str) -> None:
    if evidence:
        h.documents.add(evidence)
    if citation:
        h.citations.add(citation)
    if origin:
        h.froms.add(origin)
