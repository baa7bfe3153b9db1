"""Dereferenceable IRIs: every /id/... and /graph/... IRI the graph mints, and the ontology.

Cool URIs choice: **200 with ``Vary: Accept``** (no 303 hop). One IRI, several representations:

- ``GET /id/<path>`` answers with the representation the ``Accept`` header prefers (q-values
  count; Werkzeug's ``best_match`` through ``conneg``): HTML for browsers, else Turtle (the
  default, also for ``*/*``), JSON-LD, RDF/XML or N-Triples. The response carries
  ``Vary: Accept``, a ``Content-Location`` naming the suffix twin it came from, and ``Link``
  headers (``rel="alternate"``) to every other representation.
- Suffix twins fix the representation, whatever the Accept header says: ``/id/<path>.html``,
  ``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``. ``?format=ttl`` (or a media type) also overrides.
- The request path maps onto the data's base IRI: ``/id/x`` names ``<BASE>id/x``, where BASE is the
  ``base_iri`` the build recorded in manifest.json (else the BASE_IRI setting). So data built under
  a persistent base (``plankg build --base-iri https://w3id.org/plankg/``) resolves on any host; a
  w3id redirect only has to forward ``/plankg/id/...`` to this server.
- Hash IRIs (``.../span/808-1093#quote``) are served by their document (``.../span/808-1093``),
  whose RDF includes the fragments' triples and whose page has an anchor per fragment.
- Unknown IRIs: 404, an HTML page for browsers and one line of text for RDF clients.
- ``/ontology`` serves the ontology named graph the same way: an HTML page of its terms for
  browsers (service/ontology.py), Turtle, RDF/XML (``/ontology.owl``), JSON-LD or N-Triples.

All SPARQL lives in ``queries/resource-*.rq`` (and ``responsibility-diagram.rq``, ``plan-text.rq``,
``ontology-terms.rq``) and runs on the query workers, bound with the resource IRI.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from plankg.config import ONTOLOGY_IRI, ONTOLOGY_NS
from plankg.web import conneg, state
from plankg.web.errors import ServiceError
from plankg.kb import Job
from plankg.render.links import safe_href
from plankg.web.terms import rows, to_oxigraph

log = logging.getLogger(__name__)

bp = Blueprint("resources", __name__)

# Suffix twins and the format each one fixes ("html" or a conneg.Format key).
SUFFIXES: dict[str, str] = {".html": "html", ".ttl": "turtle", ".jsonld": "json-ld",
                            ".rdf": "xml", ".nt": "nt"}
ONTOLOGY_SUFFIXES: dict[str, str] = {**SUFFIXES, ".owl": "xml"}
RDF_FORMATS: tuple[conneg.Format, ...] = tuple(f for f in conneg.GRAPH_FORMATS
                                               if f.key in ("turtle", "json-ld", "xml", "nt"))
SUFFIX_OF = {"turtle": ".ttl", "json-ld": ".jsonld", "xml": ".rdf", "nt": ".nt", "html": ".html"}

PLAN = ONTOLOGY_NS
# Types whose pages draw the responsibility chain (besides anything that holds a responsibility).
DIAGRAM_TYPES = {PLAN + "WorkItem", PLAN + "Task", PLAN + "AgentGroup", PLAN + "Responsibility",
                 "http://www.w3.org/ns/org#Post", "http://www.w3.org/ns/org#Organization"}
LABEL_PROPERTIES = (str(RDFS.label), str(SKOS.prefLabel))
# Shown first on a page, in this order; the rest follow sorted by label.
PROPERTY_ORDER = (str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel),
                  "http://purl.org/dc/terms/title", PLAN + "number", PLAN + "quote")
MAX_VALUES = 60         # values listed per property on a page before "and N more"
LONG_LITERAL = 280      # longer literals are folded in a <details>


# ---------------------------------------------------------------------------------------------
# IRIs, prefixes and query running
# ---------------------------------------------------------------------------------------------

def base_iri() -> str:
    """The base the served data was built with (manifest.json), else the BASE_IRI setting."""
    from plankg.web.describe import manifest

    base = str(manifest().get("base_iri") or current_app.config["BASE_IRI"])
    return base if base.endswith("/") else base + "/"


@functools.cache
def prefixes() -> dict[str, str]:
    """The project's prefixes (plan:, the reused vocabularies, rdf:)."""
    from plankg.ontology.vocabulary import ALL_PREFIXES

    return dict(ALL_PREFIXES)


