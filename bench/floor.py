"""The floor of the stack: a perfect cache of SPARQL answers over waitress, nothing else.

``python bench/floor.py --store DIR --port N`` answers ``POST /sparql`` (a form with ``query=``):
the first time a query is seen it is evaluated with pyoxigraph on the store (read-only) and its
answer kept; every later request for it is a dictionary lookup. There is no Flask routing, no
checks, no content negotiation, no timeout, no engine process: no service built of waitress and
pyoxigraph can answer faster, or hold less memory with the store open. Flask is imported (every
Flask service holds its modules) but not called.

bench/run.py interleaves it with the servers under test: its time over the Oxigraph server's is the
lowest ratio a cached plankg could reach on this stack, and its time plus the query's own evaluation
in-process is the lowest a cold one could.
"""

from __future__ import annotations

import argparse
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

import flask  # noqa: F401 - held, not used: a Flask service has at least these modules in memory
import pyoxigraph as ox
import waitress


def answer(store: ox.Store, query: str) -> tuple[str, bytes]:
    """Evaluate a query and write its answer as bench/run.py asks for it (N-Triples, or JSON results)."""
    result = store.query(query)
    if isinstance(result, ox.QueryTriples):
        return "application/n-triples", result.serialize(format=ox.RdfFormat.N_TRIPLES)
    return "application/sparql-results+json", result.serialize(format=ox.QueryResultsFormat.JSON)


def make_app(store: ox.Store) -> Callable[..., Iterable[bytes]]:
    cache: dict[bytes, tuple[str, bytes]] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size)
        if body not in cache:
            query = urllib.parse.parse_qs(body.decode("utf-8")).get("query", [""])[0]
            try:
                cache[body] = answer(store, query)
            except (SyntaxError, OSError, ValueError) as exc:
                data = str(exc).encode()
                start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))])
                return [data]
        ctype, data = cache[body]
        start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]

    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True, help="an Oxigraph store directory (opened read-only)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--threads", type=int, default=8)   # as plankg serve's SERVER_THREADS
    args = ap.parse_args()
    waitress.serve(make_app(ox.Store.read_only(args.store)), host="127.0.0.1", port=args.port,
                   threads=args.threads, ident="floor")


if __name__ == "__main__":
    main()
