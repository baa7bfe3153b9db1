"""Data dumps at /dumps/ and their DCAT description.

- ``/dumps/plankg.ttl`` (sorted ``longturtle``), ``plankg.nt`` (sorted lines), ``plankg.jsonld``
  (compact ``@context`` of the project prefixes), ``plankg.rdf`` (RDF/XML): every triple of every
  graph of the build (plan data, ontology, inferred), merged into one graph.
  ``plankg.trig`` keeps the named graphs (the build's own TriG file).
- The files are written by the build (:mod:`plankg.build.dumps`); this module only serves them.
- ``/dumps/`` lists them for browsers and answers RDF clients with the DCAT description, which is
  also at ``/dumps/dcat.ttl``: a ``dcat:Catalog`` with the ``dcat:Dataset`` (the same IRI as the
  VoID dataset of ``/.well-known/void``, which it links with ``rdfs:seeAlso``; it adds
  ``void:dataDump`` for each file), one ``dcat:Distribution`` per dump (``dcat:downloadURL``,
  ``dcat:mediaType`` as an IANA IRI), and the ``dcat:DataService`` at ``/sparql``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, render_template, request, url_for
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from plankg.config import ONTOLOGY_IRI
from plankg.build.dumps import DUMPS, DUMPS_DIR
from plankg.web import conneg, state
from plankg.web.api import corpus_titles

log = logging.getLogger(__name__)

bp = Blueprint("dumps", __name__)

IANA = "https://www.iana.org/assignments/media-types/"
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")


BY_NAME = {d.name: d for d in DUMPS}


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
    g.add((dataset, DCTERMS.title, Literal(f"{corpus_titles()} 知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal(f"Knowledge graph of {corpus_titles()}", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Items, tasks, responsibilities (with their chain of accountability), targets and "
        "deadlines of each plan, each with the sentence of the plan it comes from.", lang="en")))
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
    path = (state().build_dir / DUMPS_DIR / name).resolve()
    if not path.is_file():
        abort(404, f"the build has no dump {name!r}; rebuild it with `plankg build`")
    resp = send_file(path, mimetype=dump.content_type, as_attachment=True,
                     download_name=name, max_age=3600)
    resp.headers["Content-Type"] = dump.content_type
    return resp
