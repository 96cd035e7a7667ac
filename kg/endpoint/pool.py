"""A pool of warm query workers: the store stays open, each query has a hard time limit.

Each worker is a process (:mod:`kg.endpoint.worker`) with the store open read-only and a
memory limit, driven from the server's event loop through its standard input and output.
A query still running at the time limit is stopped by killing its worker, which is
replaced; past the pool's size a request waits a moment for a free worker (first come,
first served) and is then refused (the endpoint answers 503 with Retry-After). The pool
follows the build's ``CURRENT``: after ``kg build`` replaces the store, new queries go to
workers on the new store while queries already running on the old one finish.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import pickle
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kg

__all__ = ["PoolSettings", "WorkerPool", "Busy", "Failed", "locate_store"]

log = logging.getLogger(__name__)

#: (HTTP status, Content-Type, body)
Reply = tuple[int, str, bytes]
_HEADER = struct.Struct("!I")


class Busy(Exception):
    """Every worker stayed busy for the whole wait."""


class Failed(Exception):
    """A worker could not answer; the message says why (HTTP 503)."""


@dataclass(frozen=True)
class PoolSettings:
    """How many workers, and their limits.

    Attributes
    ----------
    build_dir : Path
        The build folder; its ``CURRENT`` names the store to serve.
    size : int
        Queries that run at once.
    timeout_s : float
        A query still running after this many seconds is stopped.
    max_memory_mb : int
        Address space a worker may use (0: no limit).
    queue_wait_s : float
        How long a request waits for a free worker before 503.
    """

    build_dir: Path
    size: int = 2
    timeout_s: float = 10.0
    max_memory_mb: int = 2048
    queue_wait_s: float = 2.0


def locate_store(build_dir: Path) -> Path:
    """The store folder ``CURRENT`` names (raises ``kg.errors.StoreError``)."""
    from kg.store import current_store_path

    return current_store_path(build_dir).resolve()


def _boot_code() -> str:
    """The worker's ``-c`` program: this ``kg`` package first, never the current folder."""
    home = str(Path(kg.__file__).resolve().parent.parent)
    cwd = os.path.realpath(os.getcwd())
    path = [home] + [p for p in sys.path if p and os.path.realpath(p) != cwd and p != home]
    return f"import sys; sys.path[:] = {path!r}; from kg.endpoint.worker import main; main()"


