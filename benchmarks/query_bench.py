"""Every catalogue question on a large generated store, against the same SPARQL run bare.

Run: ``python benchmarks/query_bench.py --statements 100000 [--seed 0] [--runs 3] [--work DIR]``,
or on a generated project built earlier (no rebuild, e.g. at 1M statements):
``python benchmarks/query_bench.py --project DIR [--build-dir DIR]``.

The store is a graph of ``benchmarks/generate.py`` (the shapes of graph_data/, seeded),
given this clone's queries and built with ``kg build``. With ``--project``, the project's
graph and store are used as they are and this clone's catalogue and lookup queries are run
on it (through a folder of links, so nothing in the project changes but the name index
that ``kg query`` writes beside the store, as it would for anyone). For each catalogue query, each
required parameter gets the candidate of its kind that the most statements point to (the
busiest member, document …), typed as a person would: its English name (``-p NAME=VALUE``
gives one instead, e.g. a small sub-issue, to see whether a question's time follows its
answer rather than the graph). Three timings per
query (medians of ``--runs``):

* ``bare``: the reference, the query's text run in-process by pyoxigraph on the same open
  store with the same terms substituted, every row read (what the SPARQL itself costs; for
  a text search, the text the catalogue sends, narrowed to the things the name index found:
  ``kg/catalogue/narrowing.py``; parameters written in as terms, as the catalogue sends them:
  ``kg/catalogue/inlining.py``);
* ``kg``: the same question through the catalogue in-process (``run_catalogue_query``: the
  name resolved from the store's name index, bound, run, turned into a table), with the
  process's caches emptied before each run so the index is opened from disk as a new
  ``kg query`` process would;
* ``kg query``: the whole command in a new process, as a person runs it.

Each is given in wall-clock seconds and in CPU seconds (user + system, of the same runs; for
``kg query``, of the child process): on a shared machine a process that gives up its core for
an instant (an SQLite read) waits for it again, which adds milliseconds of wall clock to a
millisecond question and nothing to its CPU time.

The goals of issue 15: ``kg`` ≤ 1.5 × ``bare`` in CPU time (or, for a question of a few
milliseconds, within 5 ms of CPU: the ratio of two such numbers measures the fixed cost, which
the table shows in its own columns)
and ``kg query`` ≤ 1 s. ``--quick`` runs a
2,000-statement graph and one run, so that CI notices a benchmark that no longer runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _measure import timed_with_cpu  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _project(statements: int, seed: int, work: Path) -> Path:
    """A generated project with this clone's queries, built."""
    from generate import generate  # benchmarks/generate.py

    home = work / f"kg-{statements}-{seed}"
    if not (home / "build" / "CURRENT").is_file():
        if home.exists():
            shutil.rmtree(home)
        generate(statements, home, seed)
        queries = home / "queries"
        for path in (ROOT / "queries").glob("*.rq"):
            shutil.copyfile(path, queries / path.name)
        for folder in ("lookup", "stats"):
            shutil.copytree(ROOT / "queries" / folder, queries / folder, dirs_exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "build"], env={**os.environ, "KG_HOME": str(home)}, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"built {home} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return home


def _linked(project: Path, build_dir: Path, work: Path) -> tuple[Path, Path]:
    """A project root whose queries are this clone's and whose graph and store are ``project``'s."""
    from kg.store import current_store_path

    current_store_path(build_dir)  # fails with advice when nothing is built there
    home = work / f"linked-{project.resolve().name}"
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    for name in ("graph_data", "ontology"):
        (home / name).symlink_to((project / name).resolve())
    (home / "queries").symlink_to(ROOT / "queries")
    return home, build_dir.resolve()


def _busiest(store: Any) -> dict[str, int]:
    """How many statements point to each IRI (to pick a parameter value with answers)."""
    table = store.select("SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER (isIRI(?o)) } GROUP BY ?o")
    return {r[0].value: int(r[1].value) for r in table.rows if r[0] is not None}


def _values(store: Any, query: Any, project: Any, counts: dict[str, int]) -> dict[str, str]:
    """For each required parameter: the English name of the busiest candidate of its kind."""
    from kg.catalogue import KINDS
    from kg.catalogue.index import name_index

    values: dict[str, str] = {}
    for p in query.parameters:
        if not p.required or p.kind in ("lang", "text"):
            if p.required and p.kind == "text":
                values[p.name] = p.example
            continue
        every = name_index(store, KINDS[p.kind], project, p.kind).everything()
        if not every:
            continue
        iri = max(sorted(every), key=lambda i: counts.get(i, 0))
        names = every[iri]
        english = [n for n, lang in names if lang == "en"]
        values[p.name] = english[0] if english else names[-1][0]
    return values