def curie(iri: str) -> str:
    """``plan:WorkItem`` for a term in a known namespace, else the IRI itself."""
    best = max(((p, ns) for p, ns in prefixes().items() if iri.startswith(ns)),
               key=lambda pair: len(pair[1]), default=None)
    if best is None:
        return iri
    local = iri[len(best[1]):]
    return f"{best[0]}:{local}" if local and "/" not in local and "#" not in local else iri


def local_path(iri: str) -> str | None:
    """The path on this server that serves an IRI (fragment kept), or None if it is not ours."""
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_NS):
        return "/ontology" + iri[len(ONTOLOGY_IRI):]
    base = base_iri()
    if iri.startswith(base) and iri[len(base):].startswith(("id/", "graph/")):
        return "/" + iri[len(base):]
    return None


def local_href(iri: str) -> str | None:
    """A link to an IRI's page on this server (honouring a mount point), or None."""
    path = local_path(iri)
    return request.script_root + path if path is not None else None


@functools.cache
def query_text(name: str) -> str:
    """The SPARQL text of a named query (queries/<name>.rq)."""
    from plankg.kb.queries import load_query

    return load_query(name).text


def select(name: str, **bindings: Any) -> list[tuple[Any, ...]]:
    """Rows (rdflib terms) of a named SELECT, bound with IRIs (strings) or rdflib terms."""
    from plankg.web.sparql import run

    terms = {k: to_oxigraph(v) for k, v in bindings.items()}
    return rows(run(Job(query_text(name), rows=True, bindings=terms)))


def construct(name: str, fmt: str, **bindings: Any) -> bytes:
    """A named CONSTRUCT serialised as ``fmt`` (a conneg.Format key), bound with IRIs."""
    from plankg.web.sparql import run

    terms = {k: to_oxigraph(v) for k, v in bindings.items()}
    return run(Job(query_text(name), fmt=fmt, bindings=terms, prefixes=prefixes())).body


# ---------------------------------------------------------------------------------------------
# Choosing a representation
# ---------------------------------------------------------------------------------------------

def split_suffix(path: str, suffixes: dict[str, str]) -> tuple[str, str | None]:
    """``item/19.ttl`` -> (``item/19``, ``turtle``); no known suffix -> (path, None)."""
    for suffix, key in suffixes.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], key
    return path, None


def choose_format(fixed: str | None) -> str:
    """'html' or a conneg.Format key: the suffix, else format=, else the Accept header.

    :raises ServiceError: 400 for an unknown format=, 406 when nothing acceptable is offered.
    """
    from plankg.web.sparql import format_values

    if fixed:
        return fixed
    values = [v for v in format_values(request.args) if v.strip()]
    if any(v.strip().lower() in ("html", "text/html") for v in values):
        return "html"
    accept = request.accept_mimetypes
    if not values and conneg.prefers_html(accept):
        return "html"
    try:
        return conneg.negotiate(accept, values, RDF_FORMATS).key
    except conneg.UnknownFormat as exc:
        raise ServiceError(400, f"{exc} (or html)") from None
    except conneg.NotAcceptable:
        if accept.quality("text/html") > 0:
            return "html"
        raise ServiceError(406, "this resource is available as text/html, " + ", ".join(
            f.media_type for f in RDF_FORMATS)) from None


def format_by_key(key: str) -> conneg.Format:
    """The conneg.Format with this key."""
    return next(f for f in conneg.GRAPH_FORMATS if f.key == key)


