"""``/trace/SUBJECT?plan=KEY``: the answer of `plankg trace` as a page (items, tasks, posts, bodies,
groups, places, programmes), with every line's evidence; ``/api/trace/...`` has the same as JSON."""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template

bp = Blueprint("trace", __name__)


@bp.get("/trace/<path:subject>")
def trace_page(subject: str) -> Response:
    """Who answers for an item or task, or what a holder or place touches, as HTML."""
    from plankg.kb import accountability as audit
    from plankg.web.api import ApiError, request_plan, service_runner
    from plankg.web.errors import ServiceError
    from plankg.web.report import local_link

    subject = re.sub(r"^(https?):/(?!/)", r"\1://", subject)
    try:
        plan = request_plan()
        answer = audit.trace(subject, service_runner(plan))
    except audit.TraceNotFound as exc:
        raise ServiceError(404, str(exc)) from None
    except ApiError as exc:
        raise ServiceError(exc.status, exc.message) from None
    holder_of = {r["iri"]: r["holder"] for r in answer.get("responsibilities", [])}
    for r in answer.get("responsibilities", []):  # the chain one step up, by its holders
        r["answersToHolders"] = [holder_of[i] for i in r.get("answersTo") or [] if i in holder_of]
    html = render_template("trace.html", answer=answer, subject=subject, plan=plan, link=local_link)
    return Response(html, mimetype="text/html")
