"""The query slot of one endpoint worker process: the store open, a hard time limit.

Each worker process of ``kg serve`` (:mod:`kg.endpoint.prefork`) accepts connections on
the shared listening socket, parses HTTP in its event loop and runs one query at a time
in a thread of its own (pyoxigraph releases the GIL while it evaluates), so the event
loop stays free to answer. A request that finds the slot taken waits a moment (first
come, first served) and is then refused (the endpoint answers 503 with Retry-After).
pyoxigraph cannot cancel a query: one still running at the time limit, or that grows the
process past its memory allowance, is answered 503 here and its worker *retires* (it
stops accepting, answers what waits with 503, and exits); the supervisor starts a fresh
one on the same socket.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from kg.memory import MemoryCap, resident_bytes

__all__ = ["PoolSettings", "QueryRunner", "Busy", "Failed", "locate_store", "resident_bytes"]

log = logging.getLogger(__name__)

#: (HTTP status, Content-Type, body)
Reply = tuple[int, str, bytes]

#: How often a running query's memory is looked at (only queries slower than this pay).
_WATCH_S = 0.05


class Busy(Exception):
    """The worker's query slot stayed taken for the whole wait."""


class Failed(Exception):
    """The query could not be answered; the message says why (HTTP 503)."""


@dataclass(frozen=True)
class PoolSettings:
    """How many workers, and their limits.

    Attributes
    ----------
    build_dir : Path
        The build folder; its ``CURRENT`` names the store to serve.
    size : int
        Worker processes: queries that run at once.
    timeout_s : float
        A query still running after this many seconds is stopped.
    max_memory_mb : int
        Memory a query may add to its worker beyond the open store (0: no limit).
    queue_wait_s : float
        How long a request waits for its worker's slot before 503.
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


class QueryRunner:
    """One worker's query slot: :meth:`run` answers a job within the limits.

    ``answer(job)`` does the work (in the slot's thread); ``retire()`` is called once when
    the slot cannot be trusted any more (a query left running): the worker stops taking
    connections and exits soon after.
    """

    def __init__(self, settings: PoolSettings, location: Path, answer: Callable[[dict[str, Any]], Reply],
                 retire: Callable[[], None]) -> None:
        self.settings = settings
        self.location = location
        self._answer = answer
        self._retire_worker = retire
        self._jobs: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, asyncio.Future[Reply], dict[str, Any]]] = queue.SimpleQueue()
        started = threading.Event()
        threading.Thread(target=self._work, args=(started,), name="query", daemon=True).start()
        started.wait()  # the thread exists before memory is measured
        self._watch: asyncio.TimerHandle | None = None
        self._busy = False
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.retired = False
        self._memory_cap = MemoryCap.beyond_now(settings.max_memory_mb)

    async def _acquire(self) -> None:
        if self.retired:
            raise Busy()
        if not self._busy:
            self._busy = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, self.settings.queue_wait_s)
        except asyncio.TimeoutError:
            raise Busy() from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to it, still taken
                return
        self._busy = False

    def _retire(self) -> None:
        if self.retired:
            return
        self.retired = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(Busy())
        self._waiters.clear()
        self._retire_worker()

    def _work(self, started: threading.Event) -> None:
        """The query thread: one job at a time, its reply handed back to the event loop."""
        started.set()
        while True:
            loop, future, job = self._jobs.get()
            try:
                reply, error = self._answer(job), None
            except BaseException as exc:  # noqa: BLE001 - handed to the request, which answers 500
                reply, error = None, exc
            try:
                loop.call_soon_threadsafe(self._settle, future, reply, error)
            except RuntimeError:  # the loop is closed: the worker is ending
                return

    def _settle(self, future: asyncio.Future[Reply], reply: Reply | None, error: BaseException | None) -> None:
        """In the event loop, when the query thread is done: the slot is free again."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if not self.retired:
            self._release()
        if not future.done():  # not already answered (time limit) nor given up (client gone)
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(reply)  # type: ignore[arg-type]

    def _check(self, future: asyncio.Future[Reply], deadline: float) -> None:
        """While a query runs: stop it at the time limit or past the memory allowance."""
        self._watch = None
        if future.done():
            return
        loop = future.get_loop()
        left = deadline - loop.time()
        if left <= 0:
            self._retire()  # the only way to stop a running query is to stop its process
            future.set_exception(Failed(
                f"the query ran longer than {self.settings.timeout_s:g} s and was stopped; narrow it or add a LIMIT"))
        elif self._memory_cap.exceeded():
            self._retire()
            future.set_exception(Failed(
                f"the query was stopped: it needed more than {self.settings.max_memory_mb} MB of memory; "
                "narrow it or add a LIMIT"))
        else:
            self._watch = loop.call_later(min(_WATCH_S, left), self._check, future, deadline)

    async def run(self, job: dict[str, Any]) -> Reply:
        """Answer one job within the time and memory limits.

        Raises
        ------
        Busy
            The slot did not become free in time (or the worker is retiring).
        Failed
            The query ran past the time limit or the memory allowance; the worker retires.
        """
        await self._acquire()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Reply] = loop.create_future()
        self._jobs.put((loop, future, job))
        deadline = loop.time() + self.settings.timeout_s
        self._watch = loop.call_later(min(_WATCH_S, self.settings.timeout_s), self._check, future, deadline)
        # a client that leaves cancels the future; the query runs to its end, then frees the slot
        return await future