def alternates(path: str, suffixes: dict[str, str] = SUFFIXES) -> list[tuple[str, str, str]]:
    """(href, media type, name) of every representation of the document at ``path``."""
    names = {"html": "HTML", "turtle": "Turtle", "json-ld": "JSON-LD", "xml": "RDF/XML",
             "nt": "N-Triples"}
    out = []
    for suffix, key in suffixes.items():
        media = "text/html" if key == "html" else format_by_key(key).media_type
        if suffix == ".owl":
            continue
        out.append((request.script_root + path + suffix, media, names[key]))
    return out


def negotiated(resp: Response, path: str, key: str, fixed: bool) -> Response:
    """Add Vary, Content-Location and Link: alternate headers to a representation."""
    if not fixed:
        resp.vary.add("Accept")
        resp.headers["Content-Location"] = request.script_root + path + SUFFIX_OF[key]
    links = [f'<{href}>; rel="alternate"; type="{media}"' for href, media, _ in alternates(path)]
    resp.headers["Link"] = ", ".join(links)
    return resp


def not_found(iri: str, key: str) -> Response:
    """404: a page for browsers, one line of text for RDF clients."""
    if key == "html":
        body = render_template("404.html", iri=iri, plan_paths=plan_paths())
        resp = Response(body, 404, mimetype="text/html")
    else:
        resp = Response(f"404 Not Found: the graph has nothing about <{iri}>\n", 404,
                        mimetype="text/plain")
    resp.vary.add("Accept")
    return resp


def plan_paths() -> list[tuple[str, str]]:
    """(href, title) of each plan the build holds (for the 404 page)."""
    from plankg.web.describe import manifest

    base = base_iri()
    out = []
    for plan in manifest().get("plans", []):
        href = local_href(f"{base}id/plan/{plan.get('key', '')}")
        if href:
            out.append((href, str(plan.get("title") or plan.get("key"))))
    return out


# ---------------------------------------------------------------------------------------------
# The page model
# ---------------------------------------------------------------------------------------------

@dataclass
class Term:
    """An RDF term as a page shows it."""

    text: str
    iri: str | None = None
    href: str | None = None
    secondary: str = ""          # the English label under a Chinese one (or the CURIE)
    lang: str | None = None
    datatype: str | None = None
    inferred: bool = False

    @property
    def long(self) -> bool:
        """Whether the text is long enough to fold."""
        return len(self.text) > LONG_LITERAL


@dataclass
class PropertyValues:
    """One property of a resource and its values (or, inbound, the resources that use it)."""

    prop: Term
    values: list[Term] = field(default_factory=list)

    @property
    def shown(self) -> list[Term]:
        """The values listed on the page."""
        return self.values[:MAX_VALUES]

    @property
    def hidden(self) -> int:
        """How many values are left out of the page."""
        return max(0, len(self.values) - MAX_VALUES)


@dataclass
class Evidence:
    """A quote in its paragraph: text before, the quote, text after."""

    span: Term
    start: int
    end: int
    before: str
    quote: str
    after: str


@dataclass
class Fragment:
    """A hash IRI served by this document (e.g. span#quote)."""

    name: str
    iri: str
    properties: list[PropertyValues]


def iri_term(iri: str, zh: Any = None, en: Any = None, inferred: bool = False) -> Term:
    """An IRI with its labels: Chinese first, English (or the CURIE) second."""
    short = curie(iri)
    if short == iri:
        base = base_iri()
        short = iri[len(base):] if iri.startswith(base) else iri
    first = str(zh or en or short)
    second = str(en) if zh and en else (short if zh or en else "")
    return Term(first, iri, local_href(iri) or safe_href(iri), second, inferred=inferred)


def literal_term(value: Literal, inferred: bool = False) -> Term:
    """A literal with its language or datatype."""
    dt = value.datatype
    datatype = None if dt is None or str(dt) == "http://www.w3.org/2001/XMLSchema#string" \
        else curie(str(dt))
    return Term(str(value), lang=value.language, datatype=datatype, inferred=inferred)


def value_term(value: Any, zh: Any = None, en: Any = None, inferred: bool = False) -> Term:
    """Any rdflib term as a Term."""
    if isinstance(value, Literal):
        return literal_term(value, inferred)
    if isinstance(value, BNode):
        return Term(f"_:{value}", inferred=inferred)
    return iri_term(str(value), zh, en, inferred)


