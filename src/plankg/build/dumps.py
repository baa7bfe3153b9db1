"""The build's data dumps: every triple of every graph merged (Turtle, N-Triples, JSON-LD, RDF/XML)
and the named graphs kept (TriG), written once by the build into ``<build>/dumps/``.

The merged graph is the store's union default graph. pyoxigraph writes Turtle, N-Triples (lines
sorted, for diffs) and RDF/XML straight from the store, and JSON-LD a batch of subjects at a time, compacted
here with a ``@context`` of the project's prefixes, which pyoxigraph's writer does not make.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
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


def write_dumps(folder: Path, store: ox.Store, trig: Path, prefixes: dict[str, str]) -> None:
    """Write every dump into ``folder`` from the build's store (open) and its TriG file."""
    folder.mkdir()
    union = ox.DefaultGraph()
    store.dump(str(folder / "plankg.ttl"), ox.RdfFormat.TURTLE, from_graph=union, prefixes=prefixes)
    store.dump(str(folder / "plankg.rdf"), ox.RdfFormat.RDF_XML, from_graph=union, prefixes=prefixes)
    unsorted = folder / ".plankg.nt"
    store.dump(str(unsorted), ox.RdfFormat.N_TRIPLES, from_graph=union)
    sort_lines(unsorted, folder / "plankg.nt")
    unsorted.unlink()
    write_compact_jsonld(store, folder / "plankg.jsonld", prefixes)
    try:
        os.link(trig, folder / "plankg.trig")  # the same bytes: no second copy on disk
    except OSError:
        shutil.copyfile(trig, folder / "plankg.trig")
    for dump in DUMPS:
        (folder / dump.name).chmod(0o644)


def sort_lines(source: Path, target: Path) -> None:
    """Sort a file's lines bytewise (so that two builds' N-Triples diff well), in bounded memory:
    with the system's ``sort`` (an external merge sort with a fixed 256 MiB buffer) where there is one."""
    if sort := shutil.which("sort"):
        subprocess.run([sort, "-S", "256M", "-T", str(target.parent), "-o", str(target), str(source)],
                       env={**os.environ, "LC_ALL": "C"}, check=True)
    else:
        target.write_bytes(b"".join(sorted(source.read_bytes().splitlines(keepends=True))))


def write_compact_jsonld(store: ox.Store, target: Path, prefixes: dict[str, str], batch: int = 20_000) -> None:
    """The union graph as JSON-LD with one ``@context`` of the project's prefixes.

    pyoxigraph writes expanded JSON-LD only; each batch of subjects it writes is compacted here
    against that context (:class:`PrefixCompactor`), so memory stays one batch's."""
    compactor = PrefixCompactor(prefixes)
    quads = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    with target.open("w", encoding="utf-8") as out:
        out.write('{"@context": ' + json.dumps(prefixes, ensure_ascii=False) + ',\n "@graph": [')
        sep = "\n  "
        for chunk in _subject_batches(quads, batch):
            for node in json.loads(ox.serialize(chunk, format=ox.RdfFormat.JSON_LD)):
                out.write(sep + json.dumps(compactor.node(node), ensure_ascii=False))
                sep = ",\n  "
        out.write("\n]}\n")


class PrefixCompactor:
    """JSON-LD 1.1 compaction of expanded node objects against a context of prefixes only: IRIs
    become compact IRIs (the shortest; none whose suffix is empty or starts with //), values with
    neither datatype nor language become plain strings, one-element arrays their element."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))  # the longest namespace first
        self.names = set(prefixes)

    def iri(self, iri: str) -> str:
        for name, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{name}:{iri[len(ns):]}"
        if iri.split(":", 1)[0] in self.names:  # would be read back as a compact IRI
            raise ValueError(f"IRI {iri!r} cannot be written in JSON-LD with the prefix {iri.split(':')[0]!r}")
        return iri

    def value(self, v: dict[str, str]) -> object:
        if "@id" in v:
            return {"@id": self.iri(v["@id"])}
        if "@type" in v:
            return {"@value": v["@value"], "@type": self.iri(v["@type"])}
        return v if "@language" in v else v["@value"]

    def node(self, node: dict[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, values in node.items():
            if key == "@id":
                out[key] = self.iri(str(values))
                continue
            compact = [self.value(v) for v in values]  # type: ignore[attr-defined]
            out[self.iri(key)] = compact[0] if len(compact) == 1 else compact
        return out


def _subject_batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Triple]]:
    """Runs of about ``size`` triples (quads in subject order) that never split one subject's."""
    chunk: list[ox.Triple] = []
    subject = None
    for quad in quads:
        if len(chunk) >= size and quad.subject != subject:
            yield chunk
            chunk = []
        chunk.append(quad.triple)
        subject = quad.subject
    if chunk:
        yield chunk
