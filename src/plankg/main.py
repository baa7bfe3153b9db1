"""The `plankg` entry point: the CLI's commands plus `serve` from the web layer.

This is the one module above both ``plankg.cli`` and ``plankg.web``, so neither imports the other.
"""

from __future__ import annotations

import sys

import click

from plankg.cli import LazyGroup, cli
from plankg.errors import PlanKGError

LazyGroup.lazy["serve"] = "plankg.web.command:serve"


def main() -> None:
    """Run the command line; library errors become one line on stderr, no traceback."""
    try:
        cli(standalone_mode=True)
    except PlanKGError as exc:  # pragma: no cover - commands convert their own errors
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
