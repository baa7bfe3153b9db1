"""The build: provenance spans, normalised names, curation checks, several plans, atomic outputs, CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from plankg.errors import CurationError
from plankg.build import curation as C
from plankg.build.ids import PLAN
from plankg.build.parse import read_source
from plankg.build.pipeline import default_sources, run_build

DATA = Path(__file__).resolve().parent / "data"
OTHER_PLANS = [DATA / "plans" / "yibin-2015-education-work-plan.txt", DATA / "plans" / "deyang-2016-education-work-plan.txt"]
FACTS = (PLAN.Responsibility, PLAN.Target, PLAN.Milestone, PLAN.Recurrence, PLAN.Participation, PLAN.Mention)


def plankg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plankg", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def data(build_dir: Path) -> Graph:
    """The plan's named graph (asserted triples only)."""
    ds = Dataset()
    ds.parse(build_dir / "plankg.nq", format="nquads")
    return ds.graph(URIRef("https://w3id.org/plankg/graph/luzhou-2014"))


def test_every_span_slices_the_vendored_file(data: Graph) -> None:
    text, _ = read_source(default_sources()[0])
    spans = list(data.subjects(RDF.type, PLAN.TextSpan))
    assert len(spans) > 300
    for span in spans:
        start, end = int(data.value(span, PLAN.start)), int(data.value(span, PLAN.end))
        assert text[start:end] == str(data.value(span, PLAN.quote)), span


def test_every_fact_has_evidence_inside_its_item(data: Graph) -> None:
    checked = 0
    for cls in FACTS:
        for fact in data.subjects(RDF.type, cls):
            item = data.value(fact, PLAN.statedIn)
            item_span = data.value(item, PLAN.evidence)
            lo, hi = int(data.value(item_span, PLAN.start)), int(data.value(item_span, PLAN.end))
            spans = list(data.objects(fact, PLAN.evidence))
            assert spans, fact
            assert any(lo <= int(data.value(s, PLAN.start)) < int(data.value(s, PLAN.end)) <= hi for s in spans)
            checked += 1
    assert checked > 250


def test_item_19_facts_are_anchored_in_item_19_not_in_the_scraped_copy(data: Graph) -> None:
    item = URIRef("https://w3id.org/plankg/id/plan/luzhou-2014/item/19")
    for fact in data.subjects(PLAN.statedIn, item):
        for span in data.objects(fact, PLAN.evidence):
            assert int(data.value(span, PLAN.start)) > 3000  # the copies sit in the first 500 characters


def labels(g: Graph, node: URIRef) -> set[str]:
    return {str(x) for x in g.objects(node, RDFS.label)} | {str(x) for x in g.objects(node, SKOS.altLabel)}


@pytest.mark.parametrize(("name", "surface"), [
    ("叙永县", "叙永"), ("合江县", "合江"), ("古蔺县", "古蔺"), ("泸州市教育局", "市教育局"),
    ("泸州市职业技术学校", "市职业技术学校"), ("泸州市示范性综合实践基地", "市示范性综合实践基地"),
    ("泸州市教育局局长", "市教育局局长"),
])
def test_names_are_normalised_with_surface_forms_kept(data: Graph, name: str, surface: str) -> None:
    nodes = list(data.subjects(RDFS.label, Literal(name, lang="zh")))
    assert len(nodes) == 1, name
    assert surface in labels(data, nodes[0])


def test_places_carry_division_codes(data: Graph) -> None:
    gulin = URIRef("https://w3id.org/plankg/id/place/510525")
    assert (gulin, RDF.type, PLAN.County) in data
    assert str(data.value(gulin, PLAN.divisionCode)) == "510525"
    assert data.value(gulin, PLAN.withinPlace) == URIRef("https://w3id.org/plankg/id/place/510500")


def test_manifest_counts_match_the_graph(build_dir: Path, data: Graph) -> None:
    manifest = json.loads((build_dir / "manifest.json").read_text("utf-8"))
    assert manifest["plans"][0]["items"] == 45
    assert manifest["counts"]["plan:WorkItem"] == len(set(data.subjects(RDF.type, PLAN.WorkItem)))
    assert manifest["counts"]["plan:Responsibility"] == len(set(data.subjects(RDF.type, PLAN.Responsibility)))
    assert set(manifest["graphs"]) >= {"https://w3id.org/plankg/graph/luzhou-2014",
                                       "https://w3id.org/plankg/graph/ontology",
                                       "https://w3id.org/plankg/graph/inferred"}


