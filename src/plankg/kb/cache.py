"""Answers kept in memory: the build is read-only, so an answer stays right as long as it is served.

Keyed by the build's id and everything that shapes an answer (the normalised query text, its
dataset, bindings, base IRI, format and limits), bounded in bytes (least recently used go first).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from plankg.kb.lexer import normalise


def job_key(build_id: str, job: Any) -> str:
    """A digest of what an answer depends on (also the answer's ETag)."""
    parts = [build_id, normalise(job.text), job.fmt, repr(job.default_graphs), repr(job.named_graphs),
             repr(sorted((k, str(v)) for k, v in job.bindings.items())),
             repr(sorted(job.prefixes.items())), str(job.base_iri), str(job.max_rows), str(job.max_bytes),
             str(job.rows)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:40]


class ResultCache:
    """A thread-safe LRU map from keys to answers, bounded by the answers' total bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> bytes | None:
        """The answer under ``key``, if kept (a hit moves it to the front)."""
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: str, body: bytes) -> None:
        """Keep an answer, dropping the least recently used ones past the byte bound."""
        if len(body) > self.max_bytes // 4:  # one answer may not push out most of the others
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def stats(self) -> dict[str, int]:
        """Hits, misses, entries and bytes held."""
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "entries": len(self._items),
                    "bytes": self._size}
