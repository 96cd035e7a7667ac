"""Views at scale: time and peak memory of ``kg viz`` pages on synthetic graphs (issue 15).

Run: ``python benchmarks/viz_bench.py [--things 20000] [--coalition-members 2000] [--seed 0] [--build-dir DIR]
[--built-only]``.

The synthetic graph is the one of ``benchmarks/coalitions_bench.py`` (members, groups, a
six-section issue scheme, proposals, elements, positions, concerns), in an in-memory Oxigraph
store; ``--things`` sets how many members it has, so that the whole-graph view sees about that
many things. Each step runs in a fresh process, so that its peak memory (``ru_maxrss``: Python,
the libraries and the store included) is its own:

- the layout alone: the dense force-directed solver at its limit (``DENSE_MAX`` nodes) and the
  linear spiral beyond it, on a random graph of three links per node;
- ``kg viz graph`` (read, choose what to draw, lay out, write the HTML) on the synthetic graph;
- ``kg viz coalitions`` (the member graph, Louvain, the page) on a smaller synthetic graph.

The goal: a view of 20,000 things written in ≤ 10 s and ≤ 1 GB. Every time is also given as a
multiple of a reference measured in the same run (sorting a million seeded random floats in
Python): trust the ratios more than the seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _measure import peak_mb  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


_peak_mb = peak_mb  # benchmarks/_measure.py (VmHWM: each step runs in a fresh process)


def _reference() -> tuple[float, float]:
    """Wall-clock and CPU seconds of sorting a million seeded floats."""
    rnd = random.Random(0)
    data = [rnd.random() for _ in range(1_000_000)]
    t0, c0 = time.perf_counter(), time.process_time()
    sorted(data)
    return time.perf_counter() - t0, time.process_time() - c0


def _random_links(n: int, seed: int) -> tuple[list[str], list[tuple[str, str, float]]]:
    rnd = random.Random(seed)
    ids = [f"n{i:06d}" for i in range(n)]
    return ids, [(ids[i], ids[rnd.randrange(n)], 1.0) for i in range(n) for _ in range(3)]


def _child(step: str, size: int, seed: int, build_dir: str = "") -> dict[str, Any]:
    """One measured step, in this (fresh) process."""
    if step == "built":  # kg viz graph on a built store (e.g. a generated project's), as the command opens it
        from kg.project import Project
        from kg.store import open_store
        from kg.viz import draw_view

        store = open_store(Path(build_dir))
        t0, c0 = time.perf_counter(), time.process_time()
        page = draw_view(store, "graph", seed=seed, project=Project(ROOT))
        import hashlib

        digest = hashlib.sha256(page.html.encode("utf-8")).hexdigest()[:12]  # to compare the bytes of two versions
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak_mb": _peak_mb(),
                "note": f"{page.nodes:,} nodes drawn, {page.edges:,} links, {len(page.html) / 1e6:.1f} MB of HTML, "
                        f"sha256 {digest}"}
    if step == "layout":
        from kg.viz.positions import DENSE_MAX, spring_positions

        ids, links = _random_links(size, seed)
        t0, c0 = time.perf_counter(), time.process_time()
        pos = spring_positions(ids, links, seed=seed)
        solver = "dense force-directed" if size <= DENSE_MAX else "spiral"
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak_mb": _peak_mb(),
                "note": f"{len(pos):,} positions, {solver}"}

    from coalitions_bench import synthetic_graph

    from kg.project import Project
    from kg.store import memory_store
    from kg.viz import draw_view

    import pyoxigraph as ox

    quads, _ = synthetic_graph(size, seed)
    ontology = ox.NamedNode("https://w3id.org/jsi-ecom/ontology")
    with (ROOT / "ontology" / "jsi.ttl").open("rb") as f:  # the classes the views colour by
        quads += [ox.Quad(t.subject, t.predicate, t.object, ontology) for t in ox.parse(f, ox.RdfFormat.TURTLE)]
    store = memory_store(quads)
    t0, c0 = time.perf_counter(), time.process_time()
    page = draw_view(store, step, seed=seed, project=Project(ROOT))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "cpu": time.process_time() - c0, "peak_mb": _peak_mb(),
            "note": f"{page.nodes:,} nodes drawn, {page.edges:,} links, {len(page.html) / 1e6:.1f} MB of HTML"}


def _run(step: str, size: int, seed: int, build_dir: str = "") -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", step, str(size), str(seed), build_dir],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": float("nan"), "cpu": float("nan"), "peak_mb": float("nan"), "note": f"FAILED: {last}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--things", type=int, default=20000, help="synthetic members of the graph view (default 20000)")
    parser.add_argument("--coalition-members", type=int, default=2000, help="synthetic members of the coalitions view")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--build-dir", type=Path, action="append", default=[],
                        help="also time kg viz graph on this built store, e.g. a generated project's build/ (repeatable)")
    parser.add_argument("--built-only", action="store_true",
                        help="time only kg viz graph on the --build-dir stores (and the reference), not the synthetic graphs")
    args = parser.parse_args()

    from kg.viz.positions import DENSE_MAX

    ref, ref_cpu = _reference()
    rows = [("reference: sort 1,000,000 floats (Python)", {"seconds": ref, "cpu": ref_cpu, "peak_mb": _peak_mb(), "note": ""})]
    if not args.built_only:
        dense = min(DENSE_MAX, args.things)
        rows.append((f"layout: {dense:,} nodes (the dense solver, at most {DENSE_MAX:,})", _run("layout", dense, args.seed)))
        rows.append((f"layout: {args.things:,} nodes", _run("layout", args.things, args.seed)))
        rows.append((f"kg viz graph: {args.things:,} synthetic members", _run("graph", args.things, args.seed)))
        rows.append((f"kg viz coalitions: {args.coalition_members:,} synthetic members",
                     _run("coalitions", args.coalition_members, args.seed)))
    for built in args.build_dir:
        rows.append((f"kg viz graph: {built}", _run("built", 0, args.seed, str(built.resolve()))))

    print(f"viz benchmark: seed {args.seed}; goal: a view of 20,000 things in ≤ 10 s and ≤ 1 GB")
    print(f"{'step':58} {'seconds':>9} {'× ref':>8} {'CPU s':>7} {'× ref':>7} {'peak MB':>8}  note")
    for name, r in rows:
        print(f"{name:58} {r['seconds']:9.3f} {r['seconds'] / ref:8.1f} {r['cpu']:7.3f} {r['cpu'] / ref_cpu:7.1f} "
              f"{r['peak_mb']:8.0f}  {r['note']}")


if __name__ == "__main__":
    main()
