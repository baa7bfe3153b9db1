"""One query against the knowledge base's store: a :class:`Job` in, a :class:`Reply` out.

The engine is pyoxigraph over the build's read-only store. A job carries the query text, the
protocol dataset (default-graph-uri / named-graph-uri), substitutions for its parameters, the
answer's format and the limits; the reply is serialised bytes, or rows with their column names
when Python needs them. Nothing a query can cause raises: errors come back as a status and a
message for the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from plankg.errors import PlanKGError
from plankg.kb import results
from plankg.kb.queries import inline_bindings
from plankg.kb.search import SEARCH_FUNCTIONS


@dataclass
class Job:
    """One query: the text, the protocol dataset, bindings, and how to answer."""

    text: str
    fmt: str = "json"                                 # a results format key
    default_graphs: tuple[str, ...] | None = None     # default-graph-uri (None: the union)
    named_graphs: tuple[str, ...] | None = None       # named-graph-uri (None: all)
    bindings: dict[str, Any] = field(default_factory=dict)  # variable name -> pyoxigraph term
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None                       # resolves relative IRIs in the query
    max_rows: int = 0                                 # 0: no limit
    max_bytes: int = 0                                # 0: no limit
    rows: bool = False                                # answer SELECT rows instead of bytes


@dataclass
class Reply:
    """An answer: a body, rows with their columns (for ``Job.rows``), or an error."""

    status: int = 200
    body: bytes = b""
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] | None = None
    title: str = ""
    message: str = ""
    retire: bool = False       # the worker should not be reused (an engine panic, or past WORKER_RECYCLE_MB)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows or []]


class QueryFailed(PlanKGError):
    """A query that could not be answered: carries the HTTP status and a message for the client."""

    def __init__(self, status: int, title: str, message: str) -> None:
        self.status, self.title, self.message = status, title, message
        super().__init__(f"{status} {title}: {message}")


class Engine:
    """Runs jobs against an opened pyoxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def run(self, job: Job) -> Reply:
        """Answer one job; never raises for anything a query can cause."""
        try:
            return reply_for(self.query(job), job)
        except SyntaxProblem as exc:
            return Reply(400, title="Query syntax error", message=str(exc))
        except Exception as exc:  # pyoxigraph raises various types for evaluation errors
            return Reply(400, title="Query evaluation error",
                         message=f"the query could not be evaluated: {one_line(exc)}")
        except BaseException as exc:  # pyo3's PanicException derives from BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return Reply(400, title="Query evaluation error", retire=True,
                         message=f"the query engine failed on this query: {one_line(exc)}")

    def query(self, job: Job) -> Any:
        """The pyoxigraph answer to a job (lazy: solutions and triples stream from the store)."""
        kwargs: dict[str, Any] = {}
        # Without FROM or default-graph-uri the default graph is the store's own, which the build
        # filled with the set union of all graphs.
        if job.default_graphs is not None or job.named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        # Parameters are written into the text as constants: Oxigraph plans a query before it applies
        # substitutions, so a substituted parameter is planned as unbound (trace-focus at 100 plans:
        # 689 ms substituted, 0.6 ms as a constant).
        text = job.text
        if job.bindings:
            text = inline_bindings(text, {k: str(v) for k, v in job.bindings.items()})
        try:
            return self.store.query(text, prefixes=dict(job.prefixes) or None, base_iri=job.base_iri,
                                    custom_functions=SEARCH_FUNCTIONS, **kwargs)
        except SyntaxError as exc:
            raise syntax_problem(exc, job) from None


def reply_for(answer: Any, job: Job) -> Reply:
    """A pyoxigraph answer as the job asks for it: rows with their columns, or bytes in its format
    within its limits. Streaming errors of the answer itself (evaluation) propagate."""
    try:
        if job.rows:
            if not isinstance(answer, ox.QuerySolutions):
                return Reply(400, title="Not a SELECT query", message="rows need a SELECT query")
            columns, rows = results.solution_rows(answer, job.max_rows)
            return Reply(columns=columns, rows=rows)
        return Reply(body=results.serialise(answer, job.fmt, prefixes=job.prefixes,
                                            max_rows=job.max_rows, max_bytes=job.max_bytes))
    except results.ResultTooLarge as exc:
        return Reply(413 if exc.what == "bytes" else 400, title="Result too large", message=str(exc))
    except KeyError:
        return Reply(406, title="Not Acceptable",
                     message=f"this kind of result cannot be written as {job.fmt}; ask for another format")


class SyntaxProblem(Exception):
    """A syntax error with its position and a caret under it, phrased for people."""

    def __init__(self, line: int | None, column: int | None, expected: str, text: str) -> None:
        self.line, self.column, self.expected = line, column, expected
        where = f"line {line}, column {column}" if line else "somewhere"
        excerpt = ""
        if line:
            lines = text.splitlines() or [""]
            if 0 < line <= len(lines):
                src = lines[line - 1]
                excerpt = f"\n  {src[:200]}\n  {' ' * max(0, min((column or 1) - 1, 200))}^"
        super().__init__(f"{where}: {expected.strip()}{excerpt}")

    @classmethod
    def from_oxigraph(cls, message: str, text: str) -> SyntaxProblem:
        """Read 'error at L:C: expected ...' from pyoxigraph."""
        m = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
        if not m:
            return cls(None, None, message, text)
        # Drop pest's character-class ranges ([\'A\'..=\'Z\' | ...]): they read as noise.
        expected = re.sub(r",?\s*\[\s*'[^\]]*\]", "", m.group(3)).replace("one of ,", "one of")
        if len(expected) > 300:
            expected = expected[:300].rstrip() + " ..."
        return cls(int(m.group(1)), int(m.group(2)), expected.replace("\n", " "), text)


def syntax_problem(exc: SyntaxError, job: Job) -> SyntaxProblem:
    """pyoxigraph's syntax error for people, naming an undeclared prefix and its namespace."""
    problem = SyntaxProblem.from_oxigraph(str(exc), job.text)
    if "Prefix not found" in str(exc):
        problem = SyntaxProblem(problem.line, problem.column, undeclared_prefix_hint(job), job.text)
    return problem


def undeclared_prefix_hint(job: Job) -> str:
    """'the prefix plan: is not declared; add PREFIX plan: <...>' for the first undeclared prefix."""
    from plankg.kb.lexer import inspect_query, tokens
    from plankg.ontology.vocabulary import ALL_PREFIXES

    declared = {**inspect_query(job.text).prefixes, **job.prefixes}
    for tok in tokens(job.text):
        if tok.kind == "word" and ":" in tok.text and not tok.text.lower().startswith(("prefix", "base")):
            prefix = tok.text.split(":", 1)[0]
            if prefix not in declared:
                known = ALL_PREFIXES.get(prefix)
                add = f"; add PREFIX {prefix}: <{known}>" if known else ""
                return f"the prefix {prefix}: is not declared{add}"
    return "a prefix is used but not declared (PREFIX name: <namespace>)"


def one_line(exc: BaseException) -> str:
    """An exception as one short line for a client (no traceback, no internals)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:500]
