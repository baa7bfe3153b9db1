"""`plankg push`: load a build into an external SPARQL store over the Graph Store Protocol."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from plankg.cli import from_option


@click.command()
@click.option("--to", "endpoint", required=True, help="The store's SPARQL query endpoint (to check the push).")
@click.option("--graph-store", default=None,
              help="The store's Graph Store Protocol URL (default: the endpoint + '-graph-crud-auth', "
                   "Virtuoso's; Fuseki's is DATASET/data).")
@click.option("--user", default=None, envvar="PLANKG_STORE_USER", show_envvar=True,
              help="User for the store (the password only from PLANKG_STORE_PASSWORD).")
@from_option
def push(endpoint: str, graph_store: str | None, user: str | None, from_dir: Path | None) -> None:
    """Load a build into a SPARQL 1.1 store: one named graph per graph of the build (each replaced),
    plus the union graph the service queries by default; then check the store's counts."""
    from plankg.config import build_dir
    from plankg.errors import PlanKGError
    from plankg.kb.remote import GraphStore, RemoteEngine, push as push_build, remote_counts
    from plankg.kb.store import open_store, store_path

    password = os.environ.get("PLANKG_STORE_PASSWORD")
    try:
        store = open_store(store_path(build_dir(from_dir)))
        target = GraphStore(graph_store or endpoint + "-graph-crud-auth", user, password)
        with click.progressbar(length=len(store), label="pushing triples", file=sys.stderr) as bar:
            counts = push_build(store, target, bar.update)
        engine = RemoteEngine(endpoint, list(counts), timeout=120, user=user, password=password)
        held = remote_counts(engine, counts)
    except PlanKGError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    wrong = {g: (n, held.get(g)) for g, n in counts.items() if held.get(g) != n}
    for graph, n in counts.items():
        click.echo(f"{n:>9}  {graph}")
    if wrong:
        for graph, (n, got) in wrong.items():
            click.echo(f"Error: {graph}: pushed {n} triples, the store holds {got}", err=True)
        sys.exit(1)
    click.echo(f"{sum(counts.values())} triples in {len(counts)} graphs, checked at {endpoint}", err=True)
