"""A live server held by slow clients, and the command line and logs an operator uses (issue 8)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import start_server, stop_server

pytestmark = pytest.mark.e2e

SLOW_CLIENTS = 300


def test_slow_clients_do_not_lock_others_out(build_dir: Path) -> None:
    proc, url = start_server(build_dir, "--channel-timeout", "20", "--threads", "4")
    host, port = url.split("//")[1].rstrip("/").split(":")
    socks: list[socket.socket] = []
    stop = threading.Event()
    try:
        for _ in range(SLOW_CLIENTS):  # open connections that send headers a line at a time
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)

        def trickle() -> None:
            n = 0
            while not stop.wait(1.0):
                n += 1
                for s in socks:
                    try:
                        s.sendall(f"X-Slow-{n}: 1\r\n".encode())
                    except OSError:
                        pass

        threading.Thread(target=trickle, daemon=True).start()
        time.sleep(1.5)
        for _ in range(5):  # meanwhile, normal requests are answered (locked out, they would time out)
            with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=10) as resp:
                assert resp.status == 200
    finally:
        stop.set()
        for s in socks:
            s.close()
        stop_server(proc)


def test_access_and_slow_query_logs(build_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "plankg", "serve", "--host", "127.0.0.1", "--port", "0",
         "--build-dir", str(build_dir), "--slow-query-seconds", "0.000001", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "sparql?query=SELECT%20%3Fs%20%7B%7D", timeout=5):
                    break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    access = [ln for ln in err.splitlines() if "plankg.access" in ln and "/sparql" in ln]
    assert access and " GET /sparql?query=SELECT%20%3Fs%20%7B%7D 200 " in access[-1]
    slow = [ln for ln in err.splitlines() if "plankg.slow" in ln]
    assert slow and "SELECT ?s {}" in slow[-1]


def test_config_file_sets_serve_and_flags_win(build_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "plankg.toml"
    config.write_text(f'[serve]\nbuild_dir = "{build_dir}"\npublic_url = "https://kg.example.org/"\n'
                      'max_query_depth = 3\n', "utf-8")
    proc, url = start_server(None, "--max-query-depth", "5", cwd=tmp_path, config=config)
    try:
        with urllib.request.urlopen(url + ".well-known/void?format=turtle", timeout=10) as resp:
            assert "https://kg.example.org/sparql" in resp.read().decode()
        deep = "SELECT * WHERE " + "{" * 5 + "}" * 5
        with urllib.request.urlopen(url + "sparql?query=" + urllib.parse.quote(deep), timeout=10) as resp:
            assert resp.status == 200  # 5 from the flag, not 3 from the file
    finally:
        stop_server(proc)


def test_cli_query_makes_no_connection_and_prints_no_traceback(build_dir: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        service = subprocess.run(
            [sys.executable, "-m", "plankg", "query", "--from", str(build_dir),
             f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"],
            capture_output=True, text=True, timeout=60)
        assert service.returncode == 2 and "SERVICE" in service.stderr
        with pytest.raises(TimeoutError):
            listener.accept()
        bad = subprocess.run([sys.executable, "-m", "plankg", "query", "--from", str(build_dir),
                              "SELECT * WHERE {\n  ?s ?p }"], capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2
        assert "line 2, column" in bad.stderr and "Traceback" not in bad.stderr
    finally:
        listener.close()


def test_sparqlwrapper_asking_for_n_triples_gets_n_triples(live_server: str) -> None:
    from rdflib import Graph
    from SPARQLWrapper import N3, SPARQLWrapper

    client = SPARQLWrapper(live_server + "sparql")
    client.setQuery("DESCRIBE <https://w3id.org/plankg/id/plan/luzhou-2014/item/19>")
    client.setReturnFormat(N3)  # sends format=n3 ...
    client.addCustomHttpHeader("Accept", "application/n-triples")  # ... and an exact type
    result = client.query()
    assert result.info()["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=result.response.read().decode("utf-8"), format="nt")) > 5
