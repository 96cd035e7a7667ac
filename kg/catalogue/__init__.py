"""The query catalogue: the documented SPARQL questions of ``queries/*.rq`` and their parameters.

One module per job: :mod:`~kg.catalogue.headers` reads the grlc-style headers and finds the
files, :mod:`~kg.catalogue.names` resolves what a person typed to an RDF term (from an index
built once per store), :mod:`~kg.catalogue.narrowing` narrows a text search to the things the index finds,
:mod:`~kg.catalogue.running` binds and runs, and
:mod:`~kg.catalogue.readme` writes the catalogue table of the README. Every public name is
importable from ``kg.catalogue``.
"""

from __future__ import annotations

from kg.catalogue.headers import (
    KIND_HELP,
    KINDS,
    CatalogueQuery,
    Column,
    Parameter,
    find_query,
    list_queries,
    parse_header,
    read_query,
    shell_quote,
)
from kg.catalogue.names import normalise, resolve_parameter
from kg.catalogue.narrowing import narrowed_text
from kg.catalogue.readme import README_END, README_START, catalogue_table, readme_block, update_readme
from kg.catalogue.running import bind_parameters, run_catalogue_query, run_query
from kg.choices import LANGS
from kg.store import QueryEngine

__all__ = [
    "KINDS",
    "KIND_HELP",
    "LANGS",
    "Parameter",
    "Column",
    "CatalogueQuery",
    "QueryEngine",
    "parse_header",
    "read_query",
    "list_queries",
    "find_query",
    "shell_quote",
    "normalise",
    "resolve_parameter",
    "bind_parameters",
    "narrowed_text",
    "run_catalogue_query",
    "run_query",
    "catalogue_table",
    "readme_block",
    "update_readme",
    "README_START",
    "README_END",
]
