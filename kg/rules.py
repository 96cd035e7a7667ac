"""OWL 2 RL rules compiled from the ontology's axioms into SPARQL 1.1 Updates on pyoxigraph.

The rules are those of W3C OWL 2 Web Ontology Language Profiles, section 4.3 (tables 4–9),
named as there (``cax-sco``, ``prp-spo2`` …). Each rule is a template; the axioms of the
graph fill it in (the rows of a ``VALUES`` table, or one update per property chain), so a
new axiom is picked up at the next build without touching this module. An axiom kind that
is not implemented here fails the build with its name (:class:`UnsupportedAxiom`): nothing
is silently ignored.

Evaluation, on an in-memory store whose named graphs hold the asserted statements (their union is read):

1. the schema rules (``scm-*``) run to a fixpoint on the axioms themselves;
2. the instance rules are compiled from the closed schema and run semi-naively: a first
   pass over everything, then each round joins only the statements derived in the round
   before (a graph of their own) with the rest, until a round derives nothing;
3. the inconsistency rules (``cax-dw``, ``cax-adc``, ``prp-irp`` …) are asked last and
   raise :class:`kg.errors.InconsistencyError`.

The derived statements go to graphs of their own (one per round), so the union of the
store's graphs is the closure. owlrl stays the reference
(``kg build --reasoner owlrl``; the tests compare the two rule by rule).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import InconsistencyError, KGError
from kg.iris import compact

__all__ = ["UnsupportedAxiom", "Closure", "check_axioms", "run_rules", "graph_size", "SUPPORTED"]

log = logging.getLogger(__name__)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
_TYPE = RDF + "type"

#: Working graphs of the fixpoint (never written to the built store): the compiled updates name
#: DELTA (what the previous round derived) and NEW (this round); each round gets graphs of its own.
_URN = "urn:x-kg:reasoning:"
#: The prefix of every working graph of the reasoning (dropped before the store is written).
WORKING = _URN
DELTA = _URN + "delta"
NEW = _URN + "new"

#: The axiom vocabulary this module understands, and the OWL 2 RL rules that give it meaning
#: ("" for declarations and annotations, which entail nothing of use here).
SUPPORTED: dict[str, str] = {
    RDFS + "subClassOf": "cax-sco, scm-sco, scm-eqc2",
    RDFS + "subPropertyOf": "prp-spo1, scm-spo, scm-eqp2",
    RDFS + "domain": "prp-dom, scm-dom1, scm-dom2",
    RDFS + "range": "prp-rng, scm-rng1, scm-rng2",
    OWL + "equivalentClass": "cax-eqc1, cax-eqc2, scm-eqc1",
    OWL + "equivalentProperty": "prp-eqp1, prp-eqp2, scm-eqp1",
    OWL + "inverseOf": "prp-inv1, prp-inv2",
    OWL + "propertyChainAxiom": "prp-spo2",
    OWL + "disjointWith": "cax-dw",
    OWL + "propertyDisjointWith": "prp-pdw",
    OWL + "members": "cax-adc",
    OWL + "sameAs": "eq-sym, eq-trans, eq-rep-s, eq-rep-p, eq-rep-o",
    OWL + "differentFrom": "eq-diff1",
    # types of axioms
    OWL + "Class": "scm-cls",
    OWL + "ObjectProperty": "scm-op",
    OWL + "DatatypeProperty": "scm-dp",
    OWL + "FunctionalProperty": "prp-fp",
    OWL + "InverseFunctionalProperty": "prp-ifp",
    OWL + "SymmetricProperty": "prp-symp",
    OWL + "TransitiveProperty": "prp-trp",
    OWL + "AsymmetricProperty": "prp-asyp",
    OWL + "IrreflexiveProperty": "prp-irp",
    OWL + "AllDisjointClasses": "cax-adc",
    OWL + "Nothing": "cls-nothing2",
    # (dt-not-type, an ill-formed literal of an OWL 2 RL datatype, is always checked)
    OWL + "Thing": "",
    OWL + "AnnotationProperty": "",
    OWL + "NamedIndividual": "",
    OWL + "Ontology": "",
    RDFS + "Class": "",
    RDF + "Property": "scm-op",
    # annotations
    OWL + "versionIRI": "",
    OWL + "versionInfo": "",
    OWL + "imports": "",
    OWL + "priorVersion": "",
    OWL + "backwardCompatibleWith": "",
    OWL + "incompatibleWith": "",
    OWL + "deprecated": "",
    RDFS + "label": "",
    RDFS + "comment": "",
    RDFS + "seeAlso": "",
    RDFS + "isDefinedBy": "",
}

#: Predicates whose statements are axioms: an instance rule must never derive one.
_AXIOMS = frozenset(
    [RDFS + n for n in ("subClassOf", "subPropertyOf", "domain", "range")]
    + [OWL + n for n in ("equivalentClass", "equivalentProperty", "inverseOf", "propertyChainAxiom", "disjointWith", "propertyDisjointWith", "members")]
)
#: Classes whose instances are axioms: an instance rule must never derive a type among them.
_META = frozenset(
    [OWL + n for n in ("Class", "ObjectProperty", "DatatypeProperty", "FunctionalProperty", "InverseFunctionalProperty")]
    + [OWL + n for n in ("SymmetricProperty", "TransitiveProperty", "AsymmetricProperty", "IrreflexiveProperty")]
    + [OWL + "AllDisjointClasses", RDF + "Property"]
)


class UnsupportedAxiom(KGError):
    """The ontology uses an OWL construct the compiled rules do not implement."""


@dataclass
class Closure:
    """What :func:`run_rules` did.

    Attributes
    ----------
    rounds : int
        Rounds of the instance rules until nothing new was derived.
    derived : int
        Statements derived (schema and instances, before any filtering).
    updates : list of str
        The compiled SPARQL updates of the instance rules (first pass), for inspection.
    graphs : list of str
        The graphs holding the derived statements, one per round.
    """

    rounds: int = 0
    derived: int = 0
    updates: list[str] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)


def _iri(value: str) -> str:
    return f"<{value}>"


def _rows(rows: Iterable[tuple[str, ...]]) -> str:
    return " ".join("(" + " ".join(_iri(v) for v in row) + ")" for row in rows)


@functools.lru_cache(maxsize=None)
def rule_query(name: str, suffix: str = ".rq") -> str:
    """The text of ``queries/rules/NAME.rq``: the queries that read the axioms (no SPARQL in
    Python); with ``suffix=".ru"``, of a SPARQL Update the build runs on its working store."""
    from kg.project import default_project
    from kg.queryfiles import read_rq

    return read_rq(default_project().queries_dir / "rules" / f"{name}{suffix}", "rule query")


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return sorted(tuple(getattr(row[n], "value", "") for n in names) for row in solutions)


def check_axioms(store: ox.Store) -> list[str]:
    """Name every axiom kind of the default graph; raise for those not implemented.

    Returns the sorted list of OWL/RDFS terms in use (predicates, and classes of ``rdf:type``).

    Raises
    ------
    UnsupportedAxiom
        Naming the construct (e.g. ``owl:someValuesFrom``) and one subject using it.
    """
    used: dict[str, str] = {}
    for p, s in _select(store, rule_query("predicates-used")):
        if p.startswith((OWL, RDFS)):
            used[p] = s
    for c, s in _select(store, rule_query("classes-used")):
        if c.startswith((OWL, RDFS, RDF)):
            used[c] = s
    unknown = sorted(k for k in used if k not in SUPPORTED)
    if unknown:
        shown = ", ".join(f"{compact(k)} (on {used[k]})" for k in unknown)
        raise UnsupportedAxiom(
            f"the ontology uses {shown}, which the compiled OWL 2 RL rules do not implement; "
            "implement the rule in kg/rules.py, or build with --reasoner owlrl"
        )
    return sorted(used)


# ----------------------------------------------------------------------------- schema rules

@dataclass
class _Rule:
    """One rule: a head triple pattern, body atoms, and rows of constants (VALUES).

    The statements are read from every graph of the store (the asserted graphs and the
    graphs of earlier rounds): each atom is matched in a ``GRAPH ?g`` of its own.
    """

    name: str
    head: str
    atoms: list[str]
    values: str = ""
    extra: str = ""
    #: Many bodies give one head (prp-rng: every provision names one of a few texts): the heads
    #: are made distinct before each is looked up (300k: prp-rng 0.61 -> 0.37 s; cax-sco and
    #: prp-inv were slower so).
    distinct: bool = False

    def _update(self, atoms: list[str]) -> str:
        body = f"{self.values} {' '.join(atoms)} {self.extra}"
        if self.distinct:
            heads = " ".join(sorted(set(re.findall(r"\?\w+", self.head))))
            body = f"{{ SELECT DISTINCT {heads} WHERE {{ {body} }} }}"
        return f"INSERT {{ GRAPH <{NEW}> {{ {self.head} }} }} WHERE {{ {body} FILTER NOT EXISTS {{ GRAPH ?gh {{ {self.head} }} }} }}"

    def variants(self) -> tuple[str, list[str]]:
        """The first-pass update and one semi-naive update per body atom."""
        first = self._update([f"GRAPH ?g{j} {{ {a} }}" for j, a in enumerate(self.atoms)])
        delta = []
        for i in range(len(self.atoms)):
            atoms = [(f"GRAPH <{DELTA}> {{ {a} }}" if j == i else f"GRAPH ?g{j} {{ {a} }}") for j, a in enumerate(self.atoms)]
            # Put the delta atom first: it is the small side of the join.
            atoms.insert(0, atoms.pop(i))
            delta.append(self._update(atoms))
        return first, delta


_SCO, _SPO, _EQC, _EQP = f"<{RDFS}subClassOf>", f"<{RDFS}subPropertyOf>", f"<{OWL}equivalentClass>", f"<{OWL}equivalentProperty>"
_PROPERTY_TYPES = f"VALUES ?t {{ <{OWL}ObjectProperty> <{OWL}DatatypeProperty> <{RDF}Property> }}"
#: The schema rules (table 9), run on the axioms until they add nothing.
_SCM = [
    _Rule("scm-cls", f"?c {_SCO} ?c .", [f"?c a <{OWL}Class>"]),
    _Rule("scm-cls", f"?c {_EQC} ?c .", [f"?c a <{OWL}Class>"]),
    _Rule("scm-cls", f"?c {_SCO} <{OWL}Thing> .", [f"?c a <{OWL}Class>"]),
    _Rule("scm-cls", f"<{OWL}Nothing> {_SCO} ?c .", [f"?c a <{OWL}Class>"]),
    # scm-op, scm-dp (owlrl also takes rdf:Property)
    _Rule("scm-op", f"?p {_SPO} ?p .", ["?p a ?t"], _PROPERTY_TYPES),
    _Rule("scm-op", f"?p {_EQP} ?p .", ["?p a ?t"], _PROPERTY_TYPES),
    _Rule("scm-sco", f"?a {_SCO} ?c .", [f"?a {_SCO} ?b", f"?b {_SCO} ?c"]),
    _Rule("scm-eqc1", f"?a {_SCO} ?b .", [f"?a {_EQC} ?b"]),
    _Rule("scm-eqc1", f"?b {_SCO} ?a .", [f"?a {_EQC} ?b"]),
    _Rule("scm-eqc2", f"?a {_EQC} ?b .", [f"?a {_SCO} ?b", f"?b {_SCO} ?a"]),
    _Rule("scm-spo", f"?a {_SPO} ?c .", [f"?a {_SPO} ?b", f"?b {_SPO} ?c"]),
    _Rule("scm-eqp1", f"?a {_SPO} ?b .", [f"?a {_EQP} ?b"]),
    _Rule("scm-eqp1", f"?b {_SPO} ?a .", [f"?a {_EQP} ?b"]),
    _Rule("scm-eqp2", f"?a {_EQP} ?b .", [f"?a {_SPO} ?b", f"?b {_SPO} ?a"]),
    _Rule("scm-dom1", f"?p <{RDFS}domain> ?c2 .", [f"?p <{RDFS}domain> ?c1", f"?c1 {_SCO} ?c2"]),
    _Rule("scm-dom2", f"?p1 <{RDFS}domain> ?c .", [f"?p2 <{RDFS}domain> ?c", f"?p1 {_SPO} ?p2"]),
    _Rule("scm-rng1", f"?p <{RDFS}range> ?c2 .", [f"?p <{RDFS}range> ?c1", f"?c1 {_SCO} ?c2"]),
    _Rule("scm-rng2", f"?p1 <{RDFS}range> ?c .", [f"?p2 <{RDFS}range> ?c", f"?p1 {_SPO} ?p2"]),
]


class _Rounds:
    """Runs rounds of updates, each writing what is new into a graph of its own."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.graphs: list[str] = []
        self.derived = 0

    def run(self, updates: Iterable[str]) -> int:
        """One round: apply the updates (DELTA: the previous round's graph); return how much is new."""
        delta = self.graphs[-1] if self.graphs else DELTA
        new = f"{_URN}round-{len(self.graphs) + 1}"
        for update in updates:
            self.store.update(update.replace(NEW, new).replace(DELTA, delta))
        count = graph_size(self.store, new)
        if count:
            self.graphs.append(new)
            self.derived += count
        return count


