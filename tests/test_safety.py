"""Issue 9, "nothing lost, nothing leaked": each case reproduced for real (subprocesses,
a listener on a loopback port, real signals and files) on a small built fixture project."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile_queries import ALLOWED, ATTACK, REFUSED, SERVICE_CALLS
from ports import free_port

from kg.errors import QueryError
from kg.guard import check_read_only_query

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

def make_project(root: Path) -> Path:
    """A project of the real ontology, queries and checks, with tests/data/minimal.trig."""
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    (root / "graph_data").mkdir(parents=True)
    shutil.copy(DATA / "minimal.trig", root / "graph_data" / "minimal.trig")
    return root


def kg(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 120, **kw: object) -> subprocess.CompletedProcess[str]:
    """Run ``kg`` as a real subprocess on a project."""
    full_env = {**os.environ, "KG_HOME": str(home), **(env or {})}
    full_env.pop("KG_BUILD_DIR", None)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "kg", *args], text=True, env=full_env, timeout=timeout, **kw
    )


@pytest.fixture(scope="module")
def safety_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built fixture project (about 3 s)."""
    root = make_project(tmp_path_factory.mktemp("safety") / "project")
    result = kg("build", home=root)
    assert result.returncode == 0, result.stderr
    return root


class Listener:
    """A TCP listener on a loopback port that counts the connections it receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections = 0
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A listener on a loopback port of ``KG_TEST_PORTS`` (tests/ports.py)."""
    lst = Listener(free_port())
    yield lst
    lst.close()


def test_the_listener_does_see_a_service_call(listener: Listener) -> None:
    """The referee: without the guard, Oxigraph does connect (so the tests below can fail)."""
    import pyoxigraph as ox

    with pytest.raises(OSError):
        list(ox.Store().query(ATTACK.replace("{port}", str(listener.port))))
    time.sleep(0.2)
    assert listener.connections >= 1


def test_kg_sparql_refuses_the_attack_and_connects_nowhere(safety_project: Path, listener: Listener) -> None:
    for call in SERVICE_CALLS:
        query = call.replace("{port}", str(listener.port))
        result = kg("sparql", query, home=safety_project)
        assert result.returncode == 1, (query, result.stdout, result.stderr)
        assert "SERVICE" in result.stderr and "Traceback" not in result.stderr
    time.sleep(0.3)
    assert listener.connections == 0


def test_kg_query_refuses_service_in_a_catalogue_file(safety_project: Path, listener: Listener, tmp_path: Path) -> None:
    home = tmp_path / "crafted"
    shutil.copytree(safety_project, home, symlinks=True)
    (home / "queries" / "zz-crafted.rq").write_text(
        "#+ summary: A crafted question that calls a server.\n"
        "#+ column: s | anything\n"
        "#+ reasoning: no\n" + ATTACK.replace("{port}", str(listener.port)).replace("SELECT *", "SELECT ?s") + "\n",
        encoding="utf-8",
    )
    for backend in ("oxigraph", "rdflib"):
        result = kg("query", "zz-crafted", "--backend", backend, home=home)
        assert result.returncode == 1, result.stderr
        assert "SERVICE" in result.stderr and "Traceback" not in result.stderr
    time.sleep(0.3)
    assert listener.connections == 0


def test_from_is_harmless_on_oxigraph_and_refused_on_rdflib(safety_project: Path, listener: Listener) -> None:
    from kg.rdflib_store import rdflib_store
    from kg.store import open_store

    query = f"SELECT * FROM <http://127.0.0.1:{listener.port}/g> FROM NAMED <http://127.0.0.1:{listener.port}/h> WHERE {{ ?s ?p ?o }}"
    store = open_store(safety_project / "build")
    assert sorted(store.query(query).columns) == ["o", "p", "s"]  # type: ignore[union-attr]  # answered from the store
    with pytest.raises(QueryError, match="FROM"):
        rdflib_store(store).query(query)
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize("query", [*REFUSED, *(call.replace("{port}", "9") for call in SERVICE_CALLS)])
def test_refused(query: str) -> None:
    with pytest.raises(QueryError):
        check_read_only_query(query)


@pytest.mark.parametrize(("query", "form"), ALLOWED)
def test_allowed(query: str, form: str) -> None:
    assert check_read_only_query(query) == form


