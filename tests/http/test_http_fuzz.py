"""Property-based tests of the HTTP surface: random and mutated queries, headers and bodies
never produce a 500, a stack trace, or a hang."""

from __future__ import annotations

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEEDS = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3",
    "PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT ?i WHERE { ?i a plan:WorkItem } LIMIT 5",
    "ASK { ?s a <https://w3id.org/plankg/ontology#WorkItem> }",
    "CONSTRUCT WHERE { ?s a <https://w3id.org/plankg/ontology#WorkItem> } LIMIT 4",
    "DESCRIBE ?s WHERE { ?s a <https://w3id.org/plankg/ontology#WorkItem> } LIMIT 1",
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "教育")) }',
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n)",
]
SPARQL_BITS = ["{", "}", "(", ")", "?x", "<", ">", '"', "'", "#", "\\u0041", "SERVICE", "INSERT",
               "FROM", "GRAPH", "UNION", "OPTIONAL", "FILTER", ";", ".", ",", "*", "\n", "\x00",
               "💥", "教育", "LIMIT", "BIND", "VALUES", "a", ":", "_:b", "^^", "@zh"]
FIXED = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


def check(resp) -> None:  # noqa: ANN001
    """No 500, no traceback, an error status only with a message."""
    body = resp.get_data(as_text=True)
    assert resp.status_code != 500, body
    assert resp.status_code < 600
    assert "Traceback" not in body
    if resp.status_code >= 400 and resp.request.method != "HEAD":
        assert body.strip()


@st.composite
def mutated_query(draw: st.DrawFn) -> str:
    """A seed query with a few characters or SPARQL fragments inserted, deleted or replaced."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        bit = draw(st.one_of(st.sampled_from(SPARQL_BITS), st.text(min_size=1, max_size=3)))
        if op == "insert":
            text = text[:pos] + bit + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        else:
            text = text[:pos] + bit + text[pos + len(bit):]
    return text


@FIXED
@given(query=mutated_query())
def test_mutated_queries(client: FlaskClient, query: str) -> None:
    check(client.get("/sparql", query_string={"query": query}))


@FIXED
@given(query=st.text(max_size=200))
def test_random_text_as_query(client: FlaskClient, query: str) -> None:
    check(client.post("/sparql", data={"query": query}))


@FIXED
@given(body=st.binary(max_size=300),
       content_type=st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                                     "application/sparql-query; charset=utf-16", "multipart/form-data",
                                     "text/plain", "", "application/sparql-update", "garbage/;;;"]))
def test_random_bodies(client: FlaskClient, body: bytes, content_type: str) -> None:
    check(client.post("/sparql", data=body, content_type=content_type or None))


HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@FIXED
@given(accept=st.one_of(HEADER_TEXT, st.lists(st.sampled_from(
           ["text/csv", "text/turtle", "*/*", "application/*", "text/html", "application/ld+json",
            "application/sparql-results+xml", "image/png", "q=0.5", ";q=", ";q=abc", ",", "*/json"]),
           max_size=5).map(";".join)),
       fmt=st.one_of(st.none(), st.sampled_from(["json", "csv", "ttl", "nope", "", "text/csv"]),
                     HEADER_TEXT),
       query=st.sampled_from(SEEDS))
def test_random_headers_and_formats(client: FlaskClient, accept: str, fmt: str | None,
                                    query: str) -> None:
    params = {"query": query} if fmt is None else {"query": query, "format": fmt}
    check(client.get("/sparql", query_string=params, headers={"Accept": accept}))


@FIXED
@given(params=st.lists(st.tuples(
    st.sampled_from(["query", "update", "default-graph-uri", "named-graph-uri", "format", "output",
                     "x", ""]),
    st.one_of(st.sampled_from(SEEDS), HEADER_TEXT)), max_size=4),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"]),
    path=st.sampled_from(["/sparql", "/update", "/.well-known/void", "/sparql/", "/%ff", "/sparql?"]))
def test_random_parameters_methods_and_paths(client: FlaskClient, params: list[tuple[str, str]],
                                             method: str, path: str) -> None:
    check(client.open(path, method=method, query_string=params))
