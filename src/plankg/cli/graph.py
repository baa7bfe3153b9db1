"""`plankg build | validate | export | query`: the graph side of the command line."""

from __future__ import annotations

import json
import logging
import signal
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
# Other names of the formats, as the server's format= and the dumps' suffixes spell them.
FORMAT_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld", "rdf": "xml",
                  "rdfxml": "xml", "nq": "nquads", "n-quads": "nquads"}


def _fail(exc: Exception, code: int = 2) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


PARTIAL_EXIT = 3  # the build was written, without the plans that failed


def _terminated(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the build, which deletes its temporary folder


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: build/, or PLANKG_BUILD_DIR).")
@click.option("--base-iri", envvar="PLANKG_BASE_IRI", show_envvar=True, default=None,
              help="Base of every IRI the build mints (default https://w3id.org/plankg/).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Plans built at once, one process each (default: one per core).")
@click.option("--no-cache", is_flag=True,
              help="Build every plan again instead of reusing the builds of unchanged plans.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(sources: tuple[Path, ...], out: Path | None, base_iri: str | None, jobs: int | None,
          no_cache: bool, quiet: bool) -> None:
    """Build the knowledge graph of SOURCES (plan texts, or folders of *.txt plans; default: the
    Luzhou 2014 plan), each plan in its own named graph.

    Each plan's build is cached (PLANKG_CACHE_DIR, default ~/.cache/plankg) by its bytes and the
    pipeline's version, so a corpus build after one plan changed rebuilds that plan only. A plan
    that cannot be read is reported with its file, line and column, and the rest is built.

    Exit status: 0 every plan built; 3 the build was written without the plans that failed;
    2 nothing was built (no plan could be, or bad arguments): the previous build is untouched.
    """
    from plankg.build.pipeline import expand_sources, run_build

    signal.signal(signal.SIGTERM, _terminated)  # a stopped build cleans up like a failed one
    logging.getLogger("plankg.build").setLevel(logging.ERROR)  # plans' warnings: in the summary below
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)
    try:
        paths = expand_sources(list(sources)) if sources else None
    except PlanKGError as exc:
        _fail(exc)
    progress = _Progress(len(paths) if paths else 1, enabled=not quiet and sys.stderr.isatty())
    try:
        result = run_build(paths, build_dir(out), base_iri, jobs=jobs, cache=not no_cache,
                           on_plan=progress.plan, on_step=progress.step)
    except PlanKGError as exc:
        progress.close()
        _fail(exc)
    progress.close()
    for p in result.plans if not quiet else ():
        for warning in p.warnings:
            click.echo(f"warning: {p.path}: {warning}", err=True)
    for f in result.failures:
        click.echo(f"error: {f}", err=True)
    if not quiet:
        _summary(result)
    if result.failures:
        click.echo(f"{len(result.failures)} of {len(result.failures) + len(result.plans)} plans failed; "
                   f"the build holds the other {len(result.plans)}", err=True)
        sys.exit(PARTIAL_EXIT)


def _summary(result: Any) -> None:
    cached = sum(p.cached for p in result.plans)
    for p in result.plans:
        note = " (cached)" if p.cached else ""
        warned = f", {len(p.warnings)} warnings" if p.warnings else ""
        click.echo(f"{p.key}: {p.pillars} pillars, {p.items} items, {p.tasks} tasks, {p.triples} triples"
                   f"{warned}{note} -> <{p.graph}>")
    steps = ", ".join(f"{name} {s:.1f} s" for name, s in result.steps.items())
    click.echo(f"{len(result.plans)} plans ({cached} from the cache), {result.triples} triples "
               f"in {result.seconds:.1f} s ({steps}) -> {result.out}/")
    width = max(map(len, result.counts), default=0)
    for cls, n in sorted(result.counts.items(), key=lambda kv: (-kv[1], kv[0])):  # a stable order
        click.echo(f"  {cls:<{width}}  {n:>5}")


