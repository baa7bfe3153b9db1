"""``/compare?a=KEY&b=KEY``: two plans side by side (HTML for browsers, JSON for clients)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from plankg.errors import PlanChoice
from plankg.web.errors import ServiceError

bp = Blueprint("compare", __name__)

MARKS = {"same": "", "raised": "↑ raised", "lowered": "↓ lowered", "changed": "~ changed",
         "moved": "→ moved", "only in a": "only in A", "only in b": "only in B"}


@bp.get("/compare")
def compare_page() -> Response:
    """The comparison of plans a and b; a form to choose them when either is missing."""
    from plankg.kb.compare import compare
    from plankg.web import state
    from plankg.web.api import answer
    from plankg.web.report import local_link

    kb = state().kb
    a, b = request.args.get("a") or None, request.args.get("b") or None
    wants_json = request.args.get("format") == "json" or \
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    if not (a and b):
        if wants_json:
            raise ServiceError(400, "name the two plans: /compare?a=KEY&b=KEY (/api/plans lists them)")
        return Response(render_template("compare.html", result=None, plans=kb.plans, a=a, b=b,
                                        marks=MARKS, link=local_link), mimetype="text/html")
    try:
        meta_a, meta_b = kb.plan(a), kb.plan(b)
    except PlanChoice as exc:
        raise ServiceError(404, f"{exc} (/compare?a=KEY&b=KEY)") from None
    key = f"compare:{meta_a['key']}:{meta_b['key']}"
    result = state().cache.get(key)
    if result is None:
        result = state().cache[key] = compare(kb.runner(meta_a["key"]), kb.runner(meta_b["key"]), meta_a, meta_b)
    if wants_json:
        return answer(result)
    changes_only = request.args.get("changes") == "only"
    return Response(render_template("compare.html", result=result, plans=kb.plans, a=a, b=b, marks=MARKS,
                                    link=local_link, changes_only=changes_only), mimetype="text/html")
