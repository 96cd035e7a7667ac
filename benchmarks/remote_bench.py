"""``kg --store`` on Oxigraph server: the pushed union graph against naming every pushed graph.

Run: ``python benchmarks/remote_bench.py [--build-dir build] [--repeat 3] [--query issue-overview] [--port N]``
after ``kg build`` (needs ``pip install oxigraph`` for the server). It starts an Oxigraph
server on a free loopback port with a fresh folder, runs ``kg push`` (which writes the union
graph), times ``kg stats`` and one catalogue question through ``--store`` as real
subprocesses, then pushes one graph only (which deletes the union, so that ``--store`` names
every pushed graph as the default graph) and times the same commands again. The embedded
store is timed in the same run as the reference. Prints the best and worst of ``--repeat``
runs and the ratios against the embedded store, and the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kg(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def _times(env: dict[str, str], repeat: int, *args: str) -> list[float]:
    return sorted(_kg(env, *args) for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", default="issue-overview", help="a catalogue question (its example parameters)")
    parser.add_argument("--params", nargs="*", default=["issue=D.3"], metavar="NAME=VALUE")
    parser.add_argument("--port", type=int, default=0, help="loopback port of the server (default: a free one)")
    args = parser.parse_args(argv)
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        raise SystemExit("oxigraph is not installed: pip install oxigraph")
    env = {**os.environ, "KG_BUILD_DIR": str(args.build_dir.resolve())}
    env.pop("KG_STORE", None)
    question = ["query", args.query, *[x for p in args.params for x in ("-p", p)]]
    port = args.port or _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([binary, "serve", "--location", folder, "--bind", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            remote = ["--store", base + "/query"]
            rows: list[tuple[str, list[float]]] = []
            rows.append(("embedded: stats", _times(env, args.repeat, "stats")))
            rows.append((f"embedded: {args.query}", _times(env, args.repeat, *question)))
            _kg(env, "push", base + "/store")
            rows.append(("union graph: stats", _times(env, args.repeat, *remote, "stats")))
            rows.append((f"union graph: {args.query}", _times(env, args.repeat, *remote, *question)))
            _kg(env, "push", base + "/store", "--graph", "graph:iisd-2022-table-4")  # deletes the union
            rows.append(("every graph named: stats", _times(env, args.repeat, *remote, "stats")))
            rows.append((f"every graph named: {args.query}", _times(env, args.repeat, *remote, *question)))
        finally:
            server.terminate()
            server.wait(timeout=20)
    reference = {"stats": rows[0][1][0], args.query: rows[1][1][0]}
    print(f"{'what':45s} {'best s':>8s} {'worst s':>8s} {'× embedded':>10s}")
    for name, times in rows:
        ratio = times[0] / reference[name.split(": ", 1)[1]]
        print(f"{name:45s} {times[0]:8.2f} {times[-1]:8.2f} {ratio:10.2f}")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
