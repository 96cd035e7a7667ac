"""How much a query costs on top of starting Python, click and opening the store.

Run: ``python benchmarks/query_startup.py [--build-dir build] [--runs 15]`` after
``kg build``. Reports medians and, the figure to trust, the ratio of ``kg sparql`` and
``kg query`` to a reference process that only imports click and pyoxigraph and opens the
same store read-only, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from _measure import timed  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)

ROOT = Path(__file__).resolve().parent.parent


def _median_seconds(cmd: list[str], runs: int) -> float:
    run = lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: E731
    return float(timed(run, runs)[0])  # benchmarks/_measure.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    build_dir = args.build_dir.resolve()
    manifest = build_dir / "CURRENT"
    if not manifest.exists():
        sys.exit(f"no built graph in {build_dir}: run 'kg build' first")
    store = build_dir / json.loads(manifest.read_text())["store"]
    py = sys.executable
    reference = [py, "-c", f"import click, pyoxigraph; pyoxigraph.Store.read_only({str(store)!r})"]
    bare = [py, "-c", "pass"]
    sparql = [py, "-m", "kg", "--build-dir", str(build_dir), "sparql",
              "SELECT ?l WHERE { ?m a jsi:LeastDevelopedMember ; rdfs:label ?l FILTER(LANG(?l)='en') } ORDER BY ?l"]
    cases = {"python -c pass": bare, "reference (click + pyoxigraph + open store)": reference, "kg sparql (LDC labels)": sparql}
    try:
        import kg.catalogue  # noqa: F401

        cases["kg query --list"] = [py, "-m", "kg", "--build-dir", str(build_dir), "query", "--list"]
        cases["kg query sdt-models-for-concern-category (resolves a name)"] = [
            py, "-m", "kg", "--build-dir", str(build_dir), "query", "sdt-models-for-concern-category",
            "-p", "category=lack of capacity",
        ]
    except ImportError:
        pass
    results = {name: _median_seconds(cmd, args.runs) for name, cmd in cases.items()}
    ref = results["reference (click + pyoxigraph + open store)"]
    print(f"{'case':58} {'median s':>9} {'× reference':>12}")
    for name, seconds in results.items():
        print(f"{name:58} {seconds:9.3f} {seconds / ref:12.2f}")


if __name__ == "__main__":
    main()
