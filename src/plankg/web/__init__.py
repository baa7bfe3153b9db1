"""The web service: a Flask app factory over a knowledge base (the flaskr pattern)."""

from __future__ import annotations

import atexit
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from plankg.config import DEFAULTS
from plankg.kb import KnowledgeBase

log = logging.getLogger(__name__)


@dataclass
class ServiceState:
    """What every request needs, kept in ``app.extensions["plankg"]``."""

    kb: KnowledgeBase
    cache: dict[str, Any] = field(default_factory=dict)   # values computed once per build

    @property
    def build_dir(self) -> Path:
        """The build being served."""
        return self.kb.build_dir

    def close(self) -> None:
        """Stop the query workers."""
        self.kb.close()


def state() -> ServiceState:
    """The running app's service state."""
    return current_app.extensions["plankg"]


def data_files(value: Any) -> tuple[str, ...]:
    """The DATA_FILES setting as a tuple (a list, or a whitespace-separated string from the env)."""
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(str(v) for v in value)


def remote_store(config: Mapping[str, Any]) -> dict[str, Any]:
    """The knowledge base's remote-store arguments from the STORE settings ({} when embedded)."""
    import os

    from plankg.errors import PlanKGError

    store = str(config.get("STORE") or "embedded")
    if store == "embedded":
        return {}
    if store != "sparql":
        raise PlanKGError(f"unknown store {store!r}: use embedded or sparql")
    if not config.get("ENDPOINT"):
        raise PlanKGError("--store sparql needs --endpoint URL (the store's SPARQL endpoint)")
    return {"endpoint": str(config["ENDPOINT"]), "user": config.get("STORE_USER") or None,
            "password": os.environ.get("PLANKG_STORE_PASSWORD")}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI app: DEFAULTS, then PLANKG_* variables, then ``config``."""
    from plankg.web import (api, compare, describe, dumps, errors, operations, report, resources, security,
                            sparql, workbench)
    from plankg.web import search, trace

    templates = importlib_resources.files("plankg.render") / "templates"
    app = Flask(__name__, template_folder=str(templates))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PLANKG")
    if config:
        app.config.update(config)
    limit = int(app.config["MAX_REQUEST_BYTES"])
    app.config["MAX_CONTENT_LENGTH"] = limit
    app.config["MAX_FORM_MEMORY_SIZE"] = limit

    kb = KnowledgeBase(Path(app.config["BUILD_DIR"]), data_files(app.config.get("DATA_FILES")),
                       workers=int(app.config["QUERY_WORKERS"]),
                       timeout=float(app.config["QUERY_TIMEOUT"]),
                       worker_memory_mb=int(app.config["WORKER_MEMORY_MB"]),
                       worker_recycle_mb=int(app.config["WORKER_RECYCLE_MB"]),
                       cache_dir=app.config.get("CACHE_DIR") or None,
                       cache_bytes=int(app.config["RESULT_CACHE_BYTES"]),
                       max_query_length=int(app.config["MAX_QUERY_LENGTH"]),
                       max_query_depth=int(app.config["MAX_QUERY_DEPTH"]),
                       **remote_store(app.config))
    service = ServiceState(kb)
    app.extensions["plankg"] = service
    atexit.register(service.close)

    for blueprint in (sparql.bp, describe.bp, workbench.bp, resources.bp, dumps.bp, api.bp, report.bp,
                      compare.bp, search.bp, trace.bp):
        app.register_blueprint(blueprint)
    app.context_processor(lambda: {"corpus_plans": service.kb.plans})
    errors.init_app(app)
    operations.init_app(app)
    security.init_app(app)
    sparql.init_app(app)
    return app
