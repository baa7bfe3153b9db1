"""`plankg build | validate | export | query`: the graph side of the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rdflib import Dataset

from plankg.cli import from_option
from plankg.config import build_dir
from plankg.errors import PlanKGError

EXPORT_FORMATS = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld", "xml": "pretty-xml", "trig": "trig",
                  "nquads": "nquads"}


def _fail(exc: Exception, code: int = 2) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: build/, or PLANKG_BUILD_DIR).")
@click.option("--base-iri", envvar="PLANKG_BASE_IRI", show_envvar=True, default=None,
              help="Base of every IRI the build mints (default https://w3id.org/plankg/).")
def build(sources: tuple[Path, ...], out: Path | None, base_iri: str | None) -> None:
    """Build the knowledge graph of SOURCES (default: the Luzhou 2014 plan), each in its own named graph."""
    from plankg.build.pipeline import run_build

    for s in sources:
        if not s.is_file():
            _fail(PlanKGError(f"{s}: no such file"))
    try:
        result = run_build(list(sources) or None, build_dir(out), base_iri)
    except PlanKGError as exc:
        _fail(exc)
    for p in result.plans:
        click.echo(f"{p.key}: {len(p.plan.pillars)} pillars, {len(p.plan.items)} items, "
                   f"{sum(len(i.tasks) for i in p.plan.items)} tasks -> <{p.graph_iri}>")
    click.echo(f"{result.triples} triples in {result.seconds:.1f} s -> {result.out}/")
    width = max(map(len, result.counts))
    for cls, n in result.counts.items():
        click.echo(f"  {cls:<{width}}  {n:>5}")


def _load(from_dir: Path | None) -> Dataset:
    """The build's dataset in rdflib (for SHACL and the export writers)."""
    from plankg.build.store import DATASET_FILE

    path = build_dir(from_dir) / DATASET_FILE
    if not path.is_file():
        raise PlanKGError(f"no {DATASET_FILE} in {path.parent}/: run `plankg build` first")
    ds = Dataset()
    ds.parse(path, format="nquads")
    return ds


@click.command()
@from_option
def validate(from_dir: Path | None) -> None:
    """Check the built data against the SHACL shapes: exit 0 conforms, 1 does not, 2 cannot load."""
    from rdflib import Graph

    from plankg.build.validate import validate_graph
    from plankg.ontology.model import build_ontology

    try:
        ds = _load(from_dir)
    except Exception as exc:  # noqa: BLE001 - any load failure is exit 2, as pySHACL does
        _fail(exc, 2)
    data = Graph()
    for g in ds.graphs():
        if not str(g.identifier).endswith(("/graph/ontology", "/graph/inferred")):
            data += g
    conforms, report = validate_graph(data, build_ontology())
    click.echo(report)
    sys.exit(0 if conforms else 1)


@click.command()
@from_option
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (atomically); default stdout.")
def export(from_dir: Path | None, fmt: str, output: Path | None) -> None:
    """Write ontology plus data of a build in one RDF format (trig and nquads keep the named graphs)."""
    from rdflib import Graph

    from plankg.ontology.model import bind_prefixes

    try:
        ds = _load(from_dir)
    except PlanKGError as exc:
        _fail(exc)
    if fmt in ("trig", "nquads"):
        target = ds
    else:
        target = bind_prefixes(Graph())
        for g in ds.graphs():
            target += g
    bind_prefixes(target)
    data = target.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@click.command()
@click.argument("name")
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="Bind a parameter of the query.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@from_option
@click.option("--endpoint", default=None, help="Run against this SPARQL endpoint instead of the local graph.")
def query(name: str, param: tuple[str, ...], fmt: str, from_dir: Path | None, endpoint: str | None) -> None:
    """Run a named query (e.g. cq01), a .rq file, a query given inline, or - for standard input.

    Every query is checked as the server checks it (no updates, no SERVICE, bounded length and
    nesting); a bad query exits 2 with its line and column.
    """
    from plankg.kb.queries import bindings

    try:
        q = _query_named(name)
        values = dict(p.split("=", 1) for p in param if "=" in p)
        if len(values) != len(param):
            raise PlanKGError("parameters are given as NAME=VALUE")
        if endpoint:
            names, rows = _remote(q.text, bindings(q, values), endpoint)
        else:
            names, rows = _local(q, values, from_dir)
    except PlanKGError as exc:
        _fail(exc)
    _print(names, rows, fmt)


def _query_named(name: str) -> Any:
    """A named query, a .rq file, an inline query text, or the query on standard input (``-``)."""
    from plankg.kb.lexer import inspect_query
    from plankg.kb.queries import from_text, load_query

    if name == "-":
        return from_text("stdin", sys.stdin.read())
    if inspect_query(name).form is not None or inspect_query(name).update:
        return from_text("inline", name)
    return load_query(name)


def _local(q: Any, values: dict[str, str], from_dir: Path | None) -> tuple[list[str], list[list]]:
    """Run a named query on the local build; column names and rows of plain values."""
    from plankg.kb import KnowledgeBase
    from plankg.kb.queries import query_form
    from plankg.kb.results import value

    kb = KnowledgeBase(build_dir(from_dir))
    form = query_form(q.text)
    if form == "SELECT":
        reply = kb.query(q, values)
        return list(reply.columns), [[value(t) for t in row] for row in reply.rows or []]
    if form == "ASK":
        return ["ask"], [[json.loads(kb.query(q, values, fmt="json").body)["boolean"]]]
    body = kb.query(q, values, fmt="nt").body.decode("utf-8")
    return ["triple"], [[line] for line in body.splitlines()]


def _remote(text: str, binds: dict, endpoint: str) -> tuple[list[str], list[list]]:
    """Run a query on a remote endpoint with SPARQLWrapper (parameters inlined: the protocol has no bindings)."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    from plankg.kb.queries import inline_bindings

    if binds:
        text = inline_bindings(text, {k: str(v) for k, v in binds.items()})  # N-Triples syntax
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    try:
        data = client.queryAndConvert()
    except Exception as exc:  # noqa: BLE001 - network and HTTP errors become one line
        raise PlanKGError(f"{endpoint}: {exc}") from exc
    if "boolean" in data:
        return ["ask"], [[data["boolean"]]]
    names = data["head"]["vars"]
    return names, [[(b.get(n) or {}).get("value") for n in names] for b in data["results"]["bindings"]]


def _print(names: list[str], rows: list[list], fmt: str) -> None:
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(names, r, strict=False)) for r in cells], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(names)
        w.writerows(cells)
    else:
        widths = [max([_width(n)] + [_width(r[i]) for r in cells]) for i, n in enumerate(names)]
        click.echo("  ".join(_pad(n, w) for n, w in zip(names, widths, strict=False)))
        click.echo("  ".join("-" * w for w in widths))
        for r in cells:
            click.echo("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=False)))
        click.echo(f"({len(cells)} rows)", err=True)


def _width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
