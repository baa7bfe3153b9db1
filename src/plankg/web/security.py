"""Headers that keep browsers safe on a public address, CORS, the public base URL, and each
client's fair share of the query engine.

- Every HTML page gets a strict Content-Security-Policy (scripts and styles from this server
  only; inline styles allowed, inline scripts not), every response ``nosniff`` and
  ``X-Frame-Options: DENY``; other responses get a policy that runs nothing (``sandbox``), and
  XML answers (RDF/XML, SPARQL XML results) are attachments, so that no browser renders elements
  of the XHTML namespace they may carry as a page.
- CORS: ``CORS_ORIGINS`` is ``*`` (a read-only public endpoint) or a list of origins.
- ``PUBLIC_URL``: when set, every URL the service writes uses it instead of the Host header.
- Limits per client (its address): at most ``CLIENT_QUERIES`` requests at once and
  ``RATE_LIMIT`` requests a minute (0: off); past either, 429 with ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from plankg.web.errors import ServiceError

HTML_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
XML_TYPES = ("application/rdf+xml", "application/sparql-results+xml", "application/xml", "text/xml")
ATTACHMENT_NAMES = {"application/rdf+xml": "result.rdf", "application/sparql-results+xml": "result.srx",
                    "application/xml": "result.xml", "text/xml": "result.xml"}
# Paths that never count against a client's limits (operators' probes, static files).
UNLIMITED = ("/health", "/ready", "/metrics", "/workbench/static/", "/static/")


def add_security_headers(resp: Response) -> Response:
    """CSP, nosniff, frame and referrer policy; XML answers as attachments."""
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    mimetype = resp.mimetype or ""
    resp.headers["Content-Security-Policy"] = HTML_POLICY if mimetype == "text/html" else OTHER_POLICY
    if mimetype in XML_TYPES and "Content-Disposition" not in resp.headers:
        resp.headers["Content-Disposition"] = f'attachment; filename="{ATTACHMENT_NAMES[mimetype]}"'
    return resp


def add_cors_headers(resp: Response) -> Response:
    """CORS for every response: any origin, or the configured ones."""
    origins = cors_origins(current_app.config.get("CORS_ORIGINS", "*"))
    origin = request.headers.get("Origin")
    if origins == ("*",):
        resp.headers["Access-Control-Allow-Origin"] = "*"
    else:
        resp.vary.add("Origin")
        if origin in origins:
            resp.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Cache-Control, X-Requested-With"
        resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


def cors_origins(value: Any) -> tuple[str, ...]:
    """The CORS_ORIGINS setting as a tuple ("*", or origins from a list or a space/comma string)."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(value) or ("*",)


class PublicURL:
    """WSGI middleware: the request's scheme, host and mount point come from a configured URL.

    Behind a proxy, or simply on a public name, the Host header is the client's to choose; with
    a public URL nothing the service writes (links, VoID, service description) depends on it.
    """

    def __init__(self, app: Callable[..., Any], public_url: str) -> None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"PUBLIC_URL {public_url!r} is not an http(s) URL")
        self.app, self.scheme, self.host = app, parts.scheme, parts.netloc
        self.root = parts.path.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.host.rsplit(":", 1)[0]
        path = environ.get("PATH_INFO", "")
        if self.root and path.startswith(self.root + "/"):
            environ["PATH_INFO"] = path[len(self.root):]
        environ["SCRIPT_NAME"] = self.root
        return self.app(environ, start_response)


class ClientLimits:
    """Per-client concurrency and a per-client rate (token bucket), for the last CLIENTS clients."""

    CLIENTS = 10_000

    def __init__(self, concurrent: int, per_minute: int) -> None:
        self.concurrent, self.per_minute = concurrent, per_minute
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def enter(self, client: str) -> None:
        """Count a request in, or raise a 429 ServiceError with Retry-After."""
        with self.lock:
            if self.per_minute > 0:
                now = time.monotonic()
                tokens, last = self.buckets.pop(client, (float(self.per_minute), now))
                tokens = min(float(self.per_minute), tokens + (now - last) * self.per_minute / 60)
                if tokens < 1:
                    self.buckets[client] = (tokens, now)
                    wait = max(1, round((1 - tokens) * 60 / self.per_minute))
                    raise ServiceError(429, f"more than {self.per_minute} requests a minute from "
                                       f"{client} (RATE_LIMIT); try again in {wait} s",
                                       "Too Many Requests", {"Retry-After": str(wait)})
                self.buckets[client] = (tokens - 1, now)
                while len(self.buckets) > self.CLIENTS:
                    self.buckets.popitem(last=False)
            if self.concurrent > 0 and self.active.get(client, 0) >= self.concurrent:
                raise ServiceError(429, f"{client} already has {self.concurrent} requests running "
                                   "(CLIENT_QUERIES); wait for them to finish", "Too Many Requests",
                                   {"Retry-After": "1"})
            self.active[client] = self.active.get(client, 0) + 1

    def leave(self, client: str) -> None:
        """Count a request out."""
        with self.lock:
            n = self.active.get(client, 0) - 1
            if n > 0:
                self.active[client] = n
            else:
                self.active.pop(client, None)


def _limit() -> None:
    if request.path.startswith(UNLIMITED) or request.method == "OPTIONS":
        return
    client = request.remote_addr or "-"
    current_app.extensions["plankg-limits"].enter(client)
    g.plankg_client = client


def _release(_exc: BaseException | None) -> None:
    client = g.pop("plankg_client", None)
    if client is not None:
        current_app.extensions["plankg-limits"].leave(client)


def init_app(app: Flask) -> None:
    """Wire headers, CORS, the public URL and the client limits into an app."""
    app.extensions["plankg-limits"] = ClientLimits(int(app.config["CLIENT_QUERIES"]),
                                                   int(app.config["RATE_LIMIT"]))
    app.before_request(_limit)
    app.teardown_request(_release)
    app.after_request(add_cors_headers)
    app.after_request(add_security_headers)
    if app.config.get("PUBLIC_URL"):
        app.wsgi_app = PublicURL(app.wsgi_app, str(app.config["PUBLIC_URL"]))  # type: ignore[method-assign]
