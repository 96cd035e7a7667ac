"""Validate the curated facts: SHACL shapes (W3C SHACL, via pySHACL) and violation queries.

A violation query (``queries/checks/*-violation.rq``, the ODK convention) selects
``?focus`` and ``?message`` (and optionally ``?path``); every row it returns is a problem.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DataError, QueryError
from kg.guard import check_read_only_query
from kg.loading import LoadedSources
from kg.queryfiles import read_rq

__all__ = ["Violation", "run_shacl", "run_checks", "validate_sources"]

log = logging.getLogger(__name__)

_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, order=True)
class Violation:
    """One problem found in the data, with where to look.

    Attributes
    ----------
    file : str
        The data file that first states something about the focus node ("" if unknown).
    focus : str
        The node that violates the constraint.
    path : str
        The property concerned ("" if the whole node).
    message : str
        What is wrong and what to do.
    check : str
        The SHACL shape or violation query that found it.
    severity : str
        ``Violation``, ``Warning`` or ``Info``.
    """

    file: str
    focus: str
    path: str
    message: str
    check: str
    severity: str = "Violation"


def run_shacl(loaded: LoadedSources, shapes_file: Path) -> list[Violation]:
    """Run the SHACL shapes on the asserted statements plus the ontology.

    Parameters
    ----------
    loaded : LoadedSources
        The parsed sources.
    shapes_file : Path
        A Turtle file of SHACL shapes.
    """
    import pyshacl
    import rdflib

    from kg.loading import parse_file, to_rdflib

    shapes = to_rdflib(parse_file(shapes_file))
    data = to_rdflib(loaded.quads)
    try:
        _conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    except Exception as exc:  # pyshacl raises its own errors for broken shapes
        raise DataError(f"SHACL validation could not run: {exc}", str(shapes_file)) from exc
    sh = rdflib.Namespace(_SH)
    found = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = results.value(result, sh.resultSeverity)
        shape = results.value(result, sh.sourceShape)
        focus_s = str(focus) if focus is not None else ""
        found.append(
            Violation(
                file=loaded.origin.get(focus_s, ""),
                focus=focus_s,
                path=str(path) if isinstance(path, rdflib.URIRef) else ("" if path is None else "(path expression)"),
                message=str(message) if message is not None else "constraint not met",
                check=_local(str(shape)) if isinstance(shape, rdflib.URIRef) else "shacl",
                severity=_local(str(severity)) if severity is not None else "Violation",
            )
        )
    return sorted(set(found))


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def run_checks(loaded: LoadedSources, check_files: Sequence[Path]) -> list[Violation]:
    """Run the violation queries on the asserted statements (ontology included).

    Raises
    ------
    QueryError
        When a check query is not valid SPARQL or does not select ``?focus``.
    """
    store = ox.Store()
    store.extend(loaded.quads)
    found = []
    for path in check_files:
        text = read_rq(path, "violation check")
        try:
            check_read_only_query(text)  # a check runs at every build: no SERVICE, no update
        except QueryError as exc:
            raise QueryError(f"{path.name}: {exc}") from exc
        try:
            solutions = store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"{path.name}: invalid SPARQL: {exc}") from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError(f"{path.name}: a violation check must be a select query (rows)")
        names = [v.value for v in solutions.variables]
        if "focus" not in names:
            raise QueryError(f"{path.name}: a violation check must select ?focus (and ?message)")
        for row in solutions:
            focus = _text(row["focus"])
            found.append(
                Violation(
                    file=loaded.origin.get(focus, ""),
                    focus=focus,
                    path=_text(row["path"]) if "path" in names else "",
                    message=_text(row["message"]) if "message" in names else path.stem,
                    check=path.stem,
                )
            )
    return sorted(set(found))


def _text(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def validate_sources(loaded: LoadedSources, shapes_file: Path, check_files: Sequence[Path]) -> list[Violation]:
    """SHACL and the violation checks together, sorted by file, focus and message."""
    found = run_shacl(loaded, shapes_file) + run_checks(loaded, check_files)
    log.info("validation found %d problems", len(found))
    return sorted(set(found))
