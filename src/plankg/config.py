"""One place for defaults; CLI flags override PLANKG_* environment variables override these."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# The ontology namespace is fixed (a published vocabulary); the instance data's base is configurable.
ONTOLOGY_IRI = "https://w3id.org/plankg/ontology"
ONTOLOGY_NS = ONTOLOGY_IRI + "#"

DEFAULTS: dict[str, Any] = {
    "BASE_IRI": "https://w3id.org/plankg/",
    "BUILD_DIR": "build",
    "HOST": "127.0.0.1",
    "PORT": 8000,
    "QUERY_TIMEOUT": 10.0,
    "MAX_REQUEST_BYTES": 1_000_000,
    "MAX_RESULT_ROWS": 100_000,
    "MAX_RESULT_BYTES": 64_000_000,
    # Answers cached in the server, bounded in bytes (0 turns the cache off), and where stores of
    # a build plus --data files are kept ("" for ~/.cache/plankg).
    "RESULT_CACHE_BYTES": 64_000_000,
    "CACHE_DIR": "",
    # The SPARQL service (plankg serve): query worker processes, their memory cap, extra RDF files
    # (whitespace-separated in PLANKG_DATA_FILES), and waitress's request threads.
    "QUERY_WORKERS": 3,
    "WORKER_MEMORY_MB": 2048,
    "DATA_FILES": "",
    "SERVER_THREADS": 8,
}


def setting(name: str) -> Any:
    """Return a setting from PLANKG_<NAME> or its default, cast to the default's type."""
    default = DEFAULTS[name]
    raw = os.environ.get(f"PLANKG_{name}")
    if raw is None:
        return default
    return type(default)(raw)


def build_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the last build (``--out``/``--from``, PLANKG_BUILD_DIR, ``build``)."""
    return Path(path or setting("BUILD_DIR"))
