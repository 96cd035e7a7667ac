"""The IRIs the package relies on, as plain strings (no rdflib import).

The query path imports only this module, so that a query costs no more than starting
Python, click and pyoxigraph. ``kg.vocab`` builds the checked rdflib namespace from it.
"""

__all__ = [
    "JSI",
    "ID",
    "ONTOLOGY_IRI",
    "ONTOLOGY_GRAPH",
    "INFERRED_GRAPH",
    "BUILD_GRAPH",
    "LABELS_GRAPH",
    "PREFIXES",
    "compact",
    "local_name",
]

#: Namespace of the ontology's terms.
JSI = "https://w3id.org/jsi-ecom/ontology#"
#: Base of every instance IRI (members, documents, issues …).
ID = "https://w3id.org/jsi-ecom/id/"
#: The ontology itself.
ONTOLOGY_IRI = "https://w3id.org/jsi-ecom/ontology"
#: Named graph holding the ontology's axioms in the built store.
ONTOLOGY_GRAPH = ID + "graph/ontology"
#: Named graph holding the triples that OWL-RL reasoning added.
INFERRED_GRAPH = ID + "graph/inferred"
#: Named graph describing the build (fingerprint, counts).
BUILD_GRAPH = ID + "graph/build"
#: Start of the named graphs of display labels, one per language (``…/labels/fr``; :mod:`kg.labels`).
LABELS_GRAPH = ID + "graph/labels/"

#: Prefixes known to every query (a query may still declare its own).
PREFIXES = {
    "jsi": JSI,
    "id": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "qb": "http://purl.org/linked-data/cube#",
    "time": "http://www.w3.org/2006/time#",
    # Instance kinds (SPARQL local names cannot hold "/": write member:CIV, issue:A.1.2).
    "member": ID + "member/",
    "group": ID + "group/",
    "doc": ID + "doc/",
    "issue": ID + "issue/",
    "element": ID + "element/",
    "provision": ID + "provision/",
    "concern": ID + "concern/",
    "category": ID + "concern-category/",
    "sdt": ID + "sdt/",
    "source": ID + "source/",
    "graph": ID + "graph/",
    "role": ID + "role/",
    "membership": ID + "membership/",
    "period": ID + "period/",
}


def compact(iri: str) -> str:
    """The short form of an IRI that people read and type back: ``prefix:local`` for the
    longest known namespace, the path under :data:`ID` for other instances, else the IRI.

    The one IRI-shortening rule of the package (tables, messages, validation reports,
    coalition explanations); :func:`kg.catalogue.resolve_parameter` accepts every form it gives.

    Examples
    --------
    >>> compact("https://w3id.org/jsi-ecom/id/member/CIV")
    'member:CIV'
    >>> compact("https://w3id.org/jsi-ecom/id/obs/x-2019")
    'obs/x-2019'
    >>> compact("https://w3id.org/jsi-ecom/ontology#Member")
    'jsi:Member'
    >>> compact("http://example.org/x")
    'http://example.org/x'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if prefix != "id" and iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    if iri.startswith(ID):
        return iri[len(ID):]
    return iri


def local_name(iri: str) -> str:
    """The last segment of an IRI (after its last ``#`` or ``/``): a key such as a concept's.

    Examples
    --------
    >>> local_name("https://w3id.org/jsi-ecom/ontology#BestEndeavour")
    'BestEndeavour'
    >>> local_name("https://w3id.org/jsi-ecom/id/issue/A.1.2")
    'A.1.2'
    >>> local_name("http://www.w3.org/ns/shacl#Violation")
    'Violation'
    """
    stripped = iri.rstrip("/#")
    return stripped[max(stripped.rfind("/"), stripped.rfind("#")) + 1:]
