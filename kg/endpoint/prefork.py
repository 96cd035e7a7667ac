"""``kg serve``'s processes: a supervisor and pre-forked workers that accept and answer.

The supervisor (the ``kg serve`` process) binds the listening socket and forks the
workers; it never opens the store and never handles a request. Each worker opens the store
read-only, takes its share of connections from the shared socket (the kernel hands each
new connection to one of them) and answers them with Uvicorn in its own event loop, the
query running in the worker's own query thread (:class:`kg.endpoint.pool.QueryRunner`):
no hop to another process. The limits are kept per worker: a query left running past the
time limit or the memory allowance is answered 503 and its worker retires (exits); the
supervisor forks a fresh one on the same socket, so a stuck query never blocks the others
for long and never outlives its time limit by more than a moment.

The supervisor follows the build's ``CURRENT``: when ``kg build`` replaces the store, it
forks workers on the new store, and once they are ready the old ones stop accepting,
finish what they run and exit (signal SIGUSR1).
"""

from __future__ import annotations

import logging
import os
import select
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NoReturn

from kg.endpoint.pool import Failed, PoolSettings, QueryRunner, locate_store

__all__ = ["Supervisor", "RETIRED"]

log = logging.getLogger(__name__)

#: Exit status of a worker that retired (a query left running); it is replaced.
RETIRED = 75
#: How long a worker may take to open the store.
_START_S = 30.0


@dataclass
class _Child:
    pid: int
    generation: int
    pipe: int  # read end: the worker writes "ready" or why it failed


