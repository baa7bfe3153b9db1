"""The query workbench: YASGUI (vendored, no CDN) pointed at this server's /sparql."""

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


def example_tabs() -> list[dict[str, Any]]:
    """One YASGUI tab per `queries/*.rq`: name, summary (the tab title), description and text."""
    from plankg.kb.queries import list_queries

    return [
        {
            "id": tab_id(q.name),
            "name": q.name,
            "title": q.summary or q.name,
            "description": q.description or "",
            "query": q.text,
            "params": [{"name": k, "description": str(v or ""), "example": q.example.get(k, "")}
                       for k, v in q.params.items()],
        }
        for q in list_queries()
    ]


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
    return render_template(
        "workbench.html",
        config=workbench_config(),
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