def is_inferred(graphs: set[str]) -> bool:
    """Whether a triple is only in the inferred graph (entailed, not asserted)."""
    return bool(graphs) and all(g.endswith("/graph/inferred") for g in graphs)


def group_properties(rows: Iterable[Sequence[Any]], inbound: bool) -> list[PropertyValues]:
    """resource-outbound / resource-inbound rows grouped by property, asserted values first."""
    graphs: dict[tuple[Any, Any], set[str]] = {}
    labels: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    for row in rows:
        _res, a, b, graph, pzh, pen, vzh, ven = row
        prop, value = (b, a) if inbound else (a, b)
        graphs.setdefault((prop, value), set()).add(str(graph))
        labels[(prop, value)] = (pzh, pen, vzh, ven)
    grouped: dict[Any, PropertyValues] = {}
    for (prop, value), in_graphs in graphs.items():
        pzh, pen, vzh, ven = labels[(prop, value)]
        if prop not in grouped:
            term = iri_term(str(prop), pzh, pen)
            term.secondary = curie(str(prop)) if (pzh or pen) else ""
            if pzh and pen:
                term.secondary = f"{pen} · {curie(str(prop))}"
            grouped[prop] = PropertyValues(term)
        grouped[prop].values.append(value_term(value, vzh, ven, is_inferred(in_graphs)))
    for pv in grouped.values():
        pv.values.sort(key=lambda t: (t.inferred, t.iri is None, _natural(t.iri or t.text)))
    order = {p: i for i, p in enumerate(PROPERTY_ORDER)}
    return sorted(grouped.values(), key=lambda pv: (order.get(pv.prop.iri or "", len(order)),
                                                     pv.prop.secondary or pv.prop.text))


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that orders item/2 before item/10."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def labels_of(properties: list[PropertyValues]) -> tuple[str, str]:
    """The Chinese and English labels among a resource's own properties."""
    zh = en = ""
    for pv in properties:
        if pv.prop.iri in LABEL_PROPERTIES or pv.prop.iri == "http://purl.org/dc/terms/title":
            for v in pv.values:
                if v.lang and v.lang.lower().startswith("zh") and not zh:
                    zh = v.text
                elif v.lang and v.lang.lower().startswith("en") and not en:
                    en = v.text
    return zh, en


def plan_text(plan: str) -> str:
    """The whole source text of a plan (cached per app)."""
    cache = state().cache.setdefault("plan-text", {})
    if plan not in cache:
        rows = select("plan-text", plan=plan)
        cache[plan] = str(rows[0][1]) if rows else ""
    return cache[plan]


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the line (paragraph) around text[start:end]."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last < 0 else last


def evidence(iri: str) -> list[Evidence]:
    """The resource's evidence spans (or the span itself), each in its paragraph."""
    out = []
    for _res, span, quote, start, end, plan in select("resource-evidence", resource=iri):
        s, e, q = int(start), int(end), str(quote)
        text = plan_text(str(plan))
        if text[s:e] == q:
            first, last = paragraph(text, s, e)
            out.append(Evidence(iri_term(str(span)), s, e, text[first:s], q, text[e:last]))
        else:  # offsets that do not match the text: show the quote alone
            out.append(Evidence(iri_term(str(span)), s, e, "", q, ""))
    return out


def fragments(iri: str, properties: list[PropertyValues]) -> list[Fragment]:
    """The hash IRIs of this document that it links to, with their own properties."""
    found = sorted({v.iri for pv in properties for v in pv.values
                    if v.iri and v.iri.startswith(iri + "#")})
    out = []
    for frag in found:
        props = group_properties(select("resource-outbound", resource=frag), inbound=False)
        out.append(Fragment(frag[len(iri) + 1:], frag, props))
    return out


