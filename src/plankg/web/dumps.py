"""Data dumps at /dumps/ and their DCAT description.

- ``/dumps/plankg.ttl`` (sorted ``longturtle``), ``plankg.nt`` (sorted lines), ``plankg.jsonld``
  (compact ``@context`` of the project prefixes), ``plankg.rdf`` (RDF/XML): every triple of every
  graph of the build (plan data, ontology, inferred), merged into one graph.
  ``plankg.trig`` keeps the named graphs (the build's own TriG file).
- The files are written on the first request into ``<build>/dumps/`` (atomically; rewritten when
  ``plankg.nq`` is newer), or kept in memory when the build directory is read-only.
- ``/dumps/`` lists them for browsers and answers RDF clients with the DCAT description, which is
  also at ``/dumps/dcat.ttl``: a ``dcat:Catalog`` with the ``dcat:Dataset`` (the same IRI as the
  VoID dataset of ``/.well-known/void``, which it links with ``rdfs:seeAlso``; it adds
  ``void:dataDump`` for each file), one ``dcat:Distribution`` per dump (``dcat:downloadURL``,
  ``dcat:mediaType`` as an IANA IRI), and the ``dcat:DataService`` at ``/sparql``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, url_for
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from plankg.config import ONTOLOGY_IRI
from plankg.web import conneg, state

log = logging.getLogger(__name__)

bp = Blueprint("dumps", __name__)

IANA = "https://www.iana.org/assignments/media-types/"
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
DUMPS_DIR = "dumps"


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, rdflib serialiser, media type and W3C format IRI."""

    name: str
    serializer: str
    media_type: str
    title: str
    format_iri: str

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return f"{self.media_type}; charset=utf-8"


DUMPS: tuple[Dump, ...] = (
    Dump("plankg.ttl", "longturtle", "text/turtle", "Turtle", "Turtle"),
    Dump("plankg.nt", "nt", "application/n-triples", "N-Triples", "N-Triples"),
    Dump("plankg.jsonld", "json-ld", "application/ld+json", "JSON-LD", "JSON-LD"),
    Dump("plankg.rdf", "xml", "application/rdf+xml", "RDF/XML", "RDF_XML"),
    Dump("plankg.trig", "trig", "application/trig", "TriG (named graphs)", "TriG"),
)
BY_NAME = {d.name: d for d in DUMPS}


# ---------------------------------------------------------------------------------------------
# Generating the files
# ---------------------------------------------------------------------------------------------

def merged_graph(build_dir: Path) -> Graph:
    """Every triple of the build's N-Quads, all graphs merged, with the project prefixes."""
    from rdflib import Dataset

    from plankg.kb.store import dataset_path
    from plankg.web.resources import prefixes

    ds = Dataset()
    ds.parse(dataset_path(build_dir), format="nquads")
    g = Graph(bind_namespaces="none")
    for prefix, ns in prefixes().items():
        g.bind(prefix, ns)
    for s, p, o, _graph in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def serialise(g: Graph, dump: Dump, build_dir: Path) -> bytes:
    """One dump's bytes."""
    from plankg.web.resources import prefixes

    if dump.serializer == "trig":
        return (build_dir / "plankg.trig").read_bytes()
    if dump.serializer == "nt":
        lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8")
    if dump.serializer == "json-ld":
        return g.serialize(format="json-ld", context=prefixes(), encoding="utf-8")
    return g.serialize(format=dump.serializer, encoding="utf-8")


def fresh(folder: Path, build_dir: Path) -> bool:
    """Whether every dump in ``folder`` exists and is newer than the build's N-Quads."""
    source = (build_dir / "plankg.nq").stat().st_mtime
    return all((folder / d.name).is_file() and (folder / d.name).stat().st_mtime >= source
               for d in DUMPS)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling and os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def generate(build_dir: Path) -> dict[str, bytes | Path]:
    """All dumps: paths in ``<build>/dumps/`` when writable, else bytes in memory."""
    folder = build_dir / DUMPS_DIR
    if folder.is_dir() and fresh(folder, build_dir):
        return {d.name: folder / d.name for d in DUMPS}
    g = merged_graph(build_dir)
    data = {d.name: serialise(g, d, build_dir) for d in DUMPS}
    try:
        folder.mkdir(exist_ok=True)
        for name, body in data.items():
            write_atomically(folder / name, body)
    except OSError as exc:
        log.warning("cannot write dumps into %s (%s); keeping them in memory", folder, exc)
        return dict(data)
    log.info("wrote %d dumps (%d triples) into %s", len(data), len(g), folder)
    return {name: folder / name for name in data}


def dumps() -> dict[str, bytes | Path]:
    """The dumps of the served build, generated once per app (thread-safe)."""
    cache = state().cache
    lock = cache.setdefault("dumps-lock", threading.Lock())
    with lock:
        if "dumps" not in cache:
            cache["dumps"] = generate(state().build_dir)
        return cache["dumps"]


