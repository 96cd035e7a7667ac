"""Write quads as TriG (W3C RDF 1.1 TriG) in one fixed order: same statements, same bytes.

Graphs are sorted by IRI; in each graph the citation (the graph's own IRI) comes first, then
the subjects in IRI order; ``rdf:type`` first among the predicates. Oxigraph's serializer
keeps input order and no prefixes for TriG, so the formatting is done here (a few lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from kg import iris

__all__ = ["PREFIXES", "serialize_trig", "term_text"]

_RDF_TYPE = iris.PREFIXES["rdf"] + "type"

#: The prefixes of a written file: the query prefixes and the instance kinds of graph_data/README.md.
PREFIXES: dict[str, str] = dict(iris.PREFIXES)
for _kind in ("membership", "position", "milestone", "concern-category", "element", "theme"):
    PREFIXES.setdefault(_kind.replace("concern-category", "category"), iris.ID + _kind + "/")

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _iri(value: str) -> str:
    for prefix, namespace in _BY_LENGTH:
        if value.startswith(namespace) and _LOCAL.match(value[len(namespace):]):
            return f"{prefix}:{value[len(namespace):]}"
    return f"<{value}>"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def term_text(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple | ox.DefaultGraph) -> str:
    """A term as written in TriG (prefixed name where possible)."""
    if isinstance(term, ox.NamedNode):
        return "a" if term.value == _RDF_TYPE else _iri(term.value)
    if isinstance(term, ox.Literal):
        text = f'"{_escape(term.value)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value == iris.PREFIXES["xsd"] + "string":
            return text
        return f"{text}^^{_iri(term.datatype.value)}"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"cannot write {term!r} in a data file")


def serialize_trig(quads: Iterable[ox.Quad], header: str = "") -> str:
    """The quads as TriG text, in the fixed order described above.

    A blank node used once as an object in its graph is written inline (``[ p o ]``), so the
    text never depends on the blank nodes' labels.
    """
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise ValueError("every statement must sit in a named citation graph")
        graphs.setdefault(q.graph_name.value, []).append(q)
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    if lines:
        lines.append("")
    lines += [f"@prefix {p + ':':<12}<{PREFIXES[p]}> ." for p in sorted(PREFIXES)]
    for graph in sorted(graphs):
        described: dict[str, dict[str, list[object]]] = {}
        uses: dict[str, int] = {}
        for q in graphs[graph]:
            described.setdefault(_key(q.subject), {}).setdefault(q.predicate.value, []).append(q.object)
            if isinstance(q.object, ox.BlankNode):
                uses[q.object.value] = uses.get(q.object.value, 0) + 1
        inline = {b for b, n in uses.items() if n == 1 and "_:" + b in described}

        def obj(term: object, depth: int = 0, described: dict[str, dict[str, list[object]]] = described,
                inline: set[str] = inline) -> str:
            if isinstance(term, ox.BlankNode) and term.value in inline and depth < 8:
                preds = described["_:" + term.value]
                parts = [f"{term_text(ox.NamedNode(p))} {' , '.join(sorted(obj(o, depth + 1) for o in set(preds[p])))}"
                         for p in sorted(preds, key=lambda p: (p != _RDF_TYPE, _iri(p)))]
                return "[ " + " ; ".join(parts) + " ]"
            return term_text(term)  # type: ignore[arg-type]

        lines += ["", f"{_iri(graph)} {{"]
        subjects = [s for s in described if not (s.startswith("_:") and s[2:] in inline)]
        for i, subject in enumerate(sorted(subjects, key=lambda s: (s != graph, s))):
            preds = described[subject]
            lines.append(("" if i == 0 else "\n") + f"    {subject if subject.startswith('_:') else _iri(subject)}")
            pred_order = sorted(preds, key=lambda p: (p != _RDF_TYPE, _iri(p)))
            for j, pred in enumerate(pred_order):
                objects = " ,\n            ".join(sorted({obj(o) for o in preds[pred]}))
                end = " ." if j == len(pred_order) - 1 else " ;"
                lines.append(f"        {term_text(ox.NamedNode(pred))} {objects}{end}")
        lines.append("}")
    return "\n".join(lines) + "\n"


def _key(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    return "_:" + str(getattr(term, "value", ""))
