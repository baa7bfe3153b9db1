"""Benchmark: every named query over HTTP, plankg against the Oxigraph server, interleaved, per scale.

Usage::

    python bench/run.py --quick                            # 1x only, 2 runs per query: well under a minute
    python bench/run.py --cache /tmp/plankg-bench          # 1x and 100x (builds kept in /tmp/plankg-bench)
    python bench/run.py --scales 1,10 --queries cq01,trace-holder --mem-workers ""

For each scale (1x = the real plan; Nx = the real plan + N-1 synthetic plans from bench/synth.py,
built once by the project's pipeline (its steps timed by the pipeline), and cached under
``--cache``) the run starts, one after the other (so that each start-up is timed alone):

- ``oxigraph-server``  Oxigraph's own server, the yardstick: ``oxigraph load`` of the build's
                       plankg.nq plus its triples into the default graph (the set union, as plankg's
                       store holds it), then ``oxigraph serve-read-only``
- ``plankg``           ``plankg serve --no-cache`` on the build (its read-only Oxigraph store): cold
- ``plankg-cached``    ``plankg serve`` with its result cache on: repeated queries
- ``floor``            bench/floor.py on the build's store: waitress and a perfect cache (a query is
                       evaluated once, then answered by a dictionary lookup), nothing else: the least
                       a cached service of waitress and pyoxigraph can cost per request
- ``floor-cold``       bench/floor.py --cold: waitress and every query evaluated in a child process
                       (the one way to stop a pyoxigraph query is to kill its process), nothing else:
                       the least a cold service that bounds query time can cost, and hold

then, query by query, warms each server up once and takes ``--repeat`` samples from each, the
servers interleaved (round i starts with server i mod their number), so that a noisy moment of the shared
machine hits them alike. POST application/x-www-form-urlencoded, Accept
application/sparql-results+json (CONSTRUCT/DESCRIBE: application/n-triples), body read in full,
one client. Parameterised queries get their `#+ example:` value (else DEFAULT_PARAMS), written
into the text as ``plankg query --endpoint`` does (plankg.kb.queries.inline_bindings).

Start-up is from spawn until the server answers ``ASK {}`` with 200 (plankg: also until it prints
``Serving on``). Memory is the PSS (proportional set size: pages shared between the processes of a
tree counted once) of the whole process tree (plankg: server, zygote, query workers) after the
queries, and the summed RSS. With ``--mem-workers 1,3,6`` plankg is then started alone once per
worker count and every query sent once by as many concurrent clients as there are workers (so that
every worker runs queries), to show how memory grows with workers.

A request over the cap (``--cap``, also the servers' query timeout) is recorded as ">cap" and not
repeated; an answer over plankg's MAX_RESULT_ROWS / MAX_RESULT_BYTES as "limit".

Output: a headline table (metric, target, measured per scale), a table per scale (p50/p95 per
query per server, ratios to the Oxigraph server, geometric mean and maximum), start-up, memory and
build-step tables; and a JSON file with every sample (``--out``, default bench/results/<stamp>.json).
The machine is shared and noisy: compare ratios measured in the same run, not absolute times.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (bench/synth.py, next to this file)

# A query with a `plan` parameter is also sent with it unbound, under this suffix: the corpus-wide
# form, reported apart from the targets (which take every named query with its example values).
EVERY_PLAN = " (every plan)"
BASELINE = "oxigraph-server"
COLD, CACHED = "plankg", "plankg-cached"
FLOOR, FLOOR_COLD = "floor", "floor-cold"   # bench/floor.py: waitress and a perfect cache / a query process
SERVERS = (BASELINE, COLD, CACHED, FLOOR, FLOOR_COLD)       # start order
COMPARED = SERVERS[1:]                   # each reported as a ratio to the baseline
ACCEPT = "application/sparql-results+json"   # SELECT and ASK
ACCEPT_GRAPH = "application/n-triples"        # CONSTRUCT and DESCRIBE
# Targets (the issue): cold geometric mean and maximum of the ratios to the Oxigraph server,
# cached geometric mean, start-up seconds, slowest query at 100x and at 1000x.
TARGETS = {"cold_geomean": 0.8, "cold_max": 1.5, "cached_geomean": 0.2, "start_s": 2.0, "query_s": 1.0,
           "query_s_1000": 5.0}


def query_limit_s(scale: int) -> float:
    """The slowest a named query may be at a scale: 1 s up to 100x, 5 s at 1000x."""
    return TARGETS["query_s_1000"] if scale >= 1000 else TARGETS["query_s"]


# Values for parameterised queries: the query's own `#+ example:` header first, else these defaults by
# parameter name (N3 terms), all from the real plan, which is part of every scale. Parameters whose
# description says xsd:date get a typed literal.
ID = "https://w3id.org/plankg/id/"
DEFAULT_PARAMS: dict[str, str] = {
    "number": "19",
    "holder": f"<{ID}group/lu-zhou-shi-jiao-yu-ju-other-bureau-leaders>",
    "placeName": '"古蔺县"',
    "name": '"古蔺县"',
    "until": '"2014-06-30"',
    "graph": "<https://w3id.org/plankg/graph/ontology>",
    "plan": f"<{ID}plan/luzhou-2014>",
    "resource": f"<{ID}plan/luzhou-2014/item/19>",
    "focus": f"<{ID}plan/luzhou-2014/item/19>",
    "entity": f"<{ID}place/510525>",
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------

def param_values(q: Any) -> dict[str, str]:
    """N3 terms for each parameter of a named query: its `#+ example:`, else DEFAULT_PARAMS."""
    from plankg.kb.queries import parse_header, term_for

    example = parse_header(q.text, q.name).get("example") or {}
    out: dict[str, str] = {}
    for name, description in q.params.items():
        if name in example:
            out[name] = str(term_for(str(example[name])))  # the term bindings() would give, in N-Triples syntax
        elif name in DEFAULT_PARAMS:
            out[name] = DEFAULT_PARAMS[name]
        else:
            continue
        if "xsd:date" in str(description) and out[name].startswith('"') and "^^" not in out[name]:
            out[name] += "^^<http://www.w3.org/2001/XMLSchema#date>"
    return out


def bench_queries(only: list[str] | None = None) -> list[dict[str, Any]]:
    """Every named query as sent over HTTP: name, text (parameters bound), the values bound."""
    from plankg.kb.queries import inline_bindings, list_queries, query_form

    out = []
    for q in list_queries():
        if only and q.name not in only:
            continue
        text, values = q.text, {}
        if q.params:
            values = param_values(q)
            missing = set(q.params) - set(values)
            if missing:
                out.append({"name": q.name, "text": None, "params": values,
                            "skip": f"no value for parameter(s) {', '.join(sorted(missing))}"})
                continue
        form = query_form(text)
        accept = ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT
        bound = inline_bindings(text, values, form) if values else text
        out.append({"name": q.name, "text": bound, "params": values, "skip": None, "form": form, "accept": accept})
        if "plan" in values:   # the same question over the whole corpus, timed apart from the targets
            rest = {k: v for k, v in values.items() if k != "plan"}
            out.append({"name": q.name + EVERY_PLAN, "text": inline_bindings(text, rest, form) if rest else text,
                        "params": rest, "skip": None, "form": form, "accept": accept, "corpus": True})
    return out


# ---------------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------------

def fingerprint(seed: int) -> str:
    """Hash of everything a build depends on: pipeline, ontology, sources, curation, generator."""
    h = hashlib.sha256(str(seed).encode())
    for folder in ("src/plankg/build", "src/plankg/ontology"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.is_file() and p.suffix in (".py", ".yaml", ".txt", ".ttl", ".owl") and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode())
                h.update(p.read_bytes())
    h.update((HERE / "synth.py").read_bytes())
    return h.hexdigest()[:16]


def dataset(scale: int, cache: Path, seed: int, rebuild: bool, stale_ok: bool = False) -> dict[str, Any]:
    """The build directory of `scale` plans, built with bench/synth.py unless cached and current."""
    folder = cache / f"scale-{scale}"
    fp = fingerprint(seed)
    info_path = folder / "synth.json"
    if not rebuild and info_path.is_file() and (folder / "store").is_dir() and (folder / "plankg.nq").is_file():
        info = json.loads(info_path.read_text("utf-8"))
        if info.get("fingerprint") == fp or stale_ok:
            stale = info.get("fingerprint") != fp
            log(f"scale {scale}: using cached build {folder} ({info['triples']:,} triples, "
                f"built in {info['build_seconds']} s{'; the pipeline has changed since' if stale else ''})")
            return {**info, "dir": str(folder), "cached": True, "stale": stale}
    if scale > 200:
        raise SystemExit(f"scale {scale}: no build in {folder}; building that many plans through the pipeline takes "
                         f"hours: copy a 100x build with bench/scale_copy.py --out {folder}")
    log(f"scale {scale}: building {scale} plan(s) with the pipeline into {folder} (steps timed) ...")
    info = synth.build(scale, folder, seed)
    info["fingerprint"] = fp
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    log(f"scale {scale}: {info['triples']:,} triples in {info['build_seconds']} s")
    return {**info, "dir": str(folder), "cached": False}


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_tree(pid: int) -> list[int]:
    """pid and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (d / "stat").read_text()
                ppid = int(stat[stat.rindex(")") + 2:].split()[1])
                children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def memory_mb(pid: int) -> dict[str, Any]:
    """RSS and PSS (proportional: shared copy-on-write pages counted once) of a process tree, in MiB."""
    rss = pss = 0
    per: list[dict[str, Any]] = []
    for p in proc_tree(pid):
        with contextlib.suppress(OSError):
            r = s = 0
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    r = int(line.split()[1])
                elif line.startswith("Pss:"):
                    s = int(line.split()[1])
            rss, pss = rss + r, pss + s
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            per.append({"pid": p, "pss_mb": round(s / 1024, 1), "rss_mb": round(r / 1024, 1), "cmd": cmd[:80]})
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": len(per), "per_process": per}


