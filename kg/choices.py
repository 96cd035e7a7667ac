"""The closed lists the command line and the library share: languages, formats, views.

Each list is written here once; click options (``click.Choice``) and the code that checks
or dispatches on a value read it from here. This module imports nothing, so the command
line can build its options without loading a library.
"""

from __future__ import annotations

__all__ = ["checked_lang", "LANGS", "TABLE_FORMATS", "EXPORT_FORMATS", "VIEWS", "BACKENDS", "REASONERS", "VALIDATORS"]

#: The languages of labels and pages: the WTO's three working languages (BCP 47 tags).
LANGS = ("en", "fr", "es")



def checked_lang(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGS`; else the one error every command gives.

    Raises
    ------
    kg.errors.ParameterError
        ``unknown language 'de'; use one of en, fr, es``

    Examples
    --------
    >>> checked_lang("fr")
    'fr'
    """
    if lang not in LANGS:
        from kg.errors import ParameterError  # kg.errors imports nothing either

        raise ParameterError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


#: The formats a table (the rows of a SELECT query) can be written in.
TABLE_FORMATS = ("table", "csv", "tsv", "json", "markdown")

#: The formats ``kg export`` writes the whole graph in (RDF serialisations, and GraphML).
EXPORT_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld", "graphml")

#: The views ``kg viz`` draws.
VIEWS = ("coalitions", "issues", "member", "sdt", "graph")

#: The SPARQL engines a query can run on: Oxigraph (the store) and rdflib (its referee).
BACKENDS = ("oxigraph", "rdflib")

#: The reasoners of ``kg build --reasoner``: the compiled rules (default) and owlrl (the reference).
REASONERS = ("rules", "owlrl")

#: The validators of ``kg build --validator``: the shapes compiled to SPARQL (default) and pySHACL (the referee).
VALIDATORS = ("sparql", "pyshacl")
