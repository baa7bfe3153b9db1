"""Synthetic work plans at scale N, built by the project's own pipeline (for bench/run.py).

Usage::

    python bench/synth.py --scale 100 --out /tmp/plankg-synth-100     # real plan + 99 synthetic ones
    python bench/synth.py --scale 3 --out /tmp/s3 --texts-only          # just write the texts

Scale N means N plans in one dataset: the real Luzhou 2014 plan (so every named query, with the
defaults bench/run.py binds, still finds its 1x answers) plus N-1 synthetic plans ``synth-0001`` ...
Scale 1 is exactly ``plankg build``.

How the synthetic plans are made (the choice, and why)
------------------------------------------------------
We generate plan *texts* of the genre and run them through ``run_build(sources=[...])``, the same
path as ``plankg build``: parser, recogniser, fact rules, RDF builder, the RL entailments over the
union (SHACL validation of every plan with ``--check``; the smoke test does it, the bench skips it).
Every synthetic plan therefore has its own named graph, the same shapes and the same kinds of facts
(responsibility chains, targets with units, milestones, pilots, citations, mentions with text spans)
as a real one, and the data follows the pipeline whenever it changes. The alternative (copying the
real graph N times under renamed IRIs with perturbed literals) was the fallback if the pipeline
proved too slow. Measured on the 2-core machine: 1 plan 5-9 s, 10 plans 60 s, 100 plans 425-553 s
(1.70-1.76 M triples) before the corpus build was streamed and parallel; bench/corpus_build.py
measures it now, with the time of each step. A build is done once and cached by bench/run.py;
for 1000x, bench/scale_copy.py copies the synthetic plans of a 100x build under new keys instead.

A synthetic text is the real plan's text rewritten, deterministically from ``--seed`` and the plan's
index:

- authority and places: the city is drawn from the cities of src/plankg/build/gazetteer.yaml (泸州, 宜宾, 德阳),
  and the real plan's seven districts/counties (full and short forms) are mapped onto that city's
  districts/counties, so place mentions, pilot lists and 县区 participations point at gazetteer places;
  names of schools and institutions follow the city (泸州高中 -> 宜宾高中);
- year: 2014 becomes a year in 2010-2030 (2013/2015 shift with it); the title line
  ``<市>教育局<年>年工作要点`` is added (the parser takes authority and year from it);
- items: every pillar keeps a random 60-100 % of its items (at least one; item 1, which carries the
  chain of 安全稳定 responsibilities, is always kept), renumbered 1..n; so item counts vary;
- numbers and months: counts before a unit (套, 台, 所, 个, 亩, 亿元 ...) are scaled by 0.5-2x, month
  numbers (6月, 4月份) are redrawn in 1-12;
- responsibility sentences: 0-3 sentences per item built from templates that mirror the real plan's
  kinds (``<holder>担负<work>工作的<type>责任``, ``<holder>是<work>工作的第一责任人``), with holders,
  lines of work and responsibility types drawn from those the recogniser and fact rules know.

Output: OUT/plankg.nq, plankg.trig, manifest.json, build.log (the layout of a build), plus
OUT/sources/*.txt (the generated texts) and OUT/synth.json (parameters and timings).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from importlib import resources
from pathlib import Path

import yaml

REAL_KEY = "luzhou-2014"
REAL_CITY = "泸州"
# The real plan's districts/counties: full name -> short forms used in the text.
REAL_PLACES = {
    "江阳区": ["江阳"], "纳溪区": ["纳溪"], "龙马潭区": ["龙马潭"], "泸县": [],
    "合江县": ["合江"], "叙永县": ["叙永"], "古蔺县": ["古蔺"],
}
UNITS = "套|台|间|所|个|项|亩|亿元|万元|名|人|次|条|家|小时|期"
NUMBER_RE = re.compile(rf"(?<![\d.\-―—年])(\d{{1,5}})(?=(?:{UNITS}))")
MONTH_RE = re.compile(r"(?<![\d年])(\d{1,2})(月份|月)(?!\d)")

RESP_TEMPLATES = [
    "{holder}担负{work}工作的{rtype}。",
    "{holder}是{work}工作的第一责任人。",
    "{holder}担负{work}工作的{rtype},{holder2}担负{work}工作的{rtype2}。",
]
HOLDERS = ["学校", "教育行政部门", "各区县教育局", "市直属学校", "民办学校", "中职学校", "学校安全办公室",
           "安全信访科", "市教育局其他局领导", "科室同志"]
WORKS = ["安全稳定", "招生管理", "食品安全", "校车安全", "教育信息化", "师德师风建设", "学生资助",
         "教育督导", "校园文化建设", "教育宣传", "党风廉政建设", "民办教育管理"]
RTYPES = ["主体责任", "监管责任", "直接领导责任", "具体工作责任", "直管责任", "指导督查责任"]


def real_source() -> Path:
    return Path(str(resources.files("plankg.build").joinpath("sources", "luzhou-2014-education-work-plan.txt")))


def gazetteer_cities() -> dict[str, list[str]]:
    """City short name (泸州) -> names of its districts/counties, from src/plankg/build/gazetteer.yaml."""
    data = yaml.safe_load(resources.files("plankg.build").joinpath("gazetteer.yaml").read_text("utf-8"))
    places = data["places"]
    cities = {p["code"]: p["name"] for p in places if p.get("type") == "City" and p["code"].endswith("00")}
    out: dict[str, list[str]] = {}
    for code, name in cities.items():
        subs = [p["name"] for p in places if p.get("within") == code and p.get("type") in ("District", "County")]
        if subs:
            out[name.removesuffix("市")] = subs
    return out


def _split(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The real text -> (intro, [(pillar line, [item lines])]), dropping the scraping artefact lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("2014年是"))
    lines = lines[start:]
    intro, rest = lines[0], lines[1:]
    pillar_re = re.compile(r"^[一二三四五六七八九十]+、")
    pillars: list[tuple[str, list[str]]] = []
    # The intro line ends with the first pillar's heading glued on (as in the source).
    m = re.search(r"(一、[^。]+)$", intro)
    if m:
        intro, first = intro[: m.start()], m[1]
        pillars.append((first, []))
    for ln in rest:
        if pillar_re.match(ln):
            pillars.append((ln, []))
        else:
            pillars[-1][1].append(ln)
    return intro, pillars


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


def synth_text(index: int, seed: int = 2014, real_text: str | None = None) -> tuple[str, dict]:
    """The text of synthetic plan `index` (1-based) and a summary of what was drawn."""
    rng = random.Random(f"{seed}:{index}")
    real_text = real_text or real_source().read_text("utf-8")
    cities = gazetteer_cities()
    city = rng.choice(sorted(cities))
    year = rng.randint(2010, 2030)
    subs = list(cities[city])
    rng.shuffle(subs)
    while len(subs) < len(REAL_PLACES):
        subs.append(rng.choice(cities[city]))
    place_map = dict(zip(REAL_PLACES, subs))

    def rewrite(s: str) -> str:
        # places first (泸县 contains 泸), through placeholders so that a new name is not rewritten again
        for i, (old, shorts) in enumerate(REAL_PLACES.items()):
            s = s.replace(old, f"\x00{i}\x00")
            for short in shorts:
                s = re.sub(rf"{short}(?![区县])", f"\x00{i}\x00", s)
        s = s.replace(REAL_CITY, city)
        s = re.sub(r"\x00(\d+)\x00", lambda m: place_map[list(REAL_PLACES)[int(m[1])]], s)
        s = s.replace("2013年", f"{year - 1}年").replace("2015年", f"{year + 1}年").replace("2014", str(year))
        s = NUMBER_RE.sub(lambda m: str(max(1, round(int(m[1]) * rng.uniform(0.5, 2.0)))), s)
        s = MONTH_RE.sub(lambda m: f"{rng.randint(1, 12)}{m[2]}", s)
        return s

    intro, pillars = _split(real_text)
    out = [f"{city}市教育局{year}年工作要点", rewrite(intro)]
    n_item, n_resp = 0, 0
    for p_no, (heading, items) in enumerate(pillars, 1):
        keep = [it for j, it in enumerate(items) if (p_no == 1 and j == 0) or rng.random() < rng.uniform(0.6, 1.0)]
        keep = keep or [rng.choice(items)]
        out.append(f"{_cn(p_no)}、{heading.split('、', 1)[1]}")
        for it in keep:
            n_item += 1
            body = re.sub(r"^\d+\.", "", it)
            extra = []
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                h1, h2 = rng.sample(HOLDERS, 2)
                t1, t2 = rng.sample(RTYPES, 2)
                extra.append(rng.choice(RESP_TEMPLATES).format(holder=h1, holder2=h2, work=rng.choice(WORKS),
                                                              rtype=t1, rtype2=t2))
                n_resp += 1
            out.append(f"{n_item}.{rewrite(body)}{''.join(extra)}")
    return "\n".join(out) + "\n", {"city": city, "year": year, "items": n_item, "template_sentences": n_resp}


def write_texts(scale: int, folder: Path, seed: int = 2014) -> list[Path]:
    """Real plan + scale-1 synthetic texts in `folder`; returns the source paths for run_build."""
    folder.mkdir(parents=True, exist_ok=True)
    real = real_source()
    real_text = real.read_text("utf-8")
    paths = [real]
    for i in range(1, scale):
        text, _ = synth_text(i, seed, real_text)
        p = folder / f"synth-{i:04d}-work-plan.txt"   # plan key: synth-0001
        p.write_text(text, "utf-8")
        paths.append(p)
    return paths


def build(scale: int, out: Path, seed: int = 2014, check: bool = False) -> dict:
    """Write the dataset of scale `scale` into `out` (a build directory). Returns a summary."""
    from plankg.build.pipeline import run_build

    out = Path(out)
    t0 = time.perf_counter()
    texts = out.parent / f".{out.name}-sources"
    if texts.exists():
        shutil.rmtree(texts)
    sources = write_texts(scale, texts, seed)
    t1 = time.perf_counter()
    result = run_build(sources=sources, out=out, check=check)
    t2 = time.perf_counter()
    shutil.move(str(texts), str(out / "sources"))
    steps = [{"step": "write the synthetic texts (bench/synth.py)", "seconds": round(t1 - t0, 2)}]
    steps += [{"step": name, "seconds": round(sec, 2)} for name, sec in result.steps.items()]
    summary = {"scale": scale, "seed": seed, "plans": len(result.plans), "triples": result.triples,
               "checked_shacl": check, "texts_seconds": round(t1 - t0, 2), "build_seconds": round(t2 - t1, 2),
               "total_seconds": round(t2 - t0, 2), "steps": steps}
    (out / "synth.json").write_text(json.dumps(summary, indent=2), "utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=100, help="number of plans (real + scale-1 synthetic)")
    ap.add_argument("--out", type=Path, required=True, help="build directory to write")
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--check", action="store_true", help="also validate every plan with SHACL (slower)")
    ap.add_argument("--texts-only", action="store_true", help="only write the synthetic texts into --out")
    args = ap.parse_args(argv)
    if args.scale < 1:
        ap.error("--scale must be >= 1")
    if args.texts_only:
        paths = write_texts(args.scale, args.out, args.seed)
        print(f"wrote {len(paths) - 1} synthetic texts to {args.out}", file=sys.stderr)
        return 0
    summary = build(args.scale, args.out, args.seed, args.check)
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
