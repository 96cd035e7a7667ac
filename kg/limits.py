"""Time, memory and result-size limits for a query: the work runs in a forked child that is
killed at the limit (pyoxigraph 0.5 has no query timeout and no way to cancel a query).

:func:`run_limited` runs any function so; :func:`query_limited` runs one SPARQL query on a
store and is what ``kg sparql`` (and any server) calls. The child's address space is capped
with ``RLIMIT_AS``; a result larger than the size limit is refused while it is being read,
before it fills the memory. Where ``fork`` is missing (Windows) the work runs in-process,
without limits.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kg.errors import QueryError

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_MAX_RESULT_MB", "DEFAULT_MAX_MEMORY_MB", "run_limited", "query_limited", "LimitExceeded"]

#: Defaults of ``kg sparql`` (the endpoint's time and size limits are of the same kind).
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULT_MB = 10.0
DEFAULT_MAX_MEMORY_MB = 2048

T = TypeVar("T")


class LimitExceeded(QueryError):
    """A query went past a time, memory or result-size limit."""


def _child(work: Callable[[], Any], write_fd: int, memory_bytes: int | None) -> None:
    """Run in the forked child: do the work, send back its pickled result or error, exit."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # what the engine prints when it is out of memory is not for the user
        if memory_bytes:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        try:
            payload: tuple[Any, ...] = ("ok", work())
        except MemoryError:
            payload = ("memory",)
        except Exception as exc:  # noqa: BLE001 - raised again in the parent, same class and message
            payload = ("error", type(exc), str(exc))
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        code = 70
    finally:
        os._exit(code)


def run_limited(work: Callable[[], T], *, timeout: float | None, memory_mb: float | None = None, what: str = "the query") -> T:
    """Run ``work()`` in a forked child; kill it after ``timeout`` seconds.

    Parameters
    ----------
    work : callable
        Returns a picklable value, or raises an exception (raised again here with its class and message).
    timeout : float or None
        Seconds of wall-clock time; ``None`` or 0 for no limit.
    memory_mb : float or None
        Cap of the child's address space (``RLIMIT_AS``); ``None`` or 0 for no cap.
    what : str
        What runs, for messages.

    Raises
    ------
    LimitExceeded
        The time or memory limit was reached (the child is killed).
    """
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return work()
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(work, write_fd, int(memory_mb * 1024 * 1024) if memory_mb else None)
    os.close(write_fd)
    deadline = time.monotonic() + timeout if timeout else None
    chunks: list[bytes] = []
    try:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise LimitExceeded(
                    f"{what} ran longer than {timeout:g} s and was stopped; narrow it (LIMIT, more specific "
                    "patterns) or allow more time with --timeout"
                )
            ready, _, _ = select.select([read_fd], [], [], wait)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data:
        if os.WIFSIGNALED(status) and memory_mb:
            raise LimitExceeded(
                f"{what} needed more than {memory_mb:g} MB of memory and was stopped "
                f"(signal {os.WTERMSIG(status)}); narrow it or allow more with --max-memory-mb"
            )
        raise QueryError(f"{what} stopped without an answer (exit status {status})")
    payload = pickle.loads(data)
    if payload[0] == "ok":
        return payload[1]  # type: ignore[no-any-return]
    if payload[0] == "memory":
        raise LimitExceeded(f"{what} needed more than {memory_mb:g} MB of memory; narrow it or allow more with --max-memory-mb")
    try:
        error = payload[1](payload[2])
    except Exception:  # noqa: BLE001 - a class that cannot be rebuilt from its message
        error = QueryError(payload[2])
    raise error


def _kill(pid: int) -> None:
    import signal  # only when a query is stopped

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def query_limited(
    open_store: Callable[[], Any],
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_result_mb: float | None = DEFAULT_MAX_RESULT_MB,
    memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
) -> Any:
    """Run one SPARQL query with limits and return its :data:`kg.store.Result`.

    ``open_store()`` is called in the child, so the parent never holds the query's memory;
    the child's memory cap bounds the evaluation, and a result larger than
    ``max_result_mb`` (measured as the characters of its values) is refused.
    """
    from kg.guard import check_read_only_query

    check_read_only_query(text)  # refused before anything is forked
    limit = int(max_result_mb * 1024 * 1024) if max_result_mb else None

    def work() -> Any:
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

    return run_limited(work, timeout=timeout, memory_mb=memory_mb)


def result_size(result: Any) -> int:
    """About how many characters a query result holds (its values, IRIs in full)."""
    rows = getattr(result, "rows", None)
    if rows is not None:
        return sum(len(c.value) + 3 if c is not None else 1 for row in rows for c in row)
    triples = getattr(result, "triples", None)
    if triples is not None:
        return sum(len(str(t)) for t in triples)
    return 8
