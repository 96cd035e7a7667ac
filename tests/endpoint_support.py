"""A real ``kg serve`` for the endpoint tests: a subprocess on a loopback port of ``KG_TEST_PORTS`` (tests/ports.py)."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ports import free_port

KG = str(Path(sys.executable).parent / "kg")
_URL = re.compile(r"endpoint on (http://\S+)/sparql")


@dataclass
class Served:
    """A running ``kg serve``: its address, process and what it printed on stderr."""

    process: subprocess.Popen[str]
    host: str
    port: int
    log: list[str] = field(default_factory=list)
    drain: threading.Thread | None = None

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None,
        timeout: float = 60.0,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One HTTP/1.1 request; returns (status, headers, body)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def stop(self) -> str:
        """Stop with SIGTERM (as a service manager would); return everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.drain is not None:
            self.drain.join(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return "".join(self.log)


def start_serve(build_dir: Path, *args: str, cwd: Path | None = None, timeout: float = 60.0) -> Served:
    """Start ``kg serve ARGS`` on the given build folder, on a port of :func:`ports.free_port`
    unless ARGS name one; wait until it listens."""
    env = {**os.environ, "KG_BUILD_DIR": str(build_dir)}
    port = () if "--port" in args else ("--port", str(free_port()))
    process = subprocess.Popen(
        [KG, "serve", *port, *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    log: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.5)
        if ready:
            line = process.stderr.readline()
            if not line:
                break
            log.append(line)
            found = _URL.search(line)
            if found:
                host, _, port = found.group(1)[len("http://"):].rpartition(":")
                drain = threading.Thread(target=_drain, args=(process, log), daemon=True)
                drain.start()
                return Served(process, host.strip("[]"), int(port), log, drain)
        elif process.poll() is not None:
            break
    process.kill()
    process.wait(5)
    rest = process.stderr.read() or ""
    process.stderr.close()
    raise AssertionError("kg serve did not start:\n" + "".join(log) + rest)


def _drain(process: subprocess.Popen[str], log: list[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line)


def make_build_dir(root: Path, graphs: dict[str, Path], name: str = "store-0123456789abcdef") -> Path:
    """A build folder whose CURRENT names a store of the given N-Triples files, each in the
    named graph of its key (as ``kg build`` lays it out; no validation or reasoning)."""
    root.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(root / name))
    for graph, path in graphs.items():
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.flush()
    del store
    (root / "CURRENT").write_text(json.dumps({"store": name}), encoding="utf-8")
    return root
