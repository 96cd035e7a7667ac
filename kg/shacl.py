"""SHACL shapes compiled to SPARQL SELECT queries that run on Oxigraph (W3C SHACL, 2017).

``ontology/shapes.ttl`` stays the source of truth: each constraint of each shape becomes one
query that returns its focus nodes in violation, so validation runs at the store's speed
without copying the graph into rdflib. The core constraint components the shapes use are
implemented (section 4 of the spec: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:minCount``, ``sh:maxCount``, ``sh:pattern``, ``sh:languageIn``, ``sh:uniqueLang``,
``sh:in``, ``sh:hasValue``, ``sh:or``) and SPARQL-based constraints (section 5,
``sh:sparql`` with ``sh:prefixes``). Targets: ``sh:targetClass`` (with ``rdfs:subClassOf*``
in the data graph, as SHACL's "instance of"), ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``. Paths: a property or ``sh:inversePath`` of one. Anything else in
the shapes fails with its name (:class:`UnsupportedShape`). pySHACL stays the referee
(``kg build --validator pyshacl``; the tests compare both).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError
from kg.iris import local_name

__all__ = ["UnsupportedShape", "CompiledConstraint", "compile_shapes", "run_compiled"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Datatypes whose lexical forms Oxigraph checks by casting (ill-formed values violate sh:datatype).
_CASTABLE = {XSD + n for n in ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear", "gYearMonth", "duration")}
#: Shape properties that carry no constraint (or that this module reads itself).
_PASSIVE = {SH + n for n in ("path", "message", "severity", "name", "description", "order", "group", "deactivated", "targetClass",
                             "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "sparql", "prefixes", "declare")}
_PASSIVE |= {RDF + "type", RDFS + "label", RDFS + "comment"}
_NODE_KINDS = {
    "IRI": "isIRI(?v)", "BlankNode": "isBlank(?v)", "Literal": "isLiteral(?v)",
    "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))", "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}


class UnsupportedShape(DataError):
    """The shapes use a SHACL feature this compiler does not implement."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint as a query selecting ``?this`` (the focus nodes in violation).

    Attributes
    ----------
    query : str
        SPARQL SELECT over the data graph (the union of the store's graphs).
    path : str
        The property of a property shape ("" for a node shape; "(path expression)" for an inverse path).
    message, shape, severity, component : str
        What the violation reports: the ``sh:message``, the shape's local name, the
        severity's local name, the constraint component's local name.
    """

    query: str
    path: str
    message: str
    shape: str
    severity: str
    component: str


def _iri(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return str(term)
    raise UnsupportedShape(f"a blank node {term} where SHACL expects an IRI or a literal")


class _Shapes:
    """Read access to the shapes graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def objects(self, node: object, prop: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return sorted((q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(prop), None)), key=str)  # type: ignore[arg-type,misc]

    def one(self, node: object, prop: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        found = self.objects(node, prop)
        return found[0] if found else None

    def items(self, head: object) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        out = []
        while isinstance(head, (ox.NamedNode, ox.BlankNode)) and getattr(head, "value", "") != RDF + "nil":
            out += self.objects(head, RDF + "first")
            head = self.one(head, RDF + "rest")
        return out

    def predicates(self, node: object) -> set[str]:
        return {q.predicate.value for q in self.store.quads_for_pattern(node, None, None)}  # type: ignore[arg-type]


def _path(shapes: _Shapes, shape: object) -> tuple[str, str]:
    """The SPARQL path of a property shape and its display form."""
    path = shapes.one(shape, SH + "path")
    if isinstance(path, ox.NamedNode):
        return f"<{path.value}>", path.value
    if isinstance(path, ox.BlankNode):
        inverse = shapes.one(path, SH + "inversePath")
        if isinstance(inverse, ox.NamedNode) and shapes.predicates(path) == {SH + "inversePath"}:
            return f"^<{inverse.value}>", "(path expression)"
        raise UnsupportedShape(f"the SHACL path of {shape} is not a property or sh:inversePath of one: {sorted(shapes.predicates(path))}")
    raise UnsupportedShape(f"property shape {shape} has no sh:path")


def _subclasses(data: ox.Store, cls: str) -> str:
    """``VALUES ?t {…}``: the class and its rdfs:subClassOf* descendants in the data graph."""
    rows = data.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}", use_default_graph_as_union=True)
    return " ".join(sorted(f"<{row['c'].value}>" for row in rows if isinstance(row["c"], ox.NamedNode)))  # type: ignore[union-attr]


def _targets(shapes: _Shapes, shape: object, data: ox.Store) -> str:
    """A group pattern binding ?this to every focus node of the shape."""
    parts = []
    for cls in shapes.objects(shape, SH + "targetClass"):
        parts.append(f"{{ VALUES ?t {{ {_subclasses(data, cls.value)} }} ?this a ?t }}")
    nodes = shapes.objects(shape, SH + "targetNode")
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {' '.join(_iri(n) for n in nodes)} }} }}")
    for p in shapes.objects(shape, SH + "targetSubjectsOf"):
        parts.append(f"{{ ?this {_iri(p)} ?any }}")
    for p in shapes.objects(shape, SH + "targetObjectsOf"):
        parts.append(f"{{ ?any {_iri(p)} ?this }}")
    if not parts:
        return ""
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _value_test(shapes: _Shapes, shape: object, data: ox.Store, component: str, value: object) -> str:
    """A FILTER expression true when ``?v`` satisfies one value-node component."""
    if component == "class":
        return f"EXISTS {{ VALUES ?vt {{ {_subclasses(data, getattr(value, 'value', ''))} }} ?v a ?vt }}"
    if component == "datatype":
        dt = getattr(value, "value", "")
        test = f"(isLiteral(?v) && DATATYPE(?v) = <{dt}>"
        if dt in _CASTABLE:
            test += f" && COALESCE(isLiteral(<{dt}>(?v)), false)"
        elif dt == RDF + "langString":
            test += ' && LANG(?v) != ""'
        return test + ")"
    if component == "nodeKind":
        return _NODE_KINDS[local_name(getattr(value, "value", ""))]
    if component == "pattern":
        flags = shapes.one(shape, SH + "flags")
        return f"(!isBlank(?v) && REGEX(STR(?v), {_iri(value)}{', ' + _iri(flags) if flags else ''}))"
    if component == "in":
        members = shapes.items(value)
        return "(" + (" || ".join(f"sameTerm(?v, {_iri(m)})" for m in members) or "false") + ")"
    if component == "languageIn":
        tags = shapes.items(value)
        return "(isLiteral(?v) && (" + (" || ".join(f"langMatches(LANG(?v), {_iri(t)})" for t in tags) or "false") + "))"
    raise UnsupportedShape(f"sh:{component} inside {shape}")


