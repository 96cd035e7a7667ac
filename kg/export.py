"""Export the built graph: Turtle, N-Triples, TriG, N-Quads (W3C RDF 1.1), JSON-LD 1.1, GraphML.

Turtle, N-Triples, JSON-LD and GraphML hold the union of the statements; TriG and N-Quads
keep the citation graphs, so every statement keeps its source.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import iris
from kg.choices import EXPORT_FORMATS
from kg.errors import UsageError
from kg.output import write_text_atomic
from kg.store import Store

__all__ = ["EXPORT_FORMATS", "export_graph"]


_SKOS_PREF_LABEL = iris.PREFIXES["skos"] + "prefLabel"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def export_graph(store: Store, fmt: str, path: Path, *, asserted_only: bool = False) -> int:
    """Write the graph to ``path`` in ``fmt``; return the number of statements written.

    Parameters
    ----------
    store : Store
        The built graph.
    fmt : str
        One of :data:`EXPORT_FORMATS`.
    path : Path
        Output file, written atomically.
    asserted_only : bool
        Leave out what OWL-RL reasoning inferred.
    """
    quads = sorted(store.quads(asserted_only=asserted_only), key=str)
    if fmt in ("trig", "nq"):
        rdf_fmt = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
        data = ox.serialize(quads, format=rdf_fmt, prefixes=iris.PREFIXES if fmt == "trig" else None)
        write_text_atomic(path, (data or b"").decode("utf-8"))
        return len(quads)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    if fmt in ("ttl", "nt"):
        rdf_fmt = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
        data = ox.serialize(triples, format=rdf_fmt, prefixes=iris.PREFIXES if fmt == "ttl" else None)
        write_text_atomic(path, (data or b"").decode("utf-8"))
        return len(triples)
    if fmt == "jsonld":
        import rdflib

        nt = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        graph = rdflib.Graph().parse(data=nt, format="nt")
        for prefix, ns in iris.PREFIXES.items():
            graph.bind(prefix, ns)
        write_text_atomic(path, graph.serialize(format="json-ld", indent=2, sort_keys=True))
        return len(triples)
    if fmt == "graphml":
        return _export_graphml(triples, quads, path)
    raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def _export_graphml(triples: list[ox.Triple], quads: list[ox.Quad], path: Path) -> int:
    """Nodes are IRIs named by their English display label (:mod:`kg.labels`), edges the statements
    between two IRIs (labelled by predicate)."""
    import networkx as nx

    from kg.labels import display_labels

    graph = nx.MultiDiGraph()
    labels = {str(q.subject.value): str(q.object.value) for q in display_labels(quads, ["en"])
              if q.predicate.value == _SKOS_PREF_LABEL and isinstance(q.subject, ox.NamedNode)
              and isinstance(q.object, ox.Literal)}
    edges = 0
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            graph.add_edge(t.subject.value, t.object.value, key=t.predicate.value, predicate=t.predicate.value)
            edges += 1
    for node in graph.nodes:
        graph.nodes[node]["label"] = labels.get(node, node)
    lines = "\n".join(nx.generate_graphml(graph))
    write_text_atomic(path, lines + "\n")
    return edges