def test_inferred_graph_has_the_entailments(build_dir: Path) -> None:
    ds = Dataset()
    ds.parse(build_dir / "plankg.nq", format="nquads")
    inferred = ds.graph(URIRef("https://w3id.org/plankg/graph/inferred"))
    org = URIRef("http://www.w3.org/ns/org#Organization")
    school = URIRef("https://w3id.org/plankg/id/org/lu-zhou-gao-zhong")
    assert (school, RDF.type, org) in inferred  # plan:School ⊑ org:FormalOrganization ⊑ org:Organization
    item2 = URIRef("https://w3id.org/plankg/id/plan/luzhou-2014/item/2")
    assert any(inferred.subjects(PLAN.citedIn, item2))  # inverse of plan:cites
    assert any(inferred.subject_objects(PLAN.responsibleAgent))  # the property chain
    assert any(inferred.subject_objects(PLAN.accountableTo))


def test_curated_quote_not_in_source_is_an_error_naming_the_entry() -> None:
    from plankg.build.parse import parse_plan

    plan = parse_plan(default_sources()[0])
    cur = C.Curation(path="test.yaml", facts=[{"kind": "responsibility", "item": 35, "holder": "泸州市教育局",
                                               "type": "GuidanceResponsibility", "quote": "这句话不在第35条里"}])
    with pytest.raises(CurationError, match=r"test.yaml: entry 1 \(responsibility, item 35\): quote not found"):
        C.curated_facts(plan, cur, None, "luzhou-2014")  # type: ignore[arg-type]


