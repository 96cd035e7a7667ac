"""OWL 2 RL closure of the knowledge graph with owlrl (W3C OWL 2 Profiles, section 4.3).

Before the closure, one closed-world rule that OWL cannot state (:data:`CURRENT_MEMBERSHIP`)
derives ``org:memberOf`` from each W3C ORG membership whose OWL-Time interval has no end.

owlrl does not raise on an inconsistency: it adds error triples (see its test
``test_cls_maxc1``). :func:`infer` reads them and raises :class:`InconsistencyError`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kg.errors import InconsistencyError

if TYPE_CHECKING:
    import rdflib

__all__ = ["infer", "CURRENT_MEMBERSHIP"]

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
#: no time:hasEnd (an ended membership, or one whose end is recorded in any graph, gives no
#: org:memberOf). OWL reasons under the open-world assumption and cannot derive a fact from
#: an absent end, so this rule runs before the OWL 2 RL closure; ontology/jsi.ttl says so.
CURRENT_MEMBERSHIP = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
CONSTRUCT { ?agent org:memberOf ?group }
WHERE {
  ?membership org:member ?agent ; org:organization ?group .
  FILTER NOT EXISTS { ?membership org:memberDuring/time:hasEnd ?end }
}"""


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
    if s == o and str(p).startswith(_BUILTIN):
        return False  # reflexive sameAs, subClassOf, equivalentProperty …
    if str(s).startswith(_BUILTIN):
        return False
    if str(p) == _RDF_TYPE and (str(o) == _OWL_THING or str(o).startswith(_BUILTIN)):
        return False
    return True


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
    for triple in graph.query(CURRENT_MEMBERSHIP):
        work.add(triple)  # type: ignore[arg-type]
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
