"""Query execution in worker processes, so that a timeout really stops the work.

pyoxigraph cannot interrupt a running query from another thread, so queries never run in the
web server's process. The design:

- ``Executor`` (in the server) starts one *zygote*: a fresh ``python -m plankg.kb.workers``
  process that loads the dataset once and then does nothing but ``fork()`` query workers on
  request. It is single-threaded, so forking it is safe (forking a threaded web server is not),
  and each worker shares the loaded store copy-on-write, so a new worker is ready in milliseconds.
- A worker reads jobs (pickled ``Job``) from its socket, runs the query, serialises the answer in
  the requested format, checks the row limit, and sends back a ``Reply`` (status, type, bytes).
- The server keeps up to QUERY_WORKERS workers. A request borrows an idle one (or waits, at most
  QUERY_TIMEOUT seconds, then 503), sends the job and waits QUERY_TIMEOUT seconds for the reply.
  On timeout it SIGKILLs that worker (the query stops at once, whatever it was doing) and answers
  503; the next request that needs a worker forks a fresh one. Other requests never wait on it.
- Workers and zygote die with their parent (PR_SET_PDEATHSIG) and on EOF of their socket; workers
  refuse outbound sockets and have an address-space limit (WORKER_MEMORY_MB).

The query text is inspected lexically first (``inspect_query``): updates and SERVICE are refused
before any engine sees them (pyoxigraph would open a connection for SERVICE).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import pickle
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from plankg.errors import PlanKGError

log = logging.getLogger(__name__)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
STARTUP_TIMEOUT = 600.0


# ---------------------------------------------------------------------------------------------
# Lexical inspection of query text
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
              |'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
              |"(?:[^"\\\n\r]|\\.)*"? |'(?:[^'\\\n\r]|\\.)*'?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.<>=!&|+*/"'#^]*)
  | (?P<word>[^\W\d][\w\-.]*(?::(?:[\w\-.:%]|\\.)*)?|:(?:[\w\-.:%]|\\.)*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryInfo:
    """What the text of a request's query is, found without parsing it."""

    form: str | None            # SELECT, ASK, CONSTRUCT, DESCRIBE, or None if not recognised
    update: bool                # the text is a SPARQL Update (starts with INSERT, LOAD, ...)
    service: bool               # uses SERVICE (federated query)
    dataset_clause: bool        # has FROM / FROM NAMED
    prefixes: dict[str, str] = field(default_factory=dict)


def _unescape_uchars(text: str) -> str:
    """Apply SPARQL's \\u/\\U escapes, which the grammar allows anywhere in a query."""
    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)
    return _UCHAR.sub(repl, text)


def tokens(text: str) -> list[tuple[str, str]]:
    """The significant (kind, text) tokens of a query: no whitespace or comments."""
    out = []
    for m in _TOKEN.finditer(_unescape_uchars(text)):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, m.group(0)))
    return out


def inspect_query(text: str) -> QueryInfo:
    """Classify a query text: its form, whether it is an update, uses SERVICE or FROM."""
    toks = tokens(text)
    words = [t.upper() for kind, t in toks if kind == "word"]
    prefixes: dict[str, str] = {}
    form: str | None = None
    update = False
    i = 0
    while i < len(toks):
        kind, tok = toks[i]
        upper = tok.upper()
        if kind == "word" and upper == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1][1], toks[i + 2][1]
            if name.endswith(":") and iri.startswith("<"):
                prefixes[name[:-1]] = iri[1:-1]
            i += 3
            continue
        if kind == "word" and upper == "BASE":
            i += 2
            continue
        if kind == "word":
            if upper in QUERY_FORMS:
                form = upper
            elif upper in UPDATE_KEYWORDS:
                update = True
        break
    return QueryInfo(form=form, update=update, service="SERVICE" in words,
                     dataset_clause="FROM" in words, prefixes=prefixes)


def rewrite_construct_where(text: str) -> str:
    """Expand the short form ``CONSTRUCT WHERE { T }`` into ``CONSTRUCT { T } WHERE { T }``."""
    spans = [(m.lastgroup, m.start(), m.end()) for m in _TOKEN.finditer(text)
             if m.lastgroup not in ("ws", "comment")]
    for n, (kind, start, end) in enumerate(spans):
        if kind == "word" and text[start:end].upper() == "CONSTRUCT":
            break
    else:
        return text
    after = spans[n + 1:]
    if not after or text[after[0][1]:after[0][2]] == "{":
        return text  # the long form
    for m, (kind, start, end) in enumerate(after):
        if kind == "word" and text[start:end].upper() == "WHERE":
            break
    else:
        return text
    rest = after[m + 1:]
    if not rest or text[rest[0][1]:rest[0][2]] != "{":
        return text
    depth = 0
    for kind, start, end in rest:
        piece = text[start:end]
        depth += piece == "{"
        depth -= piece == "}"
        if depth == 0:
            template = text[rest[0][1]:end]
            insert_at = spans[n][2]
            return f"{text[:insert_at]} {template}{text[insert_at:]}"
    return text


