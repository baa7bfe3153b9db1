"""The heap of a long-running process (the web server, the query workers) given back to the system.

glibc keeps freed memory for reuse: a server that once held a 10 MB answer, or a worker that once
ran a hash join over the corpus, keeps those pages for as long as it lives, one copy per thread
arena and per worker. Two settings bound that, both no-ops where glibc is not the allocator:

- :func:`map_large_blocks`: blocks of 1 MiB or more come from their own mappings, returned as soon
  as they are freed (glibc otherwise raises this threshold as large blocks come and go, up to 32 MiB,
  and serves them from the heap);
- :func:`trim`: give the free pages of every arena back now (after a heavy query).
"""

from __future__ import annotations

import contextlib
import ctypes
from functools import lru_cache
from typing import Any

M_MMAP_THRESHOLD = -3   # mallopt parameter (malloc.h)
LARGE_BLOCK = 1 << 20


@lru_cache(maxsize=1)
def _libc() -> Any:
    with contextlib.suppress(OSError):
        libc = ctypes.CDLL(None)
        if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
            return libc
    return None


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Serve blocks of ``threshold`` bytes or more from their own mappings; whether it was set."""
    libc = _libc()
    return bool(libc and libc.mallopt(M_MMAP_THRESHOLD, threshold))


def trim() -> None:
    """Give the heap's free pages back to the system."""
    libc = _libc()
    if libc:
        libc.malloc_trim(0)
