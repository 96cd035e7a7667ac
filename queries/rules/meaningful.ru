# Keep the entailments a person can use: copy them from the reasoner's working graphs into
# the inferred graph (a SPARQL Update, .ru, run by kg/reasoning.py keep_meaningful; the read-only guard refuses it anywhere else). Which graphs, and
# into which, is data, not text: the plan graph says it (kgr:from each working graph,
# kgr:into the target), written as terms by the caller and removed after.
# The same rule as kg.reasoning.meaningful, which the owlrl referee path applies in Python
# (tests/test_reasoning asserts that both reasoners give the same statements). Dropped:
# literals and blank nodes, statements about RDF/RDFS/OWL/XSD terms, reflexive built-in
# relations (owl:sameAs x x, rdfs:subClassOf c c …), typing as owl:Thing or a built-in class.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX kgr: <urn:x-kg:reasoning:>
INSERT { GRAPH ?into { ?s ?p ?o } }
WHERE {
  GRAPH kgr:plan { kgr:plan kgr:into ?into ; kgr:from ?r }
  GRAPH ?r { ?s ?p ?o }
  FILTER (isIRI(?s) && isIRI(?o)
          && !(sameTerm(?s, ?o) && (STRSTARTS(STR(?p), "http://www.w3.org/1999/02/22-rdf-syntax-ns#") || STRSTARTS(STR(?p), "http://www.w3.org/2000/01/rdf-schema#")
                                    || STRSTARTS(STR(?p), "http://www.w3.org/2002/07/owl#") || STRSTARTS(STR(?p), "http://www.w3.org/2001/XMLSchema#")
                                    || STRSTARTS(STR(?p), "http://www.daml.org/2002/03/agents/agent-ont#")))
          && !(STRSTARTS(STR(?s), "http://www.w3.org/1999/02/22-rdf-syntax-ns#") || STRSTARTS(STR(?s), "http://www.w3.org/2000/01/rdf-schema#")
               || STRSTARTS(STR(?s), "http://www.w3.org/2002/07/owl#") || STRSTARTS(STR(?s), "http://www.w3.org/2001/XMLSchema#")
               || STRSTARTS(STR(?s), "http://www.daml.org/2002/03/agents/agent-ont#"))
          && !(?p = rdf:type && (?o = owl:Thing || STRSTARTS(STR(?o), "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
                                 || STRSTARTS(STR(?o), "http://www.w3.org/2000/01/rdf-schema#") || STRSTARTS(STR(?o), "http://www.w3.org/2002/07/owl#")
                                 || STRSTARTS(STR(?o), "http://www.w3.org/2001/XMLSchema#")
                                 || STRSTARTS(STR(?o), "http://www.daml.org/2002/03/agents/agent-ont#"))))
}
