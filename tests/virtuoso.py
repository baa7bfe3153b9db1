"""A Virtuoso Open Source server (Debian's virtuoso-opensource-7-bin) for the tests: a temporary
database on free ports, started once per session and stopped after."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

VIRTUOSO = shutil.which("virtuoso-t")
USER, PASSWORD = "dba", "dba"   # a fresh database's administrator

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 100000
MaxDirtyBuffers = 60000
DirsAllowed = ., {d}

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""


@dataclass
class Virtuoso:
    """A running server."""

    proc: subprocess.Popen[bytes]
    endpoint: str
    folder: Path

    @property
    def graph_store(self) -> str:
        return self.endpoint + "-graph-crud-auth"

    def alive(self) -> bool:
        return self.proc.poll() is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_virtuoso(folder: Path, seconds: float = 120) -> Virtuoso:
    """Start a server on a new database in ``folder`` and wait until /sparql answers."""
    if VIRTUOSO is None:
        pytest.skip("virtuoso-t is not installed (Debian package virtuoso-opensource-7-bin; "
                    "`make test` installs it)")
    http_port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql_port=free_port(), http_port=http_port))
    proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(endpoint + "?query=ASK%7B%7D", timeout=5) as resp:
                if resp.status == 200:
                    return Virtuoso(proc, endpoint, folder)
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_virtuoso(Virtuoso(proc, endpoint, folder))
            log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] \
                if (folder / "virtuoso.log").exists() else ""
            raise RuntimeError(f"Virtuoso did not start (exit {proc.poll()}): {log}")
        time.sleep(0.3)


def stop_virtuoso(server: Virtuoso) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        stop_virtuoso(server)


@pytest.fixture(scope="session")
def pushed_virtuoso(virtuoso: Virtuoso, build_dir: Path) -> Virtuoso:
    """The session's server holding the session's build (pushed with `plankg push`)."""
    import os
    import sys

    result = subprocess.run([sys.executable, "-m", "plankg", "push", "--from", str(build_dir), "--to",
                             virtuoso.endpoint, "--user", USER], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PLANKG_STORE_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    return virtuoso
