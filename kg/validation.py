"""Validate the curated facts: SHACL shapes (W3C SHACL) and violation queries.

The shapes run compiled to SPARQL on Oxigraph (:mod:`kg.shacl`, the default) or through
pySHACL, the referee (``validator="pyshacl"``); both give the same violations.
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
from kg.iris import local_name
from kg.loading import LoadedSources
from kg.queryfiles import read_rq

__all__ = ["Violation", "run_shacl", "run_shacl_sparql", "run_checks", "run_checks_on", "validate_sources", "validate_store", "working_store"]

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
    component : str
        The SHACL constraint component (e.g. ``MinCountConstraintComponent``); "" for a check query.
    """

    file: str
    focus: str
    path: str
    message: str
    check: str
    severity: str = "Violation"
    component: str = ""


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
    # the report's own results (sh:result); the sh:detail results nested under an sh:node
    # failure explain it and are not violations of their own (SHACL 1.0, 5.3.4 / 3.6.2.3)
    for result in results.objects(None, sh.result):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = results.value(result, sh.resultSeverity)
        shape = results.value(result, sh.sourceShape)
        component = results.value(result, sh.sourceConstraintComponent)
        if isinstance(shape, rdflib.BNode):  # a property shape: name its node shape
            shape = next(iter(shapes.subjects(sh.property, shape)), shape)
        focus_s = str(focus) if focus is not None else ""
        found.append(
            Violation(
                file=loaded.origin.get(focus_s, ""),
                focus=focus_s,
                path=str(path) if isinstance(path, rdflib.URIRef) else ("" if path is None else "(path expression)"),
                message=str(message) if message is not None else "constraint not met",
                check=local_name(str(shape)) if isinstance(shape, rdflib.URIRef) else "shacl",
                severity=local_name(str(severity)) if severity is not None else "Violation",
                component=local_name(str(component)) if component is not None else "",
            )
        )
    return sorted(set(found))


def working_store(loaded: LoadedSources) -> ox.Store:
    """An in-memory store of the quads, in their named graphs (queries read their union)."""
    store = ox.Store()
    store.bulk_extend(loaded.quads)
    return store


def run_shacl_sparql(store: ox.Store, origin: dict[str, str], shapes_file: Path) -> list[Violation]:
    """The shapes compiled to SPARQL (:mod:`kg.shacl`), on the union of the store's graphs.

    Gives the same violations as :func:`run_shacl` (pySHACL) on the same statements.
    """
    from kg.shacl import compile_shapes, run_compiled

    found = [
        Violation(
            file=origin.get(focus, ""),
            focus=focus,
            path=c.path,
            message=c.message,
            check=c.shape,
            severity=c.severity,
            component=c.component,
        )
        for focus, c in run_compiled(store, compile_shapes(shapes_file, store))
    ]
    return sorted(set(found))


def run_checks(loaded: LoadedSources, check_files: Sequence[Path]) -> list[Violation]:
    """Run the violation queries on the asserted statements (ontology included).

    Raises
    ------
    QueryError
        When a check query is not valid SPARQL or does not select ``?focus``.
    """
    store = ox.Store()
    store.extend(loaded.quads)
    return run_checks_on(store, loaded.origin, check_files)


def run_checks_on(store: ox.Store, origin: dict[str, str], check_files: Sequence[Path]) -> list[Violation]:
    """:func:`run_checks` on a store already loaded (its named graphs)."""
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
                    file=origin.get(focus, ""),
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


def validate_sources(
    loaded: LoadedSources, shapes_file: Path, check_files: Sequence[Path], *, validator: str = "sparql"
) -> list[Violation]:
    """SHACL and the violation checks together, sorted by file, focus and message.

    ``validator`` is ``"sparql"`` (the shapes compiled to SPARQL on Oxigraph) or ``"pyshacl"``.
    """
    if validator == "sparql":
        return validate_store(working_store(loaded), loaded.origin, shapes_file, check_files)
    found = run_shacl(loaded, shapes_file) + run_checks(loaded, check_files)
    log.info("validation found %d problems", len(found))
    return sorted(set(found))


def validate_store(store: ox.Store, origin: dict[str, str], shapes_file: Path, check_files: Sequence[Path]) -> list[Violation]:
    """The compiled shapes and the violation checks on a :func:`working_store`."""
    found = run_shacl_sparql(store, origin, shapes_file) + run_checks_on(store, origin, check_files)
    log.info("validation found %d problems", len(found))
    return sorted(set(found))