# ---------------------------------------------------------------------------------------------
# DCAT
# ---------------------------------------------------------------------------------------------

def dataset_iri() -> URIRef:
    """The dataset's IRI: the one the VoID description at /.well-known/void uses."""
    return URIRef(url_for("describe.void", _external=True) + "#dataset")


def dcat_description() -> Graph:
    """DCAT: catalogue, dataset, one distribution per dump, and the SPARQL data service."""
    from plankg.web.describe import manifest

    g = Graph(bind_namespaces="core")
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("void", VOID),
                       ("formats", FORMATS_NS)):
        g.bind(prefix, ns)
    listing = url_for("dumps.listing", _external=True)
    catalog, dataset = URIRef(listing + "#catalog"), dataset_iri()
    endpoint = URIRef(url_for("sparql.endpoint", _external=True))
    info = manifest()
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("plankg data catalogue", lang="en")))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, endpoint))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("泸州市教育局2014年工作要点 知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal(
        "Knowledge graph of the 2014 work plan of the Luzhou Municipal Education Bureau",
        lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Items, tasks, responsibilities (with their chain of accountability), targets and "
        "deadlines of the plan, each with the sentence of the plan it comes from.", lang="en")))
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, DCAT.landingPage, URIRef(url_for("dumps.listing", _external=True))))
    g.add((dataset, RDFS.seeAlso, URIRef(url_for("describe.void", _external=True))))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    g.add((dataset, DCAT.keyword, Literal("work plan", lang="en")))
    g.add((dataset, DCAT.keyword, Literal("一岗双责", lang="zh")))
    if info.get("built"):
        g.add((dataset, DCTERMS.modified, Literal(info["built"], datatype=XSD.dateTime)))
    base = str(info.get("base_iri") or "")
    for plan in info.get("plans", []):
        if base and plan.get("key"):
            g.add((dataset, DCTERMS.source, URIRef(f"{base}id/plan/{plan['key']}")))
    for dump in DUMPS:
        dist = URIRef(f"{listing}#{dump.name}")
        download = URIRef(url_for("dumps.download", name=dump.name, _external=True))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, download))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{dump.name} ({dump.title})", lang="en")))
        g.add((dist, DCAT.downloadURL, download))
        g.add((dist, DCAT.accessURL, URIRef(listing)))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
        g.add((dist, DCTERMS.format, FORMATS_NS[dump.format_iri]))
        g.add((dist, DCAT.accessService, endpoint))
    g.add((endpoint, RDF.type, DCAT.DataService))
    g.add((endpoint, DCTERMS.title, Literal("plankg SPARQL 1.1 endpoint (read-only)", lang="en")))
    g.add((endpoint, DCAT.endpointURL, endpoint))
    g.add((endpoint, DCAT.endpointDescription, endpoint))
    g.add((endpoint, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((endpoint, DCAT.servesDataset, dataset))
    return g


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------

@bp.route("/dumps/")
def listing() -> Response:
    """The dumps: an HTML list for browsers, the DCAT description for RDF clients."""
    from plankg.web.describe import graph_response, negotiated_graph_format
    from plankg.web.sparql import format_values

    if conneg.prefers_html(request.accept_mimetypes) and not format_values(request.args):
        body = render_template("dumps.html", dumps=DUMPS,
                               void=url_for("describe.void"), dcat=url_for("dumps.dcat"))
        resp = Response(body, 200, mimetype="text/html")
        resp.vary.add("Accept")
        return resp
    return graph_response(dcat_description(), negotiated_graph_format())


@bp.route("/dumps")
def listing_redirect() -> Response:
    """``/dumps`` -> ``/dumps/``."""
    from flask import redirect

    return redirect(url_for("dumps.listing"), 301)  # type: ignore[return-value]


@bp.route("/dumps/dcat.ttl")
def dcat() -> Response:
    """The DCAT description as Turtle."""
    body = dcat_description().serialize(format="turtle", encoding="utf-8")
    return Response(body, 200, content_type="text/turtle; charset=utf-8")


@bp.route("/dumps/<name>")
def download(name: str) -> Response:
    """One dump file, as an attachment with its media type."""
    from flask import send_file

    dump = BY_NAME.get(name)
    if dump is None:
        abort(404, f"no dump named {name!r}; the dumps are: {', '.join(BY_NAME)}")
    found = dumps()[name]
    if isinstance(found, Path):
        resp = send_file(found, mimetype=dump.content_type, as_attachment=True,
                         download_name=name, max_age=3600)
    else:
        resp = Response(found, 200, content_type=dump.content_type)
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Content-Type"] = dump.content_type
    return resp
