"""Dereferencing the IRIs the graph mints: 200 + Vary: Accept content negotiation, suffix twins,
404s, hash IRIs, the ontology at its IRI, named graphs, and a configurable base IRI."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from httpkit import PLAN_NS, make_app, select
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, VOID, XSD

PLAN = Namespace(PLAN_NS)
BASE = "https://w3id.org/plankg/"
ITEM1 = "/id/plan/luzhou-2014/item/1"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml", "application/n-triples": "nt"}
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
            ".rdf": "application/rdf+xml", ".nt": "application/n-triples", ".html": "text/html"}


def parse(resp, mimetype: str | None = None) -> Graph:  # noqa: ANN001
    """The RDF body of a response, parsed by its media type."""
    return Graph().parse(data=resp.get_data(as_text=True),
                         format=PARSERS[mimetype or resp.mimetype])


def plain_strings(g: Graph) -> Graph:
    """The graph with ``"x"^^xsd:string`` as ``"x"`` (equal in RDF 1.1; JSON-LD drops the type)."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def kind(path: str) -> str:
    """The kind of a minted IRI: its path with numbers and slugs abstracted."""
    parts = path.strip("/").split("/")
    if parts[1] == "plan":
        return "/".join(["plan", *[p for i, p in enumerate(parts[3:]) if i % 2 == 0]])
    return parts[1]


def path_of(client: FlaskClient, where: str) -> str:
    """The request path of the first ?x matching a graph pattern (slugs are not hard-coded)."""
    rows = select(client, f"PREFIX plan: <{PLAN_NS}> PREFIX rdfs: <{RDFS}> "
                          f"SELECT ?x WHERE {{ {where} }} ORDER BY ?x LIMIT 1")
    return rows[0]["x"]["value"][len(BASE) - 1:]


@pytest.fixture(scope="module")
def director(client: FlaskClient) -> str:
    """The path of the post 泸州市教育局局长 (first responsible for safety in item 1)."""
    return path_of(client, '?x rdfs:label "泸州市教育局局长"@zh')


@pytest.fixture(scope="module")
def holders(client: FlaskClient, director: str) -> dict[str, str]:
    """Paths of a post, an organisation and a group that hold responsibilities."""
    return {
        "post": director,
        "org": path_of(client, '?x rdfs:label "泸州市教育局"@zh ; '
                               "a <http://www.w3.org/ns/org#Organization>"),
        "group": path_of(client, "?r plan:holder ?x . ?x a plan:AgentGroup . "
                                 "?r plan:answersTo ?up"),
    }


@pytest.fixture(scope="module")
def minted(client: FlaskClient) -> list[str]:
    """Request paths of every document IRI under the base (hash IRIs folded into their document)."""
    rows = select(client, "SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } "
                          f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), '{BASE}id/')) }}")
    return sorted({row["x"]["value"].split("#")[0][len(BASE) - 1:] for row in rows})


@pytest.fixture(scope="module")
def sample(minted: list[str]) -> dict[str, str]:
    """One request path per kind of minted IRI (item, task, responsibility, span, org, ...)."""
    out: dict[str, str] = {}
    for path in minted:
        out.setdefault(kind(path), path)
    return out


# ---- content negotiation ------------------------------------------------------------------------


def test_browser_gets_html_with_vary(client: FlaskClient) -> None:
    resp = client.get(ITEM1, headers={"Accept": BROWSER})
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert "Accept" in resp.headers["Vary"]
    assert resp.headers["Content-Location"] == ITEM1 + ".html"
    html = resp.get_data(as_text=True)
    assert "1.严格落实工作责任" in html and "item 1" in html      # zh and en labels
    assert "<mark>" in html and "市教育局局长是区域内教育安全稳定工作的第一责任人" in html
    assert '<svg' in html and "泸州市教育局局长" in html
    assert 'href="/id/post/' in html and 'href="https://w3id.org' not in html  # links stay local
    assert 'id="inbound"' in html


