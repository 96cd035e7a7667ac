"""How much a cold ``kg`` process costs on top of starting Python with click (and opening the store).

Run: ``python benchmarks/query_startup.py [--build-dir build] [--runs 15]`` after
``kg build``. Two figures against their floors, measured in the same run (issue 11, "a start
that costs nothing"):

- ``kg --help`` against ``python -c "import click"`` (goal ≤ 1.3×);
- ``kg sparql`` against a process that imports click and pyoxigraph, opens the same store
  read-only and runs the same query (goal ≤ 1.25×); ``kg query`` against the same floor
  (``--question NAME`` adds ``kg query NAME`` for any catalogue question).

The cases run interleaved (one of each per round), so a change of the machine's load
weighs on every case alike, after one round that is not counted. They run with Python's
bytecode cache, as an installed ``kg`` does (pip compiles the modules when it installs
them): ``PYTHONDONTWRITEBYTECODE`` is dropped from their environment, so the first round
writes ``__pycache__`` (ignored by git) where it is missing; without a cache every ``kg``
process would compile its modules from source, about 25 ms that the floors never pay. Reports the median wall-clock seconds and the median CPU
seconds (user + system of the process and its children), each with its ratio to the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from _measure import timed  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)

ROOT = Path(__file__).resolve().parent.parent
QUERY = "SELECT ?l WHERE { ?m a jsi:LeastDevelopedMember ; rdfs:label ?l FILTER(LANG(?l)='en') } ORDER BY ?l"
PREFIXES = "PREFIX jsi: <https://w3id.org/jsi-ecom/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


#: The cases' environment: with the bytecode cache (see the module's docstring).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _once(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, children included) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, _ = timed(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--category", default="lack of capacity",
                        help="the concern category kg query resolves by name ('Category 1' on a graph of generate.py)")
    parser.add_argument("--question", action="append", default=[], metavar="NAME",
                        help="also time 'kg query NAME' for this catalogue question (repeatable), e.g. "
                             "agreement-implementation-periods, whose text holds the word 'service' (kg.guard's scan)")
    args = parser.parse_args()
    build_dir = args.build_dir.resolve()
    manifest = build_dir / "CURRENT"
    if not manifest.exists():
        sys.exit(f"no built graph in {build_dir}: run 'kg build' first")
    store = build_dir / json.loads(manifest.read_text())["store"]
    py = sys.executable
    kg_cmd = [py, "-m", "kg", "--build-dir", str(build_dir)]
    floor_query = (f"import click, pyoxigraph; s = pyoxigraph.Store.read_only({str(store)!r}); "
                   f"list(s.query({PREFIXES + QUERY!r}, use_default_graph_as_union=True))")
    # (case, command, its floor); a floor's floor is None
    cases: list[tuple[str, list[str], str | None]] = [
        ("python -c pass", [py, "-c", "pass"], None),
        ('floor A: python -c "import click"', [py, "-c", "import click"], None),
        ("kg --help", [py, "-m", "kg", "--help"], 'floor A: python -c "import click"'),
        ("floor B: click + pyoxigraph + open store + same query", [py, "-c", floor_query], None),
        ("kg sparql (LDC labels)", [*kg_cmd, "sparql", QUERY], "floor B: click + pyoxigraph + open store + same query"),
    ]
    try:
        import kg.catalogue  # noqa: F401

        cases.append(("kg query --list", [*kg_cmd, "query", "--list"], "floor B: click + pyoxigraph + open store + same query"))
        cases.append(("kg query sdt-models-for-concern-category (resolves a name)",
                      [*kg_cmd, "query", "sdt-models-for-concern-category", "-p", f"category={args.category}"],
                      "floor B: click + pyoxigraph + open store + same query"))
    except ImportError:
        pass
    for question in args.question:
        cases.append((f"kg query {question}", [*kg_cmd, "query", question],
                      "floor B: click + pyoxigraph + open store + same query"))
    walls: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _, cmd, _ in cases:  # the round not counted: writes the bytecode cache, warms the file cache
        _once(cmd)
    load_before = os.getloadavg()[0]
    for _ in range(args.runs):
        for name, cmd, _ in cases:
            wall, cpu = _once(cmd)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall = {name: statistics.median(v) for name, v in walls.items()}
    cpu = {name: statistics.median(v) for name, v in cpus.items()}
    print(f"{args.runs} interleaved runs per case; load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'case':60} {'wall s':>7} {'× floor':>8} {'cpu s':>7} {'× floor':>8}")
    for name, _, floor in cases:
        ratio = f"{wall[name] / wall[floor]:8.2f}" if floor else f"{'':8}"
        cpu_ratio = f"{cpu[name] / cpu[floor]:8.2f}" if floor and cpu[floor] else f"{'':8}"
        print(f"{name:60} {wall[name]:7.3f} {ratio} {cpu[name]:7.3f} {cpu_ratio}")


if __name__ == "__main__":
    main()
