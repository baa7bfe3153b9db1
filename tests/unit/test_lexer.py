"""The one SPARQL lexer: query forms, updates, SERVICE, FROM, nesting, normalised text."""

from __future__ import annotations

import pytest

from plankg.kb.lexer import inspect_query, normalise


@pytest.mark.parametrize(("text", "form", "update", "service", "dataset"), [
    ("SELECT * { ?s ?p ?o }", "SELECT", False, False, False),
    ("# c\nPREFIX a: <x:> BASE <y:> ask {}", "ASK", False, False, False),
    ("describe <x:>", "DESCRIBE", False, False, False),
    ("CONSTRUCT {} FROM <g> WHERE {}", "CONSTRUCT", False, False, True),
    ("PREFIX : <x:> INSERT DATA { :a :b :c }", None, True, False, False),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, True, False, False),
    ("SELECT * { SeRvIcE <x:> {} }", "SELECT", False, True, False),
    ("SELECT * { \"SERVICE\" <x:from> ?from . ?s <x:p> ex:SERVICE }", "SELECT", False, False, False),
    ("SELECT * { \\u0053ERVICE <x:> {} }", "SELECT", False, True, False),
])
def test_inspect_query(text: str, form: str | None, update: bool, service: bool, dataset: bool) -> None:
    info = inspect_query(text)
    assert (info.form, info.update, info.service, info.dataset_clause) == (form, update, service, dataset)


def test_depth_counts_every_kind_of_bracket_but_not_in_strings() -> None:
    assert inspect_query("SELECT * { { ?s ?p ?o FILTER((1)) } }").depth == 4
    assert inspect_query("SELECT * { ?s ?p '((((((' }").depth == 1


def test_normalise_ignores_layout_and_comments() -> None:
    a = "SELECT ?s\nWHERE {   ?s ?p ?o } # all"
    b = "SELECT ?s WHERE { ?s ?p ?o }"
    assert normalise(a) == normalise(b)
    assert normalise("SELECT ?s WHERE { ?s ?p 'a  b' }") != normalise("SELECT ?s WHERE { ?s ?p 'a b' }")
