"""The floor of the stack: the least a service of waitress and pyoxigraph can cost, and hold.

``python bench/floor.py --store DIR --port N [--cold]`` answers ``POST /sparql`` (a form with
``query=``), as JSON results or N-Triples, with nothing else: no Flask routing, no checks, no
content negotiation, no limits. Flask is imported (every Flask service holds its modules) but not
called.

- By default it is a perfect cache: a query seen before is answered by a dictionary lookup (the
  first time it is evaluated with pyoxigraph on the store, read-only).
- ``--cold`` evaluates every request in a child process forked at start-up, which opens the store:
  the one way to stop a pyoxigraph query at a timeout is to kill the process running it, so a
  service that bounds query time pays at least this hop per query (plankg's engine process).

bench/run.py interleaves both with the servers under test: their times over the Oxigraph server's
are the lowest ratios a cached and a cold plankg could reach on this stack.
"""

from __future__ import annotations

import argparse
import os
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, Pipe
from typing import Any

import flask  # noqa: F401 - held, not used: a Flask service has at least these modules in memory
import pyoxigraph as ox
import waitress

Answer = tuple[str, bytes]   # (Content-Type, body)


def answer(store: ox.Store, query: str) -> Answer:
    """Evaluate a query and write its answer as bench/run.py asks for it (N-Triples, or JSON results)."""
    result = store.query(query)
    if isinstance(result, ox.QueryTriples):
        return "application/n-triples", result.serialize(format=ox.RdfFormat.N_TRIPLES)
    return "application/sparql-results+json", result.serialize(format=ox.QueryResultsFormat.JSON)


def safe_answer(store: ox.Store, query: str) -> Answer | str:
    """The answer, or the error as text."""
    try:
        return answer(store, query)
    except (SyntaxError, OSError, ValueError) as exc:
        return str(exc) or type(exc).__name__


def evaluate_forever(store_dir: str, conn: Connection) -> None:
    """The child of --cold: open the store, then answer queries until the parent goes."""
    store = ox.Store.read_only(store_dir)
    while True:
        try:
            query = conn.recv()
        except EOFError:
            os._exit(0)
        conn.send(safe_answer(store, query))


def cached(store_dir: str) -> Callable[[str], Answer | str]:
    """Answers kept by query text, each evaluated once in this process."""
    store = ox.Store.read_only(store_dir)
    kept: dict[str, Answer | str] = {}

    def run(query: str) -> Answer | str:
        if query not in kept:
            kept[query] = safe_answer(store, query)
        return kept[query]

    return run


def in_child(store_dir: str) -> Callable[[str], Answer | str]:
    """Every query evaluated in a child process (one at a time: the benchmark is one client)."""
    ours, theirs = Pipe()
    if os.fork() == 0:   # before waitress starts its threads
        ours.close()
        evaluate_forever(store_dir, theirs)
    theirs.close()
    lock = threading.Lock()

    def run(query: str) -> Answer | str:
        with lock:
            ours.send(query)
            return ours.recv()

    return run


def make_app(run: Callable[[str], Answer | str]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        query = urllib.parse.parse_qs(body.decode("utf-8")).get("query", [""])[0]
        result = run(query)
        status, (ctype, data) = ("200 OK", result) if isinstance(result, tuple) else \
            ("400 Bad Request", ("text/plain", result.encode()))
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]

    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True, help="an Oxigraph store directory (opened read-only)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cold", action="store_true", help="evaluate every request in a child process")
    ap.add_argument("--threads", type=int, default=8)   # as plankg serve's SERVER_THREADS
    args = ap.parse_args()
    run = in_child(args.store) if args.cold else cached(args.store)
    waitress.serve(make_app(run), host="127.0.0.1", port=args.port, threads=args.threads, ident="floor")


if __name__ == "__main__":
    main()
