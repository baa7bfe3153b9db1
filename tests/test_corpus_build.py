"""Building a corpus: folders of plans, the per-plan cache, parallel workers, bad plans that do not
stop the rest, the progress bar and the summary."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from plankg.build.ids import PLAN
from plankg.build.pipeline import default_sources, run_build
from plankg.build.plan_cache import PlanCache
from plankg.build.reason import cross_plan_entailments, entailments
from plankg.ontology.model import build_ontology

DATA = Path(__file__).resolve().parent / "data"
PLANS = DATA / "plans"
GOOD = ["yibin-2015-education-work-plan.txt", "deyang-2016-education-work-plan.txt",
        "gulin-2016-flat-work-plan.txt"]


def plankg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plankg", *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A folder of three genre plans (one in a sub-folder) plus a file that is not a plan text."""
    folder = tmp_path / "plans"
    (folder / "sichuan").mkdir(parents=True)
    for name in GOOD[:2]:
        shutil.copy(PLANS / name, folder / name)
    shutil.copy(PLANS / GOOD[2], folder / "sichuan" / GOOD[2])
    (folder / "notes.md").write_text("not a plan", "utf-8")
    return folder


def quads(build: Path) -> set[str]:
    return set((build / "plankg.nq").read_text("utf-8").splitlines())


