"""OWL 2 RL closure of the knowledge graph (W3C OWL 2 Profiles, section 4.3): which entailments are kept.

Two reasoners give the same statements: the rules compiled to SPARQL Update on pyoxigraph
(:func:`infer_store`, :mod:`kg.rules`; the default of ``kg build``) and owlrl, the reference
(:func:`infer`, ``kg build --reasoner owlrl``). Both keep only the "meaningful" entailments
(:func:`meaningful`).

Before either closure, one closed-world rule that OWL cannot state
(:func:`current_membership_rule`) derives ``org:memberOf`` from each W3C ORG membership whose
OWL-Time interval has no end.

owlrl does not raise on an inconsistency: it adds error triples (see its test
``test_cls_maxc1``). :func:`infer` reads them and raises :class:`InconsistencyError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kg.errors import InconsistencyError

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

__all__ = ["infer", "infer_store", "infer_quads", "keep_meaningful", "meaningful", "current_membership_rule"]

log = logging.getLogger(__name__)

#: owlrl's namespace for its error messages.
_ERRNS = "http://www.daml.org/2002/03/agents/agent-ont#"
#: Namespaces whose own terms we never report inferences about (axiomatic noise).
_BUILTIN = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
    _ERRNS,
)
_OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: org:memberOf means a current membership: a member belongs to a group when one of its
#: org:Membership nodes names the group and the membership's org:memberDuring interval has
#: no time:hasEnd (an ended membership, or one whose end any graph records, gives no
#: org:memberOf). OWL reasons under the open-world assumption and cannot derive a fact from
#: an absent end, so this rule runs before the OWL 2 RL closure (ontology/jsi.ttl says so).
#: The pattern of the rule; ``?agent org:memberOf ?group`` is what it derives.
def current_membership_rule() -> str:
    """The closed-world rule ``queries/rules/current-membership.rq`` (a CONSTRUCT of ``org:memberOf``)."""
    from kg.rules import rule_query

    return rule_query("current-membership")


def meaningful(s: str, p: str, o: str) -> bool:
    """Keep the entailments a person can use (IRIs only: see :func:`_meaningful`)."""
    if s == o and p.startswith(_BUILTIN):
        return False  # reflexive sameAs, subClassOf, equivalentProperty …
    if s.startswith(_BUILTIN):
        return False
    if p == _RDF_TYPE and (o == _OWL_THING or o.startswith(_BUILTIN)):
        return False
    return True


def _meaningful(s: object, p: object, o: object) -> bool:
    """Keep the entailments a person can use; drop owlrl's bookkeeping.

    Dropped: reflexive ``owl:sameAs``, ``rdfs:subClassOf`` and the like; statements about RDF/RDFS/OWL/XSD terms; typing
    as ``owl:Thing`` or as a built-in class; statements with a blank-node or literal
    subject; and inferred literal values, because owlrl may copy a language tag between
    equal texts of different subjects (see FINDINGS: "7,762 wrong labels").
    """
    from rdflib import Literal, URIRef

    if not isinstance(s, URIRef) or not isinstance(p, URIRef):
        return False
    if isinstance(o, Literal):
        return False
    if not isinstance(o, URIRef):
        return False
    return meaningful(str(s), str(p), str(o))


def infer(graph: rdflib.Graph) -> set[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """Compute the OWL 2 RL closure of ``graph`` and return only what it adds.

    Parameters
    ----------
    graph : rdflib.Graph
        Ontology and data together. It is not modified.

    Returns
    -------
    set of triples
        The new, meaningful entailments (see :func:`_meaningful`).

    Raises
    ------
    InconsistencyError
        When owlrl reports that the data contradicts an axiom (e.g. a member typed
        both developed and developing, which are disjoint).

    Examples
    --------
    >>> import rdflib
    >>> g = rdflib.Graph().parse(data='''
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... <http://e/LDC> rdfs:subClassOf <http://e/Developing> .
    ... <http://e/x> a <http://e/LDC> .''', format="turtle")
    >>> sorted(str(o) for s, p, o in infer(g))
    ['http://e/Developing']
    """
    import owlrl
    import rdflib

    work = rdflib.Graph()
    for triple in graph:
        work.add(triple)
    for current in graph.query(current_membership_rule()):
        work.add(current)  # type: ignore[arg-type]
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        axiomatic_triples=False,
        datatype_axioms=False,
    ).expand(work)
    errors = sorted(
        str(msg)
        for node in work.subjects(rdflib.RDF.type, rdflib.URIRef(_ERRNS + "ErrorMessage"))
        for msg in work.objects(node, rdflib.URIRef(_ERRNS + "error"))
    )
    if errors:
        shown = "; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")
        raise InconsistencyError(
            f"the data contradicts the ontology's axioms: {shown}. "
            "Fix the statements named (a disjoint class, a functional property with two values …) and build again"
        )
    added = {t for t in work if t not in graph and _meaningful(*t)}
    log.info("OWL-RL closure added %d meaningful triples", len(added))
    return added


def keep_meaningful(store: ox.Store, graphs: Iterable[str], into: str) -> int:
    """Copy the meaningful entailments of the reasoner's working ``graphs`` into the graph
    ``into`` (the update ``queries/rules/meaningful.ru``, told which graphs by a plan graph
    of terms), drop the working graphs, and return how many statements ``into`` holds."""
    import pyoxigraph as ox

    from kg.rules import WORKING, graph_size, rule_query

    plan = ox.NamedNode(WORKING + "plan")
    target = ox.NamedNode(into)
    sources = [ox.NamedNode(g) for g in graphs]
    store.extend([ox.Quad(plan, ox.NamedNode(WORKING + "into"), target, plan),
                  *(ox.Quad(plan, ox.NamedNode(WORKING + "from"), g, plan) for g in sources)])
    store.update(rule_query("meaningful", ".ru"))
    for graph in [plan, *sources]:
        store.remove_graph(graph)
    return graph_size(store, into)


def infer_store(
    store: ox.Store,
    graph: str,
    *,
    progress: Callable[[str], None] | None = None,
    record: Callable[[ox.Store, list[str], list[str]], None] | None = None,
) -> int:
    """The compiled OWL 2 RL rules on a store whose named graphs hold the asserted statements.

    The meaningful entailments (the same set as :func:`infer` gives) are written into
    ``graph``; the rules' working graphs are dropped. Returns how many were written.
    ``record`` is called before they are: with the store, the graphs of the derived statements
    and the compiled rules' updates (what an incremental build starts from, :mod:`kg.incremental`).

    Raises
    ------
    InconsistencyError, kg.rules.UnsupportedAxiom
    """
    import pyoxigraph as ox

    from kg import rules

    # The closed-world rule first, as :func:`infer` does before owlrl; its statements join the
    # rules' working graphs.
    current = rules.WORKING + "current-membership"
    derived = store.query(current_membership_rule(), use_default_graph_as_union=True)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(current)) for t in derived)  # type: ignore[union-attr]
    closure = rules.run_rules(store, progress=progress)
    if record is not None:
        record(store, closure.graphs, closure.updates)
    count = keep_meaningful(store, [current, *closure.graphs], graph)
    log.info("compiled rules added %d meaningful triples", count)
    return count


def infer_quads(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """:func:`infer_store` on the quads, in a new in-memory store; the entailments, sorted.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> e = lambda n: ox.NamedNode("http://e/" + n)
    >>> sco = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    >>> typ = ox.NamedNode(_RDF_TYPE)
    >>> [t.object.value for t in infer_quads([ox.Quad(e("LDC"), sco, e("Developing"), e("g")), ox.Quad(e("x"), typ, e("LDC"), e("g"))])]
    ['http://e/Developing']
    """
    import pyoxigraph as ox

    store = ox.Store()
    graph = "urn:x-kg:inferred"
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, q.graph_name if isinstance(q.graph_name, ox.NamedNode) else ox.NamedNode("urn:x-kg:asserted"))
        for q in quads
    )
    infer_store(store, graph)
    found = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    found.sort(key=lambda t: (t.subject.value, t.predicate.value, t.object.value))  # type: ignore[union-attr]
    return found
