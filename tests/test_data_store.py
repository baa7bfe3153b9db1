"""`--data` files: loaded into a store once, reused while they are unchanged, made afresh when they change."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from plankg.kb.store import serving_store, store_path

TRIPLE = '<https://example.org/a> <https://example.org/p> "{}" .\n'


def test_data_store_is_made_once_and_reused_while_unchanged(build_dir: Path, tmp_path: Path) -> None:
    data, cache = tmp_path / "extra.nt", tmp_path / "cache"
    data.write_text(TRIPLE.format("one"), "utf-8")
    assert serving_store(build_dir, ()) == store_path(build_dir)   # no data files: the build's own store

    first = serving_store(build_dir, [data], cache)
    made = (first / "CURRENT").stat().st_mtime_ns
    assert serving_store(build_dir, [data], cache) == first          # unchanged: the same store, not rebuilt
    assert (first / "CURRENT").stat().st_mtime_ns == made

    data.write_text(TRIPLE.format("two"), "utf-8")                   # changed bytes: a store of its own
    second = serving_store(build_dir, [data], cache)
    assert second != first and first.is_dir()
    store = ox.Store.read_only(str(second))
    values = {q.object.value for q in store.quads_for_pattern(ox.NamedNode("https://example.org/a"), None, None)}
    assert values == {"two"}
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no half-written store left behind