def union_triples(nquads: Path, out: Path) -> Path:
    """The triples of every graph as N-Triples (loading them into the default graph dedups them)."""
    import pyoxigraph as ox

    with open(nquads, "rb") as src, open(out, "wb") as dst:
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(src, ox.RdfFormat.N_QUADS)),
                     dst, ox.RdfFormat.N_TRIPLES)
    return out


def oxigraph_exe() -> str:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not exe:
        raise RuntimeError("the `oxigraph` server is not installed: pip install -e '.[bench]'")
    return exe


class Server:
    """One server under test: started in its own process group, stopped in `stop()`."""

    def __init__(self, kind: str, build_dir: Path, cap: float, workdir: Path, workers: int | None = None,
                 oxigraph_db: str = "load") -> None:
        self.kind, self.build_dir, self.cap, self.workdir, self.workers = kind, build_dir, cap, workdir, workers
        self.oxigraph_db = oxigraph_db   # "load": its own database from plankg.nq; "build": the build's store
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.load_s: float | None = None    # oxigraph load (Oxigraph server only)
        self.start_s: float | None = None   # spawn -> answering ASK {} with 200
        self.listen_s: float | None = None  # spawn -> "Serving on" (plankg only)
        self.errlog = workdir / f"{kind}{'-w%d' % workers if workers else ''}.stderr.log"

    def _wait_answering(self, t0: float, deadline: float) -> None:
        while True:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}; see {self.errlog}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                status, _, _ = request(self.url, "ASK {}", 5)
                if status == 200:
                    break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.kind} did not answer in time")
            time.sleep(0.01)
        self.start_s = time.perf_counter() - t0

    def _spawn(self, cmd: list[str], url: str, errf: Any, startup_timeout: float) -> None:
        """Start a server that listens on a port chosen beforehand, and wait until it answers."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, start_new_session=True)
        self.url = url
        self._wait_answering(t0, t0 + startup_timeout)

    def start(self, startup_timeout: float) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        errf = open(self.errlog, "wb")  # noqa: SIM115 - kept open for the child's lifetime
        if self.kind == BASELINE:
            exe = oxigraph_exe()
            db = self.workdir / "oxigraph-db"
            if self.oxigraph_db == "build":     # the very store plankg serves (same format, same version)
                db = self.build_dir / "store"
            elif not (db / "CURRENT").exists():   # loaded once per scale and run
                shutil.rmtree(db, ignore_errors=True)
                t0 = time.perf_counter()
                union = union_triples(self.build_dir / "plankg.nq", self.workdir / "union.nt")
                for data in (self.build_dir / "plankg.nq", union):
                    subprocess.run([exe, "load", "--location", str(db), "--file", str(data)],
                                   check=True, stdout=subprocess.DEVNULL, stderr=errf)
                union.unlink()
                self.load_s = time.perf_counter() - t0
            port = free_port()
            # The default graph holds the set union (as plankg's store does): --union-default-graph
            # would count a triple once per graph holding it (oxigraph/oxigraph#1919).
            cmd = [exe, "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{port}",
                   "--timeout-s", str(max(1, math.ceil(self.cap)))]
            self._spawn(cmd, f"http://127.0.0.1:{port}/query", errf, startup_timeout)
            return
        if self.kind in (FLOOR, FLOOR_COLD):
            port = free_port()
            cmd = [sys.executable, str(HERE / "floor.py"), "--store", str(self.build_dir / "store"),
                   "--port", str(port)] + (["--cold"] if self.kind == FLOOR_COLD else [])
            self._spawn(cmd, f"http://127.0.0.1:{port}/sparql", errf, startup_timeout)
            return
        exe = Path(sys.executable).parent / "plankg"
        cmd = [str(exe) if exe.exists() else "plankg", "serve", "--host", "127.0.0.1", "--port", "0",
               "--build-dir", str(self.build_dir), "--timeout", str(self.cap)]
        if self.kind == COLD:
            cmd.append("--no-cache")
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True, start_new_session=True)
        line: list[str] = []
        ready = threading.Event()

        def read() -> None:   # the "Serving on" line, then keep draining stdout
            assert self.proc and self.proc.stdout
            for ln in self.proc.stdout:
                if not line and ln.startswith("Serving on"):
                    line.append(ln.strip())
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(startup_timeout)
        if not line:
            raise RuntimeError(f"plankg serve did not start (exit {self.proc.poll()}); see {self.errlog}")
        self.listen_s = time.perf_counter() - t0
        self.url = line[0].split()[-1].rstrip("/") + "/sparql"
        self._wait_answering(t0, t0 + startup_timeout)

    def memory(self) -> dict[str, Any]:
        return memory_mb(self.proc.pid) if self.proc and self.proc.poll() is None else {}

    def stop(self) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # the group started for this server only
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


def request(url: str, query: str, timeout: float, accept: str = ACCEPT,
            source: str | None = None) -> tuple[int, bytes, float]:
    """POST the query as a form; returns (status, body, seconds). `source`: the client's address
    (127.0.0.N), so that concurrent clients count as different clients for the server's per-client limit."""
    data = urllib.parse.urlencode({"query": query}).encode()
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    t0 = time.perf_counter()
    try:
        conn.request("POST", u.path or "/", body=data,
                     headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        body, status = resp.read(), resp.status
    finally:
        conn.close()
    return status, body, time.perf_counter() - t0


def rows_of(body: bytes, accept: str = ACCEPT) -> int | None:
    """Solutions (SELECT), 1 (ASK) or triples (CONSTRUCT/DESCRIBE as N-Triples) in a response."""
    if accept == ACCEPT_GRAPH:
        return sum(1 for ln in body.splitlines() if ln.strip() and not ln.startswith(b"#"))
    with contextlib.suppress(ValueError, KeyError, TypeError):
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    return None


def once(server: Server, q: dict[str, Any], source: str | None = None) -> tuple[str, float, int | None, str]:
    """One request: (ok | timeout | limit | error, seconds, rows, message)."""
    cap = server.cap
    try:
        status, body, secs = request(server.url, q["text"], cap + 15, q.get("accept", ACCEPT), source)
    except (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError, http.client.HTTPException,
            OSError) as exc:
        return "timeout" if "timed out" in str(exc) else "error", cap, None, str(exc)[:200]
    if secs > cap or status in (503, 504) or (status >= 500 and b"timeout" in body.lower()):
        return "timeout", secs, None, body[:200].decode("utf-8", "replace")
    if status != 200 and (b"MAX_RESULT_ROWS" in body or b"MAX_RESULT_BYTES" in body):
        return "limit", secs, None, body[:300].decode("utf-8", "replace")
    if status != 200:
        return "error", secs, None, f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}"
    return "ok", secs, rows_of(body, q.get("accept", ACCEPT)), ""


