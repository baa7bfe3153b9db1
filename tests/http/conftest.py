"""Fixtures for the HTTP tests: the Flask app over a fresh build, exercised with its test client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import PLAN_NS, make_app, select


@pytest.fixture(scope="session")
def app(build_dir: Path) -> Iterator[Flask]:
    """The service over the session's build, with the default (Oxigraph) store."""
    app = make_app(build_dir)
    try:
        yield app
    finally:
        app.extensions["plankg"].close()


@pytest.fixture(scope="session")
def client(app: Flask) -> FlaskClient:
    """A test client of the session app."""
    return app.test_client()


@pytest.fixture(scope="session")
def manifest(build_dir: Path) -> dict[str, Any]:
    """The build's manifest.json."""
    return json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))




@pytest.fixture(scope="session")
def item(client: FlaskClient) -> str:
    """The IRI of one work item of the plan."""
    rows = select(client, f"SELECT ?i WHERE {{ ?i a <{PLAN_NS}WorkItem> }} ORDER BY ?i LIMIT 1")
    return rows[0]["i"]["value"]
