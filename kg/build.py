"""The build pipeline: parse → SHACL and checks → OWL-RL closure → on-disk Oxigraph store.

The stages before the store are in :mod:`kg.pipeline` (compiled SHACL and OWL 2 RL rules on
Oxigraph by default; pySHACL and owlrl on request).

Each build goes to a new folder; the ``CURRENT`` file that names it is replaced
atomically only after the store is complete, so a failed build leaves the previous built
graph usable. Unchanged sources (same fingerprint) skip the work.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import StoreError
from kg.layout import Layout
from kg.output import write_text_atomic
from kg.loading import CATALOG, LoadedSources, fingerprint_files, load_sources, ontology_files
from kg.store import MANIFEST, read_manifest

__all__ = ["BuildReport", "build_graph", "source_files", "load_layout"]

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


#: The modules whose code shapes the built graph; a change to them invalidates a build.
_PIPELINE = ("loading.py", "validation.py", "shacl.py", "reasoning.py", "rules.py", "pipeline.py", "build.py", "iris.py")


def source_files(layout: Layout) -> list[Path]:
    """Every file a build reads: ontology, shapes, checks and data (sorted), and the pipeline's code."""
    here = Path(__file__).resolve().parent
    return [
        *(here / name for name in _PIPELINE),
        *ontology_files(layout.ontology_file),
        *[p for p in (layout.ontology_dir / CATALOG,) if p.exists()],
        layout.shapes_file,
        *sorted(layout.checks_dir.glob("*-violation.rq")),
        *layout.data_files(),
    ]


def load_layout(layout: Layout) -> LoadedSources:
    """Parse the ontology and the data files of a project."""
    return load_sources(layout.ontology_file, layout.data_files(), root=layout.root)


def build_graph(
    layout: Layout,
    *,
    force: bool = False,
    reasoner: str = "rules",
    validator: str = "sparql",
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the graph of a project into ``layout.build_dir``.

    Parameters
    ----------
    layout : Layout
        Where the sources are and where the store goes.
    force : bool
        Rebuild even when the sources have not changed.
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
    """
    from kg.pipeline import Progress, run_stages

    force = force or reasoner != "rules" or validator != "sparql"
    build_dir = layout.build_dir
    files = source_files(layout)
    fingerprint = fingerprint_files(files)
    current = read_manifest(build_dir)
    if (
        not force
        and current is not None
        and current.get("fingerprint") == fingerprint
        and (build_dir / current["store"]).is_dir()
    ):
        log.info("sources unchanged; keeping %s", current["store"])
        return BuildReport(
            skipped=True,
            store=build_dir / current["store"],
            fingerprint=fingerprint,
            asserted=current.get("asserted", 0),
            inferred=current.get("inferred", 0),
        )

    steps = Progress(progress, total=4)
    staged = run_stages(layout, steps, reasoner=reasoner, validator=validator)
    seconds = steps.seconds
    asserted, inferred_quads = staged.asserted, staged.inferred
    t0 = time.perf_counter()
    steps.done += 1
    if progress is not None:
        progress(f"[{steps.done}/{steps.total}] store: writing {len(asserted) + len(inferred_quads):,} statements …")
    build_dir.mkdir(parents=True, exist_ok=True)
    name = f"store-{fingerprint[:16]}"
    tmp_dir = Path(tempfile.mkdtemp(dir=build_dir, prefix=name + ".", suffix=".tmp"))
    try:
        store = ox.Store(str(tmp_dir))
        store.bulk_extend(asserted + inferred_quads)
        store.flush()
        store.optimize()
        del store  # closes the database before the folder is renamed
        final = build_dir / name
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp_dir, final)
    except OSError as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise StoreError(f"cannot write the built graph in {str(build_dir)!r}: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    manifest = json.dumps(
        {
            "store": name,
            "fingerprint": fingerprint,
            "kg_version": __version__,
            "asserted": len(asserted),
            "inferred": len(inferred_quads),
            "files": [p.relative_to(layout.root).as_posix() if p.is_relative_to(layout.root) else str(p) for p in files],
        },
        indent=2,
        sort_keys=True,
    )
    write_text_atomic(build_dir / MANIFEST, manifest + "\n")
    for old in build_dir.glob("store-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    seconds["store"] = time.perf_counter() - t0
    if progress is not None:
        progress(f"[{steps.done}/{steps.total}] store: done in {seconds['store']:.1f} s")
    log.info("built %s: %d asserted, %d inferred", name, len(asserted), len(inferred_quads))
    return BuildReport(
        skipped=False,
        store=build_dir / name,
        fingerprint=fingerprint,
        asserted=len(asserted),
        inferred=len(inferred_quads),
        seconds=seconds,
    )
