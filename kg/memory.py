"""How much memory this process holds, and a cap on it: the one home of both for kg.

Read from Linux's ``/proc/self`` (proc(5): ``statm`` in pages, ``status`` in kB), with no
module to import (``resource`` is an extension module, loaded only where ``/proc`` is
missing or to set a limit). Used by the two watchers of a running query:

* ``kg sparql`` / ``kg query`` (:class:`kg.limits.Watchdog`): the process's *peak* resident
  set against an absolute cap, every 10 ms (a cross product that grows and shrinks between
  two looks is still caught);
* an endpoint worker (:mod:`kg.endpoint.pool`): its *current* resident set against what it
  held once the store was open plus an allowance, every 50 ms, and a hard cap of its address
  space (``RLIMIT_AS``, :func:`cap_address_space`) for what the watch cannot catch in time.
"""

from __future__ import annotations

import os
import sys

__all__ = ["resident_bytes", "peak_resident_bytes", "address_space_bytes", "cap_address_space", "MemoryCap"]


def _statm_bytes(field: int) -> int:
    """A field of ``/proc/self/statm`` (0: size of the address space, 1: resident), in bytes;
    0 where unknown."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def resident_bytes() -> int:
    """This process's resident memory now (Linux ``/proc``; 0 elsewhere)."""
    return _statm_bytes(1)


def address_space_bytes() -> int:
    """The size of this process's address space now (Linux ``/proc``; 0 elsewhere)."""
    return _statm_bytes(0)


def peak_resident_bytes() -> int:
    """The peak resident set size of this process so far (0 where unknown)."""
    try:  # Linux: no extension module to load (resource is one)
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        from resource import RUSAGE_SELF, getrusage
    except ImportError:  # pragma: no cover - Windows
        return 0
    peak = getrusage(RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


class MemoryCap:
    """A cap of this process's resident memory, looked at by :meth:`exceeded` (a plain
    class: :mod:`dataclasses` is not loaded by ``kg sparql``).

    Parameters
    ----------
    limit : int
        Bytes; 0 for no cap.
    peak : bool
        Compare the peak resident set so far (``VmHWM``) rather than the resident set now.
    """

    __slots__ = ("limit", "peak")

    def __init__(self, limit: int, peak: bool = False) -> None:
        self.limit = limit
        self.peak = peak

    @classmethod
    def of_mb(cls, megabytes: float | None, *, peak: bool = False) -> MemoryCap:
        """A cap of ``megabytes`` (``None`` or 0: none)."""
        return cls(int(megabytes * 1048576) if megabytes else 0, peak)

    @classmethod
    def beyond_now(cls, megabytes: float | None) -> MemoryCap:
        """A cap of what the process holds now plus ``megabytes`` (``None`` or 0: none)."""
        return cls(resident_bytes() + int(megabytes * 1048576) if megabytes else 0)

    def exceeded(self) -> bool:
        """Whether the process is past the cap (never, without one)."""
        if not self.limit:
            return False
        return (peak_resident_bytes() if self.peak else resident_bytes()) > self.limit


def cap_address_space(max_bytes: int) -> None:
    """Let the address space grow by at most ``max_bytes`` beyond its size now (``RLIMIT_AS``;
    nothing where there is no such limit, or for ``max_bytes`` ≤ 0). An allocation past it
    fails: for Rust code, the process aborts, so only a process that may die (an endpoint
    worker, which is replaced) sets it."""
    if max_bytes <= 0:
        return
    try:
        import resource
    except ImportError:  # not on Windows
        return
    held = address_space_bytes()  # 0 where /proc is missing: count from nothing
    resource.setrlimit(resource.RLIMIT_AS, (held + max_bytes, held + max_bytes))