#: Value-node components: one violation per value that fails the test.
_VALUE_COMPONENTS = ("class", "datatype", "nodeKind", "pattern", "in", "languageIn")


def _conforms(shapes: _Shapes, member: object, data: ox.Store) -> str:
    """A FILTER expression true when the node ``?v`` conforms to a (small) shape, for sh:or and sh:xone."""
    tests = []
    path = shapes.one(member, SH + "path")
    for prop in sorted(shapes.predicates(member) - _PASSIVE - {SH + "flags"}):
        name = prop.removeprefix(SH)
        value = shapes.one(member, prop)
        if name in _VALUE_COMPONENTS and path is None:
            tests.append(_value_test(shapes, member, data, name, value))
        elif name == "minCount" and path is not None and int(getattr(value, "value", 0)) <= 1:
            sparql_path, _ = _path(shapes, member)
            tests.append(f"EXISTS {{ ?v {sparql_path} ?w }}" if int(getattr(value, "value", 0)) >= 1 else "true")
        elif name == "maxCount" and path is not None and int(getattr(value, "value", -1)) in (0, 1):
            sparql_path, _ = _path(shapes, member)
            tests.append(
                f"NOT EXISTS {{ ?v {sparql_path} ?w }}" if int(getattr(value, "value", 0)) == 0
                else f"NOT EXISTS {{ ?v {sparql_path} ?w1 . ?v {sparql_path} ?w2 FILTER(!sameTerm(?w1, ?w2)) }}"
            )
        elif name in _VALUE_COMPONENTS and path is not None:
            sparql_path, _ = _path(shapes, member)
            each = _value_test(shapes, member, data, name, value).replace("?v", "?w_")
            tests.append(f"NOT EXISTS {{ ?v {sparql_path} ?w_ FILTER(!{each}) }}")
        else:
            raise UnsupportedShape(f"sh:{name} inside a member of sh:or/sh:xone ({member}): not compiled; use --validator pyshacl")
    return "(" + (" && ".join(tests) or "true") + ")"