PAGE_SIZE = 25          # duties per page of a holder's duties
IMPLIED_KEY = "ImpliedIssuer"
PLACE_TYPES = {PLAN + "Place", PLAN + "Programme"}
WORK_TYPES = {PLAN + "WorkItem": "item", PLAN + "Task": "task"}
HOLDER_TYPES = {"http://www.w3.org/ns/org#Post": "post", "http://www.w3.org/ns/org#Organization": "org",
                PLAN + "AgentGroup": "group"}


def link(iri: str | None) -> str | None:
    """A link to an IRI: its page here, an http(s) IRI as it is, anything else (javascript:) None."""
    return (local_href(iri) or safe_href(iri)) if iri else None


def plan_keys(iri: str, *row_lists: Iterable[Sequence[Any]]) -> list[str]:
    """The plans a resource belongs to: the plan in its IRI (``/id/plan/KEY/...``), else every
    plan whose named graph holds one of its triples (a place may be named by several plans)."""
    from plankg.web.describe import manifest

    plans = manifest().get("plans", [])
    rest = iri[len(base_iri()):] if iri.startswith(base_iri()) else ""
    for plan in plans:
        key = str(plan.get("key", ""))
        if key and (rest == f"id/plan/{key}" or rest.startswith(f"id/plan/{key}/")):
            return [key]
    graphs = {str(row[3]) for rows_ in row_lists for row in rows_ if len(row) > 3}
    return [str(p["key"]) for p in plans if p.get("graph") in graphs]


def plan_title(key: str) -> str:
    """The title of a plan of the build (its key when it has none)."""
    from plankg.web.describe import manifest

    for plan in manifest().get("plans", []):
        if plan.get("key") == key:
            return str(plan.get("title") or key)
    return key


def runner(key: str) -> Any:
    """An accountability runner over one plan of the service's knowledge base."""
    from plankg.web.api import service_runner

    return service_runner(key)


def answer_of(compute: Any) -> Any:
    """``compute()``, or None when the question has no answer (nothing to trace, a failed query):
    a page then leaves that section out instead of failing."""
    from plankg.kb.accountability import TraceNotFound
    from plankg.web.api import ApiError

    try:
        return compute()
    except (TraceNotFound, ApiError) as exc:
        log.info("page section left out: %s", exc)
        return None


def item_href(key: str, number: Any) -> str | None:
    """The page of item ``number`` of plan ``key``."""
    return local_href(f"{base_iri()}id/plan/{key}/item/{number}") if number is not None else None


def implied_of(iri: str, keys: list[str]) -> set[str]:
    """The implied (发文机关默认) responsibilities around a resource, over its plans."""
    from plankg.kb import accountability as audit

    out: set[str] = set()
    for key in keys:
        out |= answer_of(lambda key=key: audit.implied_responsibilities(iri, runner(key))) or set()
    return out


# ---- items and tasks: who answers for them ------------------------------------------------------

def work_responsibilities(iri: str, kind: str, keys: list[str]) -> dict[str, Any] | None:
    """The responsibilities stated on an item or task (the trace answer), each with the links
    of its holder and the holders it answers to; None when the plan has none."""
    from plankg.kb import accountability as audit

    if not keys:
        return None
    answer = answer_of(lambda: audit.trace_work(iri, kind, runner(keys[0])))
    if not answer:
        return None
    holder_of = {r["iri"]: r["holder"] for r in answer["responsibilities"]}
    rows_ = []
    for r in answer["responsibilities"]:
        if r["relation"] != "on":
            continue
        rows_.append({**r, "implied": r["basisKey"] == IMPLIED_KEY,
                      "holderHref": link(r["holder"]["iri"]), "href": link(r["iri"]),
                      "answersToHolders": [{**holder_of[p], "href": link(holder_of[p]["iri"])}
                                           for p in r["answersTo"] if p in holder_of]})
    return {"rows": rows_, "implied": answer.get("implied"), "plan": keys[0],
            "trace": f"{request.script_root}/trace/{kind_subject(answer, kind)}?plan={keys[0]}"}


def kind_subject(answer: dict[str, Any], kind: str) -> str:
    """What ``plankg trace`` takes for this item or task: ``19`` or ``19.2``."""
    number = answer["item"]["number"]
    if kind == "task" and len(answer.get("tasks", [])) == 1:
        return f"{number}.{answer['tasks'][0]['number']}"
    return str(number)