class _Progress:
    """A progress bar over the plans on a terminal, then the shared steps by name."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.bar = total, enabled, None

    def plan(self, done: Any) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=self.total, label="plans", file=sys.stderr, show_pos=True,
                                         item_show_func=lambda key: key)
            self.bar.__enter__()
        self.bar.update(1, getattr(done, "key", Path(done.path).name))

    def step(self, name: str) -> None:
        if self.enabled and name != "plans":
            self.close()
            click.echo(f"{name} ...", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


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
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS) + sorted(FORMAT_ALIASES)),
              default="turtle", show_default=True, help="json-ld keeps the named graphs and has a @context.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (atomically); default stdout.")
def export(from_dir: Path | None, fmt: str, output: Path | None) -> None:
    """Write ontology plus data of a build in one RDF format (trig and nquads keep the named graphs)."""
    from rdflib import Graph

    from plankg.ontology.model import bind_prefixes

    fmt = FORMAT_ALIASES.get(fmt, fmt)
    try:
        ds = _load(from_dir)
    except PlanKGError as exc:
        _fail(exc)
    if fmt == "json-ld":  # like the dump: every graph named, the project's prefixes as @context
        from plankg.ontology.vocabulary import ALL_PREFIXES

        _write(ds.serialize(format="json-ld", context=dict(ALL_PREFIXES), encoding="utf-8"), output)
        return
    if fmt in ("trig", "nquads"):
        target = ds
    else:
        target = bind_prefixes(Graph())
        for g in ds.graphs():
            target += g
    bind_prefixes(target)
    _write(target.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8"), output)


def _write(data: bytes, output: Path | None) -> None:
    """Bytes to standard output or, atomically, to a file."""
    if output is None:
        sys.stdout.buffer.write(data)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their summaries.")
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="Bind a parameter of the query.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Rows of one page of the answer (a SELECT, in its ORDER BY order).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Rows to skip before the page (with --limit: the next page is --offset + --limit).")
@from_option
@click.option("--endpoint", default=None, help="Run against this SPARQL endpoint instead of the local graph.")
def query(name: str | None, list_queries: bool, param: tuple[str, ...], fmt: str, limit: int | None,
          offset: int, from_dir: Path | None, endpoint: str | None) -> None:
    """Run a named query (e.g. cq01), a .rq file, a query given inline, or - for standard input.

    Every query is checked as the server checks it (no updates, no SERVICE, bounded length and
    nesting); a bad query exits 2 with its line and column.
    """
    from dataclasses import replace

    from plankg.kb.queries import bindings, page

    if list_queries or not name:
        _print_list()
        return
    try:
        q = _query_named(name)
        if limit is not None or offset:
            q = replace(q, text=page(q, limit, offset))
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


def _print_list() -> None:
    """The named queries, one a line: name, parameters, summary (in name order)."""
    from plankg.kb.queries import list_queries

    queries = list_queries()
    width = max(len(q.name) for q in queries)
    for q in queries:
        params = f" [{', '.join(q.params)}]" if q.params else ""
        click.echo(f"{q.name:<{width}}  {q.summary}{params}")


def _query_named(name: str) -> Any:
    """A named query, a .rq file, an inline query text, or the query on standard input (``-``)."""
    from plankg.errors import QueryNotFound
    from plankg.kb.lexer import inspect_query
    from plankg.kb.queries import from_text, load_query

    if name == "-":
        return from_text("stdin", sys.stdin.read())
    if inspect_query(name).form is not None or inspect_query(name).update:
        return from_text("inline", name)
    try:
        return load_query(name)
    except QueryNotFound:
        import difflib

        from plankg.kb.queries import list_queries

        close = difflib.get_close_matches(name, [q.name for q in list_queries()], n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else " (plankg query --list shows them)"
        raise QueryNotFound(f"no query named {name!r}{hint}") from None


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
    return names, [[_typed(b.get(n)) for n in names] for b in data["results"]["bindings"]]


def _typed(binding: dict | None) -> Any:
    """A SPARQL JSON binding as the plain value a local query gives (numbers as numbers)."""
    import pyoxigraph as ox

    from plankg.kb.results import value

    if binding is None:
        return None
    if binding["type"] in ("uri", "bnode"):
        return binding["value"]
    if "xml:lang" in binding:
        return binding["value"]
    datatype = binding.get("datatype")
    return value(ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None))


def _print(names: list[str], rows: list[list], fmt: str) -> None:
    if fmt == "json":  # typed: numbers as numbers, booleans as booleans, unbound as null
        click.echo(json.dumps([dict(zip(names, r, strict=False)) for r in rows], ensure_ascii=False, indent=2))
        return
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "table":  # one screen line a row: long texts are cut (csv and json keep them whole)
        cells = [[_cut(c, TABLE_CELL) for c in row] for row in cells]
    if fmt == "csv":
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


TABLE_CELL = 60  # display columns of a table cell


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, with an ellipsis when cut."""
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        used += _width(c)
        if used > width - 1:
            break
        out.append(c)
    return "".join(out) + "…"


def _width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