# ---------------------------------------------------------------------------------------------
# Jobs, replies and the errors they become
# ---------------------------------------------------------------------------------------------

@dataclass
class Job:
    """One query for a worker: the text, the protocol dataset, and how to answer."""

    text: str
    form: str | None = None
    fmt: str = "json"                                 # a conneg.Format key
    default_graphs: tuple[str, ...] | None = None     # default-graph-uri (None: the union)
    named_graphs: tuple[str, ...] | None = None       # named-graph-uri (None: all)
    bindings: dict[str, Any] = field(default_factory=dict)  # initBindings (rdflib terms)
    prefixes: dict[str, str] = field(default_factory=dict)
    max_rows: int = 0                                 # 0: no limit
    rows: bool = False                                # return SELECT rows as rdflib terms


@dataclass
class Reply:
    """A worker's answer: a body to send, rows (for ``Job.rows``), or an error."""

    status: int = 200
    body: bytes = b""
    rows: list[tuple[Any, ...]] | None = None
    title: str = ""
    message: str = ""
    retire: bool = False       # the worker should not be reused (e.g. after an engine panic)


class QueryFailed(PlanKGError):
    """A query that could not be answered: carries the HTTP status and a message for the client."""

    def __init__(self, status: int, title: str, message: str) -> None:
        self.status, self.title, self.message = status, title, message
        super().__init__(f"{status} {title}: {message}")


# ---------------------------------------------------------------------------------------------
# Worker side: running a job against the dataset
# ---------------------------------------------------------------------------------------------

class Engine:
    """Runs jobs against a loaded dataset (in a worker process)."""

    def __init__(self, dataset: Any, store: str) -> None:
        self.dataset, self.store = dataset, store

    def run(self, job: Job) -> Reply:
        """Answer one job; never raises for anything a query can cause."""
        from plankg.web import conneg as results

        try:
            result = self._query(job)
        except _SyntaxProblem as exc:
            return Reply(400, title="Query syntax error", message=str(exc))
        except QueryFailed as exc:
            return Reply(exc.status, title=exc.title, message=exc.message)
        except Exception as exc:  # the engines raise various types for evaluation errors
            return Reply(400, title="Query evaluation error",
                         message=f"the query could not be evaluated: {_one_line(exc)}")
        except BaseException as exc:  # pyo3 PanicException derives from BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return Reply(400, title="Query evaluation error", retire=True,
                         message=f"the query engine failed on this query: {_one_line(exc)}")
        try:
            if job.rows:
                return Reply(rows=results.rows(result, job.max_rows))
            return Reply(body=results.serialize(result, job.fmt, job.prefixes, job.max_rows))
        except QueryFailed as exc:
            return Reply(exc.status, title=exc.title, message=exc.message)
        except Exception as exc:
            return Reply(406, title="Not Acceptable",
                         message=f"the result cannot be written as {job.fmt}: {_one_line(exc)}; "
                                 "ask for another format")

    def _query(self, job: Job) -> Any:
        """Run the query text through the store's engine and return an rdflib Result."""
        if self.store == "oxigraph":
            return self._query_oxigraph(job)
        return self._query_rdflib(job)

    def _query_oxigraph(self, job: Job) -> Any:
        """Run on pyoxigraph with the protocol dataset; wrap the answer as an rdflib Result."""
        import pyoxigraph as ox
        from oxrdflib._converter import to_ox

        inner: ox.Store = self.dataset.store._inner
        kwargs: dict[str, Any] = {}
        # Without FROM or default-graph-uri the default graph is the store's own, which
        # graph/store.py fills with the set union of all graphs.
        if job.default_graphs is not None or job.named_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        try:
            answer = inner.query(job.text, prefixes=dict(job.prefixes) or None,
                                 substitutions={ox.Variable(k): to_ox(v) for k, v in job.bindings.items()},
                                 **kwargs)
        except SyntaxError as exc:
            raise _SyntaxProblem.from_oxigraph(str(exc), job.text) from None
        return _wrap_oxigraph(answer)

    def _query_rdflib(self, job: Job) -> Any:
        """Run on rdflib's own engine, with the protocol dataset set on the parsed query."""
        from pyparsing import ParseException
        from rdflib import URIRef
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        text = rewrite_construct_where(job.text)  # rdflib mishandles the short form
        try:
            query = translateQuery(parseQuery(text), initNs=job.prefixes)
        except ParseException as exc:
            raise _SyntaxProblem(exc.lineno, exc.col, exc.msg, text) from None
        if job.default_graphs is not None or job.named_graphs is not None:
            clauses = [CompValue("DatasetClause", default=URIRef(g)) for g in job.default_graphs or ()]
            clauses += [CompValue("DatasetClause", named=URIRef(g)) for g in job.named_graphs or ()]
            if not clauses:  # an explicitly empty dataset
                clauses = [CompValue("DatasetClause", named=URIRef("urn:x-plankg:no-graph"))]
            query.algebra["datasetClause"] = clauses
        return self.dataset.query(query, initBindings=job.bindings)