def test_curation_failure_leaves_the_previous_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    run_build(out=out)
    before = (out / "manifest.json").read_bytes()
    bad = C.Curation(path="bad.yaml", key="luzhou-2014", plan={"authority": "泸州市教育局"},
                     facts=[{"kind": "participation", "item": 99, "quote": "x"}])
    monkeypatch.setattr(C, "find_curation", lambda _path: bad)
    with pytest.raises(CurationError, match="no item 99"):
        run_build(out=out, cache=False)  # the patched curation is not in the files the cache is keyed by
    assert (out / "manifest.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["build"]  # no half-written temporary directory left


def test_several_plans_each_in_its_own_named_graph(tmp_path: Path) -> None:
    result = run_build([*OTHER_PLANS, default_sources()[0]], out=tmp_path / "b")
    assert sorted(p.key for p in result.plans) == ["deyang-2016", "luzhou-2014", "yibin-2015"]
    ds = Dataset()
    ds.parse(tmp_path / "b" / "plankg.nq", format="nquads")
    for key in ("deyang-2016", "yibin-2015"):
        g = ds.graph(URIRef(f"https://w3id.org/plankg/graph/{key}"))
        assert len(list(g.subjects(RDF.type, PLAN.WorkItem))) >= 10
        # the 一岗双责 sentence of each genre plan gives a first-responsible post and a chain
        firsts = list(g.subjects(PLAN.responsibilityType, PLAN.FirstResponsibility))
        assert len(firsts) == 1
        assert any(g.subjects(PLAN.answersTo, firsts[0]))
        assert any(g.subjects(PLAN.responsibilityType, PLAN.GuidanceInspectionResponsibility))


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    run_build(out=tmp_path / "b", base_iri="http://data.example.org/lz/")
    ds = Dataset()
    ds.parse(tmp_path / "b" / "plankg.nq", format="nquads")
    item = URIRef("http://data.example.org/lz/id/plan/luzhou-2014/item/19")
    assert (item, RDF.type, PLAN.WorkItem) in ds.graph(URIRef("http://data.example.org/lz/graph/luzhou-2014"))
    assert not any(str(s).startswith("https://w3id.org/plankg/id/") for s in ds.subjects())


# -- the command line

def test_cli_build_prints_a_summary_and_validate_conforms(tmp_path: Path) -> None:
    out = tmp_path / "b"
    r = plankg("build", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "luzhou-2014: 7 pillars, 45 items" in r.stdout
    assert "plan:WorkItem" in r.stdout and "plan:Responsibility" in r.stdout
    assert "scraping artefact" in r.stderr
    v = plankg("validate", "--from", str(out))
    assert v.returncode == 0 and "Conforms: True" in v.stdout


def test_cli_validate_reports_violations_and_load_errors(build_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(build_dir, broken)
    lines = (broken / "plankg.nq").read_text("utf-8").splitlines(keepends=True)
    holder = "<https://w3id.org/plankg/ontology#holder>"
    (broken / "plankg.nq").write_text("".join(x for x in lines if holder not in x), "utf-8")
    r = plankg("validate", "--from", str(broken))
    assert r.returncode == 1
    assert "Conforms: False" in r.stdout and "holder" in r.stdout
    missing = plankg("validate", "--from", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "plankg build" in missing.stderr


@pytest.mark.parametrize("name", ["empty.txt", "skipped-item.txt", "not-utf8.txt"])
def test_cli_bad_input_exit_2_and_previous_build_untouched(build_dir: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "b"
    shutil.copytree(build_dir, out)
    def files() -> dict[Path, bytes]:
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    before = files()
    r = plankg("build", str(DATA / "bad" / name), "--out", str(out))
    assert r.returncode == 2
    assert name in r.stderr and "Traceback" not in r.stderr
    assert files() == before


@pytest.mark.parametrize(("fmt", "parser"), [("turtle", "turtle"), ("nt", "nt"), ("json-ld", "json-ld"),
                                             ("xml", "xml"), ("trig", "trig")])
def test_cli_export_formats_hold_ontology_and_data(build_dir: Path, tmp_path: Path, fmt: str, parser: str) -> None:
    out = tmp_path / f"export.{fmt}"
    r = plankg("export", "--from", str(build_dir), "--format", fmt, "-o", str(out))
    assert r.returncode == 0, r.stderr
    quads = fmt in ("trig", "json-ld")  # both keep the named graphs
    g = Dataset() if quads else Graph()
    g.parse(out, format=parser)
    triples = {(s, p, o) for s, p, o, *_ in (g.quads() if quads else g)}
    assert (URIRef("https://w3id.org/plankg/ontology"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) \
        in triples
    assert (URIRef("https://w3id.org/plankg/id/plan/luzhou-2014/item/19"), RDF.type, PLAN.WorkItem) in triples
    assert len(triples) > 15000


def test_cli_query_named_and_file(build_dir: Path, tmp_path: Path) -> None:
    r = plankg("query", "cq01", "--from", str(build_dir), "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "泸州市教育局局长" in r.stdout
    j = plankg("query", "documents-cited-in-item", "-p", "number=12", "--from", str(build_dir), "--format", "json")
    assert json.loads(j.stdout)[0]["title"] == "国家学生体质健康标准"
    unknown = plankg("query", "no-such-query", "--from", str(build_dir))
    assert unknown.returncode == 2 and "no query named" in unknown.stderr


def test_issuer_found_in_the_text_when_there_is_no_title(tmp_path: Path) -> None:
    result = run_build([DATA / "plans" / "county-2017-three-level-work-plan.txt",
                        DATA / "plans" / "gulin-2016-flat-work-plan.txt"], out=tmp_path / "b")
    quads = Dataset()
    quads.parse(tmp_path / "b" / "plankg.nq", format="nquads")
    ds = Graph()
    for s, p, o, _ in quads.quads():
        ds.add((s, p, o))
    publishers = {str(ds.value(ds.value(URIRef(f"https://w3id.org/plankg/id/plan/{p.key}"),
                                        URIRef("http://purl.org/dc/terms/publisher")), RDFS.label))
                  for p in result.plans}
    assert publishers == {"县教育局", "古蔺县教育局"}
    specific = set(ds.subjects(PLAN.responsibilityType, PLAN.SpecificWorkResponsibility))
    assert {str(ds.value(ds.value(r, PLAN.holder), RDFS.label)) for r in specific} == {"安全股"}