@pytest.mark.parametrize(("accept", "mimetype"), [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("*/*", "text/turtle"),
    ("", "text/turtle"),
    ("text/html;q=0.5, application/ld+json", "application/ld+json"),
    ("text/turtle;q=0.3, application/rdf+xml;q=0.8", "application/rdf+xml"),
    ("application/n-triples;q=0.9, text/turtle;q=0.1, text/html;q=0", "application/n-triples"),
    ("text/turtle;q=0.5, text/html", "text/html"),
    ("application/json", "application/ld+json"),
])
def test_accept_header_chooses(client: FlaskClient, accept: str, mimetype: str) -> None:
    resp = client.get(ITEM1, headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.mimetype == mimetype
    assert "Accept" in resp.headers["Vary"]
    ext = {v: k for k, v in SUFFIXES.items()}[mimetype]
    assert resp.headers["Content-Location"] == ITEM1 + ext
    if mimetype != "text/html":
        assert (URIRef(BASE + ITEM1[1:]), RDF.type, PLAN.WorkItem) in parse(resp)


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
def test_suffix_twin_fixes_the_format(client: FlaskClient, suffix: str) -> None:
    resp = client.get(ITEM1 + suffix, headers={"Accept": "image/png;q=0.1, text/plain"})
    assert resp.status_code == 200
    assert resp.mimetype == SUFFIXES[suffix]
    assert "Content-Location" not in resp.headers
    assert f'<{ITEM1}.ttl>; rel="alternate"; type="text/turtle"' in resp.headers["Link"]


def test_all_rdf_representations_agree(client: FlaskClient) -> None:
    graphs = [plain_strings(parse(client.get(ITEM1 + ext), mt))
              for ext, mt in SUFFIXES.items() if ext != ".html"]
    assert len(graphs[0]) > 50
    for g in graphs[1:]:
        assert isomorphic(graphs[0], g)


def test_format_parameter_overrides(client: FlaskClient) -> None:
    assert client.get(ITEM1, query_string={"format": "jsonld"}).mimetype == "application/ld+json"
    assert client.get(ITEM1, query_string={"format": "html"}).mimetype == "text/html"
    assert client.get(ITEM1, query_string={"format": "bogus"}).status_code == 400


def test_nothing_acceptable_is_406(client: FlaskClient) -> None:
    assert client.get(ITEM1, headers={"Accept": "image/png"}).status_code == 406


# ---- what the representations say ---------------------------------------------------------------


def test_item_rdf_has_label_and_evidence(client: FlaskClient) -> None:
    g = parse(client.get(ITEM1, headers={"Accept": "text/turtle"}))
    item = URIRef(BASE + ITEM1[1:])
    assert (item, RDFS.label, Literal("1.严格落实工作责任", lang="zh")) in g
    assert (item, RDFS.label, Literal("item 1", lang="en")) in g
    span = g.value(item, PLAN.evidence)
    assert span is not None
    assert "市教育局局长是区域内教育安全稳定工作的第一责任人" in str(g.value(span, PLAN.quote))
    assert (None, PLAN.statedIn, item) in g  # inbound links are part of the description


def test_responsibility_page_quotes_its_sentence_in_its_paragraph(client: FlaskClient,
                                                                  director: str) -> None:
    path = path_of(client, f"?x plan:holder <{BASE}{director[1:]}>")
    html = client.get(path, headers={"Accept": BROWSER}).get_data(as_text=True)
    marked = re.search(r"<p>(.*?)<mark>(.*?)</mark>(.*?)</p>", html, re.S)
    assert marked is not None
    assert marked.group(2) == "市教育局局长是区域内教育安全稳定工作的第一责任人"
    assert "1.严格落实工作责任" in marked.group(1)  # the paragraph around it


def test_hash_iris_are_served_by_their_document(client: FlaskClient) -> None:
    span = "/id/plan/luzhou-2014/span/808-1093"
    g = parse(client.get(span + ".ttl"))
    quote = URIRef(BASE + span[1:] + "#quote")
    assert (quote, RDF.type, URIRef("http://www.w3.org/ns/oa#TextQuoteSelector")) in g
    html = client.get(span, headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'id="quote"' in html and 'id="position"' in html
    assert "<mark>1.严格落实工作责任" in html


@pytest.mark.parametrize("which", ["item", "post", "org", "group"])
def test_chain_diagram_on_items_posts_orgs_groups(client: FlaskClient, holders: dict[str, str],
                                                 which: str) -> None:
    path = ITEM1 if which == "item" else holders[which]
    html = client.get(path, headers={"Accept": BROWSER}).get_data(as_text=True)
    svg = re.search(r"<svg[^>]*class=\"chain-diagram\".*?</svg>", html, re.S)
    assert svg is not None, path
    assert "chain-box" in svg.group(0)
    if which != "org":  # the bureau's own implementation duties answer to nobody in the plan
        assert "marker-end" in svg.group(0)
    if which in ("item", "post"):
        assert "泸州市教育局局长" in svg.group(0) and "第一责任" in svg.group(0)


def test_holder_page_lists_duties(client: FlaskClient, director: str) -> None:
    html = client.get(director, headers={"Accept": BROWSER}).get_data(as_text=True)
    duties = html[html.index('id="duties"'):]
    assert "第一责任" in duties and 'href="/id/plan/luzhou-2014/item/1"' in duties


# ---- every IRI resolves; unknown ones do not ----------------------------------------------------


def test_sample_of_every_kind_resolves(client: FlaskClient, sample: dict[str, str]) -> None:
    for expected in ("plan", "plan/item", "plan/item/task", "plan/item/responsibility",
                     "plan/span", "org", "post", "group", "place", "programme", "document"):
        assert expected in sample, sorted(sample)
    for path in sample.values():
        html = client.get(path, headers={"Accept": BROWSER})
        assert html.status_code == 200, path
        assert html.mimetype == "text/html"
        ttl = client.get(path + ".ttl")
        assert ttl.status_code == 200, path
        assert len(parse(ttl)) > 0


def test_every_minted_iri_resolves(client: FlaskClient, minted: list[str]) -> None:
    assert len(minted) > 500
    started = time.monotonic()
    failed = [p for p in minted
              if client.get(p, headers={"Accept": "text/turtle"}).status_code != 200]
    assert failed == []
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("path", ["/id/plan/luzhou-2014/item/999", "/id/nothing",
                                  "/id/org/no-such-org.ttl", "/graph/no-such-graph"])
def test_unknown_iris_are_404(client: FlaskClient, path: str) -> None:
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.mimetype == ("text/plain" if path.endswith(".ttl") else "text/html")
    assert "404" in page.get_data(as_text=True)
    rdf = client.get(path, headers={"Accept": "text/turtle"})
    assert rdf.status_code == 404
    assert rdf.mimetype == "text/plain"


# ---- named graphs and the ontology --------------------------------------------------------------


def test_named_graph_iri_gives_its_void_description(client: FlaskClient) -> None:
    g = parse(client.get("/graph/luzhou-2014", headers={"Accept": "text/turtle"}))
    graph = URIRef(BASE + "graph/luzhou-2014")
    assert int(g.value(graph, VOID.triples)) > 1000
    assert client.get("/graph/luzhou-2014", headers={"Accept": BROWSER}).status_code == 200


def test_ontology_for_browsers_and_rdf_clients(client: FlaskClient) -> None:
    page = client.get("/ontology", headers={"Accept": BROWSER})
    assert page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert 'id="WorkItem"' in html and "工作条目" in html and "work item" in html
    assert 'id="FirstResponsibility"' in html and "第一责任" in html
    ttl = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle"
    g = parse(ttl)
    assert (URIRef("https://w3id.org/plankg/ontology"), RDF.type, OWL.Ontology) in g
    owl = client.get("/ontology.owl")
    assert owl.mimetype == "application/rdf+xml"
    assert isomorphic(parse(owl), g)
    assert isomorphic(parse(client.get("/ontology.ttl")), g)


# ---- a different base IRI -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A service over a build minted under http://data.example.org/plans/."""
    from plankg.build.pipeline import run_build

    out: Path = tmp_path_factory.mktemp("other-base") / "build"
    run_build(out=out, base_iri="http://data.example.org/plans/", check=False)
    app = make_app(out)
    try:
        yield app.test_client()
    finally:
        app.extensions["plankg"].close()


def test_base_iri_is_configurable(other_base: FlaskClient) -> None:
    resp = other_base.get("/id/plan/luzhou-2014/item/19", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    g = parse(resp)
    item = URIRef("http://data.example.org/plans/id/plan/luzhou-2014/item/19")
    assert (item, RDF.type, PLAN.WorkItem) in g
    assert not any(str(s).startswith(BASE) for s in g.subjects())
    html = other_base.get("/id/plan/luzhou-2014/item/19",
                          headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "http://data.example.org/plans/id/plan/luzhou-2014/item/19" in html
    assert 'href="/id/plan/luzhou-2014/item/19/task/1"' in html
