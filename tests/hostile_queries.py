"""Hostile queries and their harmless look-alikes for the read-only guard (kg.guard): one home
for the lists that tests/test_safety.py checks the guard's verdicts on and that
tests/test_guard_reference.py checks against the guard as first written."""

from __future__ import annotations

__all__ = ["ATTACK", "SERVICE_CALLS", "REFUSED", "ALLOWED"]

#: The attack of issue 9, item 1 (``{port}``: a listener's port, put in by the test).
ATTACK = "PREFIX ev: <http://127.0.0.1:{port}/>\nSELECT * WHERE { FILTER(1<2)SERVICE#>\nev:sparql { ?s ?p ?o } }"

#: The attack and three other disguises of a SERVICE call to ``{port}``.
SERVICE_CALLS = [
    ATTACK,
    "SELECT * WHERE { SERVICESILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "PREFIX ex: <http://e/>\nSELECT * WHERE { ?s ?p ex:a.b.SERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "PREFIX service: <http://127.0.0.1:{port}/>\nSELECT * WHERE { ?s ?p ?o . service:sparql { ?s ?p ?o } }",
]

#: Queries the guard refuses: SERVICE however written, and updates.
REFUSED = [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * where { sErViCe silent <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER(true)SERVICE<http://x/>{} }",
    "SELECT * WHERE { ?s ?p jsi:-SERVICE <http://x/> {} }",
    "SELECT * WHERE { \\u0053ERVICE <http://x/> {} }",
    "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    'SELECT * WHERE { ?s ?p "service }',
    "# İİİİİİİİ\nSELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",  # lower() would shift positions
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
]

#: Queries the guard lets through though they hold the word, with the query form it gives.
ALLOWED = [
    ('SELECT * WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, "financial services")) }', "select"),
    ("SELECT * WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, '''service\n''')) }", "select"),
    ("SELECT ?service WHERE { ?service ?p ?o } # no SERVICE here", "select"),
    ("PREFIX svc: <http://example.org/service/>\nASK { ?s svc:x ?o }", "ask"),
    ("PREFIX ex: <http://e/> CONSTRUCT { ?s ex:service ?o } WHERE { ?s ?p ?o }", "construct"),
    ("BASE <http://e/> DESCRIBE <a>", "describe"),
]