def _clear_caches() -> None:
    from kg.catalogue import index

    index._MEMORY.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="Where to keep the generated, built project.")
    parser.add_argument("--only", nargs="*", default=None, metavar="QUERY", help="Only these catalogue queries.")
    parser.add_argument("--project", type=Path, default=None,
                        help="A generated project built earlier (its build/ or --build-dir): no generation, no build.")
    parser.add_argument("--build-dir", type=Path, default=None, help="With --project: where its store is (default DIR/build).")
    parser.add_argument("--quick", action="store_true", help="2,000 statements, one run (for CI).")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="A parameter's value instead of the busiest candidate (e.g. issue=D.4.3, to see "
                             "a small answer on a large graph). Repeatable.")
    args = parser.parse_args()
    if args.quick:
        args.statements, args.runs = 2_000, 1
    work = args.work or Path(tempfile.gettempdir()) / "kg-query-bench"
    work.mkdir(parents=True, exist_ok=True)
    build_dir: Path | None = None
    if args.project is not None:
        home, build_dir = _linked(args.project, args.build_dir or args.project / "build", work)
    else:
        home = _project(args.statements, args.seed, work)

    from kg import iris
    from kg.catalogue import bind_parameters, list_queries, narrowed_text, run_catalogue_query
    from kg.catalogue.running import written_in
    from kg.project import Project
    from kg.store import open_store

    project = Project(home, build_override=build_dir)
    store = open_store(project.build_dir)
    bare = store._store  # the pyoxigraph store itself
    counts = _busiest(store)
    size = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0].value  # type: ignore[union-attr]
    env = {**os.environ, "KG_HOME": str(home)}
    if build_dir is not None:
        env["KG_BUILD_DIR"] = str(build_dir)
    print(f"{size} statements (with inferred and display labels), {args.runs} run(s) each\n")
    print("| query | rows | bare s | kg s | kg / bare | bare CPU s | kg CPU s | kg / bare (CPU) | `kg query` s | `kg query` CPU s | goals |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    failures = 0
    for query in list_queries(project):
        if args.only and query.name not in args.only:
            continue
        values = _values(store, query, project, counts)
        values.update((name, value) for name, _, value in (p.partition("=") for p in args.param)
                      if query.parameter(name) is not None)
        bound = bind_parameters(store, query, values, "en", project=project)
        subs = {__import__("pyoxigraph").Variable(k): v for k, v in bound.items()}
        # the SPARQL the catalogue sends: a text search narrowed to what the name index found,
        # the parameters written in as terms where they can be (kg/catalogue/inlining.py)
        sent = narrowed_text(store, query, bound, project)
        written = written_in(query, sent, bound)
        if written is not None:
            sent, subs = written[0], {__import__("pyoxigraph").Variable(k): v for k, v in written[1].items()}

        def run_bare(text: str = sent, subs: dict[Any, Any] = subs) -> int:
            result = bare.query(text, prefixes=iris.PREFIXES, use_default_graph_as_union=True, substitutions=subs or None)
            return sum(1 for _ in result)

        def run_kg(query: Any = query, values: dict[str, str] = values) -> int:
            _clear_caches()
            return len(run_catalogue_query(store, query, values, "en", project=project).rows)

        rows = run_kg()
        t_bare, c_bare = timed_with_cpu(run_bare, args.runs)
        t_kg, c_kg = timed_with_cpu(run_kg, args.runs)
        command = [sys.executable, "-m", "kg", "query", query.name, "-f", "csv", "-o", os.devnull]
        for name, value in values.items():
            command += ["-p", f"{name}={value}"]

        def run_cli(command: list[str] = command) -> None:
            subprocess.run(command, env=env, check=True, capture_output=True)

        t_cli, c_cli = timed_with_cpu(run_cli, args.runs)
        ratio = t_kg / t_bare if t_bare > 0 else float("inf")
        ratio_cpu = c_kg / c_bare if c_bare > 0 else float("inf")
        # the ratio in CPU time, the steadier figure on a loaded machine (the wall-clock one is
        # printed beside it); for a query of a few milliseconds the goal is the absolute cost
        ok = (ratio_cpu <= 1.5 or c_kg - c_bare <= 0.005) and t_cli <= 1.0
        failures += not ok
        print(f"| {query.name} | {rows} | {t_bare:.4f} | {t_kg:.4f} | {ratio:.2f} | {c_bare:.4f} | {c_kg:.4f} | {ratio_cpu:.2f} "
              f"| {t_cli:.2f} | {c_cli:.2f} | {'met' if ok else 'NOT met'} |", flush=True)
    print(f"\n{failures} question(s) miss a goal", file=sys.stderr)


if __name__ == "__main__":
    main()
