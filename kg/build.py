"""The build pipeline: parse → SHACL and checks → OWL-RL closure → on-disk Oxigraph store.

The stages before the store are in :mod:`kg.pipeline` (compiled SHACL and OWL 2 RL rules on
Oxigraph by default; pySHACL and owlrl on request).

Each build goes to a new folder; the ``CURRENT`` file that names it is replaced
atomically only after the store is complete, so a failed or killed build leaves the
previous built graph usable (:mod:`kg.storedir`: the lock, the switch, the leftovers).
Unchanged sources (same fingerprint) over a store that opens and holds what ``CURRENT``
says skip the work; a damaged ``CURRENT`` or store is rebuilt.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING


from kg import __version__
from kg.errors import StoreError
from kg.project import Project
from kg.loading import CATALOG, LoadedSources, fingerprint_files, load_sources, ontology_files
from kg.store import read_manifest
from kg.storedir import _pause, build_lock, is_usable, new_store_name, remove_old_stores, switch_current, write_store
from kg.storewriter import StoreWriter

if TYPE_CHECKING:
    from kg.incremental import Plan
    from kg.pipeline import Staged

__all__ = ["BuildReport", "build_graph", "source_files", "load_project"]

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    skipped : bool
        True when the sources had not changed and nothing was rebuilt.
    store : Path
        The folder of the built store.
    asserted, inferred : int
        Statement counts (the ontology counts as asserted).
    seconds : dict
        Time spent per step, for the log.
    """

    skipped: bool
    store: Path
    fingerprint: str
    asserted: int = 0
    inferred: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: How the graph was built: "incremental (…)" or "full (why)" (:mod:`kg.incremental`).
    mode: str = ""


#: The modules whose code shapes the built graph; a change to them invalidates a build.
_PIPELINE = (
    "loading.py", "validation.py", "shacl.py", "reasoning.py", "rules.py", "pipeline.py", "build.py", "storedir.py", "iris.py",
    "labels.py", "incremental.py", "dred.py", "storewriter.py",
)


def source_files(project: Project) -> list[Path]:
    """Every file a build reads: ontology, shapes, checks and data (sorted), and the pipeline's code."""
    here = Path(__file__).resolve().parent
    return [
        *(here / name for name in _PIPELINE),
        *ontology_files(project.ontology_file),
        *[p for p in (project.ontology_dir / CATALOG,) if p.exists()],
        project.shapes_file,
        *sorted(project.checks_dir.glob("*-violation.rq")),
        *sorted((project.queries_dir / "rules").glob("*.r[qu]")),  # the queries and updates of the compiled rules
        *project.data_files(),
    ]


def load_project(project: Project) -> LoadedSources:
    """Parse the ontology and the data files of a project."""
    return load_sources(project.ontology_file, project.data_files(), root=project.root)