def _exactly_one(shapes: _Shapes, members: object, data: ox.Store) -> str:
    """sh:xone: a FILTER expression true when exactly one member shape holds for ``?v``."""
    counts = " + ".join(f"IF({_conforms(shapes, m, data)}, 1, 0)" for m in shapes.items(members))
    return f"({counts or '0'}) = 1"


def _shape_name(shapes: _Shapes, shape: object) -> str:
    """The node shape's local name (the parent node shape's, for a blank property shape)."""
    if isinstance(shape, ox.NamedNode):
        return local_name(shape.value)
    parents = [q.subject for q in shapes.store.quads_for_pattern(None, ox.NamedNode(SH + "property"), shape)]  # type: ignore[arg-type]
    if parents and isinstance(parents[0], ox.NamedNode):
        return local_name(parents[0].value)
    return "shacl"


def _severity(shapes: _Shapes, shape: object) -> str:
    severity = shapes.one(shape, SH + "severity")
    return local_name(severity.value) if isinstance(severity, ox.NamedNode) else "Violation"


def _message(shapes: _Shapes, shape: object, component: str) -> str:
    message = shapes.one(shape, SH + "message")
    return message.value if isinstance(message, ox.Literal) else f"sh:{component} not met"


def _property_constraints(shapes: _Shapes, shape: object, targets: str, data: ox.Store, node: object) -> Iterator[CompiledConstraint]:
    path, shown = _path(shapes, shape)
    meta = dict(path=shown, message=_message(shapes, shape, ""), shape=_shape_name(shapes, node), severity=_severity(shapes, shape))
    for prop in sorted(shapes.predicates(shape) - _PASSIVE - {SH + "flags"}):
        name = prop.removeprefix(SH)
        value = shapes.one(shape, prop)
        component = name[0].upper() + name[1:] + "ConstraintComponent"
        if not meta["message"].startswith("sh:"):
            message = meta["message"]
        else:
            message = _message(shapes, shape, name)
        fields = {**meta, "message": message}
        if name in _VALUE_COMPONENTS:
            test = _value_test(shapes, shape, data, name, value)
            query = f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v . FILTER(!{test}) }}"
        elif name == "or":
            alternatives = " || ".join(_conforms(shapes, m, data) for m in shapes.items(value))
            query = f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v . FILTER(!({alternatives or 'false'})) }}"
        elif name == "xone":
            query = f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?v . FILTER(!({_exactly_one(shapes, value, data)})) }}"
        elif name == "minCount":
            n = int(getattr(value, "value", "0"))
            query = (
                f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?v }} }}" if n == 1
                else f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this }} FILTER(?n < {n}) }}"
            )
        elif name == "maxCount":
            n = int(getattr(value, "value", "0"))
            query = f"SELECT ?this WHERE {{ {targets} ?this {path} ?v }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
        elif name == "uniqueLang":
            if getattr(value, "value", "") != "true":
                continue
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} ?a . ?this {path} ?b . "
                'FILTER(?a != ?b && LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b))) }'
            )
        elif name == "hasValue":
            query = f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} {_iri(value)} }} }}"
        elif name == "node":
            for nested in _node_shape_failures(shapes, value, targets, path, data):
                yield CompiledConstraint(query=nested, component=component, **fields)
            continue
        else:
            raise UnsupportedShape(f"sh:{name} in a property shape of {_shape_name(shapes, node)}: not compiled; use --validator pyshacl")
        yield CompiledConstraint(query=query, component=component, **fields)


def _node_shape_failures(shapes: _Shapes, node_shape: object, targets: str, path: str, data: ox.Store) -> Iterator[str]:
    """sh:node: queries selecting each focus node with a value (along ``path``) that does not conform to ``node_shape``.

    The nested shape's own constraints are compiled with the value nodes as their targets; each
    one becomes a sub-select whose ``?this`` is renamed, so its variables stay in its own scope.
    """
    depth = targets.count("?focus_") + 1  # a fresh name per level of nesting
    focus, bad = f"?focus_{depth}", f"?bad_{depth}"
    value_targets = "{ SELECT DISTINCT ?this WHERE { " + targets.replace("?this", focus) + f" {focus} {path} ?this }} }}"
    nested = list(_node_constraints(shapes, node_shape, value_targets, data))
    for prop in shapes.objects(node_shape, SH + "property"):
        if shapes.one(prop, SH + "deactivated") is None:
            nested += _property_constraints(shapes, prop, value_targets, data, node_shape)
    for constraint in nested:
        if constraint.query.lstrip().upper().startswith("PREFIX"):
            raise UnsupportedShape(f"sh:sparql inside the shape {_shape_name(shapes, node_shape)} reached by sh:node: not compiled; use --validator pyshacl")
        inner = constraint.query.replace("?this", bad)
        yield f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {path} {bad} . {{ {inner} }} }}"


