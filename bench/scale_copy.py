"""A bigger dataset by copying: the synthetic plans of a built dataset, K times under new keys.

Usage::

    python bench/scale_copy.py --src /tmp/plankg-bench/scale-100 --copies 10 --out /tmp/plankg-bench/scale-1000

Building 1000 plans through the pipeline would take over an hour on the 2-core machine (100 take
about 8 minutes, mostly rdflib), so the 1000x dataset is made from the 100x build instead: its
N-Quads are copied line by line, and every quad of a synthetic plan (its named graph, and the
inferred triples about its resources) is written K times, copy c with ``/plan/synth-`` and
``/graph/synth-`` renamed to ``/plan/synth-cC-`` and ``/graph/synth-cC-`` (copy 0 keeps the
names). The real plan, the ontology and the inferred triples about shared things (places,
organisations, groups, posts) are written once, so the copies share those entities as the
synthetic plans do. The store is then loaded with the Oxigraph CLI (``oxigraph load``): the quads,
then their triples into the default graph (the set union, as ``plankg build`` materialises it),
the store is compacted (``oxigraph optimize``, as the build compacts its own), and the manifest is copied with the new counts and a new build id. The result is a build directory
``plankg serve --build-dir`` opens (no dumps, no TriG). With K=10 and the 100x build: 991 plans.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SYNTH_PLAN, SYNTH_GRAPH = b"/plan/synth-", b"/graph/synth-"


def copy_quads(src: Path, nq: Path, nt: Path, copies: int) -> dict[str, int]:
    """Write the copied quads to `nq` and their triples (graph dropped) to `nt`; counts."""
    n_in = n_out = 0
    with open(src, "rb") as f, open(nq, "wb") as q, open(nt, "wb") as t:
        for line in f:
            if not line.strip():
                continue
            n_in += 1
            head, graph, dot = line.rstrip(b"\n").rsplit(b" ", 2)
            if dot != b"." or not graph.startswith(b"<"):
                raise ValueError(f"not a quad with a graph: {line[:200]!r}")
            outs = [line]
            if SYNTH_PLAN in line or SYNTH_GRAPH in graph:
                outs += [line.replace(SYNTH_PLAN, b"/plan/synth-c%d-" % c).replace(SYNTH_GRAPH, b"/graph/synth-c%d-" % c)
                         for c in range(1, copies)]
            for o in outs:
                q.write(o)
                t.write(o.rstrip(b"\n").rsplit(b" ", 2)[0] + b" .\n")
            n_out += len(outs)
    return {"quads_in": n_in, "quads_out": n_out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, required=True, help="a build directory with synthetic plans (bench/synth.py)")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    import run  # bench/run.py: the oxigraph CLI

    exe = run.oxigraph_exe()
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    nq, nt = out / "plankg.nq", out / "union.nt"
    counts = copy_quads(args.src / "plankg.nq", nq, nt, args.copies)
    t1 = time.perf_counter()
    for data in (nq, nt):
        subprocess.run([exe, "load", "--location", str(out / "store"), "--file", str(data)], check=True)
    # compacted, as `plankg build` leaves its store: an uncompacted 1000x store read 3-10x slower
    subprocess.run([exe, "optimize", "--location", str(out / "store")], check=True)
    nt.unlink()
    t2 = time.perf_counter()
    man = json.loads((args.src / "manifest.json").read_text("utf-8"))
    synth = [p for p in man.get("plans", []) if str(p.get("key", "")).startswith("synth-")]
    for c in range(1, args.copies):
        for p in synth:
            man["plans"].append({**p, "key": p["key"].replace("synth-", f"synth-c{c}-"),
                                 "graph": str(p.get("graph", "")).replace("/graph/synth-", f"/graph/synth-c{c}-")})
    graphs = man.get("graphs", {})
    for g, v in list(graphs.items()):
        if "/graph/synth-" in g:
            for c in range(1, args.copies):
                graphs[g.replace("/graph/synth-", f"/graph/synth-c{c}-")] = v
    man["triples"] = counts["quads_out"]
    man["build_id"] = hashlib.sha256(f"{man.get('build_id')}:copies={args.copies}".encode()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(man, ensure_ascii=False, indent=2), "utf-8")
    src_info = json.loads((args.src / "synth.json").read_text("utf-8")) if (args.src / "synth.json").is_file() else {}
    info = {"scale": len(man["plans"]), "plans": len(man["plans"]), "triples": counts["quads_out"],
            "copied_from": str(args.src), "copies": args.copies, "fingerprint": src_info.get("fingerprint"),
            "copy_seconds": round(t1 - t0, 1), "load_seconds": round(t2 - t1, 1),
            "build_seconds": round(t2 - t0, 1), "note": "made by bench/scale_copy.py, not by run_build"}
    (out / "synth.json").write_text(json.dumps(info, indent=2), "utf-8")
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