# ---- posts, organisations, groups: their duties, grouped and paginated ---------------------------

def query_choice(name: str, allowed: tuple[str, ...]) -> str:
    """A query-string parameter that must be one of ``allowed`` ("" when absent); else 400."""
    value = request.args.get(name, "")
    if value not in allowed:
        raise ServiceError(400, f"{name}={value!r}: give one of " + ", ".join(a for a in allowed if a))
    return value


def page_number() -> int:
    """``?page=N`` (1 when absent); 400 unless a positive integer."""
    value = request.args.get("page", "1").strip()
    if not value.isdigit() or int(value) < 1 or len(value) > 6:
        raise ServiceError(400, f"page={value!r}: give a page number (1, 2, ...)")
    return int(value)


def holder_duties(iri: str, kind: str, keys: list[str], implied: set[str]) -> list[dict[str, Any]]:
    """Every duty of a post, organisation or group over its plans, in plan and item order."""
    from plankg.kb import accountability as audit

    out = []
    for key in keys:
        answer = answer_of(lambda key=key: audit.trace_holder(iri, kind, runner(key)))
        for d in (answer or {}).get("duties", []):
            out.append({**d, "plan": key, "implied": d["iri"] in implied, "href": link(d["iri"]),
                        "itemHref": item_href(key, d["item"]),
                        "viaHref": link(d["via"]["iri"]) if d.get("via") else None})
    return out


def page_href(**params: Any) -> str:
    """This page with other query parameters (None drops one), at its duties."""
    from urllib.parse import urlencode

    args = {k: v for k, v in request.args.items() if k not in params}
    args.update({k: str(v) for k, v in params.items() if v not in (None, "")})
    query = urlencode(sorted(args.items()))
    return request.script_root + request.path + (f"?{query}" if query else "") + "#duties"


def duty_page(duties: list[dict[str, Any]], several_plans: bool) -> dict[str, Any]:
    """One page of a holder's duties, filtered by ``?implied=`` and grouped by item, with counts."""
    chosen = query_choice("implied", ("", "0", "1"))
    page = page_number()
    kept = [d for d in duties if chosen == "" or d["implied"] == (chosen == "1")]
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    if page > pages:
        raise ServiceError(404, f"no page {page} of these duties: there {'is' if pages == 1 else 'are'} "
                                f"{pages} (page=1..{pages})")
    first = (page - 1) * PAGE_SIZE
    shown = kept[first:first + PAGE_SIZE]
    per_item: dict[tuple[str, Any], int] = {}
    for d in kept:
        per_item[(d["plan"], d["item"])] = per_item.get((d["plan"], d["item"]), 0) + 1
    groups: list[dict[str, Any]] = []
    for d in shown:
        key = (d["plan"], d["item"])
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "plan": d["plan"], "planTitle": plan_title(d["plan"]) if several_plans else "",
                           "item": d["item"], "itemTitle": d["itemTitle"], "href": d["itemHref"],
                           "total": per_item[key], "duties": [],
                           "continued": not groups and first > 0
                           and (kept[first - 1]["plan"], kept[first - 1]["item"]) == key})
        groups[-1]["duties"].append(d)
    by_type: dict[str, int] = {}
    for d in kept:
        by_type[d["type"]] = by_type.get(d["type"], 0) + 1
    implied_count = sum(1 for d in duties if d["implied"])
    return {
        "groups": groups, "page": page, "pages": pages, "size": PAGE_SIZE,
        "first": first + 1 if shown else 0, "last": first + len(shown), "total": len(kept),
        "all": len(duties), "implied": implied_count, "stated": len(duties) - implied_count,
        "itemCount": len({(d["plan"], d["item"]) for d in duties}), "filter": chosen,
        "byType": sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
        "prev": page_href(page=page - 1 if page > 2 else None) if page > 1 else None,
        "next": page_href(page=page + 1) if page < pages else None,
        "filters": [(label, value == chosen, page_href(implied=value or None, page=None))
                    for label, value in (("all", ""), ("stated", "0"), ("implied", "1"))],
    }