def _node_constraints(shapes: _Shapes, shape: object, targets: str, data: ox.Store) -> Iterator[CompiledConstraint]:
    name_of = _shape_name(shapes, shape)
    base = dict(path="", shape=name_of, severity=_severity(shapes, shape))
    for prop in sorted(shapes.predicates(shape) - _PASSIVE - {SH + "flags"}):
        name = prop.removeprefix(SH)
        value = shapes.one(shape, prop)
        if name == "or":
            alternatives = " || ".join(_conforms(shapes, m, data) for m in shapes.items(value))
            query = f"SELECT ?this WHERE {{ {targets} BIND(?this AS ?v) FILTER(!({alternatives or 'false'})) }}"
        elif name == "xone":
            query = f"SELECT ?this WHERE {{ {targets} BIND(?this AS ?v) FILTER(!({_exactly_one(shapes, value, data)})) }}"
        elif name in _VALUE_COMPONENTS:
            test = _value_test(shapes, shape, data, name, value)
            query = f"SELECT ?this WHERE {{ {targets} BIND(?this AS ?v) FILTER(!{test}) }}"
        else:
            raise UnsupportedShape(f"sh:{name} on the node shape {name_of}: not compiled; use --validator pyshacl")
        component = name[0].upper() + name[1:] + "ConstraintComponent"
        yield CompiledConstraint(query=query, message=_message(shapes, shape, name), component=component, **base)
    for constraint in shapes.objects(shape, SH + "sparql"):
        if shapes.one(constraint, SH + "deactivated") is not None:
            continue
        select = shapes.one(constraint, SH + "select")
        if not isinstance(select, ox.Literal):
            raise UnsupportedShape(f"a sh:sparql constraint of {name_of} has no sh:select")
        prefixes = "".join(
            f"PREFIX {shapes.one(d, SH + 'prefix').value}: <{shapes.one(d, SH + 'namespace').value}>\n"  # type: ignore[union-attr]
            for p in shapes.objects(constraint, SH + "prefixes")
            for d in shapes.objects(p, SH + "declare")
        )
        inner = select.value.replace("$this", "?this")
        query = f"{prefixes}SELECT DISTINCT ?this WHERE {{ {targets} {{ {inner} }} }}"
        yield CompiledConstraint(query=query, message=_message(shapes, constraint, "sparql"), component="SPARQLConstraintComponent", **base)


def compile_shapes(shapes_file: Path, data: ox.Store) -> list[CompiledConstraint]:
    """Compile every shape of a Turtle file against the data graph (the union of the store's graphs).

    The data graph is needed for the subclasses of target and ``sh:class`` classes.

    Raises
    ------
    UnsupportedShape
        Naming the SHACL feature not compiled.
    DataError
        The shapes file cannot be parsed.
    """
    from kg.loading import parse_file

    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in parse_file(shapes_file))
    shapes = _Shapes(store)
    compiled: list[CompiledConstraint] = []
    node_shapes = sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SH + "NodeShape"))}, key=str)
    for shape in node_shapes:
        if shapes.one(shape, SH + "deactivated") is not None:
            continue
        targets = _targets(shapes, shape, data)
        if not targets:
            continue
        compiled += _node_constraints(shapes, shape, targets, data)
        for prop in shapes.objects(shape, SH + "property"):
            if shapes.one(prop, SH + "deactivated") is None:
                compiled += _property_constraints(shapes, prop, targets, data, shape)
    return compiled


def run_compiled(data: ox.Store, constraints: list[CompiledConstraint]) -> Iterator[tuple[str, CompiledConstraint]]:
    """Each (focus node, constraint) in violation, in the union of the store's graphs."""
    for constraint in constraints:
        try:
            solutions = data.query(constraint.query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise UnsupportedShape(f"the compiled SPARQL of {constraint.shape} ({constraint.component}) does not parse: {exc}") from exc
        for row in solutions:  # type: ignore[union-attr]
            yield str(getattr(row["this"], "value", row["this"])), constraint
