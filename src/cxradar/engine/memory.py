"""Give a process's freed memory back to the system between pieces of work.

A shard worker's frames are freed when its task returns, but the C allocators keep the pages: at
1M subscribers each of the two DuckDB shard workers stayed at 1.4-2.1 GB after the churn table's
shards, through the model fit that followed in the main process, and the main process kept the
high-water mark of every step. :func:`release_memory` runs Python's collector, asks Arrow's pool
to release its unused pages and glibc to trim its heap (``malloc_trim``; skipped where the C
library has no such call).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc

import pyarrow as pa

__all__ = ["release_memory"]


def _trim() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def release_memory() -> None:
    """Collect garbage, then return unused Arrow and C heap pages to the operating system."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    _trim()
