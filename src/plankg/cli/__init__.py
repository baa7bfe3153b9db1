"""The `plankg` command group: thin click wrappers over the build and the knowledge base.

`serve` belongs to the web layer; :mod:`plankg.main` adds it, so this package never imports web.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

# --from DIR, shared by every command that reads a build.
from_option = click.option(
    "--from", "from_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Build directory (default: the last build, or PLANKG_BUILD_DIR).")


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it runs, so `plankg build` does not load Flask."""

    lazy = {
        "build": "plankg.cli.graph:build",
        "validate": "plankg.cli.graph:validate",
        "export": "plankg.cli.graph:export",
        "query": "plankg.cli.graph:query",
        "trace": "plankg.cli.audit:trace",
        "report": "plankg.cli.audit:report",
        "push": "plankg.cli.push:push",
        "search": "plankg.cli.search:search",
        "compare": "plankg.cli.compare:compare",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return None
        module, attr = self.lazy[name].split(":")
        return getattr(__import__(module, fromlist=[attr]), attr)


def load_config(ctx: click.Context, _param: click.Parameter, path: str | None) -> str | None:
    """Read a TOML config file into the commands' defaults: a ``[serve]`` table for `serve`, etc.

    Keys are the commands' option names (``port``, ``query_timeout``, ``public_url``); flags and
    ``PLANKG_*`` variables still win over the file.
    """
    if not path:
        return path
    import tomllib

    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise click.BadParameter(f"{path}: {exc}") from None
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    unknown = sorted(set(tables) - set(LazyGroup.lazy))
    if unknown or len(tables) != len(data):
        raise click.BadParameter(f"{path}: put settings in a table per command ([serve], [build], ...); "
                                 f"unknown: {', '.join(unknown or [k for k in data if k not in tables])}")
    ctx.default_map = {cmd: {k.lower().replace("-", "_"): v for k, v in table.items()}
                       for cmd, table in tables.items()}
    return path


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--config", type=click.Path(dir_okay=False), envvar="PLANKG_CONFIG", show_envvar=True,
              is_eager=True, expose_value=False, callback=load_config,
              help="TOML file of settings, a table per command ([serve] port = 8080 ...).")
@click.version_option(package_name="plankg")
def cli(verbose: int, quiet: bool) -> None:
    """Knowledge graph and SPARQL service for government work plans."""
    level = logging.ERROR if quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(name)s: %(message)s")
