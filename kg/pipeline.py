"""The stages of a build before the store is written: parse → validate → reason → post-reasoning steps.

Validation and reasoning run on one in-memory Oxigraph store (:func:`kg.validation.working_store`):
the shapes compiled to SPARQL (:mod:`kg.shacl`), the violation queries, then the OWL 2 RL
rules compiled to SPARQL updates (:mod:`kg.rules`). pySHACL and owlrl, the referees, run
instead on request (``validator="pyshacl"``, ``reasoner="owlrl"``); they give the same result.

Each stage reports what it does and how far it is through a :class:`Progress`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import iris
from kg.choices import REASONERS, VALIDATORS  # re-exported: the lists live in kg.choices
from kg.errors import ValidationFailed
from kg.project import Project

if TYPE_CHECKING:
    from kg.incremental import Change, Plan, Recorder

__all__ = ["REASONERS", "VALIDATORS", "POST_REASONING", "Progress", "Staged", "run_stages"]


#: Steps run after reasoning, in order. Each gets the working store (its named graphs: the
#: asserted statements and the inferred graph; query their union) and returns quads to add to
#: the built store (e.g. display labels computed once at build time), or those quads as N-Quads
#: text (bytes; loaded by Oxigraph's parser). A step must be deterministic.
POST_REASONING: list[Callable[[ox.Store], Iterable[ox.Quad] | bytes]] = []


def _display_labels(work: ox.Store) -> bytes:
    """The display label of each thing per language (:mod:`kg.labels`), from every statement built,
    as N-Quads text (:func:`kg.labels.display_labels_nquads`).

    Only the statements of the label properties are read (at 1M statements, reading every
    quad into Python took most of this step's 39 s).
    """
    from kg.labels import _SOURCES, display_labels_nquads

    return display_labels_nquads(q for p in _SOURCES for q in work.quads_for_pattern(None, ox.NamedNode(p), None, None))


POST_REASONING.append(_display_labels)


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
    """What the stages produced: the working store holds exactly the quads to store.

    Its named graphs are the asserted ones (ontology included) and the graph of inferred
    statements (:data:`kg.iris.INFERRED_GRAPH`).
    """

    work: ox.Store
    asserted: int = 0
    inferred: int = 0
    #: For an incremental build: the asserted quads the change removes and adds, and the
    #: inferred statements lost and gained against the previous build.
    change: Change | None = None
    inferred_lost: list[ox.Triple] = field(default_factory=list)
    inferred_gained: list[ox.Triple] = field(default_factory=list)

    def spill(self, path: Path) -> list[ox.Quad]:
        """Write the quads without blank nodes to an N-Quads file and free the working store.

        Returns the quads with blank nodes (a bulk load would rename them; they are few: the
        ontology's lists and restrictions). The store is then bulk-loaded from the file, so the
        working store and Oxigraph's bulk loader are never in memory together. The whole
        store is dumped, then the lines that may hold a blank node (``_:`` anywhere) are moved
        out, a block of 8 MB at a time: most blocks have none and are copied as they are.
        """
        from kg.storewriter import split_lines

        raw = path.with_name(path.name + ".all")
        try:
            self.work.dump(str(raw), ox.RdfFormat.N_QUADS)
            self.work = ox.Store()  # freed before the dump is read back
            _release_freed_memory()
            path.unlink(missing_ok=True)  # split_lines appends
            kept, _ = split_lines(raw, path)
        finally:
            raw.unlink(missing_ok=True)
        return kept


def _release_freed_memory() -> None:
    """Give the memory of the freed working store back to the system before the bulk load.

    glibc keeps freed blocks for reuse: measured at 1M statements, the resident memory of
    the store stage was the old working store's (1.1 GB, freed but kept) plus Oxigraph's
    bulk loader's, 2.09 GB at peak. ``malloc_trim`` returns them (a no-op elsewhere).
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _LazyOrigin:
    """The first data file stating something about each subject, read only when asked for.

    Only error messages need it (which file to fix), so the files are re-read in Python then.
    """

    def __init__(self, project: Project, files: list[Path]) -> None:
        self.project, self.files = project, files
        self.map: dict[str, str] | None = None

    def get(self, key: str, default: str = "") -> str:
        if self.map is None:
            from kg.loading import load_sources

            self.map = load_sources(self.project.ontology_file, self.files, root=self.project.root).origin
        return self.map.get(key, default)


#: Tokens of Turtle/TriG that cannot make a blank node: IRIs, long and short strings, comments.
_INERT = re.compile(
    rb'<[^>\s]*>'
    rb'|"""[\s\S]*?"""'
    rb"|'''[\s\S]*?'''"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|#[^\n]*"
)


def may_have_blank_nodes(data: bytes) -> bool:
    """Whether Turtle/TriG text may hold a blank node (``_:``, ``[ ]`` or a list) outside IRIs, strings and comments.

    Examples
    --------
    >>> may_have_blank_nodes(b'<http://e/a#x> <http://e/p> "a [b] (c) _:d" . # [e]')
    False
    >>> may_have_blank_nodes(b'<http://e/a> <http://e/p> [ <http://e/q> 1 ] .')
    True
    """
    if b"_:" not in data and b"[" not in data and b"(" not in data:
        return False  # none anywhere (three byte searches; the scan below took 0.17 s for 12 MB)
    rest = _INERT.sub(b"", data)
    return b"_:" in rest or b"[" in rest or b"(" in rest


def load_working_store(
    project: Project,
    files: list[Path],
    say: Callable[[str], None] | None = None,
    *,
    keep: Callable[[Path, bytes], None] | None = None,
    listed: dict[Path, list[ox.Quad]] | None = None,
    feed: Callable[[bytes | list[ox.Quad]], None] | None = None,
) -> tuple[ox.Store, int]:
    """Parse the ontology and the data files straight into an in-memory store.

    A file without blank nodes is parsed and loaded by Oxigraph alone; one with blank nodes
    goes through :func:`kg.loading.parse_file`, which names them deterministically (so the
    same sources give the same bytes). Returns the store and its number of quads.

    ``keep`` receives each data file's bytes (the record of an incremental build); the files
    that are keys of ``listed`` are parsed into a list of quads, stored there. ``feed`` gets
    each source as it was loaded (:meth:`kg.storewriter.StoreWriter.feed`): the bytes of a file
    Oxigraph parsed, the quads of one parsed in Python.

    Raises
    ------
    DataError
        A syntax error (file:line:column), or a statement outside any named graph.
    """
    from kg.errors import DataError
    from kg.loading import _display, ontology_files, parse_file

    store = ox.Store()
    onto = ox.NamedNode(iris.ONTOLOGY_GRAPH)
    for path in ontology_files(project.ontology_file):  # the ontology and its owl:imports, read locally
        quads = [ox.Quad(q.subject, q.predicate, q.object, onto) for q in parse_file(path, root=project.root)]
        store.extend(quads)
        if feed is not None:
            feed(quads)
    for index, path in enumerate(files, 1):
        try:
            data = path.read_bytes()
        except OSError:
            parse_file(path, root=project.root)  # raises the DataError naming the file
            raise
        if say is not None and len(data) > 1_000_000:  # a small file takes no time worth saying
            say(f"file {index}/{len(files)}: {_display(path, project.root)} ({len(data) / 1e6:.0f} MB)")
        if keep is not None:
            keep(path, data)
        if listed is not None and path in listed:
            listed[path] = parse_file(path, root=project.root)
            store.extend(listed[path])
        elif may_have_blank_nodes(data):
            parsed = parse_file(path, root=project.root)
            store.extend(parsed)
            if feed is not None:
                feed(parsed)
        else:
            try:
                store.load(data, format=ox.RdfFormat.TRIG)
            except (SyntaxError, MemoryError, ValueError):  # MemoryError: a value over 16 MB
                parse_file(path, root=project.root)  # raises the DataError with line and column
                raise
            if feed is not None:
                feed(data)
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            raise DataError(
                f"statement {quad.subject} {quad.predicate} {quad.object} is outside any "
                "named graph; put it inside the GRAPH block of the citation it comes from",
                _display(path, project.root),
            )
    return store, len(store)


def _derived_graphs_only(quads: list[ox.Quad]) -> None:
    """An incremental build compares the derived graphs whole (:func:`kg.incremental.write_changes`):
    a step writing elsewhere needs a full build."""
    from kg.incremental import FullBuild
    from kg.labels import is_derived_graph

    for quad in quads:
        if not is_derived_graph(getattr(quad.graph_name, "value", "")):
            raise FullBuild(f"a post-reasoning step writes into the graph {quad.graph_name}, not a derived one")


def _parse_previous(plan: Plan, name: str) -> list[ox.Quad]:
    """The quads of the previous version of data file ``name``, parsed as the build parsed it
    (under its own file name: blank nodes are named after it)."""
    import shutil
    import tempfile

    from kg.loading import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / Path(name).name
        shutil.copyfile(plan.old_source(name), copy)
        return parse_file(copy, root=Path(tmp))


def _parse(project: Project, files: list[Path], progress: Progress, plan: Plan | None, recorder: Recorder | None,
           feed: Callable[[bytes | list[ox.Quad]], None] | None = None) -> tuple[ox.Store, int, Change | None]:
    """The parse stage of the default reasoner and validator: all files, or (``plan``) what changed."""
    from kg.incremental import _rel, diff_quads

    say = progress.say if len(files) > 1 else None
    keep = recorder.source if recorder is not None else None
    if plan is None:
        work, asserted = load_working_store(project, files, say, keep=keep, feed=feed)
        return work, asserted, None
    listed: dict[Path, list[ox.Quad]] = {p: [] for p in [*plan.changed, *plan.added]}
    work, asserted = load_working_store(project, files, say, keep=keep, listed=listed)
    old = [q for name in [*plan.removed, *(_rel(project, p) for p in plan.changed)] for q in _parse_previous(plan, name)]
    change = diff_quads(old, [q for quads in listed.values() for q in quads], work)
    progress.say(
        f"re-parsed {len(listed)} of {len(files)} data file(s) ({len(plan.changed)} changed, {len(plan.added)} added; "
        f"{len(plan.removed)} removed); {len(plan.unchanged)} unchanged, loaded as they are"
    )
    progress.say(f"the change removes {len(change.removed):,} and adds {len(change.added):,} statement(s)")
    return work, asserted, change


def run_stages(
    project: Project,
    progress: Progress,
    *,
    reasoner: str = "rules",
    validator: str = "sparql",
    plan: Plan | None = None,
    recorder: Recorder | None = None,
    on_parsed: Callable[[ox.Store], None] | None = None,
    feed: Callable[[bytes | list[ox.Quad]], None] | None = None,
) -> Staged:
    """Parse, validate and reason; return the working store holding the quads to store.

    With ``plan`` (:mod:`kg.incremental`; default reasoner and validator only) only the changed
    files are parsed for their difference and the previous closure is brought up to date;
    ``recorder`` keeps what the next incremental build needs. ``feed`` gets each source as
    it is parsed (a full build with the default reasoner and validator) and ``on_parsed`` the
    working store as parsed, before anything reads it: :class:`kg.storewriter.StoreWriter`
    loads the on-disk store from them while the stages run.

    Raises
    ------
    DataError, ValidationFailed, InconsistencyError, kg.rules.UnsupportedAxiom, kg.shacl.UnsupportedShape,
    kg.incremental.FullBuild
    """
    from kg.loading import load_sources
    from kg.validation import validate_sources, validate_store, working_store

    files = project.data_files()
    loaded = None
    change = None
    with progress.stage("parse", f"the ontology and {len(files)} data file(s)"):
        if reasoner == "rules" and validator == "sparql":
            work, asserted, change = _parse(project, files, progress, plan, recorder, feed if plan is None else None)
        else:
            loaded = load_sources(project.ontology_file, files, root=project.root)
            work, asserted = working_store(loaded), len(loaded.quads)
        progress.say(f"{asserted:,} statements")
        if on_parsed is not None:
            on_parsed(work)
            progress.say("bulk-loading into the new store in the background")

    checks = sorted(project.checks_dir.glob("*-violation.rq"))
    with progress.stage("validate", f"SHACL shapes ({validator}) and {len(checks)} violation queries"):
        if loaded is None:
            violations = validate_store(work, _LazyOrigin(project, files), project.shapes_file, checks)  # type: ignore[arg-type]
        else:
            violations = validate_sources(loaded, project.shapes_file, checks, validator=validator)
        errors = [v for v in violations if v.severity == "Violation"]
        progress.say(f"{len(errors)} violation(s), {len(violations) - len(errors)} warning(s)")
    if errors:
        raise ValidationFailed(
            f"{len(errors)} violation(s) in the data; run 'kg validate' for the table, fix them and build again",
            errors,
        )

    with progress.stage("reason", f"OWL 2 RL closure ({'compiled rules' if reasoner == 'rules' else 'owlrl'})"):
        if plan is not None and change is not None and recorder is not None:
            from kg.incremental import reason

            inferred, lost, gained = reason(work, plan, change, recorder, progress=progress.say)
        elif reasoner == "rules":
            from kg.reasoning import infer_store

            record = recorder.closure if recorder is not None else None
            inferred = infer_store(work, iris.INFERRED_GRAPH, progress=progress.say, record=record)
        else:
            from kg.loading import from_rdflib_term, to_rdflib
            from kg.reasoning import infer

            assert loaded is not None
            graph = ox.NamedNode(iris.INFERRED_GRAPH)
            triples = infer(to_rdflib(loaded.quads))
            work.extend(
                ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), graph)  # type: ignore[arg-type]
                for s, p, o in triples
            )
            inferred = len(triples)
        progress.say(f"{inferred:,} statements entailed")
    staged = Staged(work=work, asserted=asserted, inferred=inferred)
    if change is not None:
        staged.change, staged.inferred_lost, staged.inferred_gained = change, lost, gained
    if POST_REASONING:
        with progress.stage("post-reasoning", f"{len(POST_REASONING)} step(s)"):
            for step in POST_REASONING:
                made = step(work)
                quads = made if isinstance(made, bytes) else list(made)
                if plan is not None:
                    _derived_graphs_only(list(ox.parse(quads, format=ox.RdfFormat.N_QUADS)) if isinstance(quads, bytes) else quads)
                if isinstance(quads, bytes):
                    work.load(quads, format=ox.RdfFormat.N_QUADS)  # derived graphs: counted neither asserted nor inferred
                else:
                    work.extend(quads)
    return staged
