"""The benchmarks still run (issue 15: a benchmark that no longer runs fails the suite).

Each script of benchmarks/ runs at a tiny size in a fresh process; the figures are not
asserted (they are not tests), but the equality checks the build benchmark prints are.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def _run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_build_bench_and_query_startup_run_at_a_tiny_size(tmp_path: Path) -> None:
    out = _run(str(BENCH / "build_bench.py"), "--sizes", "1500", "--referees-up-to", "1500", "--runs", "1", "--out", str(tmp_path))
    assert "kg build, all stages" in out and "Oxigraph parse + bulk load alone" in out
    assert "same entailments" in out and "same violations" in out
    assert "kg build after one member's class changed" in out and "incremental: 1 of 7 data file(s) re-parsed" in out
    assert "cold kg --help" in out and "cold kg sparql" in out
    real = tmp_path / "real-build"
    _run("-m", "kg", "--build-dir", str(real), "build")
    startup = _run(str(BENCH / "query_startup.py"), "--build-dir", str(real), "--runs", "1")
    assert "kg sparql" in startup


def test_coalitions_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = _run(str(BENCH / "coalitions_bench.py"), "--members", "60", "--build-dir", str(tmp_path / "none"))
    assert "find_coalitions" in out


def test_generate_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    from generate import generate

    a, b = tmp_path / "a", tmp_path / "b"
    assert generate(2000, a, seed=1) == generate(2000, b, seed=1) >= 2000
    for path in sorted((a / "graph_data").glob("*.trig")):
        assert path.read_bytes() == (b / "graph_data" / path.name).read_bytes()


def test_viz_bench_runs_at_a_tiny_size() -> None:
    out = _run(str(BENCH / "viz_bench.py"), "--things", "300", "--coalition-members", "60")
    assert "kg viz graph: 300 synthetic members" in out and "kg viz coalitions" in out
    assert "FAILED" not in out
