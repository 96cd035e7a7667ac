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
    "PREFIXES",
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
