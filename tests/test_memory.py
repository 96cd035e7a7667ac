"""kg.memory, the one home of reading a process's memory (kg.limits' Watchdog, the endpoint's
workers): real readings of this process and of a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg import memory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")


def test_the_readings_are_consistent() -> None:
    resident, peak, space = memory.resident_bytes(), memory.peak_resident_bytes(), memory.address_space_bytes()
    assert 0 < resident <= peak and resident <= space


def test_a_cap_beyond_now_is_passed_when_the_process_grows() -> None:
    cap = memory.MemoryCap.beyond_now(48)
    assert not cap.exceeded()
    block = bytearray(96 * 1048576)  # zero-filled: every page is touched, so resident
    try:
        assert memory.resident_bytes() > cap.limit
        assert cap.exceeded()
    finally:
        del block
    assert not memory.MemoryCap.of_mb(None).exceeded() and not memory.MemoryCap.beyond_now(0).exceeded()


def test_a_peak_cap_stays_passed_after_the_memory_is_freed() -> None:
    peak, resident = memory.peak_resident_bytes(), memory.resident_bytes()
    cap = memory.MemoryCap.of_mb(peak / 1048576 + 32, peak=True)
    assert not cap.exceeded()
    block = bytearray(peak - resident + 64 * 1048576)  # past the peak of the tests before
    del block
    assert cap.exceeded() and not memory.MemoryCap(cap.limit).exceeded()  # the peak remembers, the resident set not


def test_the_address_space_cap_makes_a_large_allocation_fail() -> None:
    code = (
        "from kg.memory import cap_address_space\n"
        "bytearray(16 * 1048576)\n"
        "cap_address_space(64 * 1048576)\n"
        "try:\n    bytearray(512 * 1048576)\nexcept MemoryError:\n    print('refused')\n"
        "bytearray(16 * 1048576)\nprint('small ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused", "small", "ok"]