class _SyntaxProblem(Exception):
    """A syntax error with its position, phrased for people."""

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
    def from_oxigraph(cls, message: str, text: str) -> _SyntaxProblem:
        """Read 'error at L:C: expected ...' from pyoxigraph."""
        m = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
        if not m:
            return cls(None, None, message, text)
        # Drop pest's character-class ranges ([\'A\'..=\'Z\' | ...]): they read as noise.
        expected = re.sub(r",?\s*\[\s*'[^\]]*\]", "", m.group(3)).replace("one of ,", "one of")
        if len(expected) > 300:
            expected = expected[:300].rstrip() + " ..."
        return cls(int(m.group(1)), int(m.group(2)), expected.replace("\n", " "), text)


def _from_ox(term: Any) -> Any:
    """An rdflib term for a pyoxigraph one; simple literals stay simple (no explicit ^^xsd:string)."""
    from oxrdflib._converter import from_ox
    from rdflib import Literal
    from rdflib.namespace import XSD

    out = from_ox(term)
    if isinstance(out, Literal) and out.datatype == XSD.string:
        return Literal(str(out))
    return out


def _wrap_oxigraph(answer: Any) -> Any:
    """An rdflib Result over a pyoxigraph answer (as oxrdflib builds it)."""
    import pyoxigraph as ox
    from rdflib import Graph, Variable
    from rdflib.query import Result

    from_ox = _from_ox

    if isinstance(answer, ox.QueryBoolean):
        out = Result("ASK")
        out.askAnswer = bool(answer)
    elif isinstance(answer, ox.QuerySolutions):
        out = Result("SELECT")
        out.vars = [Variable(v.value) for v in answer.variables]
        variables = out.vars
        out.bindings = ({v: from_ox(val) for v, val in zip(variables, s) if val is not None}
                        for s in answer)
    else:
        out = Result("CONSTRUCT")
        out.graph = Graph(bind_namespaces="core")
        out.graph.addN((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), out.graph)
                       for t in answer)
    return out


def _one_line(exc: BaseException) -> str:
    """An exception as one short line for a client (no traceback, no internals)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:500]


# ---------------------------------------------------------------------------------------------
# Zygote and worker processes
# ---------------------------------------------------------------------------------------------

def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _forbid_outbound() -> None:
    """Make every new outbound socket connection in this process fail (defence in depth)."""
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError("outbound connections are disabled in query workers")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's address space at its current size plus ``megabytes``."""
    if megabytes <= 0:
        return
    with contextlib.suppress(Exception):
        import resource

        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = current + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(engine: Engine, sock: socket.socket, settings: Mapping[str, Any]) -> None:
    """Serve jobs from the server until it closes the socket."""
    _die_with_parent()
    _forbid_outbound()
    _limit_memory(int(settings.get("worker_memory_mb", 0)))
    conn = Connection(sock.detach())
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        reply = engine.run(job)
        try:
            conn.send(reply)
        except (OSError, pickle.PicklingError):
            return
        if reply.retire:
            return


def zygote_main(argv: list[str]) -> None:
    """Load the dataset, report readiness, then fork one worker per request from the server."""
    settings = json.loads(argv[0])
    ctrl = socket.socket(fileno=int(argv[1]))
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    try:
        from plankg.kb.store import load_dataset
        from plankg.web import conneg  # noqa: F401  (import once, before forking)

        dataset = load_dataset(settings["build_dir"], settings["store"], settings["data_files"])
        engine = Engine(dataset, settings["store"])
    except PlanKGError as exc:
        ctrl.send(b"E" + str(exc).encode())
        os._exit(1)
    except Exception as exc:
        ctrl.send(b"E" + f"{type(exc).__name__}: {exc}".encode())
        os._exit(1)
    ctrl.send(b"R")
    while True:
        try:
            msg = ctrl.recv(16)
        except InterruptedError:
            continue
        except OSError:
            break
        if not msg:
            break
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ctrl.close()
            ours.close()
            try:
                _worker_main(engine, theirs, settings)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(ctrl, [struct.pack("!i", pid)], [ours.fileno()])
        ours.close()
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# Server side
# ---------------------------------------------------------------------------------------------

