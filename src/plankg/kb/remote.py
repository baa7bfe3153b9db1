"""An external SPARQL 1.1 store behind the knowledge base: queries over the protocol, builds pushed
over the Graph Store Protocol.

:class:`RemoteEngine` answers the same :class:`~plankg.kb.engine.Job` as the embedded engine. It
sends the query text (parameters written in as constants: the protocol has no bindings), asks the
store for SPARQL JSON results or N-Triples, parses them with pyoxigraph and writes the answer in
the format and within the limits the job asks for, so that clients see the same bytes whatever the
store. The service's dataset is kept: without FROM or a protocol dataset, the default graph is the
union graph the push wrote, and GRAPH sees only the build's graphs (a store's own system graphs
stay out). A query that runs past the timeout is abandoned (the socket is closed).

:class:`GraphStore` writes a build into a store: one named graph per graph of the build, replaced
with PUT (then POST for further chunks of a large graph), and the union graph.
"""

from __future__ import annotations

import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph as ox

from plankg.kb import results
from plankg.kb.engine import Job, QueryFailed, Reply, one_line, reply_for, syntax_problem
from plankg.kb.lexer import inspect_query, matching_close, tokens
from plankg.kb.search import SEARCH_FUNCTIONS
from plankg.kb.queries import inline_bindings

log = logging.getLogger(__name__)

UNION_GRAPH = "urn:x-plankg:union"
NO_GRAPH = "urn:x-plankg:no-graph"     # a graph no store holds: stands for an empty set of graphs   # the graph a push fills with the union of the build's graphs
CHUNK_TRIPLES = 50_000
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Basic auth that leaves other schemes (Virtuoso's Digest) to their own handler."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        except ValueError:  # "does not support the following scheme"
            return None


def ask_answer(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """A boolean from an ASK answered as solutions (Virtuoso 7: one row of __ASK_RETVAL 1, or none)."""
    rows = list(solutions)
    truth = bool(rows) and all(r[0] is None or r[0].value not in ("0", "false") for r in rows)
    return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false"),
                                  format=ox.QueryResultsFormat.JSON)


def with_dataset_clauses(text: str, form: str | None, default: str, named: Sequence[str]) -> str:
    """The query with ``FROM <default> FROM NAMED <g> ...`` before its WHERE group.

    Clauses rather than protocol parameters: Virtuoso echoes each named-graph-uri as a response
    header, and past 100 headers HTTP clients refuse the answer (a corpus has more graphs).
    """
    toks = tokens(text)
    i = next((n for n, t in enumerate(toks) if t.kind == "word" and t.text.upper() == (form or "SELECT")), None)
    if i is None:
        return text
    n = i + 1
    if form == "CONSTRUCT" and n < len(toks) and toks[n].text == "{":
        n = matching_close(toks, n) + 1  # past the template
    while n < len(toks) and toks[n].text != "{" and not (toks[n].kind == "word" and toks[n].text.upper() == "WHERE"):
        n += 1
    at = toks[n].start if n < len(toks) else len(text)
    clauses = f" FROM <{default}> " + "".join(f"FROM NAMED <{g}> " for g in named)
    return f"{text[:at]}{clauses}{text[at:]}"


def without_dataset_clauses(text: str) -> str:
    """The query without its FROM / FROM NAMED clauses (before the first "{" of the query body)."""
    toks = tokens(text)
    out, at, n = [], 0, 0
    while n < len(toks) and toks[n].text != "{":
        if toks[n].kind == "word" and toks[n].text.upper() == "FROM":
            end = n + 2 if n + 1 < len(toks) and toks[n + 1].text.upper() == "NAMED" else n + 1
            if end < len(toks) and toks[end].kind == "iri":
                out.append(text[at:toks[n].start])
                at = toks[end].end
                n = end
        n += 1
    return "".join(out) + text[at:]


def uses_functions(text: str, prefixes: dict[str, str], functions: Iterable[ox.NamedNode]) -> str | None:
    """The first of ``functions`` (by IRI) that the query text calls, as written, if any."""
    wanted = {f.value for f in functions}
    for tok in tokens(text):
        if tok.kind == "iri" and tok.text[1:-1] in wanted:
            return tok.text
        if tok.kind == "word" and ":" in tok.text:
            prefix, _, local = tok.text.partition(":")
            if prefixes.get(prefix, "\0") + local in wanted:
                return tok.text
    return None


def opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """A urllib opener that answers Basic and Digest challenges from ``url``'s host with the
    credentials, if any."""
    handlers: list[Any] = []
    if user:
        parts = urllib.parse.urlsplit(url)
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), _BasicAuth(passwords)]
    return urllib.request.build_opener(*handlers)


