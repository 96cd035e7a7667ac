"""The build at scale, each figure beside a reference measured in the same run.

Run: ``python benchmarks/build_bench.py [--sizes 10000,100000,1000000] [--referees-up-to 100000]
[--runs 5] [--out DIR]`` (``pip install -e '.[bench]'`` adds ``reasonable``; without it its
rows are skipped).

For each size, a project in the shapes of graph_data/ (``benchmarks/generate.py``, seeded)
is built by ``kg build`` in a fresh process, which reports time and peak memory (RSS) per
stage. The references, measured in the same run:

- the build against its floor: Oxigraph alone parsing and bulk-loading the same files into
  an on-disk store (no validation, no reasoning);
- the compiled OWL 2 RL rules against owlrl (same entailments checked) and against the
  Rust reasoner ``reasonable`` (which ignores property chains: its chain entailments are counted);
- the shapes compiled to SPARQL against pySHACL (same violations checked);
- cold ``kg --help`` against ``python -c "import click"``, and cold ``kg sparql`` against a
  process that imports click and pyoxigraph, opens the same store read-only and runs the same
  query (on the smallest size's store).

The referees run only up to ``--referees-up-to`` statements (owlrl takes minutes at 100k).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _measure import peak_mb, timed  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

QUERY = "SELECT ?l WHERE { ?m a jsi:LeastDevelopedMember ; rdfs:label ?l FILTER(LANG(?l)='en') } ORDER BY ?l"
PREFIXES = "PREFIX jsi: <https://w3id.org/jsi-ecom/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


_peak_mb = peak_mb  # benchmarks/_measure.py


def child_build(project: Path) -> None:
    """In a fresh process: build the project; print stage seconds and peak memory as JSON."""
    from kg.build import build_graph
    from kg.project import Project

    peaks: dict[str, float] = {}
    cpu: dict[str, float] = {}  # the main thread's CPU seconds per stage: the critical path, whatever the load
    started = [time.thread_time()]
    t0 = time.perf_counter()

    def progress(line: str) -> None:
        # each line on stderr with the wall-clock seconds, the main thread's CPU seconds and the peak so far
        print(f"{time.perf_counter() - t0:7.2f} s {time.thread_time():7.2f} cpu {_peak_mb():6.0f} MB  {line}", file=sys.stderr, flush=True)
        if ": done in" in line:
            stage = line.split("]", 1)[1].split(":", 1)[0].strip()
            peaks[stage] = _peak_mb()
            cpu[stage] = round(time.thread_time() - started[0], 2)
            started[0] = time.thread_time()

    report = build_graph(Project(project), force=True, progress=progress)
    total = time.perf_counter() - t0
    print(json.dumps({"total": total, "seconds": report.seconds, "peaks": peaks, "peak": _peak_mb(),
                      "main_thread_cpu": time.thread_time(), "cpu": cpu, "process_cpu": time.process_time(),
                      "asserted": report.asserted, "inferred": report.inferred}))


def child_incremental(project: Path) -> None:
    """In a fresh process, after a full build: one member's class changes in one file (a
    least-developed member becomes a developing one, so inferences go); build again
    (incremental); print the seconds per stage, the peak memory and what was redone as JSON."""
    from kg.build import build_graph
    from kg.project import Project

    members = project / "graph_data" / "synthetic-members.trig"
    text = members.read_text(encoding="utf-8")
    members.write_text(text.replace("a jsi:LeastDevelopedMember ;", "a jsi:DevelopingMember ;", 1), encoding="utf-8")
    t0 = time.perf_counter()
    report = build_graph(Project(project))
    total = time.perf_counter() - t0
    print(json.dumps({"total": total, "seconds": report.seconds, "peak": _peak_mb(), "mode": report.mode}))


def child_floor(project: Path) -> None:
    """In a fresh process: Oxigraph alone parses and bulk-loads the same files on disk."""
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        t0 = time.perf_counter()
        store = ox.Store(folder)
        store.bulk_load(path=str(project / "ontology" / "jsi.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x:o"))
        for path in sorted((project / "graph_data").glob("*.trig")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
        store.flush()
        store.optimize()
        total = time.perf_counter() - t0
        del store  # closes the database before the folder is removed
        print(json.dumps({"total": total, "peak": _peak_mb()}))


def _child(kind: str, project: Path) -> dict:  # type: ignore[type-arg]
    out = subprocess.run([sys.executable, __file__, f"--child-{kind}", str(project)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"the {kind} process failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


_time = timed  # benchmarks/_measure.py


def referees(project: Path, rows: list[tuple[str, float, str, float, str]], size: str) -> None:
    """The compiled rules and shapes against owlrl, reasonable and pySHACL, in this process."""
    from kg.project import Project
    from kg.loading import load_sources, to_rdflib
    from kg.reasoning import infer, infer_quads
    from kg.validation import run_shacl, run_shacl_sparql, working_store

    home = Project(project)
    loaded = load_sources(home.ontology_file, home.data_files(), root=home.root)
    t_fast, fast = _time(lambda: {(t.subject.value, t.predicate.value, t.object.value) for t in infer_quads(loaded.quads)})  # type: ignore[union-attr]
    t_ref, ref = _time(lambda: {(str(s), str(p), str(o)) for s, p, o in infer(to_rdflib(loaded.quads))})
    same = "same entailments" if fast == ref else f"DIFFERENT: {len(fast - ref)} extra, {len(ref - fast)} missing"
    rows.append((f"{size}: closure, compiled rules ({len(fast):,})", t_fast, "owlrl", t_ref, same))
    try:
        import reasonable
    except ImportError:
        rows.append((f"{size}: closure vs reasonable", float("nan"), "reasonable not installed", float("nan"), "pip install reasonable"))
    else:
        graph = to_rdflib(loaded.quads)

        def run_reasonable() -> list:  # type: ignore[type-arg]
            reasoner = reasonable.PyReasoner()
            reasoner.from_graph(graph)
            return reasoner.reason()  # type: ignore[no-any-return]

        t_rs, triples = _time(run_reasonable)
        chains = sum(1 for t in triples if str(t[1]).endswith("#hasInterestIn"))
        wanted = sum(1 for t in fast if t[1].endswith("#hasInterestIn"))
        rows.append((f"{size}: closure, compiled rules", t_fast, "reasonable (Rust)", t_rs,
                     f"reasonable gives {chains} of {wanted} property-chain entailments"))
    t_fast_v, fast_v = _time(lambda: set(run_shacl_sparql(working_store(loaded), loaded.origin, home.shapes_file)))
    t_ref_v, ref_v = _time(lambda: set(run_shacl(loaded, home.shapes_file)))
    same_v = "same violations" if fast_v == ref_v else "DIFFERENT violations"
    rows.append((f"{size}: SHACL, shapes compiled to SPARQL", t_fast_v, "pySHACL", t_ref_v, same_v))


def cold(build_dir: Path, runs: int, rows: list[tuple[str, float, str, float, str]]) -> None:
    """Cold processes: kg --help and kg sparql against their floors."""
    py = sys.executable
    store = build_dir / json.loads((build_dir / "CURRENT").read_text())["store"]

    def median(cmd: list[str]) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    rows.append(("cold kg --help", median([py, "-m", "kg", "--help"]), 'python -c "import click"',
                 median([py, "-c", "import click"]), "goal ≤ 1.3×"))
    floor = (f"import click, pyoxigraph; s = pyoxigraph.Store.read_only({str(store)!r}); "
             f"list(s.query({PREFIXES + QUERY!r}, use_default_graph_as_union=True))")
    rows.append(("cold kg sparql (LDC labels)", median([py, "-m", "kg", "--build-dir", str(build_dir), "sparql", QUERY]),
                 "click + pyoxigraph + open + same query", median([py, "-c", floor]), "goal ≤ 1.25×"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="statements per generated project, comma-separated")
    parser.add_argument("--referees-up-to", type=int, default=100_000, help="run owlrl, reasonable and pySHACL up to this size")
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold-process figure (median)")
    parser.add_argument("--out", type=Path, help="where the generated projects go (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-incremental", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(args.child_build)
    if args.child_floor:
        return child_floor(args.child_floor)
    if args.child_incremental:
        return child_incremental(args.child_incremental)

    from generate import generate

    out = args.out or Path(tempfile.mkdtemp(prefix="kg-build-bench-"))
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[str, float, str, float, str]] = []
    for n in sizes:
        project = out / f"kg-{n}"
        generate(n, project, seed=args.seed)
        build = _child("build", project)
        floor = _child("floor", project)
        size = f"{build['asserted']:,} asserted"
        for stage, seconds in build["seconds"].items():
            rows.append((f"{size}: build stage {stage} (peak {build['peaks'].get(stage, float('nan')):,.0f} MB)", seconds, "", float("nan"), ""))
        rows.append((f"{size}: kg build, all stages (peak {build['peak']:,.0f} MB; +{build['inferred']:,} inferred)", build["total"],
                     f"Oxigraph parse + bulk load alone (peak {floor['peak']:,.0f} MB)", floor["total"],
                     "goal ≤ 60 s, ≤ 2 GB at 1M; ≤ 3 s on the real graph"))
        again = _child("incremental", project)
        stages = ", ".join(f"{k} {v:.1f}" for k, v in again["seconds"].items())
        rows.append((f"{size}: kg build after one member's class changed (peak {again['peak']:,.0f} MB)", again["total"],
                     "the full build above", build["total"], f"{again['mode']}; {stages}"))
        if n <= args.referees_up_to:
            referees(project, rows, size)
    cold(out / f"kg-{sizes[0]}" / "build", args.runs, rows)

    print(f"build benchmark, sizes {args.sizes}, seed {args.seed}, projects in {out}")
    print(f"{'figure':92} {'s':>8}  {'reference':44} {'s':>8} {'×':>6}  note")
    for name, seconds, ref_name, ref_seconds, note in rows:
        ratio = seconds / ref_seconds if ref_seconds == ref_seconds and ref_seconds > 0 else float("nan")
        print(f"{name:92} {seconds:8.2f}  {ref_name:44} {ref_seconds:8.2f} {ratio:6.2f}  {note}")


if __name__ == "__main__":
    main()
