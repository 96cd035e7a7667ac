"""Time, memory and result-size limits of a query run by the command line (``kg sparql``).

The query runs in the ``kg`` process itself, watched by a thread (:class:`Watchdog`): at the
time limit, past the memory limit, or at Ctrl-C, the thread writes one line ``Error: …`` and
ends the process with exit code 1 (130 for Ctrl-C). pyoxigraph 0.5 cannot cancel a query, but
it releases the GIL while it evaluates one, so the thread runs meanwhile (a test stops a
cross product both while it is counted and while its rows are read). A result larger than
the size limit is refused while its rows are read, before it fills the memory.

Memory is the process's peak resident set size (read by :mod:`kg.memory`, shared with the
endpoint's workers), checked every :data:`POLL` seconds: a cap of the address space
(``RLIMIT_AS``) cannot be used in-process,
because Rust and RocksDB abort the process when an allocation fails (``SIGABRT``, exit status
134, no message of ours), and an address-space cap also counts memory that is only reserved
(RocksDB's threads), so that no query could open the store under a few hundred megabytes.
"""

from __future__ import annotations

import os
import sys
import _thread
import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from kg.errors import QueryError
from kg.memory import MemoryCap

__all__ = [
    "DEFAULT_TIMEOUT", "DEFAULT_MAX_RESULT_MB", "DEFAULT_MAX_MEMORY_MB", "POLL", "Watchdog", "query_limited", "LimitExceeded",
]

#: Defaults of ``kg sparql`` (the endpoint's time and size limits are of the same kind).
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULT_MB = 10.0
DEFAULT_MAX_MEMORY_MB = 2048

#: Seconds between two looks at the memory (and the longest a stop waits past its limit).
POLL = 0.01


class LimitExceeded(QueryError):
    """A query went past a time, memory or result-size limit."""


def _set_wakeup_fd(fd: int, *, warn_on_full_buffer: bool = True) -> int:
    """:func:`signal.set_wakeup_fd`, taken from ``_signal``, which Python loads at start:
    importing :mod:`signal` builds its enums, 0.6 ms of every query."""
    try:
        from _signal import set_wakeup_fd
    except ImportError:  # pragma: no cover - another Python implementation
        from signal import set_wakeup_fd
    return set_wakeup_fd(fd, warn_on_full_buffer=warn_on_full_buffer)  # type: ignore[no-any-return]


def _hear_interrupts() -> bool:
    """Let SIGINT reach this process even if it was started with SIGINT ignored (a job started
    in the background by a non-interactive shell, ``nohup``, some CI runners: Python then
    installs no handler, and neither Ctrl-C nor ``kill -INT`` would stop a running query, the
    same reason as in :mod:`kg.web.server`). True when it was ignored (to be restored)."""
    try:
        from _signal import SIG_IGN, SIGINT, default_int_handler, getsignal, signal
    except ImportError:  # pragma: no cover - another Python implementation
        from signal import SIG_IGN, SIGINT, default_int_handler, getsignal, signal
    if getsignal(SIGINT) is not SIG_IGN:
        return False
    signal(SIGINT, default_int_handler)
    return True


def _ignore_interrupts() -> None:
    try:
        from _signal import SIG_IGN, SIGINT, signal
    except ImportError:  # pragma: no cover - another Python implementation
        from signal import SIG_IGN, SIGINT, signal
    signal(SIGINT, SIG_IGN)


