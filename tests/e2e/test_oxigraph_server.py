"""A second external engine: the Oxigraph server in its own process (PyPI's `oxigraph`), with the
same differential as Virtuoso: push over the Graph Store Protocol, then every named query."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_virtuoso import QUERIES, assert_same_answers

from plankg.kb import KnowledgeBase

pytestmark = pytest.mark.e2e
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert OXIGRAPH, "the oxigraph server (PyPI package oxigraph, the bench extra) is not installed"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the oxigraph server did not start") from None
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(scope="module")
def remote(oxigraph_server: str, build_dir: Path) -> KnowledgeBase:
    result = subprocess.run([sys.executable, "-m", "plankg", "push", "--from", str(build_dir),
                             "--to", oxigraph_server + "/query", "--graph-store", oxigraph_server + "/store"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return KnowledgeBase(build_dir, endpoint=oxigraph_server + "/query", timeout=60)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_named_query_answers_as_on_the_embedded_store(remote: KnowledgeBase, kb: KnowledgeBase, query) -> None:
    assert_same_answers(kb, remote, query)
