"""JSON API for auditors under ``/api/``: traces, items, holders, gaps, targets, and its OpenAPI 3.1 description.

Every answer comes from plankg.kb.accountability, which runs the ``.rq`` files of ``queries/`` on the service's
query workers. Errors are JSON ``{"error", "status", "title"}`` (the service's error shape) with
404 for an unknown item or entity (named in the message) and 400 for a bad parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, current_app, json, render_template, request, url_for

from plankg.errors import PlanChoice
from plankg.kb import QueryFailed
from plankg.kb import accountability as audit
from plankg.kb.queries import NamedQuery, list_queries

bp = Blueprint("api", __name__, url_prefix="/api")


# ---------------------------------------------------------------------------------------------
# Running queries on the service's workers
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An API error: status and message, answered as JSON."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def request_plan() -> str:
    """The plan a request asks about: ``?plan=KEY``, or the only plan the service holds.

    :raises ApiError: 400 when several plans are held and none is named, 404 for an unknown key.
    """
    from plankg.web import state

    key = request.args.get("plan") or None
    try:
        return str(state().kb.plan(key)["key"])
    except PlanChoice as exc:
        raise ApiError(404 if key else 400, f"{exc} (?plan=KEY; GET /api/plans lists them)") from None


def service_runner(plan: str | None = None) -> audit.Runner:
    """A runner over one plan on the service's knowledge base; a failed query becomes an ApiError."""
    from plankg.web import state

    run = state().kb.runner(plan or request_plan())

    def guarded(query: NamedQuery, terms: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        try:
            return run(query, terms)
        except QueryFailed as exc:
            raise ApiError(exc.status, f"query {query.name}: {exc.message}") from None

    return guarded


def cached(key: str, compute: Any) -> Any:
    """A value computed once per app (the served graph is read-only)."""
    from plankg.web import state

    cache = state().cache
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def answer(data: Any, status: int = 200) -> Response:
    """A JSON response (UTF-8, not ASCII-escaped, so quotes stay readable)."""
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return Response(body + "\n", status, mimetype="application/json")


@bp.errorhandler(ApiError)
def handle_api_error(exc: ApiError) -> Response:
    """An ApiError as the service's JSON error shape."""
    return answer(
        {"error": exc.message, "status": exc.status, "title": HTTPStatus(exc.status).phrase},
        exc.status,
    )


@bp.errorhandler(audit.TraceNotFound)
def handle_not_found(exc: audit.TraceNotFound) -> Response:
    """An unknown item or entity: 404 naming it."""
    return handle_api_error(ApiError(404, str(exc)))


@bp.errorhandler(audit.BadParameter)
def handle_bad_parameter(exc: audit.BadParameter) -> Response:
    """A malformed parameter: 400 saying what was expected."""
    return handle_api_error(ApiError(400, str(exc)))


# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------


@bp.get("/")
def index() -> Response:
    """The API's endpoints, with a link to its OpenAPI description."""
    spec = openapi()
    return answer(
        {
            "openapi": "/api/openapi.json",
            "endpoints": [
                {"path": path, "summary": ops["get"]["summary"]}
                for path, ops in spec["paths"].items()
            ],
        }
    )


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 description of these endpoints."""
    return answer(openapi())


# The vendored Swagger UI of /api/docs (static/vendor/swagger-ui/, see its README.md).
SWAGGER_UI_VERSION = "5.35.0"
# Pages under /api/ that are views of the description, not operations of it.
NOT_OPERATIONS = ("api.docs",)


@bp.get("/docs")
def docs() -> str:
    """The OpenAPI description in the browser: vendored Swagger UI, no CDN, no inline script."""
    return render_template("api-docs.html", spec_url=url_for("api.openapi_json"),
                           swagger_ui_version=SWAGGER_UI_VERSION)


@bp.get("/trace/<path:subject>")
def trace(subject: str) -> Response:
    """Who answers for an item/task/target, or what a post/body/group/place/programme touches."""
    # Proxies and clients may merge the double slash of an IRI in the path (https:/w3id.org/...).
    subject = re.sub(r"^(https?):/(?!/)", r"\1://", subject)
    return answer(audit.trace(subject, service_runner()))


@bp.get("/queries/<name>")
def bound_query(name: str) -> Response:
    """A named query with the parameters given in the URL written into its text (and, with
    ``limit`` / ``offset``, asking for one page of its answer)."""
    from plankg.errors import BadParameter, QueryNotFound
    from plankg.kb.queries import bindings, inline_bindings, page, query_form

    try:
        query = next(q for q in list_queries() if q.name == name)
    except StopIteration:
        raise ApiError(404, f"no named query {name!r} (GET /api/queries lists them)") from None
    values = {k: v for k, v in request.args.items() if k not in PAGE_ARGS}
    try:
        limit, offset = (_page_number(k) for k in PAGE_ARGS)
        terms = bindings(query, values)
        text = query.text if limit is None and offset is None else page(query, limit, offset or 0)
    except (BadParameter, QueryNotFound) as exc:
        raise ApiError(400, str(exc)) from None
    if terms:
        text = inline_bindings(text, {k: str(v) for k, v in terms.items()}, query_form(text))
    paged = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    return answer({"name": name, "params": values, **paged, "query": text})


PAGE_ARGS = ("limit", "offset")  # reserved: no named query declares parameters of these names


def _page_number(arg: str) -> int | None:
    """The integer of ``limit`` or ``offset`` in the URL, if given. :raises BadParameter: not one."""
    from plankg.errors import BadParameter

    raw = request.args.get(arg)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{1,9}", raw.strip()):
        raise BadParameter(f"{arg} must be a whole number (got {raw[:40]!r})")
    return int(raw)


@bp.get("/queries")
def queries() -> Response:
    """The named queries: name, summary, description, tags and parameters."""
    return answer([{"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
                    "params": q.params, "example": q.example} for q in list_queries()])


@bp.get("/plans")
def plans() -> Response:
    """The plans the service holds: key, title, issuer, year, sizes, and their links."""
    return answer(cached("api-plans", corpus_plans))


def corpus_plans() -> list[dict[str, Any]]:
    """The manifest's plans with what the graph says of them (issuer, year, counts)."""
    from plankg.web import state

    kb = state().kb
    described = {r["plan"]: r for r in audit.ask(kb.runner(), "plans")}
    base = kb.base_iri
    out = []
    for p in kb.plans:
        iri = f"{base}id/plan/{p['key']}"
        row = described.get(iri, {})
        out.append({"key": p["key"], "iri": iri, "title": p.get("title"), "year": row.get("year"),
                    "issuer": {"iri": row.get("issuer"), "label": row.get("issuerLabel")},
                    "pillars": row.get("pillars", p.get("pillars")), "items": row.get("items", p.get("items")),
                    "tasks": row.get("tasks"), "graph": p.get("graph"), "source": p.get("source"),
                    "report": f"/report?plan={p['key']}"})
    return out


@bp.get("/items")
def items() -> Response:
    """Every work item of a plan with its pillar and the span of its text."""
    plan = request_plan()
    return answer(cached(f"api-items:{plan}", lambda: audit.items(service_runner(plan))))


@bp.get("/items/<int:number>")
def item(number: int) -> Response:
    """One work item's trace (same as /api/trace/<number>)."""
    return answer(audit.trace(str(number), service_runner()))


@bp.get("/holders")
def holders() -> Response:
    """Every holder of a responsibility in a plan with its duties and their evidence."""
    plan = request_plan()
    return answer(cached(f"api-holders:{plan}", lambda: audit.holders(service_runner(plan))))


@bp.get("/gaps")
def gaps() -> Response:
    """Tasks with no named holder, targets with no deadline, holders with a duty but no item."""
    plan = request_plan()
    return answer(cached(f"api-gaps:{plan}", lambda: audit.gaps(service_runner(plan))))


@bp.get("/targets")
def targets() -> Response:
    """Targets and milestones due on or before ``until`` (default: all of them)."""
    unknown = sorted(set(request.args) - {"until", "plan"})
    if unknown:
        raise ApiError(
            400, f"unknown parameter {unknown[0]!r}: /api/targets takes until=YYYY-MM-DD and plan=KEY"
        )
    until = request.args.get("until", "9999-12-31")
    return answer(audit.due_by(until, service_runner()))


# ---------------------------------------------------------------------------------------------
# OpenAPI 3.1
# ---------------------------------------------------------------------------------------------


def _ok(schema_ref: str, description: str) -> dict[str, Any]:
    """A 200 response with a JSON body of the given schema."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


ERROR = {"$ref": "#/components/responses/Error"}


def search_paths() -> dict[str, Any]:
    """The OpenAPI paths of /api/search (described beside its view)."""
    from plankg.web.search import OPENAPI_PATHS

    return OPENAPI_PATHS


def corpus_titles() -> str:
    """The titles of the plans held, for descriptions ("3 plans: A; B; C")."""
    from plankg.web import state

    titles = [str(p.get("title") or p["key"]) for p in state().kb.plans]
    head = f"{len(titles)} plans: " if len(titles) > 1 else ""
    shown = "; ".join(titles[:10]) + ("; ..." if len(titles) > 10 else "")
    return head + shown


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the /api/ routes (kept in step with them by a test)."""
    evidence = {
        "type": "object",
        "required": ["item", "quote", "start", "end"],
        "description": "The plan's own words: item number, sentence and its [start,end) span "
        "in code points of the source file.",
        "properties": {
            "item": {"type": ["integer", "null"]},
            "quote": {"type": "string"},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
        },
    }
    with_evidence = {
        "type": "object",
        "required": ["evidence"],
        "properties": {
            "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}
        },
        "additionalProperties": True,
    }
    subject = {
        "name": "subject",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "An item number (19), a task (19.2), a zh name (古蔺县, 其他局领导) or an IRI.",
    }
    plan = {
        "name": "plan",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "The plan's key, e.g. luzhou-2014 (required when the service holds several "
        "plans; /api/plans lists them).",
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "plankg accountability API",
            "version": "1.0.0",
            "description": "Who answers for what in the plans this service holds ("
            + corpus_titles() + "), with each plan's own words as evidence. The SPARQL behind "
            "every answer is in the named queries (src/plankg/kb/queries/*.rq).",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/": {
                "get": {
                    "operationId": "index",
                    "summary": "List the API's endpoints",
                    "responses": {
                        "200": {
                            "description": "Endpoints",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This OpenAPI description",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            **search_paths(),
            "/api/queries": {
                "get": {
                    "operationId": "queries",
                    "summary": "The named queries with their parameters",
                    "responses": {"200": {"description": "Named queries",
                                          "content": {"application/json": {"schema": {"type": "array"}}}}},
                }
            },
            "/api/queries/{name}": {
                "get": {
                    "operationId": "boundQuery",
                    "summary": "A named query with its parameters written into the text",
                    "description": "Each query parameter NAME=VALUE binds the parameter of that name; a value "
                    "of the wrong shape (an integer, a date, an IRI) is a 400 naming it. limit and offset "
                    "ask for one page of the answer (a SELECT in its ORDER BY order): LIMIT and OFFSET "
                    "are appended to the text.",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                                   {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                                   {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
                    "responses": {"200": {"description": "The bound query",
                                          "content": {"application/json": {"schema": {"type": "object"}}}},
                                  "400": ERROR, "404": ERROR},
                }
            },
            "/api/plans": {
                "get": {
                    "operationId": "plans",
                    "summary": "The plans the service holds",
                    "description": "Key, title, issuer, year and sizes of every plan, with a link to its report.",
                    "responses": {
                        "200": {
                            "description": "Plans",
                            "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
                        }
                    },
                }
            },
            "/api/trace/{subject}": {
                "get": {
                    "operationId": "trace",
                    "summary": "Trace responsibility for an item, task, target or entity",
                    "description": "For an item/task/target/milestone: every responsibility on it, the chain up to the "
                    "first responsible and the units below. For a post/organisation/group: all its "
                    "duties, both halves of 一岗双责 and the items they cover. For a place/programme: "
                    "the items, targets and deadlines that touch it.",
                    "parameters": [subject, plan],
                    "responses": {"200": _ok("Trace", "The trace"), "400": ERROR, "404": ERROR},
                }
            },
            "/api/items": {
                "get": {
                    "operationId": "items",
                    "summary": "All work items of a plan with their pillar",
                    "parameters": [plan],
                    "responses": {
                        "200": {
                            "description": "Items",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/WithEvidence"},
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/items/{number}": {
                "get": {
                    "operationId": "item",
                    "summary": "One work item's trace",
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                            "description": "Item number, e.g. 19",
                        },
                        plan,
                    ],
                    "responses": {"200": _ok("Trace", "The item's trace"), "404": ERROR},
                }
            },
            "/api/holders": {
                "get": {
                    "operationId": "holders",
                    "summary": "Every holder of a plan with its duties",
                    "parameters": [plan],
                    "responses": {
                        "200": {
                            "description": "Holders",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"type": "object"}}
                                }
                            },
                        }
                    },
                }
            },
            "/api/gaps": {
                "get": {
                    "operationId": "gaps",
                    "summary": "Gaps in accountability of a plan",
                    "parameters": [plan],
                    "responses": {"200": _ok("Gaps", "Gaps")},
                }
            },
            "/api/targets": {
                "get": {
                    "operationId": "targets",
                    "summary": "Targets and milestones due by a date",
                    "parameters": [
                        {
                            "name": "until",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                            "description": "Last due date included (YYYY-MM-DD); default: all",
                        },
                        plan,
                    ],
                    "responses": {
                        "200": {
                            "description": "Dated targets and milestones",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/WithEvidence"},
                                    }
                                }
                            },
                        },
                        "400": ERROR,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Evidence": evidence,
                "WithEvidence": with_evidence,
                "Trace": {
                    "type": "object",
                    "required": ["subject", "kind", "iri", "label"],
                    "properties": {
                        "subject": {"type": "string"},
                        "iri": {"type": "string", "format": "iri"},
                        "label": {"type": "string"},
                        "kind": {"enum": list(audit.KIND_ORDER)},
                        "notes": {"type": "array", "items": {"type": "string"}},
                    },
                    "additionalProperties": True,
                },
                "Gaps": {
                    "type": "object",
                    "required": [
                        "tasksWithoutHolder",
                        "targetsWithoutDeadline",
                        "holdersWithoutItem",
                    ],
                    "properties": {
                        k: {"type": "array", "items": {"$ref": "#/components/schemas/WithEvidence"}}
                        for k in (
                            "tasksWithoutHolder",
                            "targetsWithoutDeadline",
                            "holdersWithoutItem",
                        )
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "status", "title"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "title": {"type": "string"},
                    },
                },
            },
            "responses": {
                "Error": {
                    "description": "An error, in the service's JSON error shape",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }


def api_rules() -> list[str]:
    """The app's /api/ routes in OpenAPI path syntax (``<int:number>`` -> ``{number}``)."""
    return sorted(
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for rule in current_app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.endpoint not in NOT_OPERATIONS
    )
