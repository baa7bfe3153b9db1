"""Benchmark: every named query in queries/ over HTTP, per store, at 1x and 100x, in one run.

Usage::

    python bench/run.py                         # scales 1 and 100, all three servers
    python bench/run.py --quick                 # 1x only, few repetitions: under a minute
    python bench/run.py --scales 1,10 --repeat 5 --servers memory,oxigraph,oxigraph-server

For each scale (1x = the real plan; Nx = the real plan + N-1 synthetic plans from bench/synth.py,
built once by the project's pipeline and cached under bench/results/data/) and each server:

- ``oxigraph``        ``plankg serve`` (the knowledge base: the build's read-only Oxigraph store)
- ``oxigraph-server`` Oxigraph's own server (``oxigraph load`` the same plankg.nq, plus its triples
                      into the default graph, then ``oxigraph serve-read-only``): the outside yardstick

it starts the server on a free port on 127.0.0.1, waits until it answers, runs every query once as
warm-up, then K times (POST application/x-www-form-urlencoded, Accept
application/sparql-results+json, body read in full) and records wall-clock latency per request.
Queries with parameters get a default value, bound by a VALUES block appended to the WHERE clause
(as ``plankg query --endpoint`` does): see DEFAULT_PARAMS.

A query that takes longer than the cap (``--cap``, passed to the server as its query timeout) is
recorded as ">cap" and not repeated. Slow queries (warm-up over ``--slow`` seconds) are repeated
fewer times so that one server's run stays bounded; the table gives the number of samples.

Output: a Markdown table per scale (p50/p95 in ms per query per server, ratio of each plankg store
to the Oxigraph server, geometric mean of the ratios), a summary (triples, load/start seconds,
memory), and a JSON file with every sample (``--out``, default bench/results/<timestamp>.json).
The machine is shared and noisy: compare ratios measured in the same run, not absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import re
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

SERVERS = ("oxigraph", "oxigraph-server")
BASELINE = "oxigraph-server"
ACCEPT = "application/sparql-results+json"   # SELECT and ASK
ACCEPT_GRAPH = "application/n-triples"        # CONSTRUCT and DESCRIBE
FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
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
    from plankg.kb.queries import bindings, parse_header

    example = parse_header(q.text, q.name).get("example") or {}
    out: dict[str, str] = {}
    for name, description in q.params.items():
        if name in example:
            out[name] = str(bindings(q, {name: str(example[name])})[name])  # N-Triples syntax
        elif name in DEFAULT_PARAMS:
            out[name] = DEFAULT_PARAMS[name]
        else:
            continue
        if "xsd:date" in str(description) and out[name].startswith('"') and "^^" not in out[name]:
            out[name] += "^^<http://www.w3.org/2001/XMLSchema#date>"
    return out


def bench_queries(only: list[str] | None = None) -> list[dict[str, Any]]:
    """Every named query as sent over HTTP: name, text (parameters bound), the values bound."""
    from plankg.kb.queries import inline_bindings, list_queries

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
        body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "PREFIX", "prefix")))
        form = (m[1].upper() if (m := FORM_RE.search(body)) else "SELECT")
        if values:
            text = inline_bindings(text, values, form)
        out.append({"name": q.name, "text": text, "params": values, "skip": None, "form": form,
                    "accept": ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT})
    return out


# ---------------------------------------------------------------------------------------------
# Datasets
# ---------------------------------------------------------------------------------------------

def fingerprint(seed: int) -> str:
    """Hash of everything a build depends on: pipeline, ontology, sources, curation, generator."""
    h = hashlib.sha256(str(seed).encode())
    for folder in ("graph", "ontology"):
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
    if not rebuild and info_path.is_file() and (folder / "plankg.nq").is_file():
        info = json.loads(info_path.read_text("utf-8"))
        if info.get("fingerprint") == fp or stale_ok:
            stale = info.get("fingerprint") != fp
            log(f"scale {scale}: using cached build {folder} ({info['triples']:,} triples, "
                f"built in {info['build_seconds']} s{'; the pipeline has changed since' if stale else ''})")
            return {**info, "dir": str(folder), "cached": True, "stale": stale}
    log(f"scale {scale}: building {scale} plan(s) with the pipeline into {folder} ...")
    info = synth.build(scale, folder, seed)
    info["fingerprint"] = fp
    info_path.write_text(json.dumps(info, indent=2), "utf-8")
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


def memory_mb(pid: int) -> dict[str, float]:
    """RSS and PSS (proportional: shared copy-on-write pages counted once) of a process tree, in MiB."""
    rss = pss = 0
    for p in proc_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


def union_triples(nquads: Path, out: Path) -> Path:
    """The triples of every graph as N-Triples (loading them into the default graph dedups them)."""
    import pyoxigraph as ox

    with open(nquads, "rb") as src, open(out, "wb") as dst:
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(src, ox.RdfFormat.N_QUADS)),
                     dst, ox.RdfFormat.N_TRIPLES)
    return out


class Server:
    """One server under test: started in its own process group, stopped in `stop()`."""

    def __init__(self, kind: str, build_dir: Path, cap: float, workdir: Path) -> None:
        self.kind, self.build_dir, self.cap, self.workdir = kind, build_dir, cap, workdir
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.load_s: float | None = None   # oxigraph load (Oxigraph server only)
        self.start_s: float | None = None  # spawn -> answering (plankg: includes loading the store)
        self.errlog = workdir / f"{kind}.stderr.log"

    def start(self, startup_timeout: float) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        errf = open(self.errlog, "wb")  # noqa: SIM115 - kept open for the child's lifetime
        if self.kind == BASELINE:
            exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
            if not exe:
                raise RuntimeError("the `oxigraph` server is not installed: pip install -e '.[bench]'")
            db = self.workdir / "oxigraph-db"
            shutil.rmtree(db, ignore_errors=True)
            t0 = time.perf_counter()
            union = union_triples(self.build_dir / "plankg.nq", self.workdir / "union.nt")
            for data in (self.build_dir / "plankg.nq", union):
                subprocess.run([exe, "load", "--location", str(db), "--file", str(data)],
                               check=True, stdout=subprocess.DEVNULL, stderr=errf)
            self.load_s = time.perf_counter() - t0
            port = free_port()
            # The default graph holds the set union (as plankg's store does): --union-default-graph
            # would count a triple once per graph holding it (oxigraph/oxigraph#1919).
            cmd = [exe, "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{port}",
                   "--timeout-s", str(max(1, math.ceil(self.cap)))]
            t0 = time.perf_counter()
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, start_new_session=True)
            self.url = f"http://127.0.0.1:{port}/query"
            deadline = t0 + startup_timeout
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"oxigraph exited with {self.proc.returncode}; see {self.errlog}")
                with contextlib.suppress(OSError, urllib.error.URLError):
                    status, _, _ = request(self.url, "ASK {}", 5)
                    if status == 200:
                        break
                if time.perf_counter() > deadline:
                    raise RuntimeError("oxigraph server did not answer in time")
                time.sleep(0.05)
            self.start_s = time.perf_counter() - t0
            return
        store = self.kind
        exe = Path(sys.executable).parent / "plankg"
        cmd = [str(exe) if exe.exists() else "plankg", "serve", "--host", "127.0.0.1", "--port", "0",
               "--build-dir", str(self.build_dir), "--timeout", str(self.cap)]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errf, text=True, start_new_session=True)
        line: list[str] = []

        def read() -> None:
            assert self.proc and self.proc.stdout
            for ln in self.proc.stdout:
                if ln.startswith("Serving on"):
                    line.append(ln.strip())
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(startup_timeout)
        if not line:
            raise RuntimeError(f"plankg serve --store {store} did not start (exit {self.proc.poll()}); "
                               f"see {self.errlog}")
        self.start_s = time.perf_counter() - t0
        self.url = line[0].split()[-1].rstrip("/") + "/sparql"

    def memory(self) -> dict[str, float]:
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


def request(url: str, query: str, timeout: float, accept: str = ACCEPT) -> tuple[int, bytes, float]:
    """POST the query as a form; returns (status, body, seconds)."""
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, body, time.perf_counter() - t0


def rows_of(body: bytes, accept: str = ACCEPT) -> int | None:
    """Solutions (SELECT), 1 (ASK) or triples (CONSTRUCT/DESCRIBE as N-Triples) in a response."""
    if accept == ACCEPT_GRAPH:
        return sum(1 for ln in body.splitlines() if ln.strip() and not ln.startswith(b"#"))
    with contextlib.suppress(ValueError, KeyError, TypeError):
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    return None


def run_query(server: Server, q: dict[str, Any], repeat: int, slow: float) -> dict[str, Any]:
    """Warm-up once, then up to `repeat` timed runs; stops at the first over-cap or failed run."""
    cap = server.cap
    res: dict[str, Any] = {"samples_ms": [], "status": "ok", "rows": None}

    def once() -> tuple[str, float, int | None, str]:
        try:
            status, body, secs = request(server.url, q["text"], cap + 15, q.get("accept", ACCEPT))
        except (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError) as exc:
            return "timeout" if "timed out" in str(exc) else "error", cap, None, str(exc)[:200]
        if secs > cap or status in (503, 504) or (status >= 500 and b"timeout" in body.lower()):
            return "timeout", secs, None, body[:200].decode("utf-8", "replace")
        if status != 200:
            return "error", secs, None, f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}"
        return "ok", secs, rows_of(body, q.get("accept", ACCEPT)), ""

    kind, secs, rows, msg = once()
    res["warmup_ms"] = round(secs * 1000, 2)
    if kind != "ok":
        res.update(status=kind, message=msg)
        return res
    res["rows"] = rows
    n = repeat if secs < slow else 1 if secs >= 5 else max(1, min(repeat, int(3 * slow / secs)))
    for _ in range(n):
        kind, secs, rows, msg = once()
        if kind != "ok":
            res.update(status=kind, message=msg)
            break
        res["samples_ms"].append(round(secs * 1000, 2))
    s = res["samples_ms"]
    if s:
        res["p50_ms"] = round(percentile(s, 50), 2)
        res["p95_ms"] = round(percentile(s, 95), 2)
    return res


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
    if r["status"] == "timeout" and not r.get("samples_ms"):
        return f">{cap:g}s"
    if r["status"] == "error" and not r.get("samples_ms"):
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


def fmt_ratio(x: float | None, lower: bool) -> str:
    if x is None:
        return "-"
    return ("≥" if lower else "") + (f"{x:.0f}x" if x >= 100 else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x")


def report(results: dict[str, Any]) -> str:
    lines: list[str] = []
    servers = results["config"]["servers"]
    others = [s for s in servers if s != BASELINE]
    for sc in results["scales"]:
        cap = sc["cap_s"]
        ds = sc["dataset"]
        lines.append(f"\n### {sc['scale']}x: {ds['plans']} plan(s), {ds['triples']:,} triples "
                     f"(cap {cap:g} s per query)\n")
        head = ["query"] + [f"{s} p50 / p95 ms" for s in servers]
        if BASELINE in servers:
            head += [f"{s} / {BASELINE}" for s in others]
        head += ["rows"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        ratios: dict[str, list[tuple[float, bool]]] = {s: [] for s in others}
        agreeing: dict[str, list[tuple[float, bool]]] = {s: [] for s in others}
        differ = False
        for q in sc["queries"]:
            per = {s: sc["servers"].get(s, {}).get("queries", {}).get(q["name"]) for s in servers}
            row = [q["name"] + (" *" if q["params"] else "")]
            if q["skip"]:
                lines.append("| " + " | ".join(row + ["skipped: " + q["skip"]] + [""] * (len(head) - 2)) + " |")
                continue
            for s in servers:
                r = per[s]
                p50, p95 = cell(r, "p50_ms", cap), cell(r, "p95_ms", cap)
                n = len(r["samples_ms"]) if r and r.get("samples_ms") else 0
                row.append(p50 if p50 == p95 and n <= 1 and not p50[0].isdigit() else
                           f"{p50} / {p95}" + (f" (n={n})" if 0 < n < results["config"]["repeat"] else ""))
            counts = {r.get("rows") for r in per.values() if r and r.get("rows") is not None}
            if BASELINE in servers:
                for s in others:
                    x, lower = ratio_of(per[s], per[BASELINE], cap)
                    if x is not None:
                        ratios[s].append((x, lower))
                        if len(counts) <= 1:
                            agreeing[s].append((x, lower))
                    row.append(fmt_ratio(x, lower))
            row.append("/".join(str(c) for c in sorted(counts)) + (" (differ!)" if len(counts) > 1 else ""))
            differ = differ or len(counts) > 1
            lines.append("| " + " | ".join(row) + " |")
        if BASELINE in servers:
            gm = ["**geometric mean of ratios**"] + [""] * len(servers)
            for s in others:
                g = geomean([x for x, _ in ratios[s]])
                gm.append(f"**{fmt_ratio(g, any(lo for _, lo in ratios[s]))}**")
            gm.append("")
            lines.append("| " + " | ".join(gm) + " |")
            if any(len(agreeing[s]) != len(ratios[s]) for s in others):
                gm = ["geometric mean, only queries whose rows agree"] + [""] * len(servers)
                for s in others:
                    g = geomean([x for x, _ in agreeing[s]])
                    gm.append(f"{fmt_ratio(g, any(lo for _, lo in agreeing[s]))} ({len(agreeing[s])} queries)")
                gm.append("")
                lines.append("| " + " | ".join(gm) + " |")
        lines.append("")
        lines.append("| server | load s | start s (until answering) | memory after queries (PSS / RSS MiB) "
                     "| queries ok / capped / failed |")
        lines.append("|---|---|---|---|---|")
        for s in servers:
            info = sc["servers"].get(s, {})
            if "error" in info:
                lines.append(f"| {s} | - | - | - | did not run: {info['error']} |")
                continue
            qs = info.get("queries", {}).values()
            ok = sum(1 for r in qs if r["status"] == "ok")
            capped = sum(1 for r in qs if r["status"] == "timeout")
            failed = sum(1 for r in qs if r["status"] == "error")
            budget = sum(1 for r in qs if r["status"] == "budget")
            mem = info.get("memory", {})
            load = f"{info['load_s']:.1f}" if info.get("load_s") is not None else "(in start)"
            lines.append(f"| {s} | {load} | {info.get('start_s', 0):.1f} | "
                         f"{mem.get('pss_mb', '-')} / {mem.get('rss_mb', '-')} | {ok} / {capped} / {failed}"
                         + (f" ({budget} not run: budget spent)" if budget else "") + " |")
        lines.append(f"\nBuild of the dataset: {ds['build_seconds']} s"
                     f"{' (cached from an earlier run)' if ds.get('cached') else ''}. "
                     "`*` = parameterised query, its example value bound (see DEFAULT_PARAMS). "
                     "p95 of n<5 samples is close to the maximum.")
        if differ:
            lines.append("\n`differ!`: the servers returned different numbers of rows. Oxigraph 0.5's union default "
                         "graph is a bag: a triple stated in several named graphs (places, groups, labels shared "
                         "by plans) matches once per graph, so joins multiply (oxigraph/oxigraph#1919, fixed "
                         "after 0.5.13); rdflib's union is a set, as SPARQL's RDF merge and Fuseki's are.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the named queries over HTTP per store and scale.")
    ap.add_argument("--scales", default="1,100", help="comma-separated numbers of plans (default 1,100)")
    ap.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated subset of {', '.join(SERVERS)}")
    ap.add_argument("--repeat", type=int, default=10, help="timed runs per query after one warm-up (default 10)")
    ap.add_argument("--cap", type=float, default=None,
                    help="per-query time cap in seconds, also the servers' query timeout "
                         "(default 10 at 1x, 30 above)")
    ap.add_argument("--slow", type=float, default=2.0,
                    help="a query whose warm-up takes longer than this many seconds is repeated "
                         "about 3*slow/warmup times instead of --repeat (default 2)")
    ap.add_argument("--queries", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--quick", action="store_true", help="1x only, 2 repetitions, cap 2 s")
    ap.add_argument("--cache", type=Path, default=HERE / "results" / "data", help="where builds are kept")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the datasets even if cached")
    ap.add_argument("--stale-ok", action="store_true",
                    help="use a cached build even if the pipeline's code has changed since it was made")
    ap.add_argument("--budget", type=float, default=900.0,
                    help="seconds of querying per server and scale; queries left when it is spent are "
                         "reported as not run (default 900)")
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--startup-timeout", type=float, default=1200.0)
    ap.add_argument("--out", type=Path, default=None, help="JSON results (default bench/results/<timestamp>.json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.scales, args.repeat, args.cap = "1", 2, args.cap or 2.0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if bad := [s for s in servers if s not in SERVERS]:
        ap.error(f"unknown server {bad[0]!r}")
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = args.out or HERE / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    workroot = args.cache.parent / f"run-{stamp}"
    queries = bench_queries([s for s in args.queries.split(",") if s] or None)
    import oxrdflib  # noqa: F401  (fail early if the project is not installed)
    import pyoxigraph
    import rdflib

    results: dict[str, Any] = {
        "started": stamp,
        "config": {"scales": scales, "servers": servers, "repeat": args.repeat, "cap": args.cap,
                   "slow": args.slow, "seed": args.seed, "accept": [ACCEPT, ACCEPT_GRAPH], "method": "POST form"},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg(), "python": platform.python_version(),
                    "rdflib": rdflib.__version__, "pyoxigraph": pyoxigraph.__version__,
                    "oxigraph_cli": _oxigraph_version()},
        "scales": [],
    }
    t_all = time.perf_counter()
    for scale in scales:
        cap = args.cap or (10.0 if scale == 1 else 30.0)
        ds = dataset(scale, args.cache, args.seed, args.rebuild, args.stale_ok)
        sc: dict[str, Any] = {"scale": scale, "cap_s": cap, "dataset": ds,
                              "queries": [{k: q[k] for k in ("name", "params", "skip")} for q in queries],
                              "servers": {}}
        results["scales"].append(sc)
        for kind in servers:
            server = Server(kind, Path(ds["dir"]), cap, workroot / f"scale-{scale}")
            info: dict[str, Any] = {"queries": {}}
            sc["servers"][kind] = info
            try:
                log(f"scale {scale}: starting {kind} ...")
                server.start(args.startup_timeout)
                info.update(load_s=server.load_s, start_s=server.start_s, memory_loaded=server.memory())
                log(f"scale {scale}: {kind} answering at {server.url} after "
                    f"{(server.load_s or 0) + server.start_s:.1f} s")
                t0 = time.perf_counter()
                for i, q in enumerate(queries, 1):
                    if q["skip"]:
                        continue
                    if time.perf_counter() - t0 > args.budget:
                        info["queries"][q["name"]] = {"status": "budget", "samples_ms": [], "rows": None,
                                                      "warmup_ms": 0.0}
                        continue
                    r = run_query(server, q, args.repeat, args.slow)
                    info["queries"][q["name"]] = r
                    done = (f", p50 {r['p50_ms']:.1f} ms (n={len(r['samples_ms'])})"
                            if r.get("p50_ms") is not None else "")
                    fail = f" {r.get('message', '')[:120]}" if r["status"] != "ok" else ""
                    log(f"  [{kind} {scale}x {i}/{len(queries)}] {q['name']}: {r['status']} "
                        f"warm-up {r['warmup_ms']:.0f} ms{done}{fail}")
                info["query_seconds"] = round(time.perf_counter() - t0, 1)
                info["memory"] = server.memory()
            except Exception as exc:  # noqa: BLE001 - one server failing must not stop the run
                info["error"] = f"{type(exc).__name__}: {exc}"
                log(f"scale {scale}: {kind} failed: {info['error']}")
            finally:
                server.stop()
            out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    results["seconds"] = round(time.perf_counter() - t_all, 1)
    results["machine"]["loadavg_end"] = os.getloadavg()
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    for db in workroot.glob("*/oxigraph-db"):   # keep the servers' stderr logs, drop the databases
        shutil.rmtree(db, ignore_errors=True)
    print(report(results))
    log(f"done in {results['seconds']} s; results in {out}")
    return 0


def _oxigraph_version() -> str | None:
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not exe:
        return None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    return None


if __name__ == "__main__":
    sys.exit(main())