def test_a_folder_builds_every_plan_in_it(corpus: Path, tmp_path: Path) -> None:
    r = plankg("build", str(corpus), "--out", str(tmp_path / "b"), env={"PLANKG_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 0, r.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text("utf-8"))
    assert sorted(p["key"] for p in manifest["plans"]) == ["deyang-2016", "gulin-2016-flat", "yibin-2015"]
    assert "3 plans (0 from the cache)" in r.stdout
    for key in ("deyang-2016", "gulin-2016-flat", "yibin-2015"):
        assert f"{key}: " in r.stdout and "triples" in r.stdout


def test_an_unchanged_plan_comes_from_the_cache_and_a_changed_one_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_build([corpus], out=tmp_path / "b1", cache_dir=cache)
    assert [p.cached for p in first.plans] == [False, False, False]
    again = run_build([corpus], out=tmp_path / "b2", cache_dir=cache)
    assert [p.cached for p in again.plans] == [True, True, True]
    assert quads(tmp_path / "b1") == quads(tmp_path / "b2")
    changed = corpus / GOOD[0]
    changed.write_text(changed.read_text("utf-8").replace("宜宾", "宜宾", 1) + "\n附件：新增的一行\n", "utf-8")
    third = run_build([corpus], out=tmp_path / "b3", cache_dir=cache)
    assert {p.key: p.cached for p in third.plans} == {"deyang-2016": True, "gulin-2016-flat": True, "yibin-2015": False}
    assert quads(tmp_path / "b3") != quads(tmp_path / "b1")


def test_no_cache_builds_every_plan_and_writes_no_entries(corpus: Path, tmp_path: Path) -> None:
    result = run_build([corpus], out=tmp_path / "b", cache=False, cache_dir=tmp_path / "cache")
    assert not any(p.cached for p in result.plans)
    assert not (tmp_path / "cache").exists()
    assert not (tmp_path / "b" / "plans").exists()  # the entries were scratch inside the build


def test_parallel_and_sequential_builds_are_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    one = run_build([corpus], out=tmp_path / "one", jobs=1, cache=False)
    two = run_build([corpus], out=tmp_path / "two", jobs=2, cache=False)
    assert [p.key for p in one.plans] == [p.key for p in two.plans]
    for name in ("plankg.nq", "dumps/plankg.nt", "dumps/plankg.jsonld"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    ids = {json.loads((tmp_path / d / "manifest.json").read_text("utf-8"))["build_id"] for d in ("one", "two")}
    assert len(ids) == 1


def test_bad_plans_are_reported_and_the_rest_is_built(corpus: Path, tmp_path: Path) -> None:
    shutil.copy(DATA / "bad" / "not-utf8.txt", corpus / "not-utf8.txt")
    shutil.copy(DATA / "bad" / "skipped-item.txt", corpus / "sichuan" / "skipped-item.txt")
    out = tmp_path / "b"
    r = plankg("build", str(corpus), "--out", str(out), env={"PLANKG_CACHE_DIR": str(tmp_path / "c")})
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert any("not-utf8.txt:" in e and "UTF-8" in e for e in errors)
    assert any(e.startswith(f"error: {corpus / 'sichuan' / 'skipped-item.txt'}:") and ":" in e for e in errors)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert len(manifest["plans"]) == 3
    assert sorted(Path(f["source"]).name for f in manifest["failed"]) == ["not-utf8.txt", "skipped-item.txt"]
    assert all(f["line"] for f in manifest["failed"])
    assert "2 of 5 plans failed" in r.stderr


def test_a_corpus_of_only_bad_plans_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in ("empty.txt", "not-utf8.txt"):
        shutil.copy(DATA / "bad" / name, folder / name)
    r = plankg("build", str(folder), "--out", str(tmp_path / "b"))
    assert r.returncode == 2
    assert "empty.txt" in r.stderr and "not-utf8.txt" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_two_files_with_one_plan_key_fail_the_second_only(tmp_path: Path) -> None:
    a, b = tmp_path / "x" / "yibin-2015-education-work-plan.txt", tmp_path / "y" / "yibin-2015-work-plan.txt"
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(PLANS / GOOD[0], p)
    result = run_build([a, b, PLANS / GOOD[1]], out=tmp_path / "b", cache=False)
    assert [p.key for p in result.plans] == ["yibin-2015", "deyang-2016"]
    assert len(result.failures) == 1 and "same plan key" in result.failures[0].message
    assert result.failures[0].path == str(b)


def test_a_terminated_build_leaves_nothing_half_written(corpus: Path, tmp_path: Path) -> None:
    import signal
    import time

    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "plankg", "build", str(corpus), "--out", str(work / "b"),
                             "--no-cache", "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while not any(work.iterdir()) and proc.poll() is None:  # wait for the build's temporary folder
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert list(work.iterdir()) == []


def test_missing_source_is_an_error_naming_it(tmp_path: Path) -> None:
    r = plankg("build", str(tmp_path / "nowhere.txt"), "--out", str(tmp_path / "b"))
    assert r.returncode == 2 and "nowhere.txt" in r.stderr and "no such file" in r.stderr


def test_the_progress_bar_shows_on_a_terminal_only(corpus: Path, tmp_path: Path) -> None:
    piped = plankg("build", str(corpus), "--out", str(tmp_path / "p"), "--no-cache")
    assert "plans  [" not in piped.stderr and "search index ..." not in piped.stderr
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "plankg", "build", str(corpus), "--out", str(tmp_path / "t"),
                             "--no-cache"], stdout=subprocess.DEVNULL, stderr=secondary, close_fds=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=600) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "plans" in shown and "3/3" in shown
    assert "store ..." in shown and "dumps ..." in shown and "search index (after the dumps) ..." in shown


def test_stale_pipeline_versions_are_pruned(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path)
    assert cache.folder is not None
    stale = tmp_path / "plans" / "0123456789abcdef" / "entry"
    stale.mkdir(parents=True)
    cache.folder.mkdir(parents=True)
    cache.prune()
    assert not stale.parent.exists() and cache.folder.exists()


def test_what_a_killed_build_left_is_deleted_once_stale(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path)
    assert cache.folder is not None
    old, fresh = cache.folder / ".abc-old", cache.folder / ".abc-new"
    for d in (old, fresh):
        d.mkdir(parents=True)
    os.utime(old, (0, 0))
    cache.prune()
    assert not old.exists() and fresh.exists()  # a running build's folder is left alone


def test_a_half_written_entry_is_not_used(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path)
    assert cache.folder is not None
    (cache.folder / "abc").mkdir(parents=True)
    (cache.folder / "abc" / "graph.nt").write_text("", "utf-8")  # a killed writer's leftovers
    assert cache.lookup("abc") is None


def test_cross_plan_entailments_follow_paths_through_two_plans() -> None:
    ontology = build_ontology()
    place = "https://example.org/id/place/"
    within = URIRef(str(PLAN) + "withinPlace")
    a, b, c, d, e = (URIRef(place + n) for n in "abcde")
    links = [("p1", (a, within, b)), ("p2", (b, within, c)), ("p3", (d, within, e))]
    out = cross_plan_entailments(ontology, links)
    assert (a, within, c) in out
    assert (d, RDF.type, PLAN.Place) not in out  # a path inside one plan is that plan's to reason over


def test_per_plan_and_cross_plan_entailments_are_those_of_the_union(tmp_path: Path) -> None:
    sources = [default_sources()[0], *(PLANS / n for n in GOOD)]
    run_build(sources, out=tmp_path / "b", cache=False, check=False)
    ds = Dataset()
    ds.parse(tmp_path / "b" / "plankg.nq", format="nquads")
    special = {URIRef("https://w3id.org/plankg/graph/ontology"), URIRef("https://w3id.org/plankg/graph/inferred")}
    built = Graph()
    for g in ds.graphs():
        if g.identifier not in special:
            built += g
    expected = entailments(build_ontology(), built)
    assert set(ds.graph(URIRef("https://w3id.org/plankg/graph/inferred"))) == set(expected)