def run_interleaved(servers: list[Server], q: dict[str, Any], repeat: int, slow: float) -> dict[str, dict[str, Any]]:
    """Warm every server up on `q`, then `repeat` rounds of one sample per server, order rotating.

    A server whose warm-up or a sample fails (over the cap, over the limits, an error) takes no
    further samples. Slow queries (slowest warm-up over `slow` s) get fewer rounds.
    """
    res: dict[str, dict[str, Any]] = {}
    live: list[Server] = []
    for s in servers:
        kind, secs, rows, msg = once(s, q)
        r = {"samples_ms": [], "status": kind, "rows": rows, "warmup_ms": round(secs * 1000, 2)}
        if kind != "ok":
            r["message"] = msg
        else:
            live.append(s)
        res[s.kind] = r
    worst = max((res[s.kind]["warmup_ms"] / 1000 for s in live), default=0.0)
    n = repeat if worst < slow else 1 if worst >= 5 else max(1, min(repeat, int(3 * slow / worst)))
    for i in range(n):
        k = i % len(live) if live else 0
        for s in live[k:] + live[:k]:
            r = res[s.kind]
            if r["status"] != "ok":
                continue
            kind, secs, rows, msg = once(s, q)
            if kind != "ok":
                r.update(status=kind, message=msg)
                continue
            r["samples_ms"].append(round(secs * 1000, 2))
            if rows != r["rows"]:
                r["rows_varied"] = True
    for r in res.values():
        if s := r["samples_ms"]:
            r["p50_ms"] = round(percentile(s, 50), 2)
            r["p95_ms"] = round(percentile(s, 95), 2)
    return res


