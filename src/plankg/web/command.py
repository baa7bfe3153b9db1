"""`plankg serve`: the SPARQL endpoint and workbench over a build, served by waitress."""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

import click

from plankg.config import DEFAULTS
from plankg.errors import PlanKGError

log = logging.getLogger(__name__)


def _url(host: str, port: int) -> str:
    """The base URL of a host and port (IPv6 hosts in brackets)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@click.command()
@click.option("--host", default=DEFAULTS["HOST"], show_default=True, envvar="PLANKG_HOST",
              show_envvar=True, help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULTS["PORT"], show_default=True,
              envvar="PLANKG_PORT", show_envvar=True, help="Port to listen on; 0 picks a free one.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULTS["QUERY_TIMEOUT"],
              show_default=True, envvar="PLANKG_QUERY_TIMEOUT", show_envvar=True,
              help="Seconds a query may run before it is stopped (0: no limit).")
@click.option("--data", "data_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False), envvar="PLANKG_DATA_FILES",
              show_envvar=True, help="Further RDF file to serve (Turtle, N-Triples, TriG, N-Quads, "
                                     "RDF/XML, JSON-LD); repeatable. Triples go to a graph named "
                                     "by the file's URI; TriG/N-Quads keep their graphs.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep answers in memory and revalidate with ETags (--no-cache measures cold queries).")
@click.option("--max-result-bytes", type=click.IntRange(min=0), default=DEFAULTS["MAX_RESULT_BYTES"],
              show_default=True, envvar="PLANKG_MAX_RESULT_BYTES", show_envvar=True,
              help="Largest answer in bytes (413 past it; 0: no limit).")
@click.option("--build-dir", type=click.Path(file_okay=False), default=DEFAULTS["BUILD_DIR"],
              show_default=True, envvar="PLANKG_BUILD_DIR", show_envvar=True,
              help="Directory of the build to serve (written by `plankg build`).")
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULTS["QUERY_WORKERS"],
              show_default=True, envvar="PLANKG_QUERY_WORKERS", show_envvar=True,
              help="Query worker processes (queries run in parallel up to this number).")
@click.option("--threads", type=click.IntRange(1, 256), default=DEFAULTS["SERVER_THREADS"],
              show_default=True, envvar="PLANKG_SERVER_THREADS", show_envvar=True,
              help="HTTP request threads of the waitress server.")
def serve(host: str, port: int, timeout: float, data_files: tuple[str, ...], cache: bool,
          max_result_bytes: int, build_dir: str, workers: int, threads: int) -> None:
    """Serve the knowledge graph over SPARQL 1.1 (read-only) with the query workbench at /."""
    from waitress.server import create_server

    from plankg.web import create_app

    config: dict[str, Any] = {"BUILD_DIR": build_dir, "QUERY_TIMEOUT": timeout,
                              "DATA_FILES": list(data_files), "QUERY_WORKERS": workers,
                              "MAX_RESULT_BYTES": max_result_bytes}
    if not cache:
        config["RESULT_CACHE_BYTES"] = 0
    try:
        app = create_app(config)
    except PlanKGError as exc:
        raise click.ClickException(str(exc)) from None
    limit = int(app.config["MAX_REQUEST_BYTES"])
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="plankg",
                               max_request_body_size=limit + 1024)
    except OSError as exc:
        app.extensions["plankg"].close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo(f"Serving on {_url(host, getattr(server, 'effective_port', port))}")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        app.extensions["plankg"].close()


def _exit_on_sigterm(_signum: int, _frame: Any) -> None:
    """Turn SIGTERM into a clean exit (the finally block stops the query workers)."""
    raise SystemExit(0)
