"""Time the steps of ``plankg.build.pipeline.run_build`` from outside, on a synthetic dataset.

Usage::

    python bench/buildtime.py --scale 100 --out /tmp/plankg-s100      # builds, prints the step table
    python bench/buildtime.py --scale 1 --out /tmp/plankg-s1 --json /tmp/steps.json

The pipeline is not edited: the functions ``run_build`` calls (looked up in the pipeline module's
namespace at call time) are wrapped for the duration of the build, and every wrapped call's
wall-clock time is added to its step. ``Dataset.serialize`` is split by format (TriG, N-Quads).
What no wrapper covers (copying the plans' triples into the Dataset, the union Graph, the manifest,
counting triples, the atomic rename) is reported as "other". Writes OUT/buildtime.json and, like
bench/synth.py, OUT/synth.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

# pipeline-module attribute -> step name (the order of run_build)
STEPS = {
    "build_plan": "parse + recognise + facts + RDF per plan (build_plan)",
    "build_ontology": "ontology (build_ontology)",
    "entailments": "RL entailments over the union (reason.entailments)",
    "validate_graph": "SHACL validation (validate_graph, --check only)",
    "class_counts": "class counts (class_counts)",
    "write_store": "Oxigraph store: load + union default graph (store.write_store)",
    "write_dumps": "dumps (dumps.write_dumps)",
    "file_digest": "build id: SHA-256 of plankg.nq (file_digest)",
}


@contextlib.contextmanager
def timed_pipeline(times: dict[str, float], calls: dict[str, int]):
    """Wrap the pipeline's steps; times[step] accumulates seconds."""
    from rdflib import Dataset

    import plankg.build.pipeline as P

    saved: dict[str, Any] = {}

    def wrap(name: str, fn: Any) -> Any:
        def inner(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                result = fn(*a, **kw)
                if name == "entailments":   # a generator would be consumed by the caller: count it there
                    result = list(result)
                return result
            finally:
                times[STEPS[name]] += time.perf_counter() - t0
                calls[STEPS[name]] += 1
        return inner

    for name in STEPS:
        saved[name] = getattr(P, name)
        setattr(P, name, wrap(name, saved[name]))
    orig_serialize = Dataset.serialize

    def serialize(self: Any, destination: Any = None, format: str = "trig", *a: Any, **kw: Any) -> Any:
        step = f"rdflib Dataset.serialize -> {format} (plankg.{'trig' if format == 'trig' else 'nq'})"
        t0 = time.perf_counter()
        try:
            return orig_serialize(self, destination, format, *a, **kw)
        finally:
            times[step] += time.perf_counter() - t0
            calls[step] += 1

    Dataset.serialize = serialize  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(P, name, fn)
        Dataset.serialize = orig_serialize  # type: ignore[method-assign]


def timed_build(scale: int, out: Path, seed: int = 2014, check: bool = False) -> dict[str, Any]:
    times: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    t0 = time.perf_counter()
    with timed_pipeline(times, calls):
        summary = synth.build(scale, out, seed, check)
    total = time.perf_counter() - t0
    steps = [{"step": "write the synthetic texts (bench/synth.py)", "seconds": summary["texts_seconds"], "calls": 1}]
    steps += [{"step": k, "seconds": round(v, 2), "calls": calls[k]} for k, v in times.items()]
    covered = sum(s["seconds"] for s in steps)
    steps.append({"step": "other (copying triples into the Dataset and the union Graph, manifest, rename)",
                  "seconds": round(total - covered, 2), "calls": 1})
    info = {**summary, "total_seconds": round(total, 2), "steps": steps}
    (Path(out) / "buildtime.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    return info


def table(info: dict[str, Any]) -> str:
    total = info["total_seconds"]
    lines = [f"Build of {info['plans']} plans, {info['triples']:,} triples: {total:.1f} s",
             "", "| step | seconds | share |", "|---|---|---|"]
    for s in sorted(info["steps"], key=lambda s: -s["seconds"]):
        lines.append(f"| {s['step']} | {s['seconds']:.1f} | {100 * s['seconds'] / total:.0f} % |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the timings here")
    args = ap.parse_args(argv)
    info = timed_build(args.scale, args.out, args.seed, args.check)
    if args.json:
        args.json.write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    print(table(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
