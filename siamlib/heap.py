"""Give the memory a step has freed back to the operating system (glibc only).

glibc keeps freed heap memory for later allocations instead of returning it, and the big
arrays of the later steps are mapped on their own, so they do not reuse it: after the compute
stage at 1,000,000 tickets the batch driver held about 600 MB it no longer used (the board's
evidence step started at 2,268 MB without a trim, 1,655 MB with one; docs/performance.md,
session 30). :func:`release_freed` asks glibc (``malloc_trim(0)``) to return every free
page; :mod:`siamlib.workbook` calls it where a step's temporaries have just been dropped. It
changes no value: it only unmaps pages that hold no live object.

On other C libraries (musl, macOS, Windows) it does nothing and says so.

>>> release_freed() in (True, False)
True
"""

from __future__ import annotations

import ctypes
import functools
import platform


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or ``None`` when this process does not run on glibc."""
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        fn = ctypes.CDLL(None).malloc_trim  # the C library this process is linked with
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


def release_freed() -> bool:
    """Return the heap's free pages to the operating system; ``False`` when not on glibc.

    Returns
    -------
    bool
        ``True`` when glibc's ``malloc_trim(0)`` was called, ``False`` when the C library is
        not glibc (nothing is done then).
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
