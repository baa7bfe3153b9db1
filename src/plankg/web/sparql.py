"""The SPARQL 1.1 Protocol query operation at /sparql: read-only, negotiated, time-limited.

Status codes (what clients can branch on):

- 200 results; 400 a malformed request (two or no queries, query plus update, wrong Content-Type,
  bad graph IRI, unknown ``format=``) or a query syntax/evaluation error (the body names line,
  column and what was expected) or a result over MAX_RESULT_ROWS; 403 SPARQL Update (any route)
  and SERVICE (federated query: the server never makes outbound requests); 406 no acceptable
  format; 413 a request over MAX_REQUEST_BYTES; 503 the query hit QUERY_TIMEOUT and was stopped,
  or every worker stayed busy that long.
- ``FROM``/``FROM NAMED`` and ``default-graph-uri``/``named-graph-uri`` select graphs of the local
  store only; a graph the store does not hold is evaluated as empty, never fetched.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from plankg.kb import Job, QueryFailed, Reply
from plankg.kb.lexer import READ_ONLY, QueryRefused, check_query
from plankg.web import conneg, state
from plankg.web.errors import ServiceError
from plankg.web.operations import log_slow_query

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
# Answers may be kept and reused for a while, then revalidated with their ETag.
CACHE_CONTROL = "public, max-age=300"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


@dataclass
class ProtocolRequest:
    """The protocol parameters of one request, wherever they came from."""

    params: MultiDict[str, str]
    query: str | None


def read_request() -> ProtocolRequest:
    """Collect the protocol parameters from the URL, a form body or a sparql-query body.

    :raises ServiceError: 400 for a wrong Content-Type or undecodable body, 403 for an update
        body, 413 for a request over MAX_REQUEST_BYTES.
    """
    limit = int(current_app.config["MAX_REQUEST_BYTES"])
    if len(request.query_string) > limit:
        raise ServiceError(413, f"the request is larger than {limit} bytes (MAX_REQUEST_BYTES)")
    params: MultiDict[str, str] = MultiDict(request.args)
    body_query = None
    if request.method == "POST":
        mimetype = request.mimetype
        try:
            if mimetype == FORM:
                for key, value in request.form.items(multi=True):
                    params.add(key, value)
            elif mimetype == QUERY:
                body_query = _decode(request.get_data(cache=False))
            elif mimetype == UPDATE:
                raise ServiceError(403, READ_ONLY, "Read-only endpoint")
            else:
                raise ServiceError(
                    400, f"unsupported Content-Type {request.content_type or '(none)'!r}: POST "
                         f"either {FORM} with a query= parameter or {QUERY} with the query as body")
        except RequestEntityTooLarge:
            raise ServiceError(413, f"the request is larger than {limit} bytes (MAX_REQUEST_BYTES)") \
                from None
    queries = params.getlist("query")
    if body_query is not None:
        queries.append(body_query)
    if params.getlist("update"):
        if queries:
            raise ServiceError(400, "the request has both a query and an update; send one query")
        raise ServiceError(403, READ_ONLY, "Read-only endpoint")
    if len(queries) > 1:
        raise ServiceError(400, f"the request has {len(queries)} queries; send exactly one")
    return ProtocolRequest(params, queries[0] if queries else None)


def _decode(body: bytes) -> str:
    """A request body as UTF-8 text (the only charset SPARQL allows)."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ServiceError(400, f"unsupported charset {charset!r}: send the query as UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(400, f"the query is not valid UTF-8 (byte {exc.start})") from None


def graph_iris(params: MultiDict[str, str], name: str) -> tuple[str, ...] | None:
    """The IRIs of a default-graph-uri / named-graph-uri parameter (None when absent)."""
    values = params.getlist(name)
    for value in values:
        if not _IRI.match(value):
            raise ServiceError(400, f"{name}={value!r} is not an absolute IRI")
    return tuple(values) if values else None


