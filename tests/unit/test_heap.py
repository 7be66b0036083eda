"""siamlib.heap.release_freed: freed heap pages go back to the system on glibc; elsewhere it
does nothing (and touches no C library)."""

from __future__ import annotations

import ctypes
import os
import platform

import pytest

from siamlib import heap

MB = 1024 * 1024
GLIBC = platform.libc_ver()[0] == "glibc"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


@pytest.fixture
def fresh_lookup():
    heap._malloc_trim.cache_clear()
    yield
    heap._malloc_trim.cache_clear()


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_release_freed_returns_a_fragmented_heap_to_the_system(fresh_lookup):
    # 200 MB in 2,000-byte blocks (above pymalloc's 512 bytes: glibc's heap), one block in 100
    # kept alive, so the freed 198 MB lie between live blocks and glibc's own trim of the
    # heap's top cannot return them; malloc_trim(0) returns every free page.
    blocks = [bytearray(2000) for _ in range(100_000)]
    kept = blocks[::100]
    del blocks
    before = _rss_mb()
    assert heap.release_freed() is True
    assert before - _rss_mb() > 100
    assert len(kept) == 1000


def test_release_freed_does_nothing_off_glibc(monkeypatch, fresh_lookup):
    def no_library(*a, **k):
        raise AssertionError("no C library is loaded off glibc")

    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    monkeypatch.setattr(ctypes, "CDLL", no_library)
    assert heap.release_freed() is False


def test_release_freed_does_nothing_when_glibc_lacks_malloc_trim(monkeypatch, fresh_lookup):
    class NoTrim:  # a C library without the symbol: ctypes raises AttributeError
        def __init__(self, name):
            pass

    monkeypatch.setattr(platform, "libc_ver", lambda: ("glibc", "2.36"))
    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    assert heap.release_freed() is False