class Watchdog:
    """While inside ``with Watchdog(...)``, the process is ended at a limit or at Ctrl-C.

    For a command-line process only: the thread ends the *process* (``os._exit``), after one
    line on standard error, so nothing may be half-written to standard output inside the
    block (print after it). Leaving the block disarms the watchdog.

    Parameters
    ----------
    timeout : float or None
        Seconds of wall-clock time; ``None`` or 0 for no limit.
    memory_mb : float or None
        Cap of the process's peak resident memory in megabytes; ``None`` or 0 for no cap.
    what : str
        What runs, for messages.
    """

    def __init__(self, *, timeout: float | None, memory_mb: float | None = None, what: str = "the query") -> None:
        self.timeout = timeout or None
        self.memory_mb = memory_mb or None
        self.what = what
        self._lock = _thread.allocate_lock()
        self._armed = False
        self._previous_wakeup: int | None = None  # set when this watchdog took Python's wake-up fd
        self._was_ignoring = False  # SIGINT was ignored when the block began (restored after it)

    def __enter__(self) -> Watchdog:
        import time

        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)
        if threading.current_thread() is threading.main_thread():  # Ctrl-C: Python's handler also writes to the pipe
            self._was_ignoring = _hear_interrupts()
            self._previous_wakeup = _set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        self._armed = True
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        # _thread, not threading.Thread: start() would wait until the thread runs (a context switch)
        _thread.start_new_thread(self._watch, (read_fd, write_fd, deadline))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        with self._lock:  # after this, the thread ends nothing, and closes the pipe
            self._armed = False
            if self._previous_wakeup is not None:
                _set_wakeup_fd(self._previous_wakeup)
                self._previous_wakeup = None
            if self._was_ignoring:
                _ignore_interrupts()
                self._was_ignoring = False

    def _watch(self, read_fd: int, write_fd: int, deadline: float | None) -> None:
        import time

        memory = MemoryCap.of_mb(self.memory_mb, peak=True)
        try:
            while True:
                time.sleep(POLL if deadline is None else min(POLL, max(deadline - time.monotonic(), 0.0)))
                with self._lock:
                    if not self._armed:
                        return
                try:
                    data = os.read(read_fd, 64)
                except BlockingIOError:
                    data = b""
                if data:  # a signal's number: Ctrl-C (or another signal Python handles)
                    self._end("Error: interrupted", 130)
                if memory.exceeded():
                    self._end(
                        f"Error: {self.what} needed more than {self.memory_mb:g} MB of memory and was stopped; "
                        "narrow it or allow more with --max-memory-mb", 1,
                    )
                if deadline is not None and time.monotonic() >= deadline:
                    self._end(
                        f"Error: {self.what} ran longer than {self.timeout:g} s and was stopped; narrow it "
                        "(LIMIT, more specific patterns) or allow more time with --timeout", 1,
                    )
        finally:
            os.close(read_fd)
            os.close(write_fd)

    def _end(self, line: str, code: int) -> None:
        """Say ``line`` and end the process, unless the block was left meanwhile."""
        with self._lock:
            if not self._armed:
                return
            for stream in (sys.stdout, sys.stderr):  # what was written before the block
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001 - the line below is what matters
                    pass
            try:
                os.write(2, (line + "\n").encode("utf-8", "replace"))
            finally:
                os._exit(code)


def query_limited(
    open_store: Callable[[], Any],
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_result_mb: float | None = DEFAULT_MAX_RESULT_MB,
    memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
) -> Any:
    """Run one SPARQL query under a :class:`Watchdog` and return its :data:`kg.store.Result`.

    The store is opened and the rows are read inside the watched block; a result larger than
    ``max_result_mb`` (measured as the characters of its values) is refused.
    """
    from kg.guard import check_read_only_query

    check_read_only_query(text)  # refused before anything runs
    limit = int(max_result_mb * 1024 * 1024) if max_result_mb else None
    with Watchdog(timeout=timeout, memory_mb=memory_mb):
        from kg.store import Store

        store = open_store()
        if isinstance(store, Store):  # measured while the rows are read
            return store.query(text, bindings, max_bytes=limit)
        result = store.query(text, bindings)
    if limit is not None:
        size = result_size(result)
        if size > limit:
            raise LimitExceeded(
                f"the result is about {size / 1048576:.1f} MB, more than {max_result_mb:g} MB; narrow the "
                "query (LIMIT, fewer columns), allow more with --max-result-mb, or use 'kg export' for the whole graph"
            )
    return result


def result_size(result: Any) -> int:
    """About how many characters a query result holds (its values, IRIs in full)."""
    rows = getattr(result, "rows", None)
    if rows is not None:
        return sum(len(c.value) + 3 if c is not None else 1 for row in rows for c in row)
    triples = getattr(result, "triples", None)
    if triples is not None:
        return sum(len(str(t)) for t in triples)
    return 8
