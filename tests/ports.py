"""Loopback ports for the tests that start a server or a listener: one home for picking them.

Every port comes from the range ``KG_TEST_PORTS=FIRST-LAST`` (default 18300–18399), so that
people who run the tests on one machine at the same time each keep to a range of their own;
no test starts a server on a port the system picks (``--port 0``), which could be in
someone else's range. A port is handed out once per test session (a server that is still starting has not
bound its port yet) and only while nothing is bound to it.
"""

from __future__ import annotations

import os
import socket

__all__ = ["FIRST", "LAST", "free_port"]

FIRST, LAST = (int(n) for n in os.environ.get("KG_TEST_PORTS", "18300-18399").split("-"))
_TAKEN: set[int] = set()


def free_port() -> int:
    """A loopback port of ``KG_TEST_PORTS`` that this session has not handed out and nothing is bound to."""
    for port in range(FIRST, LAST + 1):
        if port in _TAKEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _TAKEN.add(port)
        return port
    raise RuntimeError(f"no free port in {FIRST}-{LAST} (KG_TEST_PORTS)")
