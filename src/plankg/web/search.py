"""Full-text search: ``/search?q=&plan=&pillar=&holder_type=`` (HTML) and ``/api/search`` (JSON).

Both answer from the build's search index (:mod:`plankg.kb.search`), opened once per app. The page
is a plain form (no script); snippets are escaped piece by piece and only matched pieces are
wrapped in ``<mark>``; only http(s) IRIs and this server's paths become links.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from plankg.errors import PlanKGError
from plankg.render.links import safe_href

bp = Blueprint("search", __name__)

PARAMS = ("q", "plan", "pillar", "holder_type", "limit", "offset")
KIND_LABELS = {"plan": "plan 计划", "abstract": "preamble 总体要求", "pillar": "pillar 部分", "item": "item 条目",
               "task": "task 任务", "label": "label 名称", "span": "span 原文", "term": "term 术语"}

# The OpenAPI description of /api/search, part of /api/openapi.json (plankg.web.api.openapi).
OPENAPI_PATHS: dict[str, Any] = {
    "/api/search": {
        "get": {
            "operationId": "search",
            "summary": "Full-text search in Chinese over every text of the plans",
            "description": "Titles, task sentences, labels and text spans, segmented with jieba and "
            "character bigrams, ranked by BM25. Each hit has its IRI, kind, plan, pillar, item and "
            "task, a snippet with the matched words as [start,end) marks, and the [start,end) spans "
            "of the text and of each match in the plan's source (code points, end exclusive).",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
                 "description": "Words to find, e.g. 食堂 (longer queries are cut to 200 characters)."},
                {"name": "plan", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "Only texts of this plan (its key)."},
                {"name": "pillar", "in": "query", "required": False, "schema": {"type": "integer"},
                 "description": "Only texts of this pillar (its number)."},
                {"name": "holder_type", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "Only texts whose responsibilities are held by this type of holder "
                 "(Department, School, Post, AgentGroup, ...)."},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                {"name": "offset", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}},
            ],
            "responses": {
                "200": {"description": "Ranked hits",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"$ref": "#/components/responses/Error"},
                "503": {"$ref": "#/components/responses/Error"},
            },
        }
    }
}


def index() -> Any:
    """The served build's search index (opened once per app), or a PlanKGError saying to rebuild."""
    from plankg.kb.search import SearchIndex
    from plankg.web import state

    service = state()
    found = service.cache.get("search-index")
    if found is None:
        found = service.cache["search-index"] = SearchIndex(service.build_dir)
    return found


def run_search() -> tuple[dict[str, Any], Any, str | None, int]:
    """The request's parameters, the result (or None) and an error message with its status."""
    from plankg.kb.search import IndexNotFound, SearchError

    args = {k: request.args.get(k, "") for k in PARAMS}
    try:
        ix = index()
    except IndexNotFound as exc:
        return args, None, str(exc), 503
    try:
        result = ix.search(args["q"], plan=args["plan"] or None, pillar=args["pillar"] or None,
                           holder_type=args["holder_type"] or None, limit=args["limit"] or 20,
                           offset=args["offset"] or 0)
    except SearchError as exc:
        return args, None, str(exc), 400
    except PlanKGError as exc:  # pragma: no cover - an unreadable index
        return args, None, str(exc), 503
    return args, result, None, 200


def hit_link(iri: str) -> str | None:
    """A hit's page on this server, or its IRI if that is http(s); else None (shown as text)."""
    from plankg.web.resources import local_href

    return local_href(iri) or safe_href(iri)


def page_link(args: dict[str, Any], offset: int) -> str:
    """The URL of another page of the same search."""
    keep = {k: v for k, v in args.items() if v and k != "offset"}
    return request.script_root + "/search?" + urlencode({**keep, "offset": offset})


@bp.get("/search")
def search_page() -> Response:
    """The search form and the ranked hits, as HTML."""
    args, result, error, status = run_search()
    try:
        ix = index()
        plans, holder_types = ix.plans, ix.holder_types
    except PlanKGError:
        plans, holder_types = [], []
    pages: dict[str, str] = {}
    if result is not None and result.hits:
        if result.offset > 0:
            pages["previous"] = page_link(args, max(0, result.offset - result.limit))
        if result.offset + len(result.hits) < result.total:
            pages["next"] = page_link(args, result.offset + result.limit)
    body = render_template("search.html", args=args, result=result, error=error, plans=plans,
                           holder_types=holder_types, pages=pages, link=hit_link, kinds=KIND_LABELS)
    return Response(body, status, mimetype="text/html")


@bp.get("/api/search")
def search_api() -> Response:
    """The same search as JSON (errors as ``{"error", "status", "title"}``)."""
    from http import HTTPStatus

    _args, result, error, status = run_search()
    if result is None:
        data: Any = {"error": error, "status": status, "title": HTTPStatus(status).phrase}
    else:
        data = result.to_dict()
    return Response(json.dumps(data, ensure_ascii=False, indent=1) + "\n", status, mimetype="application/json")
