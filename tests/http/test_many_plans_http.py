"""The service and the CLI over a corpus of many plans: every test plan of the repository, the
Luzhou plan and synthetic plans (bench/synth.py). Every API route, report format and page answers
per plan, and no answer holds another plan's items."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import make_app

from plankg.build.pipeline import run_build

ROOT = Path(__file__).resolve().parents[2]
PLANS_DIR = ROOT / "tests" / "data" / "plans"


def _synth():
    spec = importlib.util.spec_from_file_location("bench_synth_many", ROOT / "bench" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def many_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = tmp_path_factory.mktemp("many-texts")
    sources = _synth().write_texts(4, texts)  # the Luzhou plan + 3 synthetic ones
    out = tmp_path_factory.mktemp("many") / "build"
    result = run_build([*sources, PLANS_DIR], out=out)
    assert not result.failures
    return out


@pytest.fixture(scope="module")
def keys(many_dir: Path) -> list[str]:
    return [p["key"] for p in json.loads((many_dir / "manifest.json").read_text("utf-8"))["plans"]]


@pytest.fixture(scope="module")
def many(many_dir: Path) -> Iterator[FlaskClient]:
    app: Flask = make_app(many_dir)
    try:
        yield app.test_client()
    finally:
        app.extensions["plankg"].close()


def others(keys: list[str], key: str) -> list[str]:
    return [f"/id/plan/{k}/" for k in keys if k != key and not k.startswith(key) and not key.startswith(k)]


def test_the_corpus_holds_every_plan(keys: list[str], many: FlaskClient) -> None:
    assert len(keys) == 4 + len(list(PLANS_DIR.glob("*.txt")))
    listed = {p["key"] for p in many.get("/api/plans").get_json()}
    assert listed == set(keys)
    home = many.get("/plans").get_data(as_text=True)
    assert all(k in home for k in keys)


def test_every_route_answers_per_plan_and_never_mixes_plans(keys: list[str], many: FlaskClient) -> None:
    for key in keys:
        foreign = others(keys, key)
        items = many.get("/api/items", query_string={"plan": key})
        assert items.status_code == 200, key
        rows = items.get_json()
        first = rows[0]
        paths = [f"/api/trace/{first['number']}", f"/api/items/{first['number']}", "/api/holders", "/api/gaps", "/api/targets",
                 f"/plan/{key}/report", f"/plan/{key}/report.csv", f"/plan/{key}/report.md"]
        for path in paths:
            resp = many.get(path, query_string={"plan": key} if path.startswith("/api") else None)
            assert resp.status_code == 200, (key, path, resp.get_data(as_text=True)[:200])
            body = resp.get_data(as_text=True)
            assert not [f for f in foreign if f in body], (key, path)
        assert all(f"/id/plan/{key}/" in str(i["iri"]) for i in rows), key


def test_routes_without_a_plan_list_them_all(keys: list[str], many: FlaskClient) -> None:
    resp = many.get("/api/items")
    assert resp.status_code == 400
    assert all(k in resp.get_json()["error"] for k in keys)


def test_cli_trace_and_report_per_plan(keys: list[str], many_dir: Path) -> None:
    for key in (keys[0], keys[-1]):
        foreign = others(keys, key)
        for args in (["trace", "1", "--format", "json"], ["report", "--format", "md"]):
            r = subprocess.run([sys.executable, "-m", "plankg", *args, "--plan", key, "--from", str(many_dir)],
                               capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, (key, args, r.stderr)
            assert not [f for f in foreign if f in r.stdout], (key, args)
    plans = subprocess.run([sys.executable, "-m", "plankg", "query", "plans", "--from", str(many_dir), "--format", "json"],
                           capture_output=True, text=True, timeout=300)
    assert sorted(r["plan"].rsplit("/", 1)[-1] for r in json.loads(plans.stdout)) == sorted(keys)  # flat plans too
    asked = subprocess.run([sys.executable, "-m", "plankg", "trace", "1", "--from", str(many_dir)],
                           capture_output=True, text=True, timeout=300)
    assert asked.returncode == 2 and keys[1] in asked.stderr