def graph_size(store: ox.Store, graph: str) -> int:
    """How many statements the named graph ``graph`` holds, counted by Oxigraph (a third of the
    time of iterating its quads in Python: 0.03 s against 0.12 s for 200,000)."""
    solutions = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                            substitutions={ox.Variable("g"): ox.NamedNode(graph)})
    assert isinstance(solutions, ox.QuerySolutions)
    return sum(int(row[1].value) for row in solutions)  # type: ignore[union-attr]  # no row: an empty graph


def _schema_fixpoint(rounds: _Rounds) -> int:
    """Run the scm-* rules until they add nothing."""
    updates = [rule.variants()[0] for rule in _SCM]
    n = 1
    while rounds.run(updates):
        n += 1
    return n


# ----------------------------------------------------------------------------- instance rules


def _compile(store: ox.Store) -> list[_Rule]:
    """Instance rules filled with the closed schema's axioms."""
    q = lambda text: _select(store, text)  # noqa: E731
    rules: list[_Rule] = []

    def table(name: str, head: str, atoms: list[str], variables: str, rows: list[tuple[str, ...]], extra: str = "", distinct: bool = False) -> None:
        if rows:
            rules.append(_Rule(name, head, atoms, f"VALUES ({variables}) {{ {_rows(rows)} }}", extra, distinct))

    not_literal = "FILTER(!isLiteral(?y))"
    sco = q(rule_query("subclass"))
    domain, range_ = q(rule_query("domain")), q(rule_query("range"))
    thing = OWL + "Thing"
    if not any(c1 == thing and c2 != thing for c1, c2 in sco):
        # '?x a owl:Thing' is never kept (kg.reasoning.meaningful) and, with owl:Thing below no
        # other class, no compiled rule reads it: deriving it for every individual is skipped
        sco, domain, range_ = ([row for row in rows if row[1] != thing] for rows in (sco, domain, range_))
    table("cax-sco", "?x a ?c2 .", ["?x a ?c1"], "?c1 ?c2", sco)
    spo = q(rule_query("subproperty"))
    table("prp-spo1", "?x ?p2 ?y .", ["?x ?p1 ?y"], "?p1 ?p2", spo)
    table("prp-dom", "?x a ?c .", ["?x ?p ?y"], "?p ?c", domain)
    table("prp-rng", "?y a ?c .", ["?x ?p ?y"], "?p ?c", range_, not_literal, distinct=True)
    inverse = q(rule_query("inverse"))
    symmetric = q(rule_query("symmetric"))
    pairs = sorted({*inverse, *((b, a) for a, b in inverse), *symmetric})
    if bool(store.query(rule_query("equality-used"), use_default_graph_as_union=True)):
        pairs = sorted({*pairs, (OWL + "sameAs", OWL + "sameAs")})  # eq-sym
        _equality(rules)
    table("prp-inv1/prp-inv2/prp-symp/eq-sym", "?y ?p2 ?x .", ["?x ?p1 ?y"], "?p1 ?p2", pairs, not_literal)
    transitive = [row[0] for row in q(rule_query("transitive"))]
    if any(r.name.startswith("eq-") for r in rules):
        transitive = sorted({*transitive, OWL + "sameAs"})  # eq-trans
    if transitive:
        rules.append(_Rule("prp-trp", "?x ?p ?z .", ["?x ?p ?y", "?y ?p ?z"], f"VALUES ?p {{ {' '.join(map(_iri, transitive))} }}"))
    functional = [row[0] for row in q(rule_query("functional"))]
    if functional:
        rules.append(_Rule("prp-fp", f"?y1 <{OWL}sameAs> ?y2 .", ["?x ?p ?y1", "?x ?p ?y2"],
                           f"VALUES ?p {{ {' '.join(map(_iri, functional))} }}", "FILTER(?y1 != ?y2 && !isLiteral(?y1) && !isLiteral(?y2))"))
    inverse_functional = [row[0] for row in q(rule_query("inverse-functional"))]
    if inverse_functional:
        rules.append(_Rule("prp-ifp", f"?x1 <{OWL}sameAs> ?x2 .", ["?x1 ?p ?y", "?x2 ?p ?y"],
                           f"VALUES ?p {{ {' '.join(map(_iri, inverse_functional))} }}", "FILTER(?x1 != ?x2)"))
    for head_p, chain in _chains(store):
        atoms = [f"?u{i} <{p}> ?u{i + 1}" for i, p in enumerate(chain)]
        rules.append(_Rule("prp-spo2", f"?u0 <{head_p}> ?u{len(chain)} .", atoms))
    _refuse_schema_heads(rules)
    return rules