class _Worker:
    """One worker process and its pipes (framing: 4-byte length, then a pickle)."""

    def __init__(self, process: asyncio.subprocess.Process, generation: int) -> None:
        self.process = process
        self.generation = generation
        self.ready = False

    @classmethod
    async def start(cls, location: Path, generation: int, max_memory_mb: int) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _boot_code(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process, generation)
        worker.send({"location": str(location), "max_memory": max_memory_mb * 1024 * 1024, "parent": os.getpid()})
        return worker

    def send(self, message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.process.stdin is not None
        self.process.stdin.write(_HEADER.pack(len(data)) + data)

    async def receive(self) -> Any:
        assert self.process.stdout is not None
        header = await self.process.stdout.readexactly(_HEADER.size)
        return pickle.loads(await self.process.stdout.readexactly(_HEADER.unpack(header)[0]))

    async def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        try:
            status, detail = await asyncio.wait_for(self.receive(), timeout)
        except asyncio.TimeoutError:
            raise Failed(f"a query worker did not start within {timeout:g} s") from None
        except (asyncio.IncompleteReadError, OSError):
            raise Failed("a query worker stopped while starting; see the server's log") from None
        if status != "ready":
            raise Failed(str(detail))
        self.ready = True

    def kill(self) -> None:
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:  # pragma: no cover - it just ended
                pass


class WorkerPool:
    """Warm workers on the current store; :meth:`run` sends one job to one of them."""

    def __init__(self, settings: PoolSettings) -> None:
        self.settings = settings
        self.location = locate_store(settings.build_dir)  # fails early, with advice
        self._stamp = self._current_stamp()
        self._checked = time.monotonic()
        self._generation = 0
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[asyncio.Future[_Worker | None]] = collections.deque()
        self._count = 0  # workers of the current generation, idle or busy
        self._all: set[_Worker] = set()
        self._closed = False
        self._switch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start every worker now rather than on the first queries."""
        workers = []
        while self._count < self.settings.size:
            self._count += 1
            workers.append(await self._spawn())
        for worker in workers:
            await worker.wait_ready(30.0)
            self._release(worker)

    # -- the store switch ------------------------------------------------------------
    def _current_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.settings.build_dir / "CURRENT")
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def _follow_current(self) -> None:
        """Switch to the store CURRENT names when a build replaced it (checked twice a second)."""
        now = time.monotonic()
        if now - self._checked < 0.5:
            return
        self._checked = now
        stamp = self._current_stamp()
        if stamp == self._stamp or stamp is None:
            return
        from kg.errors import KGError

        try:
            location = locate_store(self.settings.build_dir)
        except KGError as exc:
            log.warning("keeping the store %s: %s", self.location, exc)
            return
        # A new CURRENT means a new store even under the same name (``kg build --force``
        # replaces the folder). Workers on it are started and opened first; until they are
        # ready the old ones keep answering, then they finish what they run and stop.
        self._stamp = stamp
        if self._switch is not None and not self._switch.done():
            self._switch.cancel()  # a newer build came while the previous one was being opened
        self._switch = asyncio.get_running_loop().create_task(self._switch_to(location))

    async def _switch_to(self, location: Path) -> None:
        generation = self._generation + 1
        fresh: list[_Worker] = []
        try:
            for _ in range(self.settings.size):
                worker = await _Worker.start(location, generation, self.settings.max_memory_mb)
                self._all.add(worker)
                fresh.append(worker)
            for worker in fresh:
                await worker.wait_ready(30.0)
        except BaseException as exc:
            for worker in fresh:
                self._retire(worker)
            if isinstance(exc, asyncio.CancelledError):
                raise
            log.warning("keeping the store %s: the new store %s cannot be served: %s", self.location, location, exc)
            return
        log.info("serving the new store %s", location)
        self.location = location
        self._generation = generation
        old, self._idle, self._count = self._idle, [], len(fresh)
        for worker in old:  # idle: nothing is lost; busy old workers stop when they finish
            self._retire(worker)
        for worker in fresh:
            self._release(worker)  # to the requests waiting first

    # -- workers ----------------------------------------------------------------------
    async def _spawn(self) -> _Worker:
        try:
            worker = await _Worker.start(self.location, self._generation, self.settings.max_memory_mb)
        except OSError as exc:
            self._count -= 1
            raise Failed(f"cannot start a query worker: {exc}") from exc
        self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()

    async def _acquire(self) -> _Worker:
        if self._closed:
            raise Failed("the endpoint is stopping")
        if self._idle:
            return self._idle.pop()
        if self._count < self.settings.size:
            self._count += 1
            return await self._spawn()
        waiter: asyncio.Future[_Worker | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            worker = await asyncio.wait_for(waiter, self.settings.queue_wait_s)
        except asyncio.TimeoutError:
            raise Busy() from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        if worker is None:  # a place was freed: start a worker in it
            return await self._spawn()
        return worker

    def _release(self, worker: _Worker) -> None:
        if worker.generation != self._generation or self._closed:
            self._retire(worker)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _lose(self, worker: _Worker) -> None:
        """A worker killed or dead: its place goes to a waiter, or stays free."""
        self._retire(worker)
        if worker.generation != self._generation:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._count -= 1

    async def run(self, job: dict[str, Any]) -> Reply:
        """Answer one job within the time limit.

        Raises
        ------
        Busy
            No worker became free in time.
        Failed
            The worker could not start, ran out of memory, or the time limit passed.
        """
        self._follow_current()
        worker = await self._acquire()
        try:
            await worker.wait_ready(max(30.0, self.settings.timeout_s))
            worker.send(job)
            reply: Reply = await asyncio.wait_for(worker.receive(), self.settings.timeout_s)
        except asyncio.TimeoutError:
            self._lose(worker)  # the only way to stop a running query is to stop its process
            raise Failed(f"the query ran longer than {self.settings.timeout_s:g} s and was stopped; narrow it or add a LIMIT") from None
        except (asyncio.IncompleteReadError, OSError, EOFError):
            code = await self._exit_code(worker)
            self._lose(worker)
            if code is not None and code < 0 and self.settings.max_memory_mb:
                raise Failed(
                    f"the query was stopped: it needed more than {self.settings.max_memory_mb} MB of memory "
                    f"(or the engine failed, signal {-code}); narrow it or add a LIMIT"
                ) from None
            raise Failed(f"the query worker stopped unexpectedly (exit {code}); the query was not answered") from None
        except BaseException:  # a Failed start, a cancelled request (client gone): the worker's state is unknown
            self._lose(worker)
            raise
        self._release(worker)
        return reply

    @staticmethod
    async def _exit_code(worker: _Worker) -> int | None:
        try:
            return await asyncio.wait_for(worker.process.wait(), 2.0)
        except asyncio.TimeoutError:
            return None

    async def close(self) -> None:
        """Stop every worker (running queries are cut)."""
        self._closed = True
        if self._switch is not None and not self._switch.done():
            self._switch.cancel()
        workers, self._idle = list(self._all), []
        for waiter in self._waiters:
            if not waiter.done():
                waiter.cancel()
        for worker in workers:
            self._retire(worker)
        for worker in workers:
            try:
                await asyncio.wait_for(worker.process.wait(), 5.0)
            except asyncio.TimeoutError:  # pragma: no cover - a kill is not refused
                log.warning("query worker %d did not stop", worker.process.pid)

    def kill_all(self) -> None:
        """Kill every worker now (outside the event loop, e.g. after Ctrl-C)."""
        self._closed = True
        for worker in list(self._all):
            self._retire(worker)
