"""`plankg query NAME --endpoint URL` gives the same answers as the local graph, parameters included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plankg.kb.queries import list_queries

PARAMETERISED = [q for q in list_queries() if q.params and q.name.startswith(("trace-lookup", "responsibility-chain",
                                                                             "documents-cited", "duties-of-holder"))]


def plankg(*args: str) -> list[dict]:
    r = subprocess.run([sys.executable, "-m", "plankg", "query", *args, "--format", "json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.e2e
@pytest.mark.parametrize("query", PARAMETERISED, ids=[q.name for q in PARAMETERISED])
def test_remote_equals_local(live_server: str, build_dir: Path, query) -> None:
    params = [a for k, v in query.example.items() for a in ("-p", f"{k}={v}")]
    local = plankg(query.name, *params, "--from", str(build_dir))
    remote = plankg(query.name, *params, "--endpoint", live_server + "sparql")
    assert local, "the example finds something"
    key = sorted(local[0])
    assert sorted(tuple(r[k] for k in key) for r in remote) == sorted(tuple(r[k] for k in key) for r in local)
