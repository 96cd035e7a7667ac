"""Keeping the OWL 2 RL closure up to date after a change: delete and rederive (DRed).

The compiled instance rules of :mod:`kg.rules` (W3C OWL 2 Profiles, section 4.3) are positive
Datalog: a closure ``K`` of base statements ``B`` is maintained after base statements are
removed (``minus``) and added (``plus``) by the DRed algorithm of Gupta, Mumick and
Subrahmanian (SIGMOD 1993), as described for RDF by Motik et al. (AAAI 2015):

1. **overdelete**: every derived statement with a derivation that uses a removed or
   overdeleted statement is deleted (rounds of the rules' semi-naive variants, the delta
   atom reading what the round before deleted, the other atoms the old closure);
2. **rederive**: each deleted statement that one rule still derives from what is left is
   put back;
3. **insert**: the semi-naive rounds of :func:`kg.rules.run_rules`, starting from the added
   and the rederived statements.

Why it gives the closure of the new base: a statement the overdeletion keeps has a derivation
none of whose premises was deleted, so it follows from the new base; a deleted statement
that still follows is either derived in one step from what is left (2) or from statements
that step 3 adds; and the store before step 3 is closed under every rule instance whose
premises it holds except through the delta, which is what semi-naive evaluation requires.

The schema (the rules' VALUES rows) must not change: :mod:`kg.incremental` falls back to a
full build when a change touches the RDF, RDFS or OWL vocabulary, or when the compiled
rules differ from the previous build's.

Graphs of the working store while this runs: the asserted graphs and the closed-world
``current-membership`` graph (the new base), :data:`DERIVED` (the old ``K − B``, updated in
place to the new one), and working graphs under :data:`PREFIX`, all dropped at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import rules

__all__ = ["DERIVED", "MINUS", "Maintained", "maintain"]

log = logging.getLogger(__name__)

PREFIX = "urn:x-kg:dred:"
#: The derived statements of the closure, ``K − B`` (the previous build's, then the new ones).
DERIVED = PREFIX + "derived"
#: Base statements removed by the change (statements, not quads: their graph does not matter).
MINUS = PREFIX + "minus"
_DEL = PREFIX + "del-"
_RED = PREFIX + "rederived"


@dataclass
class Maintained:
    """What :func:`maintain` changed in :data:`DERIVED`.

    ``removed`` and ``added`` are candidates (a statement may be in both); the caller checks
    each against the final graph.
    """

    removed: list[ox.Triple] = field(default_factory=list)
    added: list[ox.Triple] = field(default_factory=list)
    overdeleted: int = 0
    rederived: int = 0
    inserted: int = 0


def _graph_atom(graph: str, atom: str) -> str:
    return f"GRAPH <{graph}> {{ {atom} }}"


def _not_deleted(j: int) -> str:
    return f'FILTER(!STRSTARTS(STR(?g{j}), "{_DEL}"))'


def _graphs(names: list[str]) -> str:
    return " ".join(f"<{g}>" for g in names)


def _overdelete_updates(rule: rules._Rule, out: str, delta: str, dels: list[str]) -> list[str]:
    """One update per body atom: the atom read in ``delta``, the others anywhere (the old closure)."""
    updates = []
    for i, atom in enumerate(rule.atoms):
        others = [f"GRAPH ?g{j} {{ {a} }}" for j, a in enumerate(rule.atoms) if j != i]
        updates.append(
            f"INSERT {{ GRAPH <{out}> {{ {rule.head} }} }} WHERE {{ {rule.values} {_graph_atom(delta, atom)} "
            f"{' '.join(others)} {rule.extra} FILTER EXISTS {{ GRAPH <{DERIVED}> {{ {rule.head} }} }} "
            f"FILTER NOT EXISTS {{ VALUES ?gd {{ {_graphs(dels)} }} GRAPH ?gd {{ {rule.head} }} }} }}"
        )
    return updates


def _rederive_update(rule: rules._Rule, dels: list[str]) -> str:
    """The deleted statements the rule derives in one step from what is left."""
    body = " ".join(f"GRAPH ?g{j} {{ {a} }} {_not_deleted(j)}" for j, a in enumerate(rule.atoms))
    return (
        f"INSERT {{ GRAPH <{_RED}> {{ {rule.head} }} }} WHERE {{ VALUES ?gd {{ {_graphs(dels)} }} GRAPH ?gd {{ {rule.head} }} "
        f"{rule.values} {body} {rule.extra} }}"
    )


def _count(store: ox.Store, graph: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def maintain(store: ox.Store, compiled: list[rules._Rule], *, progress: Callable[[str], None] | None = None) -> Maintained:
    """Bring :data:`DERIVED` from the old closure's to the new one's.

    Parameters
    ----------
    store : pyoxigraph.Store
        The new base (asserted graphs and the current-membership graph), :data:`DERIVED`
        holding the previous build's ``K − B``, :data:`MINUS` the removed base statements and
        :data:`kg.rules.DELTA` the added ones (a superset is fine).
    compiled : list
        The instance rules, compiled from the unchanged schema.
    """
    say = progress or (lambda _line: None)
    done = Maintained()
    # 1. overdelete
    store.update(f"INSERT {{ GRAPH <{_DEL}0> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{MINUS}> {{ ?s ?p ?o }} }}")
    store.update(f"DROP SILENT GRAPH <{MINUS}>")
    k = 0
    while True:
        out = f"{_DEL}{k + 1}"
        dels = [f"{_DEL}{i}" for i in range(k + 2)]
        for rule in compiled:
            for update in _overdelete_updates(rule, out, f"{_DEL}{k}", dels):
                store.update(update)
        if not _count(store, out):
            break
        k += 1
    dels = [f"{_DEL}{i}" for i in range(k + 1)]
    deleted = [t for g in dels for t in _triples(store, g)]
    done.overdeleted = len(deleted) - _count(store, dels[0])
    done.removed += deleted
    store.update(f"DELETE {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?gd {{ {_graphs(dels)} }} GRAPH ?gd {{ ?s ?p ?o }} }}")
    # 2. rederive
    for rule in compiled:
        store.update(_rederive_update(rule, dels))
    store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in dels))
    rederived = _triples(store, _RED)
    done.rederived = len(rederived)
    done.added += rederived
    store.update(
        f"INSERT {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} . GRAPH <{rules.DELTA}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{_RED}> {{ ?s ?p ?o }} }}"
    )
    store.update(f"DROP SILENT GRAPH <{_RED}>")
    say(f"{len(deleted):,} statement(s) deleted ({done.overdeleted:,} overdeleted), {done.rederived:,} rederived")
    # 3. insert: the semi-naive rounds of kg.rules, from DELTA
    rounds = rules._Rounds(store)
    updates = [update for rule in compiled for update in rule.variants()[1]]
    while new := rounds.run(updates):
        say(f"round {len(rounds.graphs)}: {new:,} new statements")
    for graph in rounds.graphs:
        inserted = _triples(store, graph)
        done.inserted += len(inserted)
        done.added += inserted
    if rounds.graphs:
        values = " ".join(f"<{g}>" for g in rounds.graphs)
        store.update(f"INSERT {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} }} WHERE {{ VALUES ?r {{ {values} }} GRAPH ?r {{ ?s ?p ?o }} }}")
    store.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in [*rounds.graphs, rules.DELTA]))
    # A statement derived before and asserted now is base, not derived (K − B).
    solutions = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH <{DERIVED}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{DERIVED}>) }}"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    moved = list(solutions)
    for row in moved:
        triple = ox.Triple(row["s"], row["p"], row["o"])  # type: ignore[index,arg-type]
        store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(DERIVED)))
        done.removed.append(triple)
    log.info("DRed: %d deleted, %d rederived, %d inserted", len(deleted), done.rederived, done.inserted)
    return done
