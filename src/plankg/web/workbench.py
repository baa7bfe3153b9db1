"""The query workbench: YASGUI (vendored, no CDN) pointed at this server's /sparql.

Beside the editor, a library of the named queries (grouped by the tags of their header, filtered
as one types); a click opens a query in its own tab. YASGUI keeps the user's tabs in the browser's
localStorage (PERSISTENCE_ID), so a reload shows the tabs one had open.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from flask import Blueprint, render_template, request, url_for

from plankg.config import ONTOLOGY_NS
from plankg.web import state

# The blueprint serves its own static folder, so the vendored files are found whatever the app's
# static folder is; the URL prefix keeps them clear of other blueprints' /static.
bp = Blueprint(
    "workbench",
    __name__,
    static_folder="static",
    static_url_path="/workbench/static",
    template_folder="templates",
)

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css", "LICENSE")

# The starter query's prefixes; the editor and the result table also know the ontology's PREFIXES.
# The localStorage key under which YASGUI keeps the tabs (workbench.js reads it from the config).
PERSISTENCE_ID = "plankg-workbench"

STARTER_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "plan": ONTOLOGY_NS,
}


def yasgui_version(vendor_dir: Path = VENDOR_DIR) -> str:
    """The vendored YASGUI version (the `yasgui-<version>` folder `make vendor-yasgui` writes)."""
    found = sorted(
        (p.name.removeprefix("yasgui-") for p in vendor_dir.glob("yasgui-*") if p.is_dir()),
        key=_version_key,
    )
    if not found:
        raise FileNotFoundError(
            f"no yasgui-<version> folder in {vendor_dir}: run `make vendor-yasgui`"
        )
    return found[-1]


def _version_key(version: str) -> tuple[int, ...]:
    """Sort key for dotted versions, so 4.10.0 sorts after 4.9.1."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def endpoint_url() -> str:
    """The absolute URL of this server's SPARQL endpoint, as the browser reached the server."""
    return urljoin(request.url_root, "sparql")


def tab_id(name: str) -> str:
    """A stable, DOM-safe YASGUI tab id for a named query (YASGUI uses it in element ids)."""
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


# The library beside the editor groups the named queries by the `tags:` of their `#+` header
# (see kb/queries/README.md), not by their names. Each known tag belongs to one group; a query with
# tags of several groups goes to the first of them in GROUP_PRIORITY (a report query tagged
# `accountability` is a report; a trace query tagged `places` and `accountability` is an
# accountability query), and a query with no known tag to "other". A new tag shows its queries
# under "other" until it is added here.
GROUPS: tuple[tuple[str, str, str], ...] = (  # (key, heading, what its queries answer), in page order
    ("competency", "Competency questions 能力问题",
     "CQ01-CQ20: the questions the ontology was designed to answer"),
    ("accountability", "Accountability and audit 问责与审计",
     "who answers for what (the trace queries), with the evidence sentence and its span"),
    ("gaps", "Gaps 缺口", "duties, targets and tasks that lack a holder, an item or a deadline"),
    ("report", "Report 报告", "the tables of the /report page"),
    ("topics", "Targets, places, programmes, documents 目标·地点·项目·文件",
     "topical questions: targets and deadlines, places, programmes, cited documents, structure"),
    ("corpus", "Corpus 语料", "the plans of the corpus and one kind of target across them"),
    ("linked-data", "Linked data 关联数据", "what the resource pages and the ontology IRI show"),
    ("other", "Other 其他", "queries whose tags name no group above"),
)
TAG_GROUPS: dict[str, str] = {
    "competency": "competency",
    "accountability": "accountability", "audit": "accountability", "provenance": "accountability",
    "lookup": "accountability",
    "gaps": "gaps",
    "report": "report",
    "targets": "topics", "deadlines": "topics", "milestones": "topics", "cadences": "topics",
    "places": "topics", "programmes": "topics", "documents": "topics", "items": "topics",
    "structure": "topics",
    "corpus": "corpus",
    "linked-data": "linked-data", "ontology": "linked-data",
}
GROUP_PRIORITY = ("competency", "report", "gaps", "corpus", "linked-data", "accountability", "topics")


