"""Content negotiation of the endpoint: which result formats each query form has.

SPARQL 1.1 Protocol §2.1 (results of SELECT and ASK as SPARQL Results JSON, XML, CSV,
TSV; CONSTRUCT and DESCRIBE as RDF), RFC 9110 §12.5.1 (Accept with q-values, wildcards,
case-insensitive types), parsed by Werkzeug. CSV and TSV have no form for a boolean, so an
ASK asked for only as CSV or TSV gets 406 rather than a bare ``true`` a client would read as
a table.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

__all__ = [
    "check_format",
    "KINDS",
    "MEDIA",
    "SHORT_NAMES",
    "UnknownFormat",
    "negotiate",
    "available",
]

#: The kinds of answer a query gives.
KINDS = ("select", "ask", "graph", "description")

#: Media types a kind can be served as, first the default; each maps to (serializer, format
#: name in pyoxigraph, Content-Type sent). Aliases (application/json …) answer with the
#: type the client asked for.
MEDIA: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "select": {
        "application/sparql-results+json": ("JSON", "application/sparql-results+json"),
        "application/sparql-results+xml": ("XML", "application/sparql-results+xml"),
        "text/csv": ("CSV", "text/csv; charset=utf-8"),
        "text/tab-separated-values": ("TSV", "text/tab-separated-values; charset=utf-8"),
        "application/json": ("JSON", "application/json"),
        "application/xml": ("XML", "application/xml"),
        "text/xml": ("XML", "text/xml; charset=utf-8"),
    },
    "ask": {
        "application/sparql-results+json": ("JSON", "application/sparql-results+json"),
        "application/sparql-results+xml": ("XML", "application/sparql-results+xml"),
        "application/json": ("JSON", "application/json"),
        "application/xml": ("XML", "application/xml"),
        "text/xml": ("XML", "text/xml; charset=utf-8"),
    },
    "graph": {
        "text/turtle": ("TURTLE", "text/turtle; charset=utf-8"),
        "application/n-triples": ("N_TRIPLES", "application/n-triples"),
        "application/rdf+xml": ("RDF_XML", "application/rdf+xml"),
        "application/ld+json": ("JSON_LD", "application/ld+json"),
        "text/n3": ("N3", "text/n3; charset=utf-8"),
        "application/x-turtle": ("TURTLE", "application/x-turtle"),
        "text/plain": ("N_TRIPLES", "text/plain; charset=utf-8"),
    },
}
# The service description is RDF too, and a browser gets the query page instead.
MEDIA = {**MEDIA, "description": {**MEDIA["graph"], "text/html": ("HTML", "text/html; charset=utf-8")}}

#: ``format=``/``output=``/``results=`` short names (as SPARQLWrapper, Fuseki and Virtuoso
#: use them) → the media type they mean for each kind.
SHORT_NAMES: Mapping[str, Mapping[str, str]] = {
    "json": {"select": "application/sparql-results+json", "graph": "application/ld+json"},
    "xml": {"select": "application/sparql-results+xml", "graph": "application/rdf+xml"},
    "csv": {"select": "text/csv"},
    "tsv": {"select": "text/tab-separated-values"},
    "turtle": {"graph": "text/turtle"},
    "ttl": {"graph": "text/turtle"},
    "n3": {"graph": "text/n3"},
    "ntriples": {"graph": "application/n-triples"},
    "nt": {"graph": "application/n-triples"},
    "n-triples": {"graph": "application/n-triples"},
    "rdf": {"graph": "application/rdf+xml"},
    "rdf+xml": {"graph": "application/rdf+xml"},
    "rdfxml": {"graph": "application/rdf+xml"},
    "json-ld": {"graph": "application/ld+json"},
    "jsonld": {"graph": "application/ld+json"},
}


class UnknownFormat(ValueError):
    """A ``format=`` value that is neither a known short name nor a media type."""


def _short_name(name: str, kind: str) -> str | None:
    meanings = SHORT_NAMES[name]
    if kind in meanings:
        return meanings[kind]
    if kind == "ask":
        return meanings.get("select")
    if kind == "description":
        return meanings.get("graph")
    return None


def check_format(value: str | None) -> None:
    """Refuse a ``format=`` value no kind understands (before the query runs).

    Examples
    --------
    >>> check_format("csv"); check_format("text/turtle"); check_format(None)
    >>> check_format("pdf")
    Traceback (most recent call last):
    ...
    kg.endpoint.formats.UnknownFormat: unknown format 'pdf'; use a media type or one of: csv, json, json-ld, ...
    """
    if value is None or "/" in value or value.strip().lower() in SHORT_NAMES:
        return
    names = ", ".join(sorted(SHORT_NAMES))
    raise UnknownFormat(f"unknown format {value!r}; use a media type or one of: {names}")


@functools.lru_cache(maxsize=512)
def negotiate(kind: str, accept: str, fmt: str | None = None) -> tuple[str, str] | None:
    """The (pyoxigraph format name, Content-Type) to answer a query of ``kind`` with.

    ``fmt`` (a ``format=``/``output=`` parameter) decides when given; otherwise the Accept
    header with its q-values and wildcards; no Accept header means the kind's default.
    ``None`` when nothing acceptable exists (HTTP 406).

    Examples
    --------
    >>> negotiate("select", "application/sparql-results+xml;q=0, application/json")
    ('JSON', 'application/json')
    >>> negotiate("select", "TEXT/*")
    ('CSV', 'text/csv; charset=utf-8')
    >>> negotiate("ask", "text/csv") is None
    True
    >>> negotiate("ask", "text/csv, */*;q=0.1")
    ('JSON', 'application/sparql-results+json')
    >>> negotiate("graph", "", "xml")
    ('RDF_XML', 'application/rdf+xml')
    >>> negotiate("ask", "*/*", "csv") is None
    True
    """
    media = MEDIA[kind]
    if fmt:
        wanted = fmt.strip().lower()
        chosen = _short_name(wanted, kind) if wanted in SHORT_NAMES else wanted.split(";")[0].strip()
        return media.get(chosen) if chosen else None
    if not accept.strip():
        return next(iter(media.values()))
    best = parse_accept_header(accept, MIMEAccept).best_match(list(media))
    return None if best is None else media[best]


def available(kind: str) -> str:
    """The media types of one kind, for a 406 message."""
    return ", ".join(MEDIA[kind])
