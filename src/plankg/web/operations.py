"""What operators watch: an access log line per request, a slow-query log, ``/health``, ``/ready``
and ``/metrics`` (the Prometheus text format).

- ``/health`` (liveness): 200 while the web process answers.
- ``/ready`` (readiness): 200 when the query engine answers a query, else 503; a supervisor or
  load balancer should route on this, since pages that need no query stay 200 without an engine.
- ``/metrics``: requests by status, a latency histogram, query timeouts, engine failures and
  restarts, answers served from the cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from flask import Blueprint, Flask, Response, current_app, g, request

from plankg.kb import Job, QueryFailed

access_log = logging.getLogger("plankg.access")
slow_log = logging.getLogger("plankg.slow")

bp = Blueprint("operations", __name__)

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Counters of one server process (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_status: Counter[int] = Counter()
        self.buckets = [0] * len(BUCKETS)
        self.count = 0
        self.seconds = 0.0

    def observe(self, status: int, seconds: float) -> None:
        """Count one answered request."""
        with self.lock:
            self.by_status[status] += 1
            self.count += 1
            self.seconds += seconds
            for n, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[n] += 1

    def text(self, engine: dict[str, int], cache: dict[str, int] | None) -> str:
        """The metrics in the Prometheus text exposition format."""
        with self.lock:
            lines = ["# HELP plankg_requests_total HTTP requests answered, by status.",
                     "# TYPE plankg_requests_total counter"]
            lines += [f'plankg_requests_total{{status="{code}"}} {n}'
                      for code, n in sorted(self.by_status.items())]
            lines += ["# HELP plankg_request_seconds Time to answer a request.",
                      "# TYPE plankg_request_seconds histogram"]
            lines += [f'plankg_request_seconds_bucket{{le="{bound}"}} {n}'
                      for bound, n in zip(BUCKETS, self.buckets, strict=True)]
            lines += [f'plankg_request_seconds_bucket{{le="+Inf"}} {self.count}',
                      f"plankg_request_seconds_sum {self.seconds:.6f}",
                      f"plankg_request_seconds_count {self.count}"]
        for name, help_text in (("timeouts", "Queries stopped at the query timeout."),
                                ("crashed", "Queries that killed the process they ran on, twice."),
                                ("rerun", "Queries run again alone after their engine died under them."),
                                ("restarts", "Restarts of the zygote that forks the query processes."),
                                ("spawned", "Query processes started (engines and single-use workers).")):
            lines += [f"# HELP plankg_engine_{name}_total {help_text}",
                      f"# TYPE plankg_engine_{name}_total counter",
                      f"plankg_engine_{name}_total {engine.get(name, 0)}"]
        if cache is not None:
            lines += ["# HELP plankg_cache_hits_total Answers served from the result cache.",
                      "# TYPE plankg_cache_hits_total counter", f"plankg_cache_hits_total {cache['hits']}",
                      "# HELP plankg_cache_misses_total Answers the cache did not hold.",
                      "# TYPE plankg_cache_misses_total counter",
                      f"plankg_cache_misses_total {cache['misses']}",
                      "# HELP plankg_cache_bytes Bytes of answers held by the cache.",
                      "# TYPE plankg_cache_bytes gauge", f"plankg_cache_bytes {cache['bytes']}"]
        return "\n".join(lines) + "\n"


def metrics() -> Metrics:
    """The app's metrics."""
    return current_app.extensions["plankg-metrics"]


def engine_stats() -> dict[str, int]:
    """Counters of the query workers (empty when queries run in the web process)."""
    from plankg.web import state

    executor = state().kb.executor
    return dict(executor.stats) if executor is not None else {}


@bp.get("/health")
def health() -> Response:
    """Liveness: the web process answers."""
    return Response('{"status": "ok"}\n', 200, mimetype="application/json")


@bp.get("/ready")
def ready() -> Response:
    """Readiness: the query engine answers a query."""
    from plankg.web import state

    try:
        reply = state().kb.run(Job("ASK {}", fmt="json"))
        ok = reply.status == 200
        detail = reply.message
    except QueryFailed as exc:
        ok, detail = False, exc.message
    if ok:
        return Response('{"status": "ready"}\n', 200, mimetype="application/json")
    body = '{"status": "unavailable", "error": %s}\n' % _json_string(detail)
    return Response(body, 503, mimetype="application/json", headers={"Retry-After": "5"})


@bp.get("/metrics")
def metrics_page() -> Response:
    """Prometheus metrics."""
    from plankg.web import state

    cache = state().kb.cache
    body = metrics().text(engine_stats(), cache.stats() if cache is not None else None)
    return Response(body, 200, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _json_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def client_address() -> str:
    """The client as the access log and the limits see it."""
    return request.remote_addr or "-"


def log_slow_query(text: str, seconds: float) -> None:
    """Log a query that took longer than SLOW_QUERY_SECONDS, with its text on one line."""
    limit = float(current_app.config["SLOW_QUERY_SECONDS"])
    if limit > 0 and seconds >= limit:
        slow_log.warning("%.3f s %s %s", seconds, client_address(), " ".join(text.split())[:4000])


def _start() -> None:
    g.plankg_started = time.perf_counter()


def _finish(resp: Response) -> Response:
    started = g.pop("plankg_started", None)
    seconds = time.perf_counter() - started if started is not None else 0.0
    metrics().observe(resp.status_code, seconds)
    size = resp.calculate_content_length()
    access_log.info("%s %s %s %s %d %.1f", client_address(), request.method, request.full_path.rstrip("?"),
                    resp.status_code, size if size is not None else -1, seconds * 1000)
    return resp


def init_app(app: Flask) -> None:
    """Wire the metrics and the access log into an app."""
    app.extensions["plankg-metrics"] = Metrics()
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
