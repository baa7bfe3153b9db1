"""One error handler for the whole service: HTML for browsers, JSON or plain text for API clients.

The JSON shape is ``{"error": message, "status": code, "title": title}``. No response ever
carries a stack trace; unexpected exceptions are logged and answered with a short 500.
"""

from __future__ import annotations

import logging
from html import escape

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from plankg.errors import PlanKGError

log = logging.getLogger(__name__)


class ServiceError(PlanKGError):
    """An error answered to the client with a status, a short title and a message."""

    def __init__(self, status: int, message: str, title: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        from http import HTTPStatus

        self.status, self.message = status, message
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        super().__init__(f"{status} {self.title}: {message}")


def error_response(status: int, title: str, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """The error in the representation the client prefers."""
    kind = _representation()
    if kind == "html":
        resp = Response(html_page(status, title, message), status, mimetype="text/html")
    elif kind == "json":
        body = json.dumps({"error": message, "status": status, "title": title}, ensure_ascii=False)
        resp = Response(body + "\n", status, mimetype="application/json")
    else:
        resp = Response(f"{status} {title}: {message}\n", status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    resp.vary.add("Accept")
    return resp


def html_page(status: int, title: str, message: str) -> str:
    """The error as a page of the site (its navigation and style), or a bare page if that fails."""
    try:
        from flask import render_template

        return render_template("error.html", status=status, title=title, message=message)
    except Exception:  # noqa: BLE001 - an error page must not fail
        return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{status} {escape(title)}</title></head><body>"
                f"<h1>{status} {escape(title)}</h1><pre>{escape(message)}</pre>"
                f"<p><a href=\"/\">Query workbench</a></p></body></html>")


def _representation() -> str:
    """'html' for browsers, 'json' for clients that ask for JSON, else 'text'."""
    try:
        accept = request.accept_mimetypes
    except Exception:  # a header werkzeug cannot parse
        return "text"
    best = accept.best_match(["text/plain", "application/json", "text/html"])
    if best == "text/html" and accept.quality("text/html") > accept.quality("application/json"):
        return "html"
    if best == "application/json" or any(v.lower().endswith("json") for v, q in accept if q > 0):
        return "json"
    return "text"


def handle_service_error(exc: ServiceError) -> Response:
    """A ServiceError as a response."""
    return error_response(exc.status, exc.title, exc.message, exc.headers)


def handle_http_exception(exc: HTTPException) -> Response:
    """Werkzeug's HTTP errors (404, 405, 413, ...) in our error shape."""
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    status = exc.code or 500
    return error_response(status, exc.name, exc.description or exc.name, headers)


def handle_unexpected(exc: Exception) -> Response:
    """Anything else: log it with its traceback, answer 500 without one."""
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "Internal Server Error",
                          "an internal error occurred; it has been logged")


def init_app(app: Flask) -> None:
    """Register the handlers on an app."""
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
