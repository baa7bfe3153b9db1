"""A live `plankg serve` subprocess on a free port, shared by the end-to-end and browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import chromium_session  # noqa: F401  (the `browser` fixture, for every browser test here)

LIVE_TIMEOUT = 5.0      # --timeout of the live server (the runaway test waits this long)
LIVE_WORKERS = 3
STARTUP_SECONDS = 60.0


def read_url(proc: subprocess.Popen[str], deadline: float) -> str:
    """The URL from the server's `Serving on URL` line."""
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("Serving on "):
                found.append(line.split()[-1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(max(0.0, deadline - time.monotonic()))
    if not found:
        raise RuntimeError(f"`plankg serve` printed no URL (exit code {proc.poll()})")
    return found[0]


def wait_until_responds(url: str, deadline: float) -> None:
    """Poll the endpoint until it answers a trivial query."""
    probe = url + "sparql?query=ASK%7B%7D"
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {STARTUP_SECONDS} s")
        time.sleep(0.1)


def start_server(build_dir: Path | None, *extra: str, cwd: Path | None = None,
                 config: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m plankg serve --port 0` and return the process and its base URL.

    Without ``build_dir`` the server serves the default build folder of ``cwd``, as a user's
    `make serve` does.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_")}
    where = ["--build-dir", str(build_dir)] if build_dir is not None else []
    settings = ["--config", str(config)] if config is not None else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "plankg", *settings, "serve", "--host", "127.0.0.1", "--port", "0", *where,
         "--timeout", str(LIVE_TIMEOUT), "--workers", str(LIVE_WORKERS),
         # the tests' many clients share one address: no per-client limit unless a test sets one
         "--client-queries", "0", *extra],
        stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        url = read_url(proc, deadline)
        wait_until_responds(url, deadline)
    except BaseException:
        stop_server(proc)
        raise
    return proc, url


def stop_server(proc: subprocess.Popen[str]) -> None:
    """Terminate the server (its query workers exit with it), killing it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="session")
def live_server(build_dir: Path) -> Iterator[str]:
    """Base URL (e.g. ``http://127.0.0.1:PORT/``) of a live server over the session's build."""
    proc, url = start_server(build_dir)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def live_timeout() -> float:
    """The query timeout (seconds) of the live server."""
    return LIVE_TIMEOUT
