"""Every named query over the embedded store and over Virtuoso (Debian's virtuoso-opensource-7-bin),
on the same build, interleaved query by query; prints p50 latencies, their ratio, the push time and
the start-up of `plankg serve --store sparql`.

    python bench/virtuoso.py --build build --build /tmp/plankg-bench/scale-100 [--repeat 3]

Both run in this process through the knowledge base (the remote one over HTTP to Virtuoso), with
each query's example parameters. Virtuoso is started on a temporary database by the same launcher
the tests use (tests/virtuoso.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from virtuoso import PASSWORD, USER, start_virtuoso, stop_virtuoso  # noqa: E402

from plankg.kb import KnowledgeBase  # noqa: E402
from plankg.kb.queries import list_queries, query_form  # noqa: E402


def run_once(kb: KnowledgeBase, q) -> float:
    """Seconds for one answer of a named query (rows, or N-Triples for graph queries)."""
    started = time.perf_counter()
    if query_form(q.text) == "SELECT":
        kb.query(q, q.example)
    else:
        kb.query(q, q.example, fmt="nt")
    return time.perf_counter() - started


def serve_startup(build: Path, endpoint: str) -> float:
    """Seconds until `plankg serve --store sparql` answers a query."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "plankg", "serve", "--port", "0", "--build-dir", str(build),
                             "--store", "sparql", "--endpoint", endpoint, "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().split()[-1]
        while True:
            try:
                with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=5):
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(20)


def bench(build: Path, repeat: int, names: set[str] | None = None) -> dict:
    """One build: push, start-up, and every named query on both stores."""
    folder = Path(tempfile.mkdtemp(prefix="plankg-virtuoso-"))
    server = start_virtuoso(folder)
    try:
        started = time.perf_counter()
        env = {**os.environ, "PLANKG_STORE_PASSWORD": PASSWORD}
        push = subprocess.run([sys.executable, "-m", "plankg", "push", "--from", str(build), "--to", server.endpoint,
                               "--user", USER], capture_output=True, text=True, env=env)
        push_s = time.perf_counter() - started
        if push.returncode:
            raise SystemExit(f"push failed: {push.stderr[-500:]}")
        embedded, remote = KnowledgeBase(build), KnowledgeBase(build, endpoint=server.endpoint, timeout=60)
        rows = []
        for q in list_queries():
            if names and q.name not in names:
                continue
            times: dict[str, list[float]] = {"embedded": [], "virtuoso": []}
            for _ in range(repeat):  # interleaved: one run on each, in turn
                for name, kb in (("embedded", embedded), ("virtuoso", remote)):
                    try:
                        times[name].append(run_once(kb, q))
                    except Exception as exc:  # noqa: BLE001 - a failed query is reported, not fatal
                        times[name].append(math.nan)
                        print(f"  {q.name} on {name}: {exc}", file=sys.stderr)
            p50 = {k: statistics.median(v) for k, v in times.items()}
            rows.append({"query": q.name, **{f"{k}_ms": v * 1000 for k, v in p50.items()},
                         "ratio": p50["virtuoso"] / p50["embedded"] if p50["embedded"] else math.nan})
            print(f"{q.name:32} {p50['embedded'] * 1000:9.1f} {p50['virtuoso'] * 1000:9.1f}  "
                  f"{rows[-1]['ratio']:6.2f}x", flush=True)
        return {"build": str(build), "triples": embedded.manifest.get("triples"), "push_s": push_s,
                "serve_startup_s": serve_startup(build, server.endpoint), "queries": rows}
    finally:
        stop_virtuoso(server)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", action="append", required=True, help="a build folder (repeatable)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None, help="write the figures as JSON here")
    ap.add_argument("--queries", default="", help="comma-separated named queries (default: all)")
    args = ap.parse_args()
    results = []
    for build in args.build:
        print(f"# {build}: embedded ms, Virtuoso ms, ratio", flush=True)
        r = bench(Path(build), args.repeat, set(filter(None, args.queries.split(","))) or None)
        ratios = [q["ratio"] for q in r["queries"] if q["ratio"] == q["ratio"] and q["ratio"] > 0]
        r["geomean_ratio"] = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else math.nan
        print(f"# {r['triples']} triples: push {r['push_s']:.1f} s, serve --store sparql starts in "
              f"{r['serve_startup_s']:.2f} s, geometric mean Virtuoso/embedded {r['geomean_ratio']:.2f}x", flush=True)
        results.append(r)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    main()