# ---- places and programmes: what touches them -------------------------------------------------

def touching(iri: str, kind: str, keys: list[str]) -> list[dict[str, Any]]:
    """Per plan: the items that touch a place or programme (each once, with the tasks and
    participations in it), and the targets and deadlines that concern it (``plankg trace``)."""
    from urllib.parse import quote

    from plankg.kb import accountability as audit

    out = []
    for key in keys:
        answer = answer_of(lambda key=key: audit.trace_touching(iri, kind, runner(key)))
        if not answer or not answer["mentions"] and not answer["deadlines"]:
            continue
        items: dict[Any, dict[str, Any]] = {}
        for m in answer["mentions"]:
            entry = items.setdefault(m["item"], {
                "number": m["item"], "title": m["itemTitle"], "href": item_href(key, m["item"]),
                "trace": f"{request.script_root}/trace/{m['item']}?plan={key}", "mentions": []})
            other = m.get("other") or None
            entry["mentions"].append({**m, "otherHref": link(other["iri"]) if other else None})
        deadlines = [{**t, "href": link(t["iri"]), "itemHref": item_href(key, t["item"])}
                     for t in answer["deadlines"]]
        out.append({"plan": key, "title": plan_title(key), "several": len(keys) > 1,
                    "itemRows": sorted(items.values(), key=lambda i: i["number"]),
                    "deadlines": deadlines, "notes": answer.get("notes", []),
                    "trace": f"{request.script_root}/trace/{quote(iri, safe=':/')}?plan={key}"})
    return out


def chain_svg(iri: str, types: set[str], inbound: list[PropertyValues],
              implied: set[str] = frozenset()) -> Markup | None:  # type: ignore[assignment]
    """The responsibility chain diagram for items, tasks, holders; None for other resources."""
    from plankg.render import diagram

    holds = any(pv.prop.iri == PLAN + "holder" for pv in inbound)
    if not (types & DIAGRAM_TYPES or holds):
        return None
    rows_ = select("responsibility-diagram", focus=iri)
    chain = diagram.build_chain(rows_, local_href, focus_holder=iri if holds else None,
                                implied=implied)
    svg = diagram.render_svg(chain, "Responsibility chain (answers to ↑)",
                             focus_holder=iri if holds else None)
    return Markup(svg) if svg else None


def render_page(iri: str, path: str, outbound: list[tuple[Any, ...]],
                inbound_rows: list[tuple[Any, ...]]) -> str:
    """The HTML page of a resource."""
    properties = group_properties(outbound, inbound=False)
    inbound = group_properties(inbound_rows, inbound=True)
    zh, en = labels_of(properties)
    if not zh and not en:
        quotes = [v.text for pv in properties if pv.prop.iri == PLAN + "quote" for v in pv.values]
        zh = quotes[0] if quotes else ""
    holds = any(pv.prop.iri == PLAN + "holder" for pv in inbound)
    types = {v.iri for pv in properties if pv.prop.iri == str(RDF.type) for v in pv.values if v.iri}
    type_terms = [v for pv in properties if pv.prop.iri == str(RDF.type) for v in pv.values
                  if not v.inferred]
    diagram_page = bool(types & DIAGRAM_TYPES or holds)
    keys = plan_keys(iri, outbound, inbound_rows) if diagram_page or types & PLACE_TYPES else []
    implied = implied_of(iri, keys) if diagram_page else set()
    work_kind = next((k for t, k in WORK_TYPES.items() if t in types), None)
    holder_kind = next((k for t, k in HOLDER_TYPES.items() if t in types), "post")
    duty_view = None
    if holds or PLAN + "AgentGroup" in types:
        duty_view = duty_page(holder_duties(iri, holder_kind, keys, implied), len(keys) > 1)
    touch_kind = "place" if PLAN + "Place" in types else "programme"
    return render_template(
        "resource.html", iri=iri, path=path, label_zh=zh, label_en=en, curie=curie(iri),
        types=type_terms, properties=properties, inbound=inbound,
        inbound_count=len(inbound_rows), evidence=evidence(iri),
        fragments=fragments(iri, properties), diagram=chain_svg(iri, types, inbound, implied),
        work=work_responsibilities(iri, work_kind, keys) if work_kind else None,
        duties=duty_view,
        touching=touching(iri, touch_kind, keys) if types & PLACE_TYPES else [],
        alternates=alternates(path), base=base_iri())


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------