def format_values(params: MultiDict[str, str]) -> list[str]:
    """The values of format= and output= (in that order)."""
    return [v for name in conneg.FORMAT_PARAMS for v in params.getlist(name)]


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | str:
    """The SPARQL query operation (GET, POST form, POST sparql-query)."""
    proto = read_request()
    if proto.query is None:
        return _no_query(proto)
    try:
        info = check_query(proto.query, int(current_app.config["MAX_QUERY_LENGTH"]),
                           int(current_app.config["MAX_QUERY_DEPTH"]))
    except QueryRefused as exc:
        raise ServiceError(exc.status, exc.message, exc.title) from None
    offered = conneg.formats_for(info.form)
    try:
        fmt = conneg.negotiate_header(request.headers.get("Accept", ""), format_values(proto.params), offered)
    except conneg.UnknownFormat as exc:
        raise ServiceError(400, str(exc)) from None
    except conneg.NotAcceptable as exc:
        if info.form is not None:
            raise ServiceError(406, str(exc)) from None
        fmt = offered[0]  # not a recognisable query: let the engine report the syntax error
    job = Job(text=proto.query, fmt=fmt.key,
              default_graphs=graph_iris(proto.params, "default-graph-uri"),
              named_graphs=graph_iris(proto.params, "named-graph-uri"),
              prefixes=info.prefixes, base_iri=request.base_url,
              max_rows=int(current_app.config["MAX_RESULT_ROWS"]),
              max_bytes=int(current_app.config["MAX_RESULT_BYTES"]))
    etag = state().kb.etag(job)
    if etag in request.if_none_match:  # the build is read-only: same query, same answer
        resp = Response(status=304)
    else:
        started = time.perf_counter()
        body = run(job).body
        log_slow_query(proto.query, time.perf_counter() - started)
        resp = Response(body, 200, content_type=fmt.content_type)
    resp.set_etag(etag)
    resp.headers["Cache-Control"] = CACHE_CONTROL
    return resp


def run(job: Job) -> Reply:
    """Run a job on the knowledge base; failures become ServiceErrors."""
    try:
        reply = state().kb.run(job)
    except QueryFailed as exc:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        raise ServiceError(exc.status, exc.message, exc.title, headers) from None
    if reply.status != 200:
        raise ServiceError(reply.status, reply.message, reply.title)
    return reply


def _no_query(proto: ProtocolRequest) -> Response | str:
    """GET /sparql without a query: the workbench for browsers, the service description for RDF clients."""
    from plankg.web import describe

    only_format = set(proto.params.keys()) <= set(conneg.FORMAT_PARAMS)
    if request.method in ("GET", "HEAD") and only_format:
        values = format_values(proto.params)
        if not values and conneg.prefers_html(request.accept_mimetypes):
            from plankg.web.workbench import render_workbench

            return render_workbench()
        try:
            fmt = conneg.negotiate(request.accept_mimetypes, values, conneg.GRAPH_FORMATS)
        except conneg.UnknownFormat as exc:
            raise ServiceError(400, str(exc)) from None
        except conneg.NotAcceptable:
            pass
        else:
            return describe.graph_response(describe.service_description(), fmt)
    raise ServiceError(400, "missing query: send the SPARQL query as the query= parameter "
                            "(GET or POST form) or as an application/sparql-query POST body")


@bp.route("/update", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
@bp.route("/sparql/update", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def update() -> Response:
    """Update endpoints that other servers have: refused, this endpoint is read-only."""
    raise ServiceError(403, READ_ONLY, "Read-only endpoint")


def add_headers(resp: Response) -> Response:
    """Vary: Accept where negotiated, and conditional answers for the pages."""
    if request.path.startswith("/sparql") or request.path.startswith("/.well-known"):
        resp.vary.add("Accept")
    return conditional(resp)


def conditional(resp: Response) -> Response:
    """ETag, 304 on If-None-Match and Cache-Control for the pages (GET 200 with a body in memory)."""
    if request.method not in ("GET", "HEAD") or resp.status_code != 200 or resp.direct_passthrough:
        return resp
    if "ETag" not in resp.headers:
        resp.add_etag()
        resp.headers.setdefault("Cache-Control", CACHE_CONTROL)
        resp.make_conditional(request)
    return resp


def init_app(app: Flask) -> None:
    """Wire the response headers into an app."""
    app.after_request(add_headers)