class RemoteEngine:
    """Runs jobs on a SPARQL endpoint."""

    def __init__(self, endpoint: str, graphs: Sequence[str], timeout: float = 30.0,
                 user: str | None = None, password: str | None = None) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(graphs)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.open = opener(endpoint, user, password).open
        self.parser = ox.Store()  # an empty store: its query() parses (the answers are lazy)

    def run(self, job: Job) -> Reply:
        """Answer a job from the store. :raises QueryFailed: timeout or an unreachable store."""
        info = inspect_query(job.text)
        own = uses_functions(job.text, info.prefixes, SEARCH_FUNCTIONS)
        if own:
            return Reply(400, title="Not available on this store",
                         message=f"{own} is a function of plankg's embedded store; the external SPARQL store "
                                 "cannot run it (use /search or /api/search for full-text search)")
        text = job.text
        if job.bindings:
            text = inline_bindings(text, {k: str(v) for k, v in job.bindings.items()}, info.form)
        if info.dataset_clause and (job.default_graphs is not None or job.named_graphs is not None):
            text = without_dataset_clauses(text)  # the protocol's dataset wins (some stores merge them)
        try:  # syntax errors named as the embedded store names them (line, column, caret)
            self.parser.query(text, prefixes=dict(job.prefixes) or None, base_iri=job.base_iri,
                              custom_functions=SEARCH_FUNCTIONS)
        except SyntaxError as exc:
            return Reply(400, title="Query syntax error", message=str(syntax_problem(exc, job)))
        graph_form = info.form in ("CONSTRUCT", "DESCRIBE")
        dataset = self.dataset(job, info.dataset_clause)
        if dataset is None:  # the service's own dataset, written as clauses (see with_dataset_clauses)
            text, dataset = with_dataset_clauses(text, info.form, UNION_GRAPH, self.graphs), []
        body = self.fetch(text, dataset, NTRIPLES if graph_form else RESULTS_JSON, job)
        if isinstance(body, Reply):
            return body
        try:
            if graph_form:
                answer: Any = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            else:
                answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                if info.form == "ASK" and isinstance(answer, ox.QuerySolutions):
                    answer = ask_answer(answer)
            return reply_for(answer, job)
        except (SyntaxError, ValueError) as exc:
            return Reply(502, title="Bad answer from the store",
                         message=f"the SPARQL store answered something unreadable: {one_line(exc)}")

    def dataset(self, job: Job, has_from: bool) -> list[tuple[str, str]] | None:
        """The protocol dataset: the job's, none (the query's own FROM), or None for the service's
        (the union as default graph, the build's graphs as named graphs)."""
        if job.default_graphs is not None or job.named_graphs is not None:
            # An absent or empty list means an empty set (SPARQL 1.1 Protocol 2.1.4); a store that
            # reads "absent" as "all graphs" (Virtuoso) is given a graph that holds nothing.
            return ([("default-graph-uri", g) for g in job.default_graphs or (NO_GRAPH,)]
                    + [("named-graph-uri", g) for g in job.named_graphs or (NO_GRAPH,)])
        if has_from:
            return []
        return None

    def fetch(self, text: str, dataset: list[tuple[str, str]], accept: str, job: Job) -> bytes | Reply:
        """POST the query (UTF-8 form) and read the answer, at most ``job.max_bytes`` (+ slack)."""
        form = urllib.parse.urlencode([("query", text), *dataset]).encode("ascii")
        request = urllib.request.Request(self.endpoint, data=form, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "Accept": accept})
        # The store's own serialisation is wordier than ours: allow it 4x the byte limit.
        limit = job.max_bytes * 4 if job.max_bytes else 0
        try:
            with self.open(request, timeout=self.timeout) as resp:
                data = resp.read(limit + 1) if limit else resp.read()
        except urllib.error.HTTPError as exc:
            detail = one_line(Exception(exc.read(2000).decode("utf-8", "replace"))) or exc.reason
            if exc.code == 400:
                return Reply(400, title="Query error", message=f"the SPARQL store refused the query: {detail}")
            return Reply(502, title="Store error", message=f"the SPARQL store answered {exc.code}: {detail}")
        except (socket.timeout, TimeoutError):
            raise QueryFailed(503, "Query timeout", f"the store did not answer within {self.timeout:g} s "
                              "(QUERY_TIMEOUT); the query was abandoned") from None
        except (urllib.error.URLError, OSError) as exc:
            raise QueryFailed(503, "Store unavailable",
                              f"the SPARQL store at {self.endpoint} cannot be reached: {one_line(exc)}") from None
        if limit and len(data) > limit:
            return Reply(413, title="Result too large",
                         message=f"the result has more than {job.max_bytes} bytes (MAX_RESULT_BYTES)")
        return data