def _equality(rules: list[_Rule]) -> None:
    """eq-rep-s, eq-rep-p, eq-rep-o (eq-sym and eq-trans ride on prp-inv and prp-trp)."""
    same = f"?a <{OWL}sameAs> ?b"
    rules.append(_Rule("eq-rep-s", "?b ?p ?o .", [same, "?a ?p ?o"], extra="FILTER(?a != ?b)"))
    rules.append(_Rule("eq-rep-p", "?s ?b ?o .", [same, "?s ?a ?o"], extra="FILTER(?a != ?b && isIRI(?b))"))
    rules.append(_Rule("eq-rep-o", "?s ?p ?b .", [same, "?s ?p ?a"], extra="FILTER(?a != ?b)"))


def _chains(store: ox.Store) -> list[tuple[str, list[str]]]:
    """Each ``owl:propertyChainAxiom``: the property and its chain, in list order."""
    chains = []
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), RDF + "nil"
    for quad in store.quads_for_pattern(None, ox.NamedNode(OWL + "propertyChainAxiom"), None, None):
        items: list[str] = []
        node = quad.object
        while getattr(node, "value", nil) != nil and len(items) < 64:
            items += [str(getattr(q.object, "value", "")) for q in store.quads_for_pattern(node, first, None, quad.graph_name)]  # type: ignore[arg-type]
            nxt = [q.object for q in store.quads_for_pattern(node, rest, None, quad.graph_name)]  # type: ignore[arg-type]
            node = nxt[0] if nxt else ox.NamedNode(nil)
        if len(items) < 2:
            raise UnsupportedAxiom(f"owl:propertyChainAxiom of {quad.subject} is not a list of two or more properties")
        chains.append((str(getattr(quad.subject, "value", "")), items))
    return sorted(chains)