def memory_by_workers(build_dir: Path, queries: list[dict[str, Any]], cap: float, workdir: Path,
                      workers: int, startup_timeout: float) -> dict[str, Any]:
    """plankg --no-cache --workers N alone: start, every query once from N concurrent clients, memory."""
    server = Server(COLD, build_dir, cap, workdir, workers=workers)
    try:
        server.start(startup_timeout)
        mem_start = server.memory()
        todo = [q for q in queries if not q["skip"]]
        t0 = time.perf_counter()
        # one client address per worker (127.0.0.2, ...): the server limits concurrent queries per client
        local, numbers = threading.local(), iter(range(2, 255))

        def one(q: dict[str, Any]) -> str:
            if not hasattr(local, "source"):
                local.source = f"127.0.0.{next(numbers)}"
            return once(server, q, local.source)[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            statuses = list(pool.map(one, todo))
        secs = time.perf_counter() - t0
        # A query may have retired the engine (past --worker-recycle-mb); measure the tree as it
        # serves, with an engine, not in the moment between two.
        request(server.url, "ASK {}", cap)
        mem = server.memory()
        return {"workers": workers, "start_s": server.start_s, "listen_s": server.listen_s,
                "memory_started": {k: v for k, v in mem_start.items() if k != "per_process"},
                "memory": mem, "query_seconds": round(secs, 1),
                "ok": statuses.count("ok"), "not_ok": len(statuses) - statuses.count("ok")}
    except Exception as exc:  # noqa: BLE001
        return {"workers": workers, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        server.stop()


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (numpy's default)."""
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def cell(r: dict[str, Any] | None, key: str, cap: float) -> str:
    if not r:
        return "-"
    if not r.get("samples_ms"):
        if r["status"] == "timeout":
            return f">{cap:g}s"
        if r["status"] == "limit":
            return "row/byte limit"
        if r["status"] == "error":
            return "error"
        if r["status"] == "budget":
            return "not run"
    v = r.get(key)
    return "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")


def effective_ms(r: dict[str, Any] | None, cap: float) -> tuple[float | None, bool]:
    """(p50 in ms, is a lower bound): capped queries count as the cap."""
    if not r:
        return None, False
    if r.get("p50_ms") is not None:
        return r["p50_ms"], False
    if r["status"] == "timeout":
        return cap * 1000, True
    return None, False


def ratio_of(r: dict[str, Any] | None, base: dict[str, Any] | None, cap: float) -> tuple[float | None, bool]:
    a, lower = effective_ms(r, cap)
    b, b_lower = effective_ms(base, cap)
    if a is None or b is None or b_lower or b <= 0:
        return None, False
    return a / b, lower


def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_ratio(x: float | None, lower: bool = False) -> str:
    if x is None:
        return "-"
    return ("≥" if lower else "") + (f"{x:.0f}x" if x >= 100 else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x")


def scale_summary(sc: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one scale."""
    cap = sc["cap_s"]
    srv = sc["servers"]
    out: dict[str, Any] = {}
    for kind in COMPARED:
        if kind not in srv or BASELINE not in srv:
            continue
        ratios = []
        for q in sc["queries"]:
            if q.get("corpus"):
                continue
            x, lower = ratio_of(srv[kind]["queries"].get(q["name"]), srv[BASELINE]["queries"].get(q["name"]), cap)
            if x is not None:
                ratios.append((x, lower, q["name"]))
        if ratios:
            out[kind] = {"geomean": geomean([x for x, _, _ in ratios]), "lower": any(lo for _, lo, _ in ratios),
                         "max": max(ratios)[0], "max_query": max(ratios)[2], "n": len(ratios)}
    if COLD in srv:
        corpus = {q["name"] for q in sc["queries"] if q.get("corpus")}
        limit = query_limit_s(sc["scale"])
        out["slowest"] = slowest({n: r for n, r in srv[COLD]["queries"].items() if n not in corpus}, cap, limit)
        out["every_plan"] = slowest({n: r for n, r in srv[COLD]["queries"].items() if n in corpus}, cap, limit)
    return out


def slowest(results: dict[str, dict[str, Any]], cap: float, limit_s: float) -> dict[str, Any]:
    """The slowest of some queries' results, and which of them were over `limit_s`, limited or failed."""
    worst = (None, 0.0)
    over, limited, failed = [], [], []
    for name, r in results.items():
        ms, _ = effective_ms(r, cap)
        if ms is not None and ms > worst[1]:
            worst = (name, ms)
        if (ms or 0) > limit_s * 1000 or r["status"] == "timeout":
            over.append(name)
        if r["status"] == "limit":
            limited.append(name)
        if r["status"] == "error":
            failed.append(name)
    return {"query": worst[0], "ms": worst[1], "over_limit": over, "limit": limited, "errors": failed}


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def headline(results: dict[str, Any]) -> list[str]:
    scales = results["scales"]
    head = ["metric", "target"] + [f"{sc['scale']}x" for sc in scales]
    sums = [scale_summary(sc) for sc in scales]

    def per(fn: Any) -> list[str]:
        out = []
        for sc, sm in zip(scales, sums):
            try:
                out.append(fn(sc, sm))
            except (KeyError, TypeError, ValueError):
                out.append("-")
        return out

    def ok(flag: bool) -> str:
        return "" if flag else " **(missed)**"

    rows = [
        ["cold: geometric mean of plankg --no-cache / Oxigraph server (p50)", f"≤ {TARGETS['cold_geomean']}x",
         *per(lambda sc, sm: fmt_ratio(sm[COLD]["geomean"], sm[COLD]["lower"])
              + ok(sm[COLD]["geomean"] <= TARGETS["cold_geomean"]))],
        ["cold: maximum ratio (query)", f"≤ {TARGETS['cold_max']}x",
         *per(lambda sc, sm: f"{fmt_ratio(sm[COLD]['max'])} ({sm[COLD]['max_query']})"
              + ok(sm[COLD]["max"] <= TARGETS["cold_max"]))],
        ["repeated (cache on): geometric mean of plankg / Oxigraph server", f"≤ {TARGETS['cached_geomean']}x",
         *per(lambda sc, sm: fmt_ratio(sm[CACHED]["geomean"], sm[CACHED]["lower"])
              + ok(sm[CACHED]["geomean"] <= TARGETS["cached_geomean"]))],
        ["the floor (bench/floor.py: waitress and a perfect cache) / Oxigraph server: geometric mean",
         f"(≤ {TARGETS['cached_geomean']}x for the cached target)",
         *per(lambda sc, sm: fmt_ratio(sm[FLOOR]["geomean"]))],
        [("the cold floor (bench/floor.py --cold: waitress and a query process) / Oxigraph server: "
          "geometric mean; maximum"), f"(≤ {TARGETS['cold_geomean']}x; ≤ {TARGETS['cold_max']}x for the cold targets)",
         *per(lambda sc, sm: f"{fmt_ratio(sm[FLOOR_COLD]['geomean'])}; {fmt_ratio(sm[FLOOR_COLD]['max'])} "
                             f"({sm[FLOOR_COLD]['max_query']})")],
        ["start-up of plankg serve until it answers (cold / cached instance)", f"< {TARGETS['start_s']:g} s",
         *per(lambda sc, sm: f"{sc['servers'][COLD]['start_s']:.2f} s / {sc['servers'][CACHED]['start_s']:.2f} s"
              + ok(max(sc['servers'][COLD]['start_s'], sc['servers'][CACHED]['start_s']) < TARGETS["start_s"]))],
        ["slowest named query on plankg (cold p50)",
         f"< {TARGETS['query_s']:g} s (100x), < {TARGETS['query_s_1000']:g} s (1000x)",
         *per(lambda sc, sm: f"{sm['slowest']['ms']:,.0f} ms ({sm['slowest']['query']})"
              + ok(sm["slowest"]["ms"] < query_limit_s(sc["scale"]) * 1000))],
        ["queries over 1 s (1000x: 5 s) / over the row or byte limit / failed", "0 / 0 / 0",
         *per(lambda sc, sm: f"{len(sm['slowest']['over_limit'])} / {len(sm['slowest']['limit'])} / "
                             f"{len(sm['slowest']['errors'])}")],
        [("the queries with a plan parameter over every plan (unbound): slowest; over 1 s (1000x: 5 s) / "
          "limit / failed"), "-",
         *per(lambda sc, sm: f"{sm['every_plan']['ms']:,.0f} ms ({sm['every_plan']['query']}); "
                             f"{len(sm['every_plan']['over_limit'])} / {len(sm['every_plan']['limit'])} / "
                             f"{len(sm['every_plan']['errors'])}")],
        ["memory after the queries, PSS of the process tree: plankg (cold) vs Oxigraph server (the cold floor)", "≤",
         *per(lambda sc, sm: f"{sc['servers'][COLD]['memory']['pss_mb']:,.0f} vs "
                             f"{sc['servers'][BASELINE]['memory']['pss_mb']:,.0f} MiB"
              + ok(sc['servers'][COLD]['memory']['pss_mb'] <= sc['servers'][BASELINE]['memory']['pss_mb'])
              + floor_memory(sc))],
    ]
    if any(sc.get("workers") for sc in scales):
        rows.append(["plankg alone, PSS after every query, by --workers", "flat",
                     *per(lambda sc, sm: ", ".join(f"{w['workers']}: {w['memory']['pss_mb']:,.0f} MiB"
                                                   for w in sc["workers"] if "memory" in w) or "-")])
    rows.append(["build of the dataset (run_build)", "-",
                 *per(lambda sc, sm: f"{sc['dataset']['build_seconds']:,.0f} s")])
    return table(head, rows)


def floor_memory(sc: dict[str, Any]) -> str:
    """' (the cold floor: N MiB)' when it ran."""
    mem = sc["servers"].get(FLOOR_COLD, {}).get("memory") or {}
    return f" (the cold floor: {mem['pss_mb']:,.0f})" if "pss_mb" in mem else ""


def report(results: dict[str, Any]) -> str:
    lines: list[str] = ["## Headline", ""] + headline(results)
    for sc in results["scales"]:
        cap = sc["cap_s"]
        ds = sc["dataset"]
        srv = sc["servers"]
        servers = [s for s in (*COMPARED, BASELINE) if s in srv]
        lines.append(f"\n### {sc['scale']}x: {ds['plans']} plan(s), {ds['triples']:,} triples "
                     f"(cap {cap:g} s per query)\n")
        head = ["query"] + [f"{s} p50 / p95 ms" for s in servers]
        others = [s for s in COMPARED if s in srv] if BASELINE in srv else []
        head += [f"{s} / {BASELINE}" for s in others] + ["rows"]
        rows = []
        differ = False
        for q in sc["queries"]:
            per = {s: srv[s].get("queries", {}).get(q["name"]) for s in servers}
            row = [q["name"] + (" *" if q["params"] else "")]
            if q["skip"]:
                rows.append(row + ["skipped: " + q["skip"]] + [""] * (len(head) - 2))
                continue
            for s in servers:
                r = per[s]
                p50, p95 = cell(r, "p50_ms", cap), cell(r, "p95_ms", cap)
                n = len(r["samples_ms"]) if r and r.get("samples_ms") else 0
                row.append(p50 if not p50[:1].isdigit() else
                           f"{p50} / {p95}" + (f" (n={n})" if 0 < n < results["config"]["repeat"] else ""))
            for s in others:
                row.append(fmt_ratio(*ratio_of(per[s], per[BASELINE], cap)))
            counts = {r.get("rows") for r in per.values() if r and r.get("rows") is not None}
            row.append("/".join(str(c) for c in sorted(counts)) + (" (differ!)" if len(counts) > 1 else ""))
            differ = differ or len(counts) > 1
            rows.append(row)
        sm = scale_summary(sc)
        gm = ["**geometric mean of ratios**"] + [""] * len(servers)
        mx = ["**maximum ratio**"] + [""] * len(servers)
        for s in others:
            gm.append(f"**{fmt_ratio(sm[s]['geomean'], sm[s]['lower'])}**" if s in sm else "-")
            mx.append(f"**{fmt_ratio(sm[s]['max'])}** ({sm[s]['max_query']})" if s in sm else "-")
        rows += [gm + [""], mx + [""]]
        lines += table(head, rows)
        if differ:
            lines.append("\n`differ!`: the servers returned different numbers of rows.")
        lines.append("")
        srows = []
        for s in SERVERS:
            info = srv.get(s)
            if not info:
                continue
            if "error" in info:
                srows.append([s, "-", "-", "-", f"did not run: {info['error']}"])
                continue
            qs = list(info.get("queries", {}).values())
            st = [r["status"] for r in qs]
            mem = info.get("memory", {})
            srows.append([s, f"{info['load_s']:.1f}" if info.get("load_s") is not None else "-",
                          f"{info['start_s']:.2f}" + (f" (listening {info['listen_s']:.2f})" if info.get("listen_s") else ""),
                          f"{mem.get('pss_mb', '-')} / {mem.get('rss_mb', '-')} ({mem.get('processes', '-')} processes)",
                          f"{st.count('ok')} / {st.count('timeout')} / {st.count('limit')} / {st.count('error')}"
                          + (f" ({st.count('budget')} not run: budget spent)" if st.count("budget") else "")])
        lines += table(["server", "load s", "start s (until it answers ASK {})",
                        "memory after the queries: PSS / RSS MiB", "queries ok / capped / limit / failed"],
                       srows)
        if sc.get("workers"):
            lines.append("")
            wrows = []
            for w in sc["workers"]:
                if "error" in w:
                    wrows.append([str(w["workers"]), "-", "-", "-", w["error"]])
                    continue
                wrows.append([str(w["workers"]), f"{w['start_s']:.2f}",
                              f"{w['memory_started']['pss_mb']:,.0f} / {w['memory_started']['rss_mb']:,.0f}",
                              f"{w['memory']['pss_mb']:,.0f} / {w['memory']['rss_mb']:,.0f} "
                              f"({w['memory']['processes']} processes)",
                              f"{w['ok']} ok, {w['not_ok']} not ({w['query_seconds']} s)"])
            lines += table(["plankg alone, --workers", "start s", "PSS / RSS MiB when answering",
                            "PSS / RSS MiB after every query once (as many clients as workers)", "queries"], wrows)
        steps = ds.get("steps")
        lines.append(f"\nBuild of the dataset: {ds['build_seconds']} s"
                     f"{' (cached from an earlier run)' if ds.get('cached') else ''}. "
                     "`*` = parameterised query, its example value bound. p95 of n<5 samples is close to the maximum.")
        if steps:
            total = ds.get("total_seconds") or sum(s["seconds"] for s in steps)
            lines += ["", f"Steps of the build ({total:.1f} s in all, as the pipeline timed them):", ""]
            lines += table(["step", "seconds", "share"],
                           [[s["step"], f"{s['seconds']:.1f}", f"{100 * s['seconds'] / total:.0f} %"]
                            for s in sorted(steps, key=lambda s: -s["seconds"])])
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the named queries over HTTP: plankg vs the Oxigraph server.")
    ap.add_argument("--scales", default="1,100", help="comma-separated numbers of plans (default 1,100)")
    ap.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated subset of {', '.join(SERVERS)}")
    ap.add_argument("--repeat", type=int, default=10, help="timed rounds per query after one warm-up (default 10)")
    ap.add_argument("--cap", type=float, default=None,
                    help="per-query time cap in seconds, also the servers' query timeout (default 10 at 1x, 30 above)")
    ap.add_argument("--slow", type=float, default=2.0,
                    help="a query whose slowest warm-up takes longer than this many seconds gets about "
                         "3*slow/warmup rounds instead of --repeat (default 2)")
    ap.add_argument("--queries", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--mem-workers", default="1,6",
                    help="after the interleaved run, start plankg alone with each of these --workers counts "
                         "and measure its memory after every query ('' to skip; default 1,6; the interleaved "
                         "run uses the default count)")
    ap.add_argument("--oxigraph-db", choices=("load", "build"), default="load",
                    help="the Oxigraph server's database: 'load' (default) loads plankg.nq and its union into "
                         "a database of its own; 'build' serves the build's own store/ read-only (no load: "
                         "for the 1000x copy, whose load takes minutes)")
    ap.add_argument("--quick", action="store_true", help="1x only, 2 rounds, cap 2 s, no --mem-workers")
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "data",
                    help="where builds are kept: <cache>/scale-N (default bench/results/data)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the datasets even if cached")
    ap.add_argument("--stale-ok", action="store_true",
                    help="use a cached build even if the pipeline's code has changed since it was made")
    ap.add_argument("--budget", type=float, default=900.0,
                    help="seconds of querying per scale; queries left when it is spent are reported as not run")
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--startup-timeout", type=float, default=1200.0)
    ap.add_argument("--out", type=Path, default=None, help="JSON results (default bench/results/<timestamp>.json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.scales, args.repeat, args.cap, args.mem_workers = "1", 2, args.cap or 2.0, ""
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    kinds = [s.strip() for s in args.servers.split(",") if s.strip()]
    if bad := [s for s in kinds if s not in SERVERS]:
        ap.error(f"unknown server {bad[0]!r} (known: {', '.join(SERVERS)})")
    kinds = [s for s in SERVERS if s in kinds]
    mem_workers = [int(w) for w in args.mem_workers.split(",") if w.strip()]
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = args.out or HERE / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    workroot = args.cache / "runs" / stamp
    queries = bench_queries([s for s in args.queries.split(",") if s] or None)
    import pyoxigraph

    results: dict[str, Any] = {
        "started": stamp,
        "config": {"scales": scales, "servers": kinds, "repeat": args.repeat, "cap": args.cap,
                   "slow": args.slow, "seed": args.seed, "accept": [ACCEPT, ACCEPT_GRAPH], "method": "POST form",
                   "interleaved": True, "mem_workers": mem_workers,
                   "oxigraph_db": args.oxigraph_db},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg(), "python": platform.python_version(),
                    "pyoxigraph": pyoxigraph.__version__, "oxigraph_cli": _oxigraph_version()},
        "scales": [],
    }
    t_all = time.perf_counter()
    try:
        for scale in scales:
            cap = args.cap or (10.0 if scale == 1 else 30.0)
            ds = dataset(scale, args.cache, args.seed, args.rebuild, args.stale_ok)
            sc: dict[str, Any] = {"scale": scale, "cap_s": cap, "dataset": ds,
                                  "queries": [{k: q[k] for k in ("name", "params", "skip", "corpus") if k in q} for q in queries],
                                  "servers": {}}
            results["scales"].append(sc)
            workdir = workroot / f"scale-{scale}"
            running: list[Server] = []
            try:
                for kind in kinds:    # one after the other: each start-up timed alone
                    server = Server(kind, Path(ds["dir"]), cap, workdir, oxigraph_db=args.oxigraph_db)
                    info: dict[str, Any] = {"queries": {}}
                    sc["servers"][kind] = info
                    try:
                        log(f"scale {scale}: starting {kind} ...")
                        server.start(args.startup_timeout)
                    except Exception as exc:  # noqa: BLE001 - one server failing must not stop the run
                        info["error"] = f"{type(exc).__name__}: {exc}"
                        log(f"scale {scale}: {kind} failed: {info['error']}")
                        server.stop()
                        continue
                    mem = server.memory()
                    info.update(load_s=server.load_s, start_s=server.start_s, listen_s=server.listen_s,
                                memory_started={k: v for k, v in mem.items() if k != "per_process"})
                    log(f"scale {scale}: {kind} answering at {server.url} after {server.start_s:.2f} s"
                        + (f" (+ {server.load_s:.1f} s loading)" if server.load_s else ""))
                    running.append(server)
                t0 = time.perf_counter()
                for i, q in enumerate(queries, 1):
                    if q["skip"] or not running:
                        continue
                    if time.perf_counter() - t0 > args.budget:
                        for s in running:
                            sc["servers"][s.kind]["queries"][q["name"]] = {"status": "budget", "samples_ms": [],
                                                                          "rows": None, "warmup_ms": 0.0}
                        continue
                    res = run_interleaved(running, q, args.repeat, args.slow)
                    for kind, r in res.items():
                        sc["servers"][kind]["queries"][q["name"]] = r
                    log(f"  [{scale}x {i}/{len(queries)}] {q['name']}: " + ", ".join(
                        f"{k} {r['p50_ms']:.1f} ms" if r.get("p50_ms") is not None else f"{k} {r['status']}"
                        for k, r in res.items()) + f" (rows {res[running[0].kind].get('rows')})")
                sc["query_seconds"] = round(time.perf_counter() - t0, 1)
                for s in running:
                    sc["servers"][s.kind]["memory"] = s.memory()
            finally:
                for s in running:
                    s.stop()
            if mem_workers and COLD in kinds:
                sc["workers"] = []
                for w in mem_workers:
                    log(f"scale {scale}: plankg alone with --workers {w}: memory after every query ...")
                    r = memory_by_workers(Path(ds["dir"]), queries, cap, workdir, w, args.startup_timeout)
                    sc["workers"].append(r)
                    log(f"scale {scale}: --workers {w}: " + (r.get("error") or
                        f"PSS {r['memory']['pss_mb']} MiB, RSS {r['memory']['rss_mb']} MiB"))
            out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    finally:
        for db in workroot.glob("*/oxigraph-db"):   # keep the servers' stderr logs, drop the databases
            shutil.rmtree(db, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - t_all, 1)
    results["machine"]["loadavg_end"] = os.getloadavg()
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(report(results))
    log(f"done in {results['seconds']} s; results in {out}")
    return 0


def _oxigraph_version() -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError, RuntimeError):
        return subprocess.run([oxigraph_exe(), "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    return None


if __name__ == "__main__":
    sys.exit(main())
