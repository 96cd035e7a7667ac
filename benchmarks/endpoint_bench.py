"""``kg serve`` against Oxigraph's own server on the same store, with the same clients.

Run: ``python benchmarks/endpoint_bench.py [--build-dir build] [--clients 8] [--seconds 5]
[--rounds 2]`` after ``kg build`` (needs ``pip install oxigraph`` for the reference
server). Both servers run on free loopback ports; a client process with N threads, each on
its own keep-alive connection, sends a fixed mix of queries for a fixed time, alternating
servers round by round. Reports queries per second, latency percentiles, the CPU time
each server spent per query (Linux, from /proc), and the ratios. Bounded: loopback only,
``rounds × 2 × seconds`` of load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX jsi: <https://w3id.org/jsi-ecom/ontology#> "
)
#: Two workloads: ``lookup`` is one cheap query (the engine's work is tiny, so the cost of
#: HTTP and of the hop to a worker shows); ``mixed`` is what analysts ask: a label look-up
#: with a filter and a sort, a typed scan, a count by class over the whole graph, an ASK.
LOOKUP = [PREFIXES + "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 5"]
MIXED = [
    PREFIXES + "SELECT ?s ?l WHERE { ?s a jsi:Member ; rdfs:label ?l FILTER(LANG(?l) = 'en') } ORDER BY ?l LIMIT 10",
    PREFIXES + "SELECT ?code ?l WHERE { ?s a jsi:Section ; jsi:code ?code ; rdfs:label ?l } ORDER BY ?code",
    PREFIXES + "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 5",
    PREFIXES + "ASK { ?s a jsi:LeastDevelopedMember }",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (Linux /proc; 0 elsewhere)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(p) for p in children]
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0
    return total


WORKLOADS = {"lookup": LOOKUP, "mixed": MIXED}


def _load(host: str, port: int, path: str, clients: int, seconds: float, workload: str) -> dict[str, float]:
    """N client threads, each with a keep-alive connection, for a fixed time."""
    urls = [path + "?" + urllib.parse.urlencode({"query": q}) for q in WORKLOADS[workload]]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine, bad, i = [], 0, k
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            conn.request("GET", urls[i % len(urls)], headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            bad += response.status != 200
            i += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "qps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "queries": len(latencies),
        "errors": errors[0],
    }


def _wait_until_up(port: int, path: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a server stopped at start (exit {process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"no server answered on port {port} within {timeout:g} s")


def _run_client(args: argparse.Namespace) -> None:
    print(json.dumps(_load("127.0.0.1", args.port, args.path, args.clients, args.seconds, args.workload)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument("--timeout", type=float, default=10.0, help="both servers' time limit, seconds")
    parser.add_argument("--workload", choices=[*WORKLOADS, "both"], default="both")
    parser.add_argument("--port-base", type=int, default=0,
                        help="Listen on this loopback port and the next (default: two free ports).")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _run_client(args)
        return
    build_dir = args.build_dir.resolve()
    manifest = build_dir / "CURRENT"
    if not manifest.exists():
        sys.exit(f"no built graph in {build_dir}: run 'kg build' first")
    store = build_dir / json.loads(manifest.read_text())["store"]
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    kg = shutil.which("kg") or str(Path(sys.executable).parent / "kg")
    if not Path(oxigraph).exists():
        sys.exit("the reference server is missing: pip install oxigraph")

    ox_port, kg_port = (args.port_base, args.port_base + 1) if args.port_base else (_free_port(), _free_port())
    servers = {
        "oxigraph serve-read-only": (subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{ox_port}",
             "--union-default-graph", "--timeout-s", str(max(1, round(args.timeout)))], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ), ox_port, "/query"),
        "kg serve": (subprocess.Popen(
            [kg, "serve", "--port", str(kg_port), "--workers", str(args.workers), "--timeout", str(args.timeout)],
            env={**os.environ, "KG_BUILD_DIR": str(build_dir)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ), kg_port, "/sparql"),
    }
    workloads = list(WORKLOADS) if args.workload == "both" else [args.workload]
    results: dict[tuple[str, str], list[dict[str, float]]] = {(w, n): [] for w in workloads for n in servers}
    try:
        for process, port, path in servers.values():
            _wait_until_up(port, path, process)
        for _ in range(args.rounds):
            for workload in workloads:
                for name, (process, port, path) in servers.items():
                    cpu0 = _cpu_seconds(process.pid)
                    done = subprocess.run(
                        [sys.executable, __file__, "--client", "--port", str(port), "--path", path, "--workload", workload,
                         "--clients", str(args.clients), "--seconds", str(args.seconds)],
                        capture_output=True, text=True, check=True, timeout=args.seconds + 120,
                    )
                    result = json.loads(done.stdout)
                    result["cpu_us"] = 1e6 * (_cpu_seconds(process.pid) - cpu0) / max(1, result["queries"])
                    results[workload, name].append(result)
        timed_out = _time_limit_check(kg_port)
    finally:
        for process, _, _ in servers.values():
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()

    def med(key: tuple[str, str], field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    print(f"{args.clients} clients, {args.seconds:g} s × {args.rounds} rounds per server and workload, store {store.name}\n")
    print("| workload | server | queries/s | p50 ms | p95 ms | server CPU µs/query | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key in results:
        errors = int(sum(r["errors"] for r in results[key]))
        print(f"| {key[0]} | {key[1]} | {med(key, 'qps'):,.0f} | {med(key, 'p50_ms'):.2f} | {med(key, 'p95_ms'):.2f} | "
              f"{med(key, 'cpu_us'):,.0f} | {errors} |")
    print()
    for workload in workloads:
        ox_key, kg_key = (workload, "oxigraph serve-read-only"), (workload, "kg serve")
        ratio = med(ox_key, "qps") / med(kg_key, "qps")
        cpu = med(kg_key, "cpu_us") / max(1e-9, med(ox_key, "cpu_us"))
        print(f"{workload}: Oxigraph's server answers {ratio:.2f}× as many queries per second as kg serve "
              f"(goal ≤ 2×); kg serve spends {cpu:.1f}× its server CPU per query.")
    print(f"Time limit kept: a cross product on kg serve --timeout {args.timeout:g} answered {timed_out}.")


def _time_limit_check(port: int) -> str:
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": heavy}))
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    seconds = time.perf_counter() - t0
    reason = re.sub(r"\s+", " ", body).strip()[:80]
    return f"{response.status} after {seconds:.1f} s ({reason})"


if __name__ == "__main__":
    main()
