"""The build's data dumps: every triple of every graph merged (Turtle, N-Triples, JSON-LD, RDF/XML)
and the named graphs kept (TriG), written once by the build into ``<build>/dumps/``.

The merged graph is the store's union default graph. pyoxigraph writes Turtle, N-Triples (lines
sorted, for diffs) and RDF/XML; rdflib writes JSON-LD, with a compact ``@context`` of the project's
prefixes, which pyoxigraph's writer does not make.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

DUMPS_DIR = "dumps"


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, media type, title and the W3C format IRI's local name."""

    name: str
    media_type: str
    title: str
    format_iri: str

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return f"{self.media_type}; charset=utf-8"


DUMPS: tuple[Dump, ...] = (
    Dump("plankg.ttl", "text/turtle", "Turtle", "Turtle"),
    Dump("plankg.nt", "application/n-triples", "N-Triples", "N-Triples"),
    Dump("plankg.jsonld", "application/ld+json", "JSON-LD", "JSON-LD"),
    Dump("plankg.rdf", "application/rdf+xml", "RDF/XML", "RDF_XML"),
    Dump("plankg.trig", "application/trig", "TriG (named graphs)", "TriG"),
)


def _merged(store: ox.Store) -> list[ox.Triple]:
    """The triples of the union default graph."""
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def write_dumps(folder: Path, store_dir: Path, trig: Path, prefixes: dict[str, str]) -> None:
    """Write every dump into ``folder`` from the build's store and TriG file."""
    import rdflib

    folder.mkdir()
    store = ox.Store.read_only(str(store_dir))
    triples = _merged(store)
    ox.serialize(triples, str(folder / "plankg.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    lines = sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines())
    (folder / "plankg.nt").write_bytes(b"\n".join(lines) + b"\n")
    ox.serialize(triples, str(folder / "plankg.rdf"), ox.RdfFormat.RDF_XML, prefixes=prefixes)
    graph = rdflib.Graph(bind_namespaces="none")
    graph.parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    graph.serialize(folder / "plankg.jsonld", format="json-ld", context=prefixes, encoding="utf-8")
    shutil.copyfile(trig, folder / "plankg.trig")
    for dump in DUMPS:
        (folder / dump.name).chmod(0o644)