def query_group(tags: tuple[str, ...] | list[str]) -> str:
    """The library group of a named query, from the tags of its header."""
    groups = {TAG_GROUPS[t] for t in tags if t in TAG_GROUPS}
    return next((g for g in GROUP_PRIORITY if g in groups), "other")


def example_tabs() -> list[dict[str, Any]]:
    """Every `queries/*.rq` as the library offers it (and as its YASGUI tab opens): name, summary
    (the tab title), description, tags, group, text and parameters."""
    from plankg.kb.queries import list_queries

    return [
        {
            "id": tab_id(q.name),
            "name": q.name,
            "title": q.summary or q.name,
            "description": q.description or "",
            "tags": [str(t) for t in q.tags],
            "group": query_group(q.tags),
            "query": q.text,
            "params": [{"name": k, "description": str(v or ""), "example": q.example.get(k, "")}
                       for k, v in q.params.items()],
        }
        for q in list_queries()
    ]


def library_groups(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The non-empty groups of the library in page order, each with its examples (by name)."""
    out = []
    for key, heading, about in GROUPS:
        members = [ex for ex in examples if ex["group"] == key]
        if members:
            out.append({"key": key, "heading": heading, "about": about, "examples": members})
    return out


def starter_query(prefixes: dict[str, str] = STARTER_PREFIXES) -> str:
    """The query a new tab opens with: what kinds of things the graph holds, and how many."""
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())
    return (
        head
        + "\nSELECT ?class (COUNT(?thing) AS ?count) WHERE {\n"
        + "  ?thing a ?class .\n"
        + "}\nGROUP BY ?class\nORDER BY DESC(?count)\nLIMIT 50\n"
    )


def known_prefixes() -> dict[str, str]:
    """Prefixes the editor completes first and the result table shortens IRIs with."""
    from plankg.ontology.vocabulary import PREFIXES

    return {**STARTER_PREFIXES, **PREFIXES}


def workbench_config() -> dict[str, Any]:
    """What the page's script needs: endpoint, examples, starter query, prefixes."""
    return {
        "endpoint": endpoint_url(),
        "examples": example_tabs(),
        "starterQuery": starter_query(),
        "prefixes": known_prefixes(),
        # Result IRIs minted under the build's base link to this server's pages, not to the base.
        "localBase": state().kb.base_iri,
        "localRoot": request.script_root + "/",
        "queriesApi": request.script_root + "/api/queries/",
        "persistenceId": PERSISTENCE_ID,
    }


def dataset_glance() -> dict[str, Any]:
    """The dataset at a glance, for the header: plans, triples, when it was built."""
    manifest = state().kb.manifest
    return {"plans": len(manifest.get("plans", [])), "triples": manifest.get("triples", 0),
            "built": str(manifest.get("built", ""))[:10]}


def render_workbench() -> str:
    """The workbench page (also what GET /sparql without a query gives a browser)."""
    version = yasgui_version()
    asset = f"vendor/yasgui-{version}/"
    config = workbench_config()
    return render_template(
        "workbench.html",
        config=config,
        groups=library_groups(config["examples"]),
        yasgui_version=version,
        yasgui_js=url_for("workbench.static", filename=asset + "yasgui.min.js"),
        workbench_js=url_for("workbench.static", filename="workbench.js"),
        yasgui_css=url_for("workbench.static", filename=asset + "yasgui.min.css"),
        yasgui_license=url_for("workbench.static", filename=asset + "LICENSE"),
        glance=dataset_glance(),
    )


@bp.get("/")
def index() -> str:
    """The workbench, the site's home page."""
    return render_workbench()


@bp.get("/favicon.ico")
def favicon() -> Any:
    """The site icon (browsers ask for it at this path)."""
    from flask import redirect

    return redirect(url_for("workbench.static", filename="favicon.svg"), 301)