def valid_iri(iri: str) -> bool:
    """Whether a string is an IRI the store could hold (no spaces, controls, <>"{}|^`\\)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def serve_resource(path: str, fixed: str | None) -> Response:
    """One minted IRI (``path`` is the request path without suffix) in the chosen representation."""
    key = choose_format(fixed)
    iri = base_iri() + path.lstrip("/")
    if not valid_iri(iri):  # /id/%00, /id/%3Cscript%3E: no resource has such a name
        return not_found(iri, key)
    if key == "html":
        outbound = select("resource-outbound", resource=iri)
        inbound = select("resource-inbound", resource=iri)
        if not outbound and not inbound:
            return not_found(iri, key)
        resp = Response(render_page(iri, path, outbound, inbound), 200, mimetype="text/html")
    else:
        if not select("resource-exists", resource=iri):
            return not_found(iri, key)
        fmt = format_by_key(key)
        resp = Response(construct("resource-describe", key, resource=iri), 200,
                        content_type=fmt.content_type)
    return negotiated(resp, path, key, fixed is not None)


@bp.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    """An instance IRI: ``/id/plan/luzhou-2014/item/19`` (+ ``.ttl`` etc.)."""
    rest, fixed = split_suffix(rest, SUFFIXES)
    return serve_resource(f"/id/{rest}", fixed)


@bp.route("/graph/<path:rest>")
def named_graph(rest: str) -> Response:
    """A named graph IRI: its VoID description (size, partitions), not all of its triples."""
    from plankg.web.describe import manifest, void_description

    rest, fixed = split_suffix(rest, SUFFIXES)
    path = f"/graph/{rest}"
    key = choose_format(fixed)
    iri = base_iri() + path.lstrip("/")
    if iri not in manifest().get("graphs", {}):
        return not_found(iri, key)
    g = describe_subject(void_description(), URIRef(iri))
    if key == "html":
        rows = [(URIRef(iri), p, o, URIRef("urn:x-plankg:void"), None, None, None, None)
                for p, o in g.predicate_objects(URIRef(iri)) if not isinstance(o, BNode)]
        body = render_page(iri, path, rows, [])
        resp = Response(body, 200, mimetype="text/html")
    else:
        resp = Response(g.serialize(format=key, encoding="utf-8"), 200,
                        content_type=format_by_key(key).content_type)
    return negotiated(resp, path, key, fixed is not None)


def describe_subject(source: Graph, subject: URIRef) -> Graph:
    """The triples of ``subject`` in ``source``, following blank nodes (a CBD)."""
    out = Graph(bind_namespaces="none")
    for prefix, ns in source.namespaces():
        out.bind(prefix, ns)
    todo: list[Any] = [subject]
    seen: set[Any] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


# ---------------------------------------------------------------------------------------------
# The ontology (service/ontology.py renders it)
# ---------------------------------------------------------------------------------------------

@bp.route("/ontology")
@bp.route("/ontology<any('.html', '.ttl', '.owl', '.rdf', '.jsonld', '.nt'):suffix>")
def ontology(suffix: str | None = None) -> Response:
    """The ontology at its IRI: documentation for browsers, Turtle / OWL for RDF clients."""
    from plankg.web.ontology import ontology_rdf, render_ontology

    fixed = ONTOLOGY_SUFFIXES[suffix] if suffix else None
    key = choose_format(fixed)
    if key == "html":
        resp = Response(render_ontology(), 200, mimetype="text/html")
    else:
        resp = Response(ontology_rdf(key), 200, content_type=format_by_key(key).content_type)
    return negotiated(resp, "/ontology", key, fixed is not None)
