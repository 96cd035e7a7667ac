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

__all__ = ["peak_mb", "timed"]


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
