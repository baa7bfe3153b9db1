"""The web service: a Flask app factory over a built knowledge graph (the flaskr pattern)."""

from __future__ import annotations

import atexit
from importlib import resources as importlib_resources
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from plankg.config import DEFAULTS

log = logging.getLogger(__name__)


@dataclass
class ServiceState:
    """What every request needs, kept in ``app.extensions["plankg"]``."""

    executor: Any                      # plankg.kb.workers.Executor
    build_dir: Path
    data_files: tuple[str, ...]
    cache: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Stop the query workers."""
        self.executor.close()


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


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI app: DEFAULTS, then PLANKG_* variables, then ``config``."""
    from plankg.kb.store import dataset_path, file_format
    from plankg.web import api, describe, dumps, errors, report, resources, sparql, workbench
    from plankg.kb.workers import Executor

    app = Flask(__name__, template_folder=str(importlib_resources.files("plankg.render") / "templates"))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PLANKG")
    if config:
        app.config.update(config)
    limit = int(app.config["MAX_REQUEST_BYTES"])
    app.config["MAX_CONTENT_LENGTH"] = limit
    app.config["MAX_FORM_MEMORY_SIZE"] = limit

    files = data_files(app.config.get("DATA_FILES"))
    build = Path(app.config["BUILD_DIR"])
    dataset_path(build)  # BuildNotFound now, rather than from the worker process
    for path in files:
        file_format(Path(path))
    executor = Executor(str(build), str(app.config["STORE"]), files,
                        workers=int(app.config["QUERY_WORKERS"]),
                        timeout=float(app.config["QUERY_TIMEOUT"]),
                        worker_memory_mb=int(app.config["WORKER_MEMORY_MB"]))
    service = ServiceState(executor, build, files)
    app.extensions["plankg"] = service
    atexit.register(service.close)

    for blueprint in (sparql.bp, describe.bp, workbench.bp, resources.bp, dumps.bp, api.bp, report.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    sparql.init_app(app)
    return app