class GraphStore:
    """A Graph Store Protocol client for loading a build into a store."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None,
                 timeout: float = 300.0) -> None:
        self.url, self.timeout = url, timeout
        self.user, self.password = user, password
        self.open = urllib.request.build_opener().open

    def authorization(self, url: str, method: str) -> str | None:
        """The Authorization header for a request, answering the store's challenge to an empty one.

        The challenge is fetched first because a store may close the connection on a 401 before
        reading a large body (Virtuoso does), which urllib's retrying handlers cannot recover from.
        """
        if not self.user:
            return None
        probe = urllib.request.Request(url, data=b"", method=method)
        try:
            with self.open(probe, timeout=self.timeout) as resp:
                resp.read()
            return None
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            exc.read()
            if exc.code != 401 or not challenge:
                return None
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.user, self.password or "")
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "digest":
            chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
            request = urllib.request.Request(url, method=method)
            return "Digest " + str(urllib.request.HTTPDigestAuthHandler(passwords)
                                   .get_authorization(request, chal))
        token = f"{self.user}:{self.password or ''}".encode()
        import base64

        return "Basic " + base64.b64encode(token).decode()

    def replace(self, graph: str, triples: Iterable[ox.Triple],
                progress: Callable[[int], None] = lambda n: None) -> int:
        """Replace a named graph with ``triples`` (PUT, then POST for further chunks); the count."""
        total = 0
        for n, chunk in enumerate(chunks(triples, CHUNK_TRIPLES)):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            self.send("PUT" if n == 0 else "POST", graph, body)
            total += len(chunk)
            progress(len(chunk))
        if total == 0:
            self.send("PUT", graph, b"")
        return total

    def send(self, method: str, graph: str, body: bytes) -> None:
        """One Graph Store request; :raises QueryFailed: the store refused it."""
        url = f"{self.url}{'&' if '?' in self.url else '?'}graph={urllib.parse.quote(graph, safe='')}"
        headers = {"Content-Type": NTRIPLES + "; charset=UTF-8"}
        auth = self.authorization(url, method)
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self.open(request, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            raise QueryFailed(exc.code, "Graph Store error",
                              f"{method} {graph}: the store answered {exc.code} {one_line(Exception(detail))}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise QueryFailed(503, "Store unavailable", f"{self.url}: {one_line(exc)}") from None


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def push(store: ox.Store, graph_store: GraphStore, progress: Callable[[int], None] = lambda n: None
         ) -> dict[str, int]:
    """Write every named graph of a build's store, and the union as UNION_GRAPH; triples per graph."""
    counts: dict[str, int] = {}
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
        counts[graph.value] = graph_store.replace(graph.value, triples, progress)
    union = (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    counts[UNION_GRAPH] = graph_store.replace(UNION_GRAPH, union, progress)
    return counts


COUNT_GRAPH = "SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE { ?s ?p ?o }"


def remote_counts(engine: RemoteEngine, graphs: Iterable[str]) -> dict[str, int]:
    """How many triples the store holds in each graph (to check a push)."""
    out = {}
    for graph in graphs:
        reply = engine.run(Job(COUNT_GRAPH.replace("{graph}", graph), rows=True))
        if reply.status != 200:
            raise QueryFailed(reply.status, reply.title, reply.message)
        out[graph] = int(results.value(reply.rows[0][0])) if reply.rows else 0
    return out
