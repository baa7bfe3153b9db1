"""Build time per plan, and for 100 plans (a benchmark, not a test).

Usage::

    python bench/build_time.py                 # each plan of tests/data/plans + Luzhou, then 100 plans
    python bench/build_time.py --scale 20      # fewer synthetic plans
    python bench/build_time.py --full          # also time run_build (entailments, SHACL off, files) for the 100

Per plan it times ``build_plan`` (parse, recognise, facts, the plan's RDF graph): the part of
``plankg build`` that grows with the text and that the recogniser changes. The first build in a process
also loads the division table and jieba's dictionary; that one-off cost is printed on its own line.
The 100 plans are the Luzhou plan plus 99 synthetic ones from ``bench/synth.py`` (written to a
temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import synth

from plankg.build.ids import Ids
from plankg.build.pipeline import run_build
from plankg.build.plan import build_plan, default_sources


def time_plan(path: Path, ids: Ids) -> tuple[float, int]:
    t0 = time.perf_counter()
    b = build_plan(path, ids)
    return time.perf_counter() - t0, len(b.graph)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=100, help="number of plans in the batch (Luzhou + synthetic)")
    ap.add_argument("--full", action="store_true", help="also time run_build over the batch (writes a build)")
    args = ap.parse_args(argv)
    ids = Ids("https://w3id.org/plankg/")
    plans = default_sources() + sorted((ROOT / "tests" / "data" / "plans").glob("*.txt"))

    t0 = time.perf_counter()
    from plankg.build import divisions
    from plankg.build.recognise import _jieba

    divisions.index()
    _jieba().lcut("预热")
    print(f"{'one-off: division table + jieba dictionary':60} {time.perf_counter() - t0:8.2f} s")
    print(f"{'plan':60} {'seconds':>8} {'triples':>8}")
    for p in plans:
        sec, triples = time_plan(p, ids)
        print(f"{p.name:60} {sec:8.3f} {triples:8d}")

    with tempfile.TemporaryDirectory() as tmp:
        texts = [default_sources()[0], *synth.write_texts(args.scale, Path(tmp))[1:]] if args.scale > 1 \
            else default_sources()
        times = []
        t0 = time.perf_counter()
        for p in texts:
            times.append(time_plan(p, ids)[0])
        total = time.perf_counter() - t0
        print(f"{f'{len(texts)} plans (build_plan each)':60} {total:8.2f} s  "
              f"(median {statistics.median(times):.3f} s, max {max(times):.3f} s per plan)")
        if args.full:
            t0 = time.perf_counter()
            run_build(texts, Path(tmp) / "build", check=False)
            print(f"{f'{len(texts)} plans (run_build, no SHACL, all files)':60} {time.perf_counter() - t0:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
