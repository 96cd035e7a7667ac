"""The stages of a build before the store is written: parse → validate → reason → post-reasoning steps.

Validation and reasoning run on one in-memory Oxigraph store (:func:`kg.validation.working_store`):
the shapes compiled to SPARQL (:mod:`kg.shacl`), the violation queries, then the OWL 2 RL
rules compiled to SPARQL updates (:mod:`kg.rules`). pySHACL and owlrl, the referees, run
instead on request (``validator="pyshacl"``, ``reasoner="owlrl"``); they give the same result.

Each stage reports what it does and how far it is through a :class:`Progress`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import iris
from kg.errors import ValidationFailed
from kg.layout import Layout

__all__ = ["REASONERS", "VALIDATORS", "POST_REASONING", "Progress", "Staged", "run_stages"]

#: The reasoners of ``kg build --reasoner``: the compiled rules (default) and owlrl (the reference).
REASONERS = ("rules", "owlrl")
#: The validators of ``kg build --validator``: the shapes compiled to SPARQL (default) and pySHACL (the referee).
VALIDATORS = ("sparql", "pyshacl")

#: Steps run after reasoning, in order. Each gets the working store (named graphs: the asserted
#: statements; default graph: asserted + entailed) and returns statements to add to the built
#: store (e.g. display labels computed once at build time). A step must be deterministic.
POST_REASONING: list[Callable[[ox.Store], Iterable[ox.Quad]]] = []


class Progress:
    """Numbered stage lines, e.g. ``[2/4] validate: 27 constraints, 9 checks … 0.3 s``.

    Parameters
    ----------
    emit : callable or None
        Receives each line (None: silent).
    total : int
        The number of stages.
    """

    def __init__(self, emit: Callable[[str], None] | None, total: int) -> None:
        self.emit = emit
        self.total = total
        self.done = 0
        self.seconds: dict[str, float] = {}

    def say(self, line: str) -> None:
        """A line inside the current stage (indented)."""
        if self.emit is not None:
            self.emit("      " + line)

    @contextmanager
    def stage(self, name: str, what: str) -> Iterator[None]:
        """Time one stage and announce it before and after."""
        self.done += 1
        if self.emit is not None:
            self.emit(f"[{self.done}/{self.total}] {name}: {what} …")
        start = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start
        if self.emit is not None:
            self.emit(f"[{self.done}/{self.total}] {name}: done in {self.seconds[name]:.1f} s")


@dataclass
class Staged:
    """What the stages produced: the quads to store."""

    asserted: list[ox.Quad]
    inferred: list[ox.Quad] = field(default_factory=list)


def run_stages(layout: Layout, progress: Progress, *, reasoner: str = "rules", validator: str = "sparql") -> Staged:
    """Parse, validate and reason; return the asserted and inferred quads of the built store.

    Raises
    ------
    DataError, ValidationFailed, InconsistencyError, kg.rules.UnsupportedAxiom, kg.shacl.UnsupportedShape
    """
    from kg.loading import load_sources
    from kg.validation import validate_sources, validate_store, working_store

    files = layout.data_files()
    with progress.stage("parse", f"the ontology and {len(files)} data file(s)"):
        loaded = load_sources(layout.ontology_file, files, root=layout.root)
        progress.say(f"{len(loaded.quads):,} statements")

    checks = sorted(layout.checks_dir.glob("*-violation.rq"))
    work: ox.Store | None = None
    with progress.stage("validate", f"SHACL shapes ({validator}) and {len(checks)} violation queries"):
        if validator == "sparql":
            work = working_store(loaded)
            violations = validate_store(work, loaded.origin, layout.shapes_file, checks)
        else:
            violations = validate_sources(loaded, layout.shapes_file, checks, validator="pyshacl")
        errors = [v for v in violations if v.severity == "Violation"]
        progress.say(f"{len(errors)} violation(s), {len(violations) - len(errors)} warning(s)")
    if errors:
        raise ValidationFailed(
            f"{len(errors)} violation(s) in the data; run 'kg validate' for the table, fix them and build again",
            errors,
        )

    inferred_graph = ox.NamedNode(iris.INFERRED_GRAPH)
    with progress.stage("reason", f"OWL 2 RL closure ({'compiled rules' if reasoner == 'rules' else 'owlrl'})"):
        if reasoner == "rules":
            from kg.reasoning import infer_store

            work = work if work is not None else working_store(loaded)
            triples = infer_store(work, progress=progress.say)
            inferred = [ox.Quad(t.subject, t.predicate, t.object, inferred_graph) for t in triples]
        else:
            from kg.loading import from_rdflib_term, to_rdflib
            from kg.reasoning import infer

            inferred = [
                ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), inferred_graph)  # type: ignore[arg-type]
                for s, p, o in sorted(infer(to_rdflib(loaded.quads)))
            ]
            work = None
        progress.say(f"{len(inferred):,} statements entailed")
    staged = Staged(asserted=loaded.quads, inferred=inferred)
    if POST_REASONING:
        with progress.stage("post-reasoning", f"{len(POST_REASONING)} step(s)"):
            if work is None:
                work = working_store(loaded)
                work.extend(ox.Quad(q.subject, q.predicate, q.object) for q in inferred)
            for step in POST_REASONING:
                staged.asserted = staged.asserted + list(step(work))
    return staged
