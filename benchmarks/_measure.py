"""The timing and peak-memory helpers of every benchmark script (one home for them).

The scripts run as ``python benchmarks/<script>.py``, so this folder is on ``sys.path``
and they ``from _measure import …``. Figures are medians of wall-clock runs
(``time.perf_counter``) and this process's peak resident memory.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["peak_mb", "timed", "timed_with_cpu"]


def timed(fn: Callable[[], Any], runs: int = 1) -> tuple[float, Any]:
    """The median of ``runs`` wall-clock timings of ``fn()`` in seconds, and its last result.

    Examples
    --------
    >>> seconds, result = timed(lambda: sum(range(10)), runs=3)
    >>> result, seconds >= 0
    (45, True)
    """
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def timed_with_cpu(fn: Callable[[], Any], runs: int = 1) -> tuple[float, float]:
    """The median wall-clock seconds and the median CPU seconds (user + system, this process
    and its children) of ``runs`` calls of ``fn()``, each pair from the same calls.

    On a shared machine the wall clock of a millisecond question also counts the time the
    process waits for a core after it gives one up (an SQLite read, a sleep): at a load of 5
    on 2 cores, any such pause before a 1.6 ms query made it take 4-6 ms. CPU time counts
    only the work (pyoxigraph evaluates in the calling thread).

    Examples
    --------
    >>> wall, cpu = timed_with_cpu(lambda: sum(range(10_000)), runs=3)
    >>> wall >= 0 and cpu >= 0
    True
    """
    def used() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    walls, cpus = [], []
    for _ in range(runs):
        before, t0 = used(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(used() - before)
    return float(statistics.median(walls)), float(statistics.median(cpus))


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM of ``/proc/self/status`` where there is one: ``ru_maxrss`` would carry the parent's
    peak over fork and exec. ``ru_maxrss`` elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
