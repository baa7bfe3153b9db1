"""Corpus build time and memory at N plans, cold and after one plan changed (a benchmark, not a test).

Usage::

    python bench/corpus_build.py                       # 10 and 100 plans
    python bench/corpus_build.py --scales 1000 --cold-only
    python bench/corpus_build.py --scales 10 --json /tmp/corpus.json

For each N: the Luzhou plan plus N-1 synthetic plans (``bench/synth.py``) are written to a
temporary folder, then built three times by ``run_build`` in a child process, with SHACL on (as
``plankg build`` does):

- cold: an empty plan cache, every plan built;
- one changed: the same corpus with one synthetic plan's text changed (a line added);
- one added: the corpus plus one new plan.

Printed per build: wall-clock seconds, each step of the build (``BuildResult.steps``), the plans
taken from the cache, triples, and the peak memory of the whole process tree (the sum of the PSS
of the build process and its workers, sampled every 0.2 s from /proc), overall and per step.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from plankg.build.pipeline import run_build
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
began = []  # (step, wall-clock time it began), for the memory of each step
r = run_build([Path(p) for p in args["sources"]], out=Path(args["out"]), cache_dir=Path(args["cache"]),
              jobs=args["jobs"], on_step=lambda name: began.append((name, time.time())))
print(json.dumps({"seconds": time.perf_counter() - t0, "steps": r.steps, "plans": len(r.plans), "began": began,
                  "cached": sum(p.cached for p in r.plans), "failed": len(r.failures), "triples": r.triples}))
"""


def _children(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += kids.get(p, [])
    return tree


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(sources: list[Path], out: Path, cache: Path, jobs: int | None) -> dict:
    """One build in a child process, with the peak PSS of its process tree."""
    arg = json.dumps({"sources": [str(s) for s in sources], "out": str(out), "cache": str(cache), "jobs": jobs})
    proc = subprocess.Popen([sys.executable, "-c", CHILD, arg], stdout=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []  # (wall-clock time, PSS of the tree in KiB)

    def sample() -> None:
        while proc.poll() is None:
            samples.append((time.time(), sum(_pss_kib(p) for p in _children(proc.pid))))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"build failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_pss_mib"] = round(max((kib for _t, kib in samples), default=0) / 1024)
    result["step_peak_mib"] = step_peaks(result.pop("began"), samples)
    return result


def step_peaks(began: list[tuple[str, float]], samples: list[tuple[float, int]]) -> dict[str, int]:
    """The peak PSS (MiB) while each step ran (a step that runs twice: its higher peak)."""
    peaks: dict[str, int] = {}
    for (name, start), (_next, end) in zip(began, [*began[1:], ("", float("inf"))]):
        during = [kib for t, kib in samples if start <= t < end]
        peaks[name] = max(peaks.get(name, 0), round(max(during, default=0) / 1024))
    return peaks


def show(label: str, r: dict) -> None:
    steps = ", ".join(f"{k} {v:.1f} s / {r['step_peak_mib'].get(k, 0)} MiB" for k, v in r["steps"].items())
    print(f"{label:<28} {r['seconds']:8.1f} s  {r['peak_pss_mib']:6d} MiB  plans {r['plans']} "
          f"({r['cached']} cached)  {r['triples']:,} triples  [{steps}]", flush=True)


def bench(scale: int, jobs: int | None, work: Path, cold_only: bool = False) -> dict:
    texts = work / f"texts-{scale}"
    sources = synth.write_texts(scale, texts)
    cache = work / f"cache-{scale}"
    out = work / f"build-{scale}"
    results = {"cold": run_child(sources, out, cache, jobs)}
    show(f"{scale} plans: cold", results["cold"])
    if cold_only:
        return results
    changed = sources[-1]
    changed.write_text(changed.read_text("utf-8") + "\n附件：补充说明一则\n", "utf-8")
    results["one changed"] = run_child(sources, out, cache, jobs)
    show(f"{scale} plans: one changed", results["one changed"])
    extra = texts / "synth-9999-work-plan.txt"
    extra.write_text(synth.synth_text(9999)[0], "utf-8")
    results["one added"] = run_child([*sources, extra], out, cache, jobs)
    show(f"{scale} plans: one added", results["one added"])
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="10,100", help="comma-separated numbers of plans")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--cold-only", action="store_true", help="only the cold build (e.g. for 1000 plans)")
    args = ap.parse_args(argv)
    print(f"cores: {len(os.sched_getaffinity(0))}, jobs: {args.jobs or 'default'}")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="plankg-corpus-") as tmp:
        for scale in (int(s) for s in args.scales.split(",")):
            figures[scale] = bench(scale, args.jobs, Path(tmp), args.cold_only)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