def _tell(fd: int, message: str) -> None:
    try:
        os.write(fd, (message.replace("\n", " ") + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _worker(settings: PoolSettings, location: Path, sock: socket.socket, build_app: Callable[[QueryRunner], Any],
            server_options: dict[str, Any], tell: int, parent: int) -> NoReturn:
    """The body of a worker process (after the fork): it never returns."""
    status = 0
    try:
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # until the event loop handles it
        import pyoxigraph as ox

        from kg.endpoint.worker import run_job, watch_parent
        from kg.store import hold_for_reading

        threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
        try:
            # A build removes an old store folder only when no reader holds it (kg.storedir).
            _held = hold_for_reading(location)  # noqa: F841 - held for the worker's life
            store = ox.Store.read_only(str(location))
        except (OSError, RuntimeError) as exc:
            _tell(tell, f"failed cannot open the store {str(location)!r}: {exc}; run 'kg build --force'")
            os._exit(3)
        status = _serve(settings, location, sock, build_app, server_options, tell, lambda job: run_job(store, job))
    except BaseException as exc:  # noqa: BLE001 - a worker must end here, never in the supervisor's code
        if not isinstance(exc, (KeyboardInterrupt, SystemExit)):
            log.error("a query worker failed: %s: %s", type(exc).__name__, exc)
            status = 1
    finally:
        os._exit(status)
    raise AssertionError("unreachable")  # pragma: no cover


def _serve(settings: PoolSettings, location: Path, sock: socket.socket, build_app: Callable[[QueryRunner], Any],
           server_options: dict[str, Any], tell: int, answer: Callable[[dict[str, Any]], Any]) -> int:
    import asyncio

    import uvicorn

    from kg.endpoint.worker import limit_memory

    outcome = {"status": 0}

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server: uvicorn.Server | None = None

        def stop_accepting() -> None:
            for listener in server.servers if server is not None else []:
                listener.close()

        def retire() -> None:  # a query left running: answer what waits, then go
            stop_accepting()
            outcome["status"] = RETIRED
            loop.call_later(0.3, os._exit, RETIRED)

        def step_down() -> None:  # a new store is served: finish what runs, then go
            stop_accepting()
            if server is not None:
                loop.call_later(0.5, setattr, server, "should_exit", True)

        runner = QueryRunner(settings, location, answer, retire)
        # a hard stop at twice the allowance the query slot watches (0: none)
        limit_memory(2 * settings.max_memory_mb * 1024 * 1024)
        server = uvicorn.Server(uvicorn.Config(build_app(runner), **server_options))
        loop.add_signal_handler(signal.SIGUSR1, step_down)
        _tell(tell, "ready")
        await server.serve(sockets=[sock])

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is not built for Windows
        asyncio.run(main())
    else:
        uvloop.run(main())
    return outcome["status"]


class Supervisor:
    """The workers of one endpoint: :meth:`start`, :meth:`run` until :meth:`stop`."""

    def __init__(self, settings: PoolSettings, sock: socket.socket, build_app: Callable[[QueryRunner], Any],
                 server_options: dict[str, Any]) -> None:
        self.settings = settings
        self.location = locate_store(settings.build_dir)  # fails early, with advice
        self._sock = sock
        self._build_app = build_app
        self._options = server_options
        self._children: dict[int, _Child] = {}
        self._generation = 0
        self._stamp = self._current_stamp()
        self._checked = time.monotonic()
        self._stopping = threading.Event()
        self._failures = 0

    # -- processes ----------------------------------------------------------------------
    def _fork(self, location: Path, generation: int) -> _Child:
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read)
            for child in self._children.values():
                os.close(child.pipe)
            _worker(self.settings, location, self._sock, self._build_app, self._options, write, parent)
        os.close(write)
        child = _Child(pid, generation, read)
        self._children[pid] = child
        return child

    def _wait_ready(self, children: list[_Child]) -> str | None:
        """None when every child said it is ready, else why one could not start."""
        waiting = {c.pipe: c for c in children}
        deadline = time.monotonic() + _START_S
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                return f"a query worker did not start within {_START_S:g} s"
            ready, _, _ = select.select(list(waiting), [], [], left)
            for fd in ready:
                line = os.read(fd, 4096).decode("utf-8", "replace").strip()
                del waiting[fd]
                if line != "ready":
                    return line.removeprefix("failed ") or "a query worker stopped while starting; see the server's log"
        return None

    def _kill(self, children: list[_Child]) -> None:
        for child in children:
            try:
                os.kill(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for child in children:
            self._forget(child, wait=True)

    def _forget(self, child: _Child, *, wait: bool = False) -> None:
        if wait:
            try:
                os.waitpid(child.pid, 0)
            except ChildProcessError:
                pass
        self._children.pop(child.pid, None)
        try:
            os.close(child.pipe)
        except OSError:
            pass

    def start(self) -> None:
        """Fork the workers and wait until each has the store open.

        Raises
        ------
        Failed
            A worker could not open the store (the message says why).
        """
        children = [self._fork(self.location, 0) for _ in range(self.settings.size)]
        problem = self._wait_ready(children)
        if problem is not None:
            self._kill(children)
            raise Failed(problem)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            child = self._children.get(pid)
            if child is None:
                continue
            self._forget(child)
            if self._stopping.is_set() or child.generation != self._generation:
                continue
            code = os.waitstatus_to_exitcode(status)
            if code != RETIRED:
                self._failures += 1
                log.warning("a query worker ended (exit %s); starting another", code)
                if self._failures > 3:
                    time.sleep(min(5.0, 0.5 * self._failures))  # a worker that cannot start: not in a tight loop
            else:
                self._failures = 0
            self._fork(self.location, self._generation)

    # -- the store switch ---------------------------------------------------------------
    def _current_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.settings.build_dir / "CURRENT")
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def _follow_current(self) -> None:
        """Serve the store CURRENT names when a build replaced it (checked twice a second)."""
        now = time.monotonic()
        if now - self._checked < 0.5:
            return
        self._checked = now
        stamp = self._current_stamp()
        if stamp == self._stamp or stamp is None:
            return
        from kg.errors import KGError

        self._stamp = stamp
        try:
            location = locate_store(self.settings.build_dir)
        except KGError as exc:
            log.warning("keeping the store %s: %s", self.location, exc)
            return
        # A new CURRENT means a new store even under the same name (kg build --force).
        old = [c for c in self._children.values() if c.generation == self._generation]
        fresh = [self._fork(location, self._generation + 1) for _ in range(self.settings.size)]
        problem = self._wait_ready(fresh)
        if problem is not None:
            self._kill(fresh)
            log.warning("keeping the store %s: the new store %s cannot be served: %s", self.location, location, problem)
            return
        log.info("serving the new store %s", location)
        self.location, self._generation = location, self._generation + 1
        for child in old:
            try:
                os.kill(child.pid, signal.SIGUSR1)
            except ProcessLookupError:
                pass

    # -- running ------------------------------------------------------------------------
    def run(self) -> None:
        """Keep the workers going until :meth:`stop` (or KeyboardInterrupt)."""
        while not self._stopping.wait(0.1):
            self._reap()
            self._follow_current()

    def stop(self, grace_s: float) -> None:
        """Ask every worker to finish (SIGTERM), then kill those still running after ``grace_s``."""
        self._stopping.set()
        children = list(self._children.values())
        for child in children:
            try:
                os.kill(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_s
        while self._children and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                time.sleep(0.05)
            elif pid in self._children:
                self._forget(self._children[pid])
        self._kill(list(self._children.values()))

    def request_stop(self) -> None:
        """Make :meth:`run` return (from another thread or a signal handler)."""
        self._stopping.set()
