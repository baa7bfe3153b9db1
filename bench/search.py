"""Benchmark of full-text search: index build time and query latency at 1x and 100x.

Usage::

    python bench/search.py                      # 1x: build/ (or a fresh build); 100x: see below
    python bench/search.py --only 1             # just 1x
    python bench/search.py --x100 DIR           # the 100-plan build to index
    python bench/search.py --repeat 50 --json out.json

1x is the Luzhou plan (``build/``, or a fresh ``plankg build`` into a temporary folder when
``build/`` has no store). 100x is a build of 100 plans (the real one + 99 made by bench/synth.py):
``--x100 DIR``, else the first of bench/run.py's cache (``/tmp/plankg-bench/scale-100``) and
``/tmp/plankg-s100`` that holds one, else one is built with bench/synth.py (about 5-9 minutes).
The index is always written into a temporary folder (never into a shared build), from the build's
store, exactly as ``plankg build`` does. Each query is run ``--repeat`` times (after one warm-up);
latency is wall time of ``SearchIndex.search`` (segmenting, FTS5 MATCH with bm25, count, snippets)
in this process, p50 / p95 per query and over all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plankg.build.search import SEARCH_FILE, _jieba, write_search_index
from plankg.kb.search import SEARCH_FUNCTIONS, SearchIndex

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("食堂", {}),
    ("学校", {}),                                  # a very common word: ranking many hits
    ("安全稳定", {}),
    ("一岗双责", {}),
    ("教育信息化建设", {}),
    ("学前教育 普及", {}),
    ("校食", {}),                                  # bigrams only (no jieba word)
    ("学校食堂管理", {}),                           # no exact phrase: every word
    ("食堂 量子计算机", {}),                        # nothing has both: falls back to any
    ("Education Bureau", {}),
    ("学校", {"pillar": 3}),
    ("安全", {"holder_type": "Department"}),
    ("食堂", {"plan": "luzhou-2014"}),
    ("x" * 10_000, {}),                            # hostile: cut to 200 characters
]
CANDIDATES_100 = [Path("/tmp/plankg-bench/scale-100"), Path("/tmp/plankg-s100")]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def plans_in(folder: Path) -> int:
    try:
        return len(json.loads((folder / "manifest.json").read_text("utf-8"))["plans"])
    except (OSError, ValueError, KeyError):
        return 0


def build_1x(tmp: Path) -> Path:
    here = ROOT / "build"
    if (here / "store").is_dir():
        return here
    from plankg.build.pipeline import run_build

    log("1x: building the Luzhou plan ...")
    run_build(out=tmp / "build-1x", check=False)
    return tmp / "build-1x"


def build_100x(given: Path | None, tmp: Path) -> Path:
    if given:
        return given
    for folder in CANDIDATES_100:
        if (folder / "store").is_dir() and plans_in(folder) == 100:
            return folder
    import synth

    log("100x: building 100 plans with bench/synth.py (several minutes) ...")
    out = tmp / "build-100x"
    synth.build(100, out)
    return out


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def bench_scale(name: str, build: Path, repeat: int, tmp: Path) -> dict[str, Any]:
    out = tmp / name
    out.mkdir()
    log(f"{name}: indexing {build} ({plans_in(build)} plans) ...")
    t0 = time.perf_counter()
    docs = write_search_index(out / SEARCH_FILE, build / "store")
    seconds = time.perf_counter() - t0
    size = (out / SEARCH_FILE).stat().st_size
    index = SearchIndex(out)
    per_query = []
    every: list[float] = []
    for q, kw in QUERIES:
        result = index.search(q, **kw)  # warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            index.search(q, **kw)
            times.append((time.perf_counter() - t) * 1000)
        every += times
        per_query.append({"query": q if len(q) <= 20 else q[:8] + f"... ({len(q)} chars)", "filters": kw,
                          "hits": result.total, "mode": result.mode,
                          "p50_ms": round(percentile(times, 50), 3), "p95_ms": round(percentile(times, 95), 3)})
    index.close()
    return {"scale": name, "build": str(build), "plans": plans_in(build), "docs": docs,
            "index_seconds": round(seconds, 2), "index_mb": round(size / 1e6, 1),
            "p50_ms": round(percentile(every, 50), 3), "p95_ms": round(percentile(every, 95), 3),
            "queries": per_query}


def bench_sparql_function(build: Path, repeat: int) -> dict[str, Any]:
    """plan:search over every task sentence of a build (what a workbench query costs)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(build / "store"))
    query = """PREFIX plan: <https://w3id.org/plankg/ontology#>
      SELECT ?task ?score WHERE { ?task a plan:Task ; plan:text ?t
        BIND(plan:search(?t, "食堂") AS ?score) FILTER(?score > 0) } ORDER BY DESC(?score)"""
    times, rows = [], 0
    for _ in range(max(3, repeat // 5)):
        t = time.perf_counter()
        rows = len(list(store.query(query, custom_functions=SEARCH_FUNCTIONS)))
        times.append((time.perf_counter() - t) * 1000)
    return {"rows": rows, "p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}


def report(results: list[dict[str, Any]], functions: dict[str, Any]) -> str:
    lines = ["| scale | plans | docs | index build | index size | query p50 | query p95 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['scale']} | {r['plans']} | {r['docs']:,} | {r['index_seconds']} s | "
                     f"{r['index_mb']} MB | {r['p50_ms']} ms | {r['p95_ms']} ms |")
    lines += ["", "| query | filters | " + " | ".join(f"{r['scale']} hits | p50 | p95" for r in results) + " |",
              "|---|---|" + "---:|---:|---:|" * len(results)]
    for i, (q, kw) in enumerate(QUERIES):
        cells = []
        for r in results:
            pq = r["queries"][i]
            cells.append(f"{pq['hits']} ({pq['mode']}) | {pq['p50_ms']} ms | {pq['p95_ms']} ms")
        lines.append(f"| {results[0]['queries'][i]['query']} | {json.dumps(kw, ensure_ascii=False) if kw else ''} | "
                     + " | ".join(cells) + " |")
    for name, f in functions.items():
        lines.append(f"\nSPARQL plan:search(?t, \"食堂\") over every task at {name}: {f['rows']} rows, "
                     f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["1", "100"], help="Run one scale only.")
    ap.add_argument("--x1", type=Path, help="The 1x build (default: build/, else a fresh build).")
    ap.add_argument("--x100", type=Path, help="The 100x build (default: a cached one, else built).")
    ap.add_argument("--repeat", type=int, default=30, help="Runs of each query (default 30).")
    ap.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    args = ap.parse_args(argv)
    _jieba()  # load jieba's dictionary once, outside the timings (a server does it at first query)
    results, functions = [], {}
    with tempfile.TemporaryDirectory(prefix="plankg-search-bench-") as d:
        tmp = Path(d)
        if args.only != "100":
            b1 = args.x1 or build_1x(tmp)
            results.append(bench_scale("1x", b1, args.repeat, tmp))
            functions["1x"] = bench_sparql_function(b1, args.repeat)
        if args.only != "1":
            b100 = build_100x(args.x100, tmp)
            results.append(bench_scale("100x", b100, args.repeat, tmp))
            functions["100x"] = bench_sparql_function(b100, args.repeat)
    print(report(results, functions))
    print(f"\n(python {sys.version.split()[0]}, sqlite {__import__('sqlite3').sqlite_version}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "sparql_function": functions}, ensure_ascii=False,
                                        indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
