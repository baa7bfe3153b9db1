"""The dumps at /dumps/: every format parses to the same triples, with the right media type and
Content-Disposition, and the DCAT description lists every dump with a working downloadURL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from httpkit import make_app
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID, XSD

FILES = {
    "plankg.ttl": ("text/turtle", "turtle"),
    "plankg.nt": ("application/n-triples", "nt"),
    "plankg.jsonld": ("application/ld+json", "json-ld"),
    "plankg.rdf": ("application/rdf+xml", "xml"),
    "plankg.trig": ("application/trig", "trig"),
}
IANA = "https://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def dumps_client(build_dir: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A service over a copy of the session build (the dumps are written into the build dir)."""
    copy = tmp_path_factory.mktemp("dumps") / "build"
    shutil.copytree(build_dir, copy)
    app = make_app(copy)
    try:
        yield app.test_client()
    finally:
        app.extensions["plankg"].close()


def canonical(o: Literal) -> Literal:
    """A literal in one lexical form per value: ``"x"^^xsd:string`` as ``"x"``, and decimals
    normalised (Turtle's shorthand writes ``"2200"^^xsd:decimal`` as ``2200.0``)."""
    if o.datatype == XSD.string:
        return Literal(str(o))
    if o.datatype == XSD.decimal:
        return Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
    return o


def as_triples(body: str, syntax: str) -> Graph:
    """A dump parsed into one graph (TriG's named graphs merged), literals made canonical."""
    out = Graph()
    if syntax == "trig":
        ds = Dataset()
        ds.parse(data=body, format="trig")
        triples = ((s, p, o) for s, p, o, _g in ds.quads((None, None, None, None)))
    else:
        triples = iter(Graph().parse(data=body, format=syntax))
    for s, p, o in triples:
        out.add((s, p, canonical(o) if isinstance(o, Literal) else o))
    return out


@pytest.fixture(scope="module")
def parsed(dumps_client: FlaskClient) -> dict[str, Graph]:
    """Every dump, downloaded and parsed."""
    out = {}
    for name, (_media, syntax) in FILES.items():
        resp = dumps_client.get(f"/dumps/{name}")
        assert resp.status_code == 200, name
        out[name] = as_triples(resp.get_data(as_text=True), syntax)
    return out


@pytest.mark.parametrize("name", sorted(FILES))
def test_dump_headers(dumps_client: FlaskClient, name: str) -> None:
    resp = dumps_client.get(f"/dumps/{name}")
    assert resp.status_code == 200
    assert resp.mimetype == FILES[name][0]
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert name in resp.headers["Content-Disposition"]


def test_dumps_hold_the_same_triples(parsed: dict[str, Graph]) -> None:
    counts = {name: len(g) for name, g in parsed.items()}
    assert len(set(counts.values())) == 1, counts
    assert counts["plankg.ttl"] > 10_000
    reference = parsed["plankg.nt"]
    for name, g in parsed.items():
        assert isomorphic(reference, g), name


def test_dump_count_matches_void(dumps_client: FlaskClient, parsed: dict[str, Graph]) -> None:
    void = Graph().parse(data=dumps_client.get("/.well-known/void").get_data(as_text=True),
                         format="turtle")
    dataset = next(s for s in void.subjects(RDF.type, VOID.Dataset) if str(s).endswith("#dataset"))
    assert int(void.value(dataset, VOID.triples)) == len(parsed["plankg.ttl"])


def test_ntriples_are_sorted_and_jsonld_is_compact(dumps_client: FlaskClient) -> None:
    lines = dumps_client.get("/dumps/plankg.nt").get_data(as_text=True).splitlines()
    assert lines == sorted(lines)
    doc = dumps_client.get("/dumps/plankg.jsonld").get_json(force=True)
    assert doc["@context"]["plan"] == "https://w3id.org/plankg/ontology#"
    assert doc["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"


def test_unknown_dump_is_404(dumps_client: FlaskClient) -> None:
    assert dumps_client.get("/dumps/plankg.csv").status_code == 404


def dcat_graph(client: FlaskClient, path: str = "/dumps/dcat.ttl", **headers: str) -> Graph:
    """The DCAT description, parsed."""
    resp = client.get(path, headers=headers)
    assert resp.status_code == 200
    assert resp.mimetype == "text/turtle"
    return Graph().parse(data=resp.get_data(as_text=True), format="turtle")


def test_dcat_lists_every_dump(dumps_client: FlaskClient) -> None:
    g = dcat_graph(dumps_client)
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    found = {}
    for dist in g.objects(datasets[0], DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in g
        url = str(g.value(dist, DCAT.downloadURL))
        found[urlsplit(url).path.rsplit("/", 1)[-1]] = (url, str(g.value(dist, DCAT.mediaType)))
    assert set(found) == set(FILES)
    for name, (url, media) in found.items():
        assert media == IANA + FILES[name][0]
        resp = dumps_client.get(urlsplit(url).path)
        assert resp.status_code == 200 and resp.mimetype == FILES[name][0]


def test_dcat_data_service_and_void_link(dumps_client: FlaskClient) -> None:
    g = dcat_graph(dumps_client)
    service = next(g.subjects(RDF.type, DCAT.DataService))
    assert urlsplit(str(g.value(service, DCAT.endpointURL))).path == "/sparql"
    dataset = next(g.subjects(RDF.type, DCAT.Dataset))
    assert (service, DCAT.servesDataset, dataset) in g
    # One dataset, two descriptions: DCAT here, VoID at /.well-known/void, same IRI.
    void = Graph().parse(data=dumps_client.get("/.well-known/void").get_data(as_text=True),
                         format="turtle")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert len(list(g.objects(dataset, VOID.dataDump))) == len(FILES)


def test_listing_negotiates(dumps_client: FlaskClient) -> None:
    page = dumps_client.get("/dumps/", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    for name in FILES:
        assert f'href="/dumps/{name}"' in html
    g = dcat_graph(dumps_client, "/dumps/", Accept="text/turtle")
    assert next(g.subjects(RDF.type, DCAT.Catalog), None) is not None
    assert isinstance(next(g.subjects(RDF.type, DCAT.Dataset)), URIRef)