def build_graph(
    project: Project,
    *,
    force: bool = False,
    reasoner: str = "rules",
    validator: str = "sparql",
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the graph of a project into ``project.build_dir``.

    Parameters
    ----------
    project : Project
        Where the sources are and where the store goes.
    force : bool
        Rebuild everything, even when the sources have not changed. Otherwise, when only
        data files changed since a usable previous build, the build is incremental
        (:mod:`kg.incremental`): the same store, less work.
    reasoner, validator : str
        ``"rules"`` or ``"owlrl"``; ``"sparql"`` or ``"pyshacl"`` (see :mod:`kg.pipeline`).
        Asking for a referee (owlrl, pyshacl) rebuilds even when nothing changed.
    progress : callable, optional
        Receives one line per stage and step (what it does, how far it is).

    Raises
    ------
    DataError
        A file cannot be parsed (with file:line:column).
    ValidationFailed
        SHACL or a violation check failed; ``.violations`` lists the problems.
    InconsistencyError
        OWL-RL reasoning found a contradiction.
    StoreError
        The build folder cannot be written, or another build holds the lock.
    """
    force = force or reasoner != "rules" or validator != "sparql"
    build_dir = project.build_dir
    files = source_files(project)
    fingerprint = fingerprint_files(files)
    try:
        current = read_manifest(build_dir)
    except StoreError as exc:
        log.warning("%s; rebuilding", exc)
        current = None
    if not force and current is not None and current.get("fingerprint") == fingerprint and is_usable(build_dir, current):
        log.info("sources unchanged; keeping %s", current["store"])
        _tidy(build_dir, current["store"])
        return BuildReport(
            skipped=True,
            store=build_dir / current["store"],
            fingerprint=fingerprint,
            asserted=current.get("asserted", 0),
            inferred=current.get("inferred", 0),
        )
    from kg import incremental

    with build_lock(build_dir):
        removed = remove_old_stores(build_dir, keep=current["store"] if current else None, leftovers_only=current is None)
        if removed:
            log.info("removed leftovers of earlier builds: %s", ", ".join(removed))
        why = "asked for (--full)" if force else "no previous build"
        plan: incremental.Plan | None = None
        if not force and current is not None:
            found = incremental.plan(project, current["store"]) if is_usable(build_dir, current) else "the previous build is not usable"
            if isinstance(found, str):
                why = found
            else:
                plan = found
        if plan is not None:
            try:
                return _build(project, files, fingerprint, reasoner=reasoner, validator=validator, progress=progress, plan=plan)
            except incremental.FullBuild as exc:
                why = str(exc)
                if progress is not None:
                    progress(f"full build instead: {why}")
        return _build(project, files, fingerprint, reasoner=reasoner, validator=validator, progress=progress, why=why)


def _read_lookups(project: Project, location: Path, staged: Staged) -> list[tuple[Path, list[tuple[str, str, str | None]]]]:
    """The rows of the name index of every lookup query, for the store about to be written at
    ``location``, read from the working store (the same statements, in memory:
    :func:`kg.catalogue.index.read_lookups`); the files are filled after it is freed."""
    from kg.catalogue.index import read_lookups
    from kg.store import Store

    return read_lookups(project, location, Store(staged.work, location="the build's working store"))


def _tidy(build_dir: Path, keep: str) -> None:
    """Remove what killed builds left behind, when no build is running and the folder is writable."""
    try:
        with build_lock(build_dir):
            remove_old_stores(build_dir, keep=keep)
    except StoreError as exc:
        log.info("leftovers not removed: %s", exc)


def _build(
    project: Project,
    files: list[Path],
    fingerprint: str,
    *,
    reasoner: str,
    validator: str,
    progress: Callable[[str], None] | None,
    plan: Plan | None = None,
    why: str = "",
) -> BuildReport:
    """The pipeline itself (:mod:`kg.pipeline`), then the store, with the build lock held."""
    from kg.catalogue.index import fill_indexes
    from kg.incremental import Recorder, write_changes
    from kg.incremental import tidy as tidy_records
    from kg.pipeline import POST_REASONING, Progress, _release_freed_memory, run_stages

    build_dir = project.build_dir
    steps = Progress(progress, total=4 + bool(POST_REASONING))
    if progress is not None:
        progress(f"incremental build over {plan.previous}" if plan is not None else f"full build: {why}")
    recorder = Recorder(project) if reasoner == "rules" and validator == "sparql" else None
    name = new_store_name(fingerprint)
    # A full build loads its asserted statements into the new store while the stages run.
    writer = StoreWriter(build_dir, name) if plan is None else None
    try:
        staged = run_stages(project, steps, reasoner=reasoner, validator=validator, plan=plan, recorder=recorder,
                            on_parsed=writer.start if writer is not None else None, feed=writer.feed if writer is not None else None)
        seconds = steps.seconds
        asserted, inferred = staged.asserted, staged.inferred
        t0 = time.perf_counter()
        steps.done += 1
        if progress is not None:
            what = ("the previous store with the difference" if plan is not None else
                    "the derived graphs, after the asserted statements" if writer is not None else f"writing {asserted + inferred:,} statements")
            progress(f"[{steps.done}/{steps.total}] store: {what} …")
        t1 = time.perf_counter()
        from concurrent.futures import ThreadPoolExecutor

        # the derived graphs are dumped (Oxigraph writes without the GIL) while the lookups are read
        with ThreadPoolExecutor(1, thread_name_prefix="kg-dump") as pool:
            dumped = pool.submit(writer.add_derived, staged.work) if writer is not None else None
            lookups = _read_lookups(project, build_dir / name, staged)
            complete = dumped.result() if dumped is not None else True
        if writer is not None and not complete:
            log.warning("the stages changed the asserted graphs; the store is written from the working store")
            writer.abandon()
            writer = None
        if progress is not None:
            progress(f"      the names of {len(lookups)} lookup queries read, the derived graphs dumped ({time.perf_counter() - t1:.1f} s)")
        if plan is not None and staged.change is not None:
            fill_indexes(lookups)
            statements = write_changes(build_dir, name, plan.previous, staged)
            mode = f"incremental: {len(plan.changed) + len(plan.added)} of {len(plan.hashes)} data file(s) re-parsed, {len(plan.removed)} removed"
        elif writer is not None:
            # the working store is freed before the derived graphs load (and the index files are
            # filled meanwhile): at 1M the working store and the loader together came to 1.99–2.39 GB
            del staged
            _release_freed_memory()
            writer.load_derived()
            t1 = time.perf_counter()
            fill_indexes(lookups)
            if progress is not None:
                progress(f"      {len(lookups)} name indexes of the questions' parameters written ({time.perf_counter() - t1:.1f} s)")
            statements = writer.finish(_pause)
            mode = f"full: {why}"
        else:
            # The working store holds exactly the quads to store: spilled to a file and freed, then
            # bulk-loaded (the few quads with blank nodes are added as they are: a file renames them).
            spilled = build_dir / f".{name}.nq"
            try:
                with_blank_nodes = staged.spill(spilled)
                del staged
                fill_indexes(lookups)
                statements = write_store(build_dir, name, with_blank_nodes, nquads=spilled)
            finally:
                spilled.unlink(missing_ok=True)
            mode = f"full: {why}"
        if recorder is not None:
            recorder.commit(name)
    except BaseException:
        if writer is not None:
            writer.abandon()
        if recorder is not None:
            recorder.discard()
        raise
    manifest = json.dumps(
        {
            "store": name,
            "fingerprint": fingerprint,
            "kg_version": __version__,
            "asserted": asserted,
            "inferred": inferred,
            "statements": statements,
            "files": [p.relative_to(project.root).as_posix() if p.is_relative_to(project.root) else str(p) for p in files],
        },
        indent=2,
        sort_keys=True,
    )
    from kg.catalogue.index import remove_stale_indexes

    switch_current(build_dir, manifest + "\n")
    remove_old_stores(build_dir, keep=name)
    remove_stale_indexes(build_dir, name)
    tidy_records(build_dir, keep=name)
    seconds["store"] = time.perf_counter() - t0
    if progress is not None:
        progress(f"[{steps.done}/{steps.total}] store: done in {seconds['store']:.1f} s")
    log.info("built %s: %d asserted, %d inferred", name, asserted, inferred)
    return BuildReport(
        skipped=False,
        store=build_dir / name,
        fingerprint=fingerprint,
        asserted=asserted,
        inferred=inferred,
        seconds=seconds,
        mode=mode,
    )
