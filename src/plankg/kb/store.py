"""The embedded store the service queries: the build's N-Quads plus extra RDF files, behind rdflib's API.

Two stores, chosen by the STORE setting:

- ``oxigraph`` (default, chosen by measurement in bench/): an rdflib ``Dataset`` over oxrdflib's
  ``Oxigraph`` store, loaded by pyoxigraph's native parsers. Pass query *text* to it.
- ``memory``: rdflib's own in-memory store and SPARQL engine (slow joins; kept as the reference).

Either way the SPARQL default graph is the union of all graphs (Fuseki's ``unionDefaultGraph``):
for Oxigraph the set union is copied into the store's default graph at load (its own union mode
repeats a triple once per graph that holds it); rdflib's engine evaluates over the conjunctive graph
(``Dataset(default_union=True)``). Named graphs stay as built, for GRAPH patterns and FROM NAMED.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import rdflib.plugins.sparql
from rdflib import Dataset, URIRef

from plankg.errors import BuildNotFound, PlanKGError

log = logging.getLogger(__name__)

# rdflib must never fetch a FROM / FROM NAMED graph from the web on behalf of a query.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

STORES = ("oxigraph", "memory")
DATASET_FILE = "plankg.nq"

# File suffix -> (rdflib parser name, pyoxigraph extension, holds named graphs)
FORMATS: dict[str, tuple[str, str, bool]] = {
    ".ttl": ("turtle", "ttl", False),
    ".turtle": ("turtle", "ttl", False),
    ".nt": ("nt", "nt", False),
    ".ntriples": ("nt", "nt", False),
    ".n3": ("n3", "n3", False),
    ".rdf": ("xml", "rdf", False),
    ".owl": ("xml", "rdf", False),
    ".xml": ("xml", "rdf", False),
    ".jsonld": ("json-ld", "jsonld", False),
    ".trig": ("trig", "trig", True),
    ".nq": ("nquads", "nq", True),
    ".nquads": ("nquads", "nq", True),
}


class DataFileError(PlanKGError):
    """An extra data file that is missing, of an unknown format, or not parseable."""


def dataset_path(build_dir: str | Path) -> Path:
    """The N-Quads file of a build, or BuildNotFound naming where it looked."""
    path = Path(build_dir) / DATASET_FILE
    if not path.is_file():
        raise BuildNotFound(f"no {DATASET_FILE} in {Path(build_dir)}/: run `plankg build` first")
    return path


def graph_name_for(path: str | Path) -> URIRef:
    """The named graph a triples file is loaded into: the file's own URI."""
    return URIRef(Path(path).resolve().as_uri())


def file_format(path: Path) -> tuple[str, str, bool]:
    """The format of an RDF file, from its suffix."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise DataFileError(f"{path}: unknown RDF format {path.suffix!r} (known: {known})") from None


def load_dataset(build_dir: str | Path, store: str = "oxigraph",
                 extra_files: Iterable[str | Path] = ()) -> Dataset:
    """Load a build (and extra RDF files, each triples file into a graph named by its URI) into a Dataset."""
    if store not in STORES:
        raise PlanKGError(f"unknown store {store!r}: use one of {', '.join(STORES)}")
    files = [(dataset_path(build_dir), True)] + [(Path(f), False) for f in extra_files]
    for path, _ in files[1:]:
        if not path.is_file():
            raise DataFileError(f"--data {path}: no such file")
        file_format(path)
    if store == "oxigraph":
        ds = Dataset(store="Oxigraph")
        for path, _ in files:
            _load_oxigraph(ds, path)
        _materialise_union(ds)
    else:
        ds = Dataset(default_union=True)
        for path, _ in files:
            _load_memory(ds, path)
    log.info("loaded %s store from %s (+%d files)", store, build_dir, len(files) - 1)
    return ds


def _load_oxigraph(ds: Dataset, path: Path) -> None:
    """Load one file with pyoxigraph's native parser into the Oxigraph store behind ``ds``."""
    import pyoxigraph as ox

    _, ext, quads = file_format(path)
    inner: ox.Store = ds.store._inner  # type: ignore[attr-defined]
    fmt = ox.RdfFormat.from_extension(ext)
    target = None if quads else ox.NamedNode(str(graph_name_for(path)))
    try:
        inner.load(path=str(path), format=fmt, to_graph=target,
                   base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc


def _materialise_union(ds: Dataset) -> None:
    """Copy every triple of every named graph into the default graph, once.

    Oxigraph 0.5's union-default-graph mode yields a triple once per graph that holds it
    (oxigraph/oxigraph#1919, fixed after 0.5.13): plans that describe the same place or body gave
    duplicated rows. A real default graph that is the set union has no such problem.
    """
    import pyoxigraph as ox

    inner: ox.Store = ds.store._inner  # type: ignore[attr-defined]
    default = ox.DefaultGraph()
    inner.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                      for q in list(inner.quads_for_pattern(None, None, None, None)) if q.graph_name != default)


def _load_memory(ds: Dataset, path: Path) -> None:
    """Load one file with rdflib's parser into the memory Dataset."""
    fmt, _, quads = file_format(path)
    try:
        if quads:
            ds.parse(str(path), format=fmt)
        else:
            ds.graph(graph_name_for(path)).parse(str(path), format=fmt)
    except Exception as exc:  # rdflib parsers raise many unrelated types
        raise DataFileError(f"{path}: {exc}") from exc
