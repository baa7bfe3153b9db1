"""The audit report's views: ``/report`` (HTML, printable), ``/report.csv`` and ``/report.md``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from plankg.render.links import safe_href
from plankg.render.report import render_csv, render_html, render_markdown

bp = Blueprint("report", __name__)




def report_data() -> dict[str, Any]:
    """The report of the served build (computed once per app, the graph is read-only)."""
    from plankg.web import state
    from plankg.web.api import service_runner

    from plankg.kb import accountability as audit

    cache = state().cache
    if "report" not in cache:
        cache["report"] = audit.report(service_runner())
    return cache["report"]


def local_link(iri: str) -> str | None:
    """An IRI minted under the build's base as a path on this server; other http(s) IRIs as they
    are; anything else (javascript:, data:, ...) None, so it is shown as text."""
    from plankg.web.resources import local_href

    return local_href(iri) or safe_href(iri)


@bp.get("/report")
def report_page() -> Response:
    """The audit report as a printable HTML page."""
    html = render_html(report_data(), link=local_link, trace_link=lambda s: f"/api/trace/{s}")
    return Response(html, mimetype="text/html")


@bp.get("/report.csv")
def report_csv() -> Response:
    """The audit report as CSV, one row per fact with its evidence."""
    return Response(
        render_csv(report_data()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'inline; filename="plankg-report.csv"'},
    )


@bp.get("/report.md")
def report_markdown() -> Response:
    """The audit report as Markdown."""
    return Response(render_markdown(report_data()), mimetype="text/markdown")


