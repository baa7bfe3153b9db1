"""The command line a researcher meets first (issue 11, "CLI")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Dataset


def plankg(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plankg", *args], capture_output=True, text=True,
                          timeout=300, input=stdin)


def test_query_list_shows_every_named_query_with_its_summary() -> None:
    from plankg.kb.queries import list_queries

    out = plankg("query", "--list").stdout.splitlines()
    assert len(out) == len(list_queries())
    assert out[0].startswith("cq01 ") and "第一责任人" in out[0]
    assert any(line.startswith("trace-item ") and "[number]" in line for line in out)


def test_query_suggests_a_close_name_and_checks_parameter_types(build_dir: Path) -> None:
    r = plankg("query", "cq1", "--from", str(build_dir))
    assert r.returncode == 2 and "did you mean cq" in r.stderr and "Traceback" not in r.stderr
    r = plankg("query", "trace-item", "-p", "number=abc", "--from", str(build_dir))
    assert r.returncode == 2 and "'number' of trace-item is an integer; got 'abc'" in r.stderr


def test_query_json_is_typed_and_inline_and_stdin_queries_run(build_dir: Path) -> None:
    rows = json.loads(plankg("query", "plans", "--format", "json", "--from", str(build_dir)).stdout)
    assert rows[0]["items"] == 45 and isinstance(rows[0]["tasks"], int)
    inline = plankg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/plankg/ontology#WorkItem> }",
                    "--format", "json", "--from", str(build_dir))
    assert json.loads(inline.stdout) == [{"n": 45}]
    piped = plankg("query", "-", "--format", "csv", "--from", str(build_dir),
                   stdin="ASK { ?s a <https://w3id.org/plankg/ontology#WorkItem> }")
    assert piped.stdout.split() == ["ask", "True"]


def test_table_cells_are_cut_to_one_line(build_dir: Path) -> None:
    r = plankg("query", "plan-text", "--from", str(build_dir))
    assert r.returncode == 0 and max(len(line) for line in r.stdout.splitlines()) < 200


def test_build_quiet_prints_nothing(tmp_path: Path) -> None:
    r = plankg("build", "-q", "--out", str(tmp_path / "b"))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


def test_export_format_names_match_the_server_and_json_ld_keeps_graphs(build_dir: Path, tmp_path: Path) -> None:
    for alias, canonical in (("jsonld", "json-ld"), ("rdf", "xml"), ("ttl", "turtle")):
        a, b = tmp_path / f"{alias}.out", tmp_path / f"{canonical}.out"
        assert plankg("export", "--from", str(build_dir), "--format", alias, "-o", str(a)).returncode == 0
        assert plankg("export", "--from", str(build_dir), "--format", canonical, "-o", str(b)).returncode == 0
        # the same data (rdflib's writers order prefixes and nodes differently between runs)
        ga, gb = Dataset(), Dataset()
        ga.parse(a, format=canonical)
        gb.parse(b, format=canonical)
        assert len(ga) == len(gb) > 15000
        assert {str(g.identifier) for g in ga.graphs() if len(g)} == {str(g.identifier) for g in gb.graphs() if len(g)}
    doc = json.loads((tmp_path / "jsonld.out").read_text("utf-8"))
    assert doc["@context"]["plan"] == "https://w3id.org/plankg/ontology#"
    ds = Dataset()
    ds.parse(tmp_path / "jsonld.out", format="json-ld")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/plankg/graph/luzhou-2014" in names and "https://w3id.org/plankg/graph/ontology" in names


def test_query_pages_come_from_limit_and_offset(build_dir: Path) -> None:
    def rows(*args: str) -> list[dict]:
        return json.loads(plankg("query", "report-items", "--format", "json", "--from", str(build_dir), *args).stdout)

    whole = rows()
    assert len(whole) > 10
    assert rows("--limit", "4") + rows("--limit", "4", "--offset", "4") == whole[:8]
    refused = plankg("query", "cq01", "--limit", "5", "--from", str(build_dir))
    assert refused.returncode == 2 and "no ORDER BY" in refused.stderr
