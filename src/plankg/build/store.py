"""The build's query store: an on-disk Oxigraph (RocksDB) store that readers open read-only.

The SPARQL default graph of the service is the set union of every graph (Fuseki's
``unionDefaultGraph``). Oxigraph 0.5's own union mode repeats a triple once per graph that holds it
(oxigraph/oxigraph#1919), so the union is copied into the store's real default graph here, once,
and readers query the default graph as it is. Named graphs stay as built, for GRAPH and FROM NAMED.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from plankg.errors import PlanKGError

log = logging.getLogger(__name__)

STORE_DIR = "store"            # the store's folder inside a build
DATASET_FILE = "plankg.nq"     # the build's dataset as N-Quads (the store's source)

# File suffix -> (pyoxigraph format, holds named graphs)
FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    ".ttl": (ox.RdfFormat.TURTLE, False),
    ".turtle": (ox.RdfFormat.TURTLE, False),
    ".nt": (ox.RdfFormat.N_TRIPLES, False),
    ".ntriples": (ox.RdfFormat.N_TRIPLES, False),
    ".n3": (ox.RdfFormat.N3, False),
    ".rdf": (ox.RdfFormat.RDF_XML, False),
    ".owl": (ox.RdfFormat.RDF_XML, False),
    ".xml": (ox.RdfFormat.RDF_XML, False),
    ".jsonld": (ox.RdfFormat.JSON_LD, False),
    ".trig": (ox.RdfFormat.TRIG, True),
    ".nq": (ox.RdfFormat.N_QUADS, True),
    ".nquads": (ox.RdfFormat.N_QUADS, True),
}


class DataFileError(PlanKGError):
    """An RDF file that is missing, of an unknown format, or not parseable."""


def file_format(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of a file, from its suffix, and whether it holds named graphs."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise DataFileError(f"{path}: unknown RDF format {path.suffix!r} (known: {known})") from None


def graph_name_for(path: Path, base: str = "urn:x-plankg:data:") -> ox.NamedNode:
    """The named graph a triples file is loaded into: a name from the file's name, not its path."""
    return ox.NamedNode(base + path.name)


def write_store(folder: Path, files: Iterable[Path]) -> int:
    """Load RDF files into a new store at ``folder`` with the union default graph; its quad count.

    Triples files go to a graph named after the file (:func:`graph_name_for`); quads files keep
    their graphs. The caller writes into a fresh folder and swaps it in (atomic builds).
    """
    store = ox.Store(str(folder))
    try:
        for path in files:
            fmt, quads = file_format(path)
            try:
                store.bulk_load(path=str(path), format=fmt,
                                to_graph=None if quads else graph_name_for(path),
                                base_iri=path.resolve().as_uri())
            except (SyntaxError, ValueError, OSError) as exc:
                raise DataFileError(f"{path}: {exc}") from exc
        default = ox.DefaultGraph()
        for graph in list(store.named_graphs()):  # one graph at a time: memory stays one plan's
            store.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, default)
                               for q in store.quads_for_pattern(None, None, None, graph)])
        store.optimize()
        store.flush()
        return len(store)
    finally:
        del store


class BuildStore:
    """The build's store at ``folder``, filled from N-Triples files, each into its named graph and
    then all into the union default graph. Everything streams: memory does not grow with the data."""

    def __init__(self, folder: Path) -> None:
        self.store = ox.Store(str(folder))
        self.loaded: list[tuple[Path, bool]] = []  # each file, and whether it may hold blank nodes

    def load(self, graphs: Sequence[tuple[Path, ox.NamedNode]]) -> None:
        """Load each file into its named graph."""
        for path, graph in graphs:
            blank = has_blank_nodes(path)
            self._add(path, graph, blank)
            self.loaded.append((path, blank))

    def _add(self, path: Path, graph: ox.NamedNode | ox.DefaultGraph, blank: bool) -> None:
        if not blank:  # the plans' graphs: parsed by the store's own loader, fast
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            return
        # bulk_load would give blank nodes new random labels: parsed here, they keep the file's, so
        # that equal inputs give byte-equal N-Quads and one build id
        self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                               for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))

    def holds(self, s: str, p: str, o: str) -> bool:
        """Whether a named graph loaded so far holds the triple of these IRIs."""
        nodes = (ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
        return next(self.store.quads_for_pattern(*nodes), None) is not None

    def finish(self, dataset_file: Path, trig_file: Path, prefixes: dict[str, str]) -> ox.Store:
        """Write the named graphs to ``dataset_file`` (N-Quads) and ``trig_file`` (TriG), then fill
        the union default graph (a triple in several graphs is stored once) and compact the store.
        The store is returned open for the dumps; the caller deletes it when done."""
        self.store.dump(str(dataset_file), ox.RdfFormat.N_QUADS)  # the default graph is empty here
        self.store.dump(str(trig_file), ox.RdfFormat.TRIG, prefixes=prefixes)
        for path, blank in self.loaded:
            self._add(path, ox.DefaultGraph(), blank)
        self.store.optimize()
        self.store.flush()
        return self.store


def has_blank_nodes(path: Path) -> bool:
    """Whether an N-Triples file may hold a blank node (``_:`` anywhere, even inside a literal)."""
    with path.open("rb") as f:
        tail = b""
        for block in iter(lambda: f.read(1 << 20), b""):
            if b"_:" in tail + block:
                return True
            tail = block[-1:]
    return False


def build_query(name: str) -> str:
    """A query the build runs on its own store (``build/queries/NAME.rq``)."""
    return resources.files("plankg.build").joinpath("queries", f"{name}.rq").read_text("utf-8")
