"""The web service: a Flask app factory over a built knowledge graph (the flaskr pattern)."""

from __future__ import annotations

import atexit
import importlib.util
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

    executor: Any                      # plankg.service.executor.Executor
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
    from plankg.graph.store import dataset_path, file_format
    from plankg.service import describe, errors, sparql
    from plankg.service.executor import Executor

    app = Flask(__name__)
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

    app.register_blueprint(sparql.bp)
    app.register_blueprint(describe.bp)
    app.register_blueprint(_workbench_blueprint())
    # Issue 4 (IRI dereferencing, /id/... and /ontology) adds plankg.service.resources.
    if importlib.util.find_spec("plankg.service.resources") is not None:
        from plankg.service import dumps, resources

        app.register_blueprint(resources.bp)
        app.register_blueprint(dumps.bp)
    from plankg.service import api, report  # issue 4: /api/ (accountability JSON) and /report

    app.register_blueprint(api.bp)
    app.register_blueprint(report.bp)
    errors.init_app(app)
    sparql.init_app(app)
    return app


def _workbench_blueprint() -> Any:
    """The workbench blueprint (service/workbench.py, the `/` page)."""
    from plankg.service import workbench

    return workbench.bp
