"""Opening a build's store read-only, and stores for builds served with further data files.

A build holds its own store (written once by ``plankg build``). Serving further files (``--data``)
needs one store holding both: it is made once in a cache folder, keyed by the build's id and the
files' contents, and reused while neither changes. Nothing here writes into a build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.build.store import (DATASET_FILE, STORE_DIR, DataFileError, file_format, graph_name_for,
                                write_store)
from plankg.config import cache_root
from plankg.errors import BuildNotFound

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


def manifest(build_dir: str | Path) -> dict[str, Any]:
    """The build's manifest (base IRI, id, plans, graphs, counts)."""
    path = Path(build_dir) / MANIFEST
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise BuildNotFound(f"no readable {MANIFEST} in {Path(build_dir)}/: run `plankg build` first") from None


def store_path(build_dir: str | Path) -> Path:
    """The store folder of a build, or BuildNotFound naming where it looked."""
    path = Path(build_dir) / STORE_DIR
    if not path.is_dir():
        raise BuildNotFound(f"no {STORE_DIR}/ in {Path(build_dir)}/: run `plankg build` first "
                            "(builds older than the on-disk store need rebuilding)")
    return path


def open_store(path: str | Path) -> ox.Store:
    """A store opened read-only (many processes may read it at once)."""
    return ox.Store.read_only(str(path))


def check_data_files(files: Sequence[str | Path]) -> list[Path]:
    """The data files as paths, each existing and of a known RDF format."""
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise DataFileError(f"--data {path}: no such file")
        file_format(path)
    return paths


def data_graphs(files: Sequence[str | Path]) -> list[str]:
    """The named graphs data files are served in: a triples file's own, a quads file's graphs."""
    out: list[str] = []
    for path in check_data_files(files):
        fmt, quads = file_format(path)
        names = ({q.graph_name.value for q in ox.parse(path=str(path), format=fmt)
                  if not isinstance(q.graph_name, ox.DefaultGraph)} if quads else {graph_name_for(path).value})
        out += sorted(names - set(out))
    return out


def data_store_key(build_dir: str | Path, files: Sequence[Path]) -> str:
    """What a store of build + files depends on: the build's id and each file's name and bytes."""
    digest = hashlib.sha256(str(manifest(build_dir).get("build_id", "")).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


def serving_store(build_dir: str | Path, files: Sequence[str | Path] = (),
                  cache_dir: str | Path | None = None) -> Path:
    """The store to serve: the build's own, or a cached one with the data files added."""
    own = store_path(build_dir)
    paths = check_data_files(files)
    if not paths:
        return own
    folder = Path(cache_dir or cache_root()) / f"store-{data_store_key(build_dir, paths)}"
    if folder.is_dir():
        log.info("reusing %s for %d data files", folder, len(paths))
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        write_store(tmp / "store", [Path(build_dir) / DATASET_FILE, *paths])
        os.replace(tmp / "store", folder)
    except FileExistsError:  # OSError on some systems: another server made it meanwhile
        pass
    except OSError:
        if not folder.is_dir():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("made %s for %d data files", folder, len(paths))
    return folder