def _refuse_schema_heads(rules: list[_Rule]) -> None:
    """An instance rule that would derive an axiom (e.g. a sub-property of rdfs:subClassOf) is refused."""
    for rule in rules:
        for term in sorted(_AXIOMS | _META):
            if f"<{term}>" in rule.head or f"<{term}>)" in rule.values:
                raise UnsupportedAxiom(
                    f"an axiom makes {rule.name} derive {compact(term)} statements from instance data; "
                    "the compiled rules keep the ontology fixed: build with --reasoner owlrl"
                )


# ----------------------------------------------------------------------------- inconsistencies


def _inconsistencies(store: ox.Store, ill_formed: list[tuple[str, ...]] | None = None) -> list[str]:
    """The false-headed rules: each problem as one sentence (owlrl's wording).

    ``ill_formed``: the rows of ``ill-formed-literals`` when they were read already (the
    literals of a closure are those of the statements it was computed from).
    """
    q = lambda text: _select(store, text)  # noqa: E731
    problems = []
    for a, b, x in _disjoint_common(store):
        problems.append(f"Disjoint classes {a} and {b} have a common individual {x} (cax-dw)")
    for (x,) in q(rule_query("nothing")):
        problems.append(f"{x} is defined of type 'Nothing' (cls-nothing2)")
    for p, x in q(rule_query("irreflexive")):
        problems.append(f"Irreflexive property used on {x} with {p} (prp-irp)")
    for p, x, y in q(rule_query("asymmetric")):
        problems.append(f"Erroneous usage of asymmetric property {p} on {x} and {y} (prp-asyp)")
    for p1, p2, x, y in q(rule_query("disjoint-properties")):
        problems.append(f"Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y} (prp-pdw)")
    for value, datatype in (q(rule_query("ill-formed-literals")) if ill_formed is None else ill_formed):
        problems.append(f"Lexical value of the literal '{value}' does not match its datatype ({datatype}) (dt-not-type)")
    for x, y in q(rule_query("same-and-different")):
        problems.append(f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({x}, {y}) (eq-diff1)")
    return problems


def _disjoint_common(store: ox.Store) -> list[tuple[str, ...]]:
    """cax-dw, cax-adc: each individual of two disjoint classes, as the rows of
    ``disjoint-common-individual.rq``. The individuals of each class are read once and
    intersected in Python (the query read them again for each pair the class is in)."""
    pairs = _select(store, rule_query("disjoint-pairs"))
    if any(blank for _, _, blank in pairs):
        return _select(store, rule_query("disjoint-common-individual"))
    typ = ox.NamedNode(_TYPE)
    members: dict[str, set[str]] = {}
    for c in sorted({c for a, b, _ in pairs for c in (a, b)}):
        members[c] = {q.subject.value for q in store.quads_for_pattern(None, typ, ox.NamedNode(c), None)}  # type: ignore[union-attr]
    return sorted({(a, b, x) for a, b, _ in pairs for x in members[a] & members[b]})


def _refuse_merged_terms(store: ox.Store) -> None:
    """owl:sameAs between classes or properties would change the ontology: refused."""
    rows = _select(store, rule_query("merged-terms"))
    if rows:
        raise UnsupportedAxiom(
            f"owl:sameAs makes the class or property {rows[0][0]} equal to another term (a functional property "
            "with two values?); fix the data, or build with --reasoner owlrl"
        )


# ----------------------------------------------------------------------------- driver


def run_rules(store: ox.Store, *, progress: Callable[[str], None] | None = None) -> Closure:
    """Compute the OWL 2 RL closure of the union of the store's graphs.

    Parameters
    ----------
    store : pyoxigraph.Store
        Its graphs hold the asserted statements (ontology and data). The derived statements
        are added in new graphs, one per round, named in ``Closure.graphs``.
    progress : callable, optional
        Called with a short line after each round.

    Raises
    ------
    UnsupportedAxiom
        An axiom kind that is not implemented is used.
    InconsistencyError
        The data contradicts an axiom (disjoint classes sharing an individual …).

    Examples
    --------
    >>> s = ox.Store()
    >>> s.update('''PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    ... INSERT DATA { GRAPH <http://e/g> { <http://e/LDC> rdfs:subClassOf <http://e/Developing> . <http://e/x> a <http://e/LDC> } }''')
    >>> closure = run_rules(s)
    >>> [str(q.object) for g in closure.graphs for q in s.quads_for_pattern(ox.NamedNode("http://e/x"), None, None, ox.NamedNode(g))]
    ['<http://e/Developing>']
    """
    say = progress or (lambda _line: None)
    check_axioms(store)
    # dt-not-type reads every literal; no rule makes a literal (a derived statement copies its
    # terms from others), so the literals are read now, in the third fewer statements (1M: 1.6M after)
    ill_formed = _select(store, rule_query("ill-formed-literals"))
    rounds = _Rounds(store)
    schema_rounds = _schema_fixpoint(rounds)
    rules = _compile(store)
    compiled = [rule.variants() for rule in rules]
    closure = Closure(updates=[first for first, _ in compiled])
    say(f"schema closed in {schema_rounds} round(s); {len(rules)} instance rules compiled")
    updates = [first for first, _ in compiled]
    n = 0
    while new := rounds.run(updates):
        n += 1
        say(f"round {n}: {new:,} new statements")
        updates = [update for _, delta in compiled for update in delta]
    closure.rounds = n + 1
    closure.derived = rounds.derived
    closure.graphs = rounds.graphs
    _refuse_merged_terms(store)
    problems = _inconsistencies(store, ill_formed)
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        raise InconsistencyError(
            f"the data contradicts the ontology's axioms: {shown}. "
            "Fix the statements named (a disjoint class, a functional property with two values …) and build again"
        )
    log.info("compiled OWL 2 RL rules: %d statements derived in %d rounds", closure.derived, closure.rounds)
    return closure
