"""The build pipeline: parse → SHACL and checks → OWL-RL closure → on-disk Oxigraph store.

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
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__, iris
from kg.errors import StoreError, ValidationFailed
from kg.labels import display_labels
from kg.layout import Layout
from kg.output import write_text_atomic
from kg.loading import LoadedSources, fingerprint_files, from_rdflib_term, load_sources
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
_PIPELINE = ("loading.py", "validation.py", "reasoning.py", "build.py", "iris.py", "labels.py")


def source_files(layout: Layout) -> list[Path]:
    """Every file a build reads: ontology, shapes, checks and data (sorted), and the pipeline's code."""
    here = Path(__file__).resolve().parent
    return [
        *(here / name for name in _PIPELINE),
        layout.ontology_file,
        layout.shapes_file,
        *sorted(layout.checks_dir.glob("*-violation.rq")),
        *layout.data_files(),
    ]


def load_layout(layout: Layout) -> LoadedSources:
    """Parse the ontology and the data files of a project."""
    return load_sources(layout.ontology_file, layout.data_files(), root=layout.root)


def build_graph(layout: Layout, *, force: bool = False) -> BuildReport:
    """Build the graph of a project into ``layout.build_dir``.

    Parameters
    ----------
    layout : Layout
        Where the sources are and where the store goes.
    force : bool
        Rebuild even when the sources have not changed.

    Raises
    ------
    DataError
        A file cannot be parsed (with file:line:column).
    ValidationFailed
        SHACL or a violation check failed; ``.violations`` lists the problems.
    InconsistencyError
        OWL-RL reasoning found a contradiction.
    """
    from kg.loading import to_rdflib
    from kg.reasoning import infer
    from kg.validation import validate_sources

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

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    loaded = load_layout(layout)
    seconds["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    checks = sorted(layout.checks_dir.glob("*-violation.rq"))
    violations = validate_sources(loaded, layout.shapes_file, checks)
    errors = [v for v in violations if v.severity == "Violation"]
    seconds["validate"] = time.perf_counter() - t0
    if errors:
        raise ValidationFailed(
            f"{len(errors)} violation(s) in the data; run 'kg validate' for the table, fix them and build again",
            errors,
        )

    t0 = time.perf_counter()
    union = to_rdflib(loaded.quads)
    inferred = infer(union)
    seconds["reason"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    inferred_graph = ox.NamedNode(iris.INFERRED_GRAPH)
    inferred_quads = [
        ox.Quad(from_rdflib_term(s), from_rdflib_term(p), from_rdflib_term(o), inferred_graph)  # type: ignore[arg-type]
        for s, p, o in sorted(inferred)
    ]
    asserted = loaded.quads
    build_dir.mkdir(parents=True, exist_ok=True)
    name = f"store-{fingerprint[:16]}"
    tmp_dir = Path(tempfile.mkdtemp(dir=build_dir, prefix=name + ".", suffix=".tmp"))
    try:
        store = ox.Store(str(tmp_dir))
        store.bulk_extend(asserted + inferred_quads + display_labels(asserted + inferred_quads))  # kg.labels
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
    log.info("built %s: %d asserted, %d inferred", name, len(asserted), len(inferred_quads))
    return BuildReport(
        skipped=False,
        store=build_dir / name,
        fingerprint=fingerprint,
        asserted=len(asserted),
        inferred=len(inferred_quads),
        seconds=seconds,
    )
