"""`plankg serve`: the SPARQL endpoint, workbench, pages and API over a build, served by waitress.

Every setting is a flag, a ``PLANKG_*`` variable, or a key of the ``[serve]`` table of the config
file (``plankg --config plankg.toml serve``), in that order of precedence.
"""

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


def setting(name: str, kind: Any, help_text: str, flag: str | None = None) -> Any:
    """A click option for the setting NAME (default from DEFAULTS, PLANKG_NAME in the environment)."""
    return click.option(flag or "--" + name.lower().replace("_", "-"), name.lower(), type=kind,
                        default=DEFAULTS[name], show_default=True, envvar=f"PLANKG_{name}",
                        show_envvar=True, help=help_text)


# (setting, click type, help): the options of `serve`, each passed to the app's config.
OPTIONS: list[tuple[str, Any, str, str | None]] = [
    ("BUILD_DIR", click.Path(file_okay=False), "Directory of the build to serve (written by `plankg build`).", None),
    ("QUERY_TIMEOUT", click.FloatRange(min=0), "Seconds a query may run before it is stopped (0: no limit).",
     "--timeout"),
    ("QUERY_WORKERS", click.IntRange(1, 64), "Queries run at once (threads of one engine process; others wait).",
     "--workers"),
    ("WORKER_MEMORY_MB", click.IntRange(min=0), "Memory each running query may add, in MB (0: no limit).", None),
    ("WORKER_RECYCLE_MB", click.IntRange(min=0), "The query engine is replaced by a fresh fork once its own memory "
     "passes this many MB after a query, whatever --workers is (0: never).", None),
    ("MAX_REQUEST_BYTES", click.IntRange(min=1), "Largest request in bytes (413 past it).", None),
    ("MAX_RESULT_ROWS", click.IntRange(min=0), "Most rows or triples of an answer (400 past it; 0: no limit).",
     None),
    ("MAX_RESULT_BYTES", click.IntRange(min=0), "Largest answer in bytes (413 past it; 0: no limit).", None),
    ("MAX_QUERY_LENGTH", click.IntRange(min=0), "Longest query in characters (400 past it).", None),
    ("MAX_QUERY_DEPTH", click.IntRange(min=0), "Deepest nesting of brackets in a query (400 past it).", None),
    ("RESULT_CACHE_BYTES", click.IntRange(min=0), "Bytes of answers kept in memory (0: no cache).",
     "--cache-bytes"),
    ("SLOW_QUERY_SECONDS", click.FloatRange(min=0), "Log queries at least this slow, with their text (0: off).",
     None),
    ("PUBLIC_URL", str, "The URL the service is reached at; used instead of the Host header everywhere.",
     None),
    ("CORS_ORIGINS", str, "Origins allowed by CORS: * or a space-separated list.", None),
    ("CLIENT_QUERIES", click.IntRange(min=0), "Requests one client may have running at once (429 past it; "
     "0: no limit).", None),
    ("RATE_LIMIT", click.IntRange(min=0), "Requests one client may send a minute (429 past it; 0: no limit).",
     None),
    ("SERVER_THREADS", click.IntRange(1, 256), "HTTP request threads of the waitress server.", "--threads"),
    ("CONNECTION_LIMIT", click.IntRange(1, 100_000), "Open connections at most (waitress connection_limit); "
     "idle and slow connections hold no thread.", None),
    ("CHANNEL_TIMEOUT", click.IntRange(1, 3600), "Seconds a connection may stay idle before it is closed "
     "(waitress channel_timeout).", None),
    ("CACHE_DIR", str, "Where stores of a build plus --data files are kept (default ~/.cache/plankg).", None),
    ("STORE", click.Choice(["embedded", "sparql"]), "The store queries run on: the build's own, or an "
     "external SPARQL 1.1 store loaded by `plankg push` (see --endpoint).", None),
    ("ENDPOINT", str, "SPARQL endpoint of the external store (with --store sparql).", None),
    ("STORE_USER", str, "User for the external store (its password only from PLANKG_STORE_PASSWORD).", None),
]


def with_options(command: Any) -> Any:
    """Add every option of OPTIONS to a command."""
    for name, kind, help_text, flag in reversed(OPTIONS):
        command = setting(name, kind, help_text, flag)(command)
    return command


@click.command()
@click.option("--host", default=DEFAULTS["HOST"], show_default=True, envvar="PLANKG_HOST",
              show_envvar=True, help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULTS["PORT"], show_default=True,
              envvar="PLANKG_PORT", show_envvar=True, help="Port to listen on; 0 picks a free one.")
@click.option("--data", "data_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False), envvar="PLANKG_DATA_FILES",
              show_envvar=True, help="Further RDF file to serve (Turtle, N-Triples, TriG, N-Quads, "
                                     "RDF/XML, JSON-LD); repeatable. Triples go to a graph named "
                                     "after the file; TriG/N-Quads keep their graphs.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep answers in memory (--no-cache measures cold queries).")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One line per request on stderr: client, method, path, status, bytes, ms.")
@with_options
def serve(host: str, port: int, data_files: tuple[str, ...], cache: bool, access_log: bool,
          **settings: Any) -> None:
    """Serve the knowledge graph over SPARQL 1.1 (read-only) with the query workbench at /."""
    from waitress.server import create_server

    from plankg.kb import memory
    from plankg.web import create_app

    memory.map_large_blocks()  # answers of a MiB or more are given back to the system once sent
    config: dict[str, Any] = {name.upper(): value for name, value in settings.items()}
    config["DATA_FILES"] = list(data_files)
    if not cache:
        config["RESULT_CACHE_BYTES"] = 0
    _configure_logs(access_log)
    try:
        app = create_app(config)
    except (PlanKGError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    limit = int(app.config["MAX_REQUEST_BYTES"])
    try:
        server = create_server(app, host=host, port=port, threads=config["SERVER_THREADS"], ident="plankg",
                               max_request_body_size=limit + 1024,
                               max_request_header_size=min(limit + 1024, 262_144),
                               connection_limit=config["CONNECTION_LIMIT"],
                               channel_timeout=config["CHANNEL_TIMEOUT"], cleanup_interval=5)
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


def _configure_logs(access_log: bool) -> None:
    """The access and slow-query logs on stderr, whatever the level of the other logs."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    for name, on in (("plankg.access", access_log), ("plankg.slow", True)):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO if on else logging.WARNING)
        if on:
            logger.addHandler(handler)
            logger.propagate = False


def _exit_on_sigterm(_signum: int, _frame: Any) -> None:
    """Turn SIGTERM into a clean exit (the finally block stops the query workers)."""
    raise SystemExit(0)
