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

from flask import Blueprint, Response, current_app, json, request

from plankg.kb import QueryFailed
from plankg.kb import accountability as audit
from plankg.kb.queries import NamedQuery

bp = Blueprint("api", __name__, url_prefix="/api")


# ---------------------------------------------------------------------------------------------
# Running queries on the service's workers
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An API error: status and message, answered as JSON."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def service_runner() -> audit.Runner:
    """A runner on the service's knowledge base; a failed query becomes an ApiError."""
    from plankg.web import state

    run = state().kb.runner()

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


@bp.get("/trace/<path:subject>")
def trace(subject: str) -> Response:
    """Who answers for an item/task/target, or what a post/body/group/place/programme touches."""
    # Proxies and clients may merge the double slash of an IRI in the path (https:/w3id.org/...).
    subject = re.sub(r"^(https?):/(?!/)", r"\1://", subject)
    return answer(audit.trace(subject, service_runner()))


@bp.get("/items")
def items() -> Response:
    """Every work item with its pillar and the span of its text."""
    return answer(cached("api-items", lambda: audit.items(service_runner())))


@bp.get("/items/<int:number>")
def item(number: int) -> Response:
    """One work item's trace (same as /api/trace/<number>)."""
    return answer(audit.trace(str(number), service_runner()))


@bp.get("/holders")
def holders() -> Response:
    """Every holder of a responsibility with its duties and their evidence."""
    return answer(cached("api-holders", lambda: audit.holders(service_runner())))


@bp.get("/gaps")
def gaps() -> Response:
    """Tasks with no named holder, targets with no deadline, holders with a duty but no item."""
    return answer(cached("api-gaps", lambda: audit.gaps(service_runner())))


@bp.get("/targets")
def targets() -> Response:
    """Targets and milestones due on or before ``until`` (default: all of them)."""
    unknown = sorted(set(request.args) - {"until"})
    if unknown:
        raise ApiError(
            400, f"unknown parameter {unknown[0]!r}: /api/targets takes until=YYYY-MM-DD"
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
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "plankg accountability API",
            "version": "1.0.0",
            "description": "Who answers for what in 泸州市教育局2014年工作要点, with the plan's own words as "
            "evidence. The SPARQL behind every answer is in queries/*.rq.",
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
            "/api/trace/{subject}": {
                "get": {
                    "operationId": "trace",
                    "summary": "Trace responsibility for an item, task, target or entity",
                    "description": "For an item/task/target/milestone: every responsibility on it, the chain up to the "
                    "first responsible and the units below. For a post/organisation/group: all its "
                    "duties, both halves of 一岗双责 and the items they cover. For a place/programme: "
                    "the items, targets and deadlines that touch it.",
                    "parameters": [subject],
                    "responses": {"200": _ok("Trace", "The trace"), "400": ERROR, "404": ERROR},
                }
            },
            "/api/items": {
                "get": {
                    "operationId": "items",
                    "summary": "All work items with their pillar",
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
                        }
                    ],
                    "responses": {"200": _ok("Trace", "The item's trace"), "404": ERROR},
                }
            },
            "/api/holders": {
                "get": {
                    "operationId": "holders",
                    "summary": "Every holder with its duties",
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
                    "summary": "Gaps in accountability",
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
                        }
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
        if rule.rule.startswith("/api/")
    )