@dataclass
class _Worker:
    """The server's handle on one worker process."""

    pid: int
    conn: Connection


class Executor:
    """Runs jobs on a pool of forked worker processes, with a timeout that kills runaways."""

    def __init__(self, build_dir: str, store: str = "oxigraph", data_files: tuple[str, ...] = (),
                 workers: int = 2, timeout: float = 10.0, worker_memory_mb: int = 0) -> None:
        self.timeout = timeout if timeout and timeout > 0 else None
        self.max_workers = max(1, workers)
        self.store = store
        self._idle: list[_Worker] = []
        self._live = 0
        self._cond = threading.Condition()
        self._ctrl_lock = threading.Lock()
        self._closed = False
        self.stats = {"timeouts": 0, "spawned": 0, "crashed": 0}
        settings = {"build_dir": str(build_dir), "store": store, "data_files": list(data_files),
                    "worker_memory_mb": worker_memory_mb}
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._ctrl = ours
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "plankg.kb.workers", json.dumps(settings), str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self._await_ready()
        for _ in range(self.max_workers):
            self._idle.append(self._spawn())
            self._live += 1

    def _await_ready(self) -> None:
        """Wait until the zygote has loaded the dataset; raise its error if it could not."""
        self._ctrl.settimeout(STARTUP_TIMEOUT)
        try:
            msg = self._ctrl.recv(65536)
        except OSError as exc:
            self.close()
            raise PlanKGError(f"the query engine did not start: {exc}") from None
        finally:
            self._ctrl.settimeout(None)
        if msg != b"R":
            self.close()
            detail = msg[1:].decode(errors="replace") if msg else "it exited"
            raise PlanKGError(f"the query engine could not load the data: {detail}")

    def _spawn(self) -> _Worker:
        """Ask the zygote for a new worker."""
        with self._ctrl_lock:
            if self._closed:
                raise QueryFailed(503, "Service Unavailable", "the server is shutting down")
            try:
                self._ctrl.send(b"F")
                msg, fds, _, _ = socket.recv_fds(self._ctrl, 16, 1)
            except OSError:
                msg, fds = b"", []
        if len(msg) != 4 or not fds:
            raise QueryFailed(503, "Service Unavailable", "the query engine is not running")
        self.stats["spawned"] += 1
        return _Worker(struct.unpack("!i", msg)[0], Connection(fds[0]))

    def _acquire(self) -> _Worker:
        """An idle worker, a new one if below the limit, or 503 after waiting QUERY_TIMEOUT."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        with self._cond:
            while not self._idle and self._live >= self.max_workers:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise QueryFailed(503, "Service Unavailable",
                                      f"all {self.max_workers} query workers stayed busy for "
                                      f"{self.timeout:g} s; try again later")
                self._cond.wait(remaining)
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            return self._spawn()
        except BaseException:
            self._discard(None)
            raise

    def _release(self, worker: _Worker) -> None:
        """Return a healthy worker to the pool."""
        with self._cond:
            if self._closed:
                worker.conn.close()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _discard(self, worker: _Worker | None, kill: bool = False) -> None:
        """Forget a worker (killing it first if asked); a later request forks a replacement."""
        if worker is not None:
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
            worker.conn.close()
        with self._cond:
            self._live -= 1
            self._cond.notify()

    def run(self, job: Job) -> Reply:
        """Run one job on a worker; :raises QueryFailed: on timeout, crash, or a busy pool."""
        worker = self._acquire()
        started = time.monotonic()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self.stats["timeouts"] += 1
                self._discard(worker, kill=True)
                log.warning("query stopped after %.1f s (pid %d killed)", time.monotonic() - started,
                            worker.pid)
                raise QueryFailed(503, "Query timeout",
                                  f"the query was stopped after {self.timeout:g} s (QUERY_TIMEOUT); "
                                  "simplify it, add a LIMIT, or ask the operator for a longer timeout")
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.stats["crashed"] += 1
            self._discard(worker, kill=False)
            raise QueryFailed(503, "Query engine failure",
                              "the query engine stopped while running this query (it may have "
                              "needed more memory than allowed); the server is still running") from None
        if reply.retire:
            self._discard(worker, kill=True)
        else:
            self._release(worker)
        return reply

    def close(self) -> None:
        """Stop the zygote and every worker."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.conn.close()
        with self._ctrl_lock:
            self._ctrl.close()
        if self._proc.poll() is None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    @property
    def pids(self) -> list[int]:
        """Process ids of the idle workers (for tests and logs)."""
        with self._cond:
            return [w.pid for w in self._idle]


if __name__ == "__main__":
    # Run the module's own copy, so pickled Job/Reply classes resolve in the server too.
    from plankg.kb.workers import zygote_main as _main

    _main(sys.argv[1:])
