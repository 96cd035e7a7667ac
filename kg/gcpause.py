"""Pause Python's cyclic garbage collector while a command builds many small objects at once.

Reading 100,000 rows or building 300,000 ties makes millions of dicts, tuples and cells. The
cyclic collector runs every few hundred allocations and, as the objects live on, goes over all
of them again and again: measured on the member graph of 5,000 members, creating the ties'
dicts took five times as long with it on. These objects hold no reference cycles that need it
(reference counting frees them), so the collector is paused for the duration and restored as
it was, whatever happens (``gc.disable`` / ``gc.enable``, Python's documented switch).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, then restore it.

    Examples
    --------
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