def test_every_catalogue_query_passes_the_guard() -> None:
    for path in sorted((ROOT / "queries").rglob("*.rq")):
        assert check_read_only_query(path.read_text(encoding="utf-8")) in ("select", "ask", "construct", "describe"), path


# --- item 2: -o writes what it is given, replaces only regular files ----------------------

QUERY = "SELECT ?s WHERE { ?s a jsi:Country } ORDER BY ?s"


def test_output_to_dev_null_keeps_the_device(safety_project: Path) -> None:
    import stat

    before = os.stat("/dev/null")
    result = kg("sparql", QUERY, "-o", "/dev/null", home=safety_project)
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_output_to_dev_stdout_and_dash_print(safety_project: Path) -> None:
    for target in ("/dev/stdout", "-"):
        result = kg("sparql", QUERY, "-o", target, home=safety_project)
        assert result.returncode == 0, result.stderr
        assert "test/AAA" in result.stdout and "test/BBB" in result.stdout


def test_output_to_a_fifo_is_written_in_place(safety_project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = kg("sparql", QUERY, "--format", "csv", "-o", str(fifo), home=safety_project, timeout=60)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert fifo.is_fifo()
    assert received and "test/AAA" in received[0]


def test_output_through_a_symlink_replaces_the_target_not_the_link(safety_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "data" / "answer.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = kg("sparql", QUERY, "--format", "csv", "-o", str(link), home=safety_project)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "test/AAA" in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o640
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_is_one_error_line(safety_project: Path) -> None:
    with open("/dev/full", "w") as full:
        result = kg("sparql", QUERY, home=safety_project, stdout=full)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["Error: cannot write to standard output: No space left on device"]
    result = kg("export", "--format", "nt", "-o", "/dev/full", home=safety_project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error: cannot write '/dev/full'")


# --- item 3: the store's lifecycle -------------------------------------------------------


def _stores(build: Path) -> list[str]:
    return sorted(p.name for p in build.iterdir() if p.name.startswith("store-"))


def _answers(home: Path) -> bool:
    result = kg("sparql", QUERY, "--format", "csv", home=home)
    return result.returncode == 0 and "test/AAA" in result.stdout


def _wait_for(predicate: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture()
def own_project(safety_project: Path, tmp_path: Path) -> Path:
    """A copy of the built fixture project for this test alone (it gets damaged)."""
    root = tmp_path / "own"
    shutil.copytree(safety_project, root)
    (root / "build" / "build.lock").unlink(missing_ok=True)
    return root


def _start_build(home: Path, pause: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KG_HOME": str(home), "KG_TEST_PAUSE": pause}
    env.pop("KG_BUILD_DIR", None)
    return subprocess.Popen([sys.executable, "-m", "kg", "build", "--force"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_9_just_before_the_switch_leaves_the_graph_usable(own_project: Path) -> None:
    build = own_project / "build"
    before = _stores(build)
    proc = _start_build(own_project, "before-switch:60")
    try:
        # the new store is complete (renamed from its .tmp) when the build pauses
        _wait_for(lambda: len([n for n in _stores(build) if not n.endswith(".tmp")]) == len(before) + 1)
        assert _answers(own_project)
        proc.send_signal(9)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert _answers(own_project)
    result = kg("build", "--force", home=own_project)
    assert result.returncode == 0, result.stderr
    assert len(_stores(build)) == 1 and _answers(own_project)


def test_kill_9_while_writing_leaves_an_orphan_that_the_next_build_removes(own_project: Path) -> None:
    build = own_project / "build"
    proc = _start_build(own_project, "writing:60")
    try:
        _wait_for(lambda: any(n.endswith(".tmp") for n in _stores(build)))
        proc.send_signal(9)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert any(n.endswith(".tmp") for n in _stores(build))
    assert _answers(own_project)
    result = kg("build", home=own_project)  # sources unchanged: up to date, and tidied
    assert result.returncode == 0 and "up to date" in result.stderr
    assert not any(n.endswith(".tmp") for n in _stores(build))


def test_the_next_build_removes_quads_a_killed_build_spilled(own_project: Path) -> None:
    """A build killed while its store's quads were spilled to ``build/.store-….nq`` leaves that
    file; the next build removes it (and nothing else of the build folder)."""
    build = own_project / "build"
    assert kg("build", home=own_project).returncode == 0
    spilled = build / ".store-0123456789abcdef-18ecb9bae08728c5.nq"
    spilled.write_text("<urn:s> <urn:p> <urn:o> <urn:g> .\n", encoding="utf-8")
    other = build / ".notes.nq"
    other.write_text("kept", encoding="utf-8")
    result = kg("build", home=own_project)  # sources unchanged: up to date, and tidied
    assert result.returncode == 0 and "up to date" in result.stderr
    assert not spilled.exists() and other.exists() and _answers(own_project)


def test_a_second_build_says_a_build_is_running(own_project: Path) -> None:
    proc = _start_build(own_project, "before-switch:60")
    try:
        lock = own_project / "build" / "build.lock"
        _wait_for(lambda: lock.exists() and lock.read_text().strip() == str(proc.pid))
        result = kg("build", "--force", home=own_project)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"Error: a build is running (pid {proc.pid}) in {str(own_project / 'build')!r}; "
            "wait for it to finish, then run 'kg build' again"
        )
    finally:
        proc.kill()
        proc.wait(timeout=30)
    # the lock of the killed build (its pid still in the file) is taken over
    assert (own_project / "build" / "build.lock").read_text().strip() == str(proc.pid)
    result = kg("build", "--force", home=own_project)
    assert result.returncode == 0, result.stderr
    assert _answers(own_project)


def test_a_build_never_deletes_the_folder_a_reader_holds(own_project: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from kg.store import open_store\n"
         "s = open_store(Path(sys.argv[1])); print(s.location, flush=True); sys.stdin.readline()\n"
         "print(len(s.select('SELECT ?s WHERE { ?s a <https://w3id.org/jsi-ecom/ontology#Country> }').rows), flush=True)",
         str(own_project / "build")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        held = Path(reader.stdout.readline().strip())  # type: ignore[union-attr]
        for _ in range(2):
            assert kg("build", "--force", home=own_project).returncode == 0
        assert held.is_dir() and len(_stores(own_project / "build")) == 2
        out, _ = reader.communicate("go\n", timeout=30)
        assert out.strip() == "2"
    finally:
        reader.kill()
        reader.communicate()
    assert kg("build", "--force", home=own_project).returncode == 0
    assert not held.exists() and len(_stores(own_project / "build")) == 1


def test_a_damaged_current_is_one_line_and_kg_build_repairs_it(own_project: Path) -> None:
    current = own_project / "build" / "CURRENT"
    for content in ("{}", '{"store": 5}', "garbage", '{"store": "../../etc"}', "[1]", "\udcff", '{"store": "store-0123456789abcdef", "asserted": "x"}'):
        current.write_bytes(content.encode("utf-8", "surrogateescape"))
        result = kg("sparql", QUERY, home=own_project)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "is damaged" in lines[0] and "run 'kg build' to repair it" in lines[0], (content, lines)
    result = kg("build", home=own_project)
    assert result.returncode == 0 and "up to date" not in result.stderr, result.stderr
    assert _answers(own_project)


def test_a_truncated_store_is_one_line_and_kg_build_repairs_it(own_project: Path) -> None:
    (store,) = [p for p in (own_project / "build").iterdir() if p.name.startswith("store-")]
    for sst in store.glob("*.sst"):
        with open(sst, "r+b") as fh:
            fh.truncate(100)
    for command in (("sparql", QUERY), ("stats",), ("query", "find-entity", "-p", "text=land")):
        result = kg(*command, home=own_project)
        assert result.returncode == 1, command
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "damaged" in lines[0] and "kg build" in lines[0], lines
    result = kg("build", home=own_project)
    assert result.returncode == 0 and "up to date" not in result.stderr, result.stderr
    assert _answers(own_project)


def test_current_naming_a_folder_that_is_gone(own_project: Path) -> None:
    (store,) = [p for p in (own_project / "build").iterdir() if p.name.startswith("store-")]
    shutil.rmtree(store)
    result = kg("sparql", QUERY, home=own_project)
    assert result.returncode == 1 and "is gone; run 'kg build' to repair it" in result.stderr
    assert kg("build", home=own_project).returncode == 0 and _answers(own_project)


def _read_only(folder: Path, *command: str) -> subprocess.CompletedProcess[str] | None:
    """Run a command with ``folder`` mounted read-only in a private mount namespace."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return None
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    env = {**os.environ, "KG_HOME": str(folder.parent)}
    env.pop("KG_BUILD_DIR", None)
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), sys.executable, "-m", "kg", *command],
                            capture_output=True, text=True, env=env, timeout=120)
    if "mount" in result.stderr and "kg" not in result.stderr:
        return None
    return result


def test_a_read_only_build_folder_is_one_line(own_project: Path) -> None:
    build = own_project / "build"
    result = _read_only(build, "build")
    if result is None:
        pytest.skip("needs root and unshare to mount a folder read-only")
    assert result.returncode == 0 and "up to date" in result.stderr  # nothing to write
    result = _read_only(build, "build", "--force")
    assert result is not None and result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: cannot write in the build folder {str(build)!r} (Read-only file system); "
        "make it writable, or choose another with --build-dir or KG_BUILD_DIR"
    )
    assert _answers(own_project)


# --- item 4: kg sparql's limits ----------------------------------------------------------

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_cross_product_is_stopped_at_the_time_limit(safety_project: Path) -> None:
    started = time.monotonic()
    result = kg("sparql", CROSS, "--timeout", "2", home=safety_project, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: the query ran longer than 2 s and was stopped; narrow it (LIMIT, more specific patterns) "
        "or allow more time with --timeout"
    )
    assert elapsed < 15  # stopped, not run to the end (4.7e12 rows)


def test_a_query_is_stopped_at_the_time_limit_while_its_rows_are_read(safety_project: Path) -> None:
    """pyoxigraph returns at once and evaluates while the rows are read: the limit holds there too."""
    never = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?a = ?unbound) }"
    started = time.monotonic()
    result = kg("sparql", never, "--timeout", "1.5", home=safety_project, timeout=60)
    assert result.returncode == 1 and time.monotonic() - started < 15
    assert result.stderr.strip().startswith("Error: the query ran longer than 1.5 s and was stopped")
    assert result.stdout == ""


@pytest.mark.parametrize("started", ["as from a terminal", "with SIGINT ignored"])
def test_ctrl_c_stops_a_running_query_at_once(safety_project: Path, started: str) -> None:
    """The query holds no lock Python needs: Ctrl-C (SIGINT) ends it within the watchdog's poll,
    also when kg was started with SIGINT ignored (a background job of a non-interactive shell,
    nohup, a CI runner: the test suite itself may run so, and its children inherit it)."""
    import signal

    def disposition() -> None:  # in the child, before kg starts
        signal.signal(signal.SIGINT, signal.SIG_IGN if started == "with SIGINT ignored" else signal.SIG_DFL)

    proc = subprocess.Popen([sys.executable, "-m", "kg", "sparql", CROSS, "--timeout", "0"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=disposition,
                            env={**os.environ, "KG_HOME": str(safety_project)})
    try:
        time.sleep(3)  # well into the query
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
        assert time.monotonic() - sent < 5
    finally:
        proc.kill()
        proc.communicate()  # closes the pipes too (else a later test meets their ResourceWarning)
    assert (proc.returncode, err, out) == (130, "Error: interrupted\n", "")


#: Runs kg as ``python -m kg`` with a real SIGINT sent to itself at the moment a module starts
#: to load (an import hook is the clock: the same moment on every machine).
INTERRUPT_AT_IMPORT = """
import os, runpy, signal, sys
at = sys.argv.pop(1)
class InterruptAt:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == at:
            sys.meta_path.remove(InterruptAt)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, InterruptAt)
runpy.run_module("kg", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize(("at", "args"), [
    ("click", ("--version",)),  # kg.cli is still loading (Python's handler: a traceback)
    ("kg.cli.graph", ("build",)),  # click finds the command (click: "Aborted!", exit 1)
    ("kg.build", ("build",)),  # the command has begun, nothing is written yet
    ("kg.limits", ("sparql", "SELECT * WHERE { ?s ?p ?o }")),  # before the watchdog is armed
])
def test_ctrl_c_at_the_start_of_a_command_is_one_line_and_130(safety_project: Path, at: str, args: tuple[str, ...]) -> None:
    """A Ctrl-C in the first moments of a command ends it as a later one does: one line, exit 130.

    The child starts as from a terminal (SIGINT at its default): the suite itself may run with
    SIGINT ignored (a background job, nohup, a CI runner), which its children would inherit, and
    that start is the next test's."""
    import signal

    result = subprocess.run([sys.executable, "-c", INTERRUPT_AT_IMPORT, at, *args], text=True, capture_output=True,
                            env={**os.environ, "KG_HOME": str(safety_project)}, timeout=120,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert (result.returncode, result.stderr, result.stdout) == (130, "Error: interrupted\n", "")
    assert kg("sparql", "ASK { ?s a jsi:Country }", home=safety_project).returncode == 0  # nothing was lost


def test_a_start_with_sigint_ignored_keeps_ignoring_it(safety_project: Path) -> None:
    """kg leaves an inherited ignore of SIGINT alone while it starts (kg.limits hears Ctrl-C in a query)."""
    import signal

    result = subprocess.run([sys.executable, "-c", INTERRUPT_AT_IMPORT, "click", "--version"], text=True,
                            capture_output=True, timeout=120, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("kg, version ")


def test_a_large_result_is_refused_before_it_fills_the_memory(safety_project: Path) -> None:
    result = kg("sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--max-result-mb", "1", home=safety_project, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the result is larger than 1 MB;") and "--max-result-mb" in result.stderr
    result = kg("sparql", "SELECT ?s WHERE { ?s a jsi:Country }", "--max-result-mb", "1", home=safety_project)
    assert result.returncode == 0 and "test/AAA" in result.stdout


def test_the_memory_cap_stops_a_sorted_cross_product(safety_project: Path) -> None:
    # the same cap leaves room for a query that needs little: the cap is the query's, not the start's
    small = kg("sparql", "SELECT ?s WHERE { ?s a jsi:Country }", "--max-memory-mb", "400", home=safety_project)
    assert small.returncode == 0 and "test/AAA" in small.stdout, small.stderr
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i"
    result = subprocess.run(  # GNU time is not everywhere: the peak comes from the parent's rusage of its children
        [sys.executable, "-c", "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)",
         sys.executable, "-m", "kg", "sparql", query, "--max-memory-mb", "400", "--timeout", "120"],
        text=True, capture_output=True, timeout=180, env={**os.environ, "KG_HOME": str(safety_project)},
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: the query needed more than 400 MB of memory")
    assert len(result.stderr.strip().splitlines()) == 1
    assert int(result.stdout.split()[-1]) < 600 * 1024  # stopped near the cap (KiB), not at the end of the sort


def test_the_watchdog_is_disarmed_when_its_block_ends(tmp_path: Path) -> None:
    """A :class:`kg.limits.Watchdog` ends the process at its limits, and only inside its block."""
    def run(body: str) -> subprocess.CompletedProcess[str]:
        code = "import time\nfrom kg.limits import Watchdog\n" + body
        return subprocess.run([sys.executable, "-c", code], text=True, capture_output=True, timeout=60)

    slow = run("with Watchdog(timeout=0.5, what='the work'):\n    time.sleep(30)\nprint('never')")
    assert (slow.returncode, slow.stdout) == (1, "")
    assert slow.stderr.startswith("Error: the work ran longer than 0.5 s and was stopped;")
    big = run("with Watchdog(timeout=30, memory_mb=300):\n    held = [bytearray(2**20) for _ in range(2000)]\nprint('never')")
    assert (big.returncode, big.stdout) == (1, "")
    assert big.stderr.startswith("Error: the query needed more than 300 MB of memory and was stopped;")
    quick = run("with Watchdog(timeout=0.5, memory_mb=300):\n    x = sum(range(10))\ntime.sleep(1.5)\n"
                "held = [bytearray(2**20) for _ in range(400)]\nprint('done', x)")
    assert (quick.returncode, quick.stdout, quick.stderr) == (0, "done 45\n", "")


# --- item 5: one line, never a traceback -------------------------------------------------

PREFIXES = (
    "@prefix t: <https://w3id.org/jsi-ecom/id/test/> .\n@prefix jsi: <https://w3id.org/jsi-ecom/ontology#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
)


def _bad_data(root: Path, name: str, make: str) -> None:
    target = root / "graph_data" / name
    if make == "big":
        target.write_text(PREFIXES + 't:g { t:a t:b "' + "x" * (50 * 1024 * 1024) + '" . }\n', encoding="utf-8")
    elif make == "loop":
        target.symlink_to(name)
    elif make == "folder":
        target.mkdir()
    elif make == "latin1":
        target.write_bytes((PREFIXES + 't:g { t:a t:b "Côte" . }\n').encode("latin-1"))
    elif make == "date":
        target.write_text(
            PREFIXES + "t:g2 {\n  t:g2 a jsi:Citation ; dcterms:bibliographicCitation \"x\" ; dcterms:source t:source ;"
            " jsi:certainty jsi:HighCertainty .\n  t:AAA jsi:wtoMemberSince \"abc\"^^xsd:date .\n}\n",
            encoding="utf-8",
        )


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("big", "graph_data/zz.trig:5: a value is too long to parse"),
        ("loop", "graph_data/zz.trig: cannot read the file: Too many levels of symbolic links"),
        ("folder", "cannot read the file: Is a directory"),
        ("latin1", "graph_data/zz.trig:5:"),
        ("date", "graph_data/zz.trig:7: 'abc' is not a valid xsd:date (expected YYYY-MM-DD); fix the value"),
    ],
)
def test_bad_data_files_are_one_line(safety_project: Path, tmp_path: Path, make: str, expected: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(safety_project, root, ignore=shutil.ignore_patterns("build"))
    _bad_data(root, "zz.trig", make)
    for command, code in ((("build",), 1), (("validate",), 2)):
        result = kg(*command, home=root, timeout=300)
        assert result.returncode == code, (command, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0], (command, lines)


def test_bad_bindings_and_query_files_are_usage_errors(safety_project: Path, tmp_path: Path) -> None:
    latin = tmp_path / "q.rq"
    latin.write_bytes('SELECT ?x WHERE { ?x rdfs:label "Côte" }'.encode("latin-1"))
    for args in (("sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "-b", "s=<not an iri>"), ("sparql", f"@{latin}")):
        result = kg(*args, home=safety_project)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "is not UTF-8 text (byte 0xf4" in kg("sparql", f"@{latin}", home=safety_project).stderr


#: a port of this session's range where nothing listens (a push or a query to it is refused)
CLOSED = free_port()
#: Every command with bad inputs: (arguments, exit code the README documents, on which build).
BAD_INPUTS: list[tuple[tuple[str, ...], int, str]] = [
    *[((command, "--nope"), 2, "built") for command in
      ("add", "app", "brief", "build", "coalitions", "docs", "export", "partners", "push", "query", "serve", "sparql",
       "stats", "validate", "viz")],
    (("app", "--port", "abc"), 2, "built"),
    (("app", "--host", "0.0.0.0", "--no-browser"), 2, "built"),
    (("brief", "Nowhereland"), 1, "built"),
    (("brief",), 2, "built"),
    (("brief", "AAA", "-o", "/dev/full"), 1, "built"),
    (("push",), 2, "built"),
    (("push", f"http://127.0.0.1:{CLOSED}/store"), 1, "built"),
    (("--store", f"http://127.0.0.1:{CLOSED}/sparql", "sparql", "ASK {}"), 1, "built"),
    (("sparql", "SELEC nonsense"), 1, "built"),
    (("sparql", "SELECT * WHERE { ?s ?p }"), 1, "built"),
    (("sparql", "@/nonexistent/q.rq"), 2, "built"),
    (("sparql", "ASK {}", "-f", "nope"), 2, "built"),
    (("sparql", "ASK {}", "--timeout", "-1"), 2, "built"),
    (("query", "no-such-question"), 1, "built"),
    (("query", "find-entity"), 1, "built"),
    (("query", "find-entity", "-p", "nope"), 2, "built"),
    (("query", "find-entity", "-p", "zzz=1"), 1, "built"),
    (("query", "group-members", "-p", "group=Nowhereland"), 1, "built"),
    (("query", "--describe", "nope"), 1, "built"),
    (("coalitions", "--on", "ZZZ"), 1, "built"),
    (("coalitions", "--ties", "nope"), 2, "built"),
    (("coalitions", "--seed", "abc"), 2, "built"),
    (("partners", "Nowhereland"), 1, "built"),
    (("partners",), 2, "built"),
    (("partners", "AAA", "--top", "-1"), 2, "built"),
    (("export", "-f", "ttl", "-o", "/dev/full"), 1, "built"),
    (("export", "-f", "nope", "-o", "x"), 2, "built"),
    (("export", "-f", "ttl"), 2, "built"),
    (("viz", "nope", "-o", "x.html"), 2, "built"),
    (("viz", "member", "Nowhereland", "-o", "x.html"), 1, "built"),
    (("viz", "coalitions", "-o", "/dev/full"), 1, "built"),
    (("docs", "-o", "/dev/full"), 2, "built"),
    (("add", "document", "/nonexistent/sheet.csv"), 1, "built"),
    (("add", "nope", "x.csv"), 2, "built"),
    (("serve", "--port", "abc"), 2, "built"),
    (("serve", "--port", "99999"), 2, "built"),
    (("validate", "/nonexistent/x.trig"), 2, "built"),
    (("stats", "-f", "nope"), 2, "built"),
    *[(args, 1, "empty") for args in (
        ("stats",), ("sparql", "ASK {}"), ("query", "find-entity", "-p", "text=a"), ("coalitions",),
        ("partners", "AAA"), ("export", "-f", "nt", "-o", "x.nt"), ("viz", "sdt", "-o", "x.html"), ("brief", "AAA"))],
    *[(args, 1, "damaged") for args in (
        ("stats",), ("sparql", "ASK {}"), ("query", "find-entity", "-p", "text=a"), ("coalitions",),
        ("partners", "AAA"), ("export", "-f", "nt", "-o", "x.nt"), ("viz", "sdt", "-o", "x.html"))],
]


def test_every_command_of_the_help_is_covered() -> None:
    import re

    help_text = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=True).stdout
    listed = re.findall(r"^  ([a-z][a-z-]*)  ", help_text.split("Commands:")[1], re.MULTILINE)
    covered = {next(a for a in args if not a.startswith("-") and "://" not in a) for args, _, _ in BAD_INPUTS}
    assert listed and set(listed) <= covered, set(listed) - covered


def test_every_command_with_bad_inputs_says_one_error_line(safety_project: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(safety_project, damaged)
    (damaged / "build" / "CURRENT").write_text('{"store": 5}', encoding="utf-8")
    failures = []
    for args, code, where in BAD_INPUTS:
        env = {"KG_BUILD_DIR": str(tmp_path / "empty")} if where == "empty" else {}
        home = damaged if where == "damaged" else safety_project
        full_env = {**os.environ, "KG_HOME": str(home), **env}
        if where != "empty":
            full_env.pop("KG_BUILD_DIR", None)
        result = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=full_env,
                                timeout=300, cwd=tmp_path)
        bad = "Traceback" in result.stderr or "internal error" in result.stderr or result.returncode != code
        if not bad and "add" not in args:
            bad = not result.stderr.strip().splitlines()[-1].startswith("Error: ")
        if bad:
            failures.append((args, where, result.returncode, result.stderr[-300:]))
    assert not failures, failures


def test_the_endpoint_refuses_the_attack_and_connects_nowhere(safety_project: Path, listener: Listener) -> None:
    """The same query posted cross-site to a real 'kg serve' (any Host header): no connection."""
    import urllib.error
    import urllib.parse
    import urllib.request

    port = free_port()
    env = {**os.environ, "KG_HOME": str(safety_project)}
    env.pop("KG_BUILD_DIR", None)
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def up() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        _wait_for(up, 60)
        body = urllib.parse.urlencode({"query": ATTACK.replace("{port}", str(listener.port))}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql", data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Host": "internal.example",
                     "Origin": "http://evil.example"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (400, 403)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        server.kill()
        server.wait(timeout=30)


def _serving_on(port: int) -> bool:
    """Whether a process of 'kg serve --port PORT' (the server or one of its workers) is alive."""
    wanted = ["serve", "--port", str(port)]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            state = next((line for line in (proc / "status").read_text().splitlines() if line.startswith("State:")), "")
        except OSError:
            continue
        if "Z" not in state and any(argv[i:i + 3] == wanted for i in range(len(argv))):
            return True
    return False


def test_the_endpoint_keeps_answering_across_builds(own_project: Path) -> None:
    """Item 3 with the store lifecycle: 'kg serve' answers after 'kg build --force' replaced the store."""
    import urllib.parse
    import urllib.request

    port = free_port()
    env = {**os.environ, "KG_HOME": str(own_project)}
    env.pop("KG_BUILD_DIR", None)
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ask() -> int:
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a jsi:Country }"})
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status

    def up() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        _wait_for(up, 60)
        assert ask() == 200
        for _ in range(2):
            assert kg("build", "--force", home=own_project).returncode == 0
            time.sleep(1.0)  # the endpoint looks at CURRENT twice a second
            assert ask() == 200
    finally:
        server.kill()
        server.wait(timeout=30)
    # the pre-forked workers see within a second that their server is gone and exit; until then
    # they hold the store they read, and a build keeps it (tested above)
    _wait_for(lambda: not _serving_on(port), 30)
    assert kg("build", "--force", home=own_project).returncode == 0
    assert len(_stores(own_project / "build")) == 1  # once the endpoint is gone, old folders go
