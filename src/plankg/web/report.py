"""The audit report's views, one report per plan: ``/report?plan=KEY`` (HTML, printable),
``/report.csv`` and ``/report.md``, also at ``/plan/KEY/report`` (+ ``.csv``, ``.md``). Without a
plan, a service that holds one plan shows its report and one that holds several says which it has.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from plankg.errors import PlanChoice
from plankg.render.links import safe_href
from plankg.render.report import render_csv, render_html, render_markdown
from plankg.web.errors import ServiceError

bp = Blueprint("report", __name__)


def report_data(plan: str | None) -> dict[str, Any]:
    """The report of one plan (computed once per plan: the graph is read-only)."""
    from plankg.kb import accountability as audit
    from plankg.web import state

    service = state()
    try:
        key = str(service.kb.plan(plan)["key"])
    except PlanChoice as exc:
        raise ServiceError(404 if plan else 400, f"{exc} (/report?plan=KEY; /plans lists them)") from None
    cached = service.cache.get(f"report:{key}")
    if cached is None:
        cached = service.cache[f"report:{key}"] = {"key": key, **audit.report(service.kb.runner(key))}
    return cached


def local_link(iri: str) -> str | None:
    """An IRI minted under the build's base as a path on this server; other http(s) IRIs as they
    are; anything else (javascript:, data:, ...) None, so it is shown as text."""
    from plankg.web.resources import local_href

    return local_href(iri) or safe_href(iri)


def plan_arg(plan: str | None) -> str | None:
    """The plan of a request: from the path, else ``?plan=``."""
    return plan or request.args.get("plan") or None


@bp.get("/report")
@bp.get("/plan/<plan>/report")
def report_page(plan: str | None = None) -> Response:
    """The audit report of a plan as a printable HTML page."""
    data = report_data(plan_arg(plan))
    html = render_html(data, link=local_link, trace_link=lambda n: f"/trace/{n}?plan={data['key']}",
                       nav_root=request.script_root)
    return Response(html, mimetype="text/html")


@bp.get("/report.csv")
@bp.get("/plan/<plan>/report.csv")
def report_csv(plan: str | None = None) -> Response:
    """The audit report of a plan as CSV, one row per fact with its evidence."""
    data = report_data(plan_arg(plan))
    return Response(render_csv(data), mimetype="text/csv",
                    headers={"Content-Disposition": f'inline; filename="{data["key"]}-report.csv"'})


@bp.get("/report.md")
@bp.get("/plan/<plan>/report.md")
def report_markdown(plan: str | None = None) -> Response:
    """The audit report of a plan as Markdown."""
    return Response(render_markdown(report_data(plan_arg(plan))), mimetype="text/markdown")


@bp.get("/plans")
def plans_page() -> Response:
    """The corpus at a glance: every plan with its issuer, year, sizes and links."""
    from flask import render_template

    from plankg.web.api import corpus_plans

    plans = corpus_plans()
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        from plankg.web.api import answer

        return answer(plans)
    return Response(render_template("plans.html", plans=plans, link=local_link), mimetype="text/html")
