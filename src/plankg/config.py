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
    "MAX_QUERY_LENGTH": 100_000,      # characters of one query
    "MAX_QUERY_DEPTH": 64,            # nesting of (), {} and [] in one query
    "SLOW_QUERY_SECONDS": 2.0,        # queries at least this slow are logged with their text
    # On a public address: the URL the service is reached at ("" for the Host header), allowed
    # CORS origins, requests one client may have running at once and per minute (0: no limit).
    "PUBLIC_URL": "",
    "CORS_ORIGINS": "*",
    "CLIENT_QUERIES": 4,
    "RATE_LIMIT": 0,
    # waitress: open connections at most, seconds a connection may be idle.
    "CONNECTION_LIMIT": 1000,
    "CHANNEL_TIMEOUT": 30,
    # Answers cached in the server, bounded in bytes (0 turns the cache off), and where stores of
    # a build plus --data files are kept ("" for ~/.cache/plankg).
    "RESULT_CACHE_BYTES": 64_000_000,
    "CACHE_DIR": "",
    # The store behind the service: "embedded" (the build's own) or "sparql" (an external SPARQL
    # 1.1 store that `plankg push` loaded), its endpoint and user (the password only from
    # PLANKG_STORE_PASSWORD).
    "STORE": "embedded",
    "ENDPOINT": "",
    "STORE_USER": "",
    # The SPARQL service (plankg serve): queries run at once, the memory each may add, extra RDF files
    # (whitespace-separated in PLANKG_DATA_FILES), and waitress's request threads.
    "QUERY_WORKERS": 3,
    "WORKER_MEMORY_MB": 2048,
    # The engine, once its own memory (pages it no longer shares with the zygote) passes this many
    # MB after a query, is replaced by a fresh fork: its caches and heap stay bounded whatever the
    # number of workers.
    "WORKER_RECYCLE_MB": 64,
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


def cache_root() -> Path:
    """Where plankg keeps what it can make again (plan builds, stores with data files):
    PLANKG_CACHE_DIR, else $XDG_CACHE_HOME/plankg or ~/.cache/plankg."""
    if os.environ.get("PLANKG_CACHE_DIR"):
        return Path(os.environ["PLANKG_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plankg"
