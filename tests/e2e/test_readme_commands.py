"""The README's commands as a user runs them: relative paths and default flags, from the project folder.

`make serve` is `plankg build` then `plankg serve` in the working folder; a dump or page that only
works with the absolute paths the other tests use would fail here.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import start_server, stop_server

pytestmark = pytest.mark.e2e

PATHS = ["/dumps/plankg.ttl", "/dumps/plankg.nt", "/dumps/plankg.jsonld", "/dumps/plankg.rdf",
         "/dumps/plankg.trig", "/dumps/", "/dumps/dcat.ttl", "/id/plan/luzhou-2014/item/19",
         "/id/plan/luzhou-2014/item/19.jsonld", "/report", "/api/trace/19", "/.well-known/void",
         "/ontology", "/"]


def test_build_then_serve_with_relative_paths(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "plankg", "build"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "build" / "store").is_dir()
    proc, url = start_server(None, cwd=tmp_path)
    try:
        for path in PATHS:
            with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as resp:
                assert resp.status == 200, path
                assert resp.read(), path
    finally:
        stop_server(proc)
