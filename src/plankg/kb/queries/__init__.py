"""Named SPARQL queries: the `.rq` files of this folder, with their `#+` headers (grlc convention).

A header looks like::

    #+ summary: Who is first responsible for safety and stability?
    #+ description: ...
    #+ tags: [accountability]
    #+ params:
    #+   item: IRI of a plan:WorkItem (binds ?item)

Parameter values are checked (:func:`bindings`) and written into the text as RDF terms by
:func:`inline_bindings`, for every store: Oxigraph plans a query before it applies substitutions,
so only a term in the text is something the planner can start from (README.md, rule 5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from plankg.errors import BadParameter, PlanKGError, QueryNotFound
from plankg.kb.lexer import Token, inspect_query, matching_close, tokens

Term = ox.NamedNode | ox.Literal | ox.BlankNode
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True)
class NamedQuery:
    """A `.rq` file: its name (file stem), header fields and SPARQL text."""

    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    example: dict[str, str] = field(default_factory=dict)  # parameter values that make a good first try


def parse_header(text: str, name: str = "") -> dict[str, Any]:
    """The YAML in the leading `#+` comment lines."""
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    try:
        return (yaml.safe_load("\n".join(lines)) or {}) if lines else {}
    except yaml.YAMLError as exc:
        raise PlanKGError(f"{name}.rq: the #+ header is not valid YAML: {exc}") from None


def from_text(name: str, text: str) -> NamedQuery:
    """A NamedQuery from SPARQL text with a `#+` header."""
    h = parse_header(text, name)
    tags = h.get("tags") or []
    return NamedQuery(name, str(h.get("summary", name)), str(h.get("description", "")),
                      tuple(tags if isinstance(tags, list) else [tags]), dict(h.get("params") or {}), text,
                      {k: str(v) for k, v in (h.get("example") or {}).items()})


@cache
def list_queries() -> tuple[NamedQuery, ...]:
    """Every named query of the project, sorted by name (read once per process)."""
    folder = resources.files("plankg.kb.queries")
    return tuple(from_text(p.name[:-3], p.read_text("utf-8"))
                 for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".rq"))


def load_query(name_or_path: str) -> NamedQuery:
    """A named query by name (cq01, responsibility-chain) or a path to any .rq file."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return from_text(path.stem, path.read_text("utf-8"))
    for q in list_queries():
        if q.name == name_or_path:
            return q
    names = ", ".join(q.name for q in list_queries())
    raise QueryNotFound(f"no query named {name_or_path!r} (known: {names})")


def bindings(query: NamedQuery, values: Mapping[str, str]) -> dict[str, Term]:
    """Substitutions for ``values``: IRIs for http(s)/urn values, integers when numeric, else strings.

    :raises BadParameter: a parameter the query does not declare.
    """
    unknown = set(values) - set(query.params)
    if unknown:
        raise BadParameter(f"query {query.name!r} has no parameter {sorted(unknown)[0]!r} "
                           f"(parameters: {', '.join(query.params) or 'none'})")
    for k, v in values.items():
        check_value(query, k, v)
    return {k: term_for(v) for k, v in values.items()}


def check_value(query: NamedQuery, name: str, value: str) -> None:
    """A value of the shape the parameter's description asks for: "IRI of ...", "(integer)",
    "xsd:date".

    :raises BadParameter: naming the query, the parameter, what it takes and what was given.
    """
    described = str(query.params.get(name) or "")
    shapes = ((described.startswith("IRI"), r"(https?|urn):\S+", "an IRI (http://, https:// or urn:)"),
              ("(integer)" in described, r"-?\d+", "an integer"),
              ("xsd:date" in described, r"\d{4}-\d{2}-\d{2}", "a date YYYY-MM-DD"))
    for applies, pattern, what in shapes:
        if applies and not re.fullmatch(pattern, value):
            raise BadParameter(f"parameter {name!r} of {query.name} is {what}; got {value!r}")


def term_for(value: str) -> Term:
    """The RDF term a parameter value given as text stands for."""
    if value.startswith(("http://", "https://", "urn:")):
        return ox.NamedNode(value)
    if re.fullmatch(r"-?\d+", value):
        return ox.Literal(value, datatype=XSD_INTEGER)
    return ox.Literal(value)


# -- binding parameters: their terms written into the query text


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword after the prologue."""
    return inspect_query(text).form or "SELECT"


def _body_start(toks: list[Token]) -> int:
    """Index of the first token after the prologue (PREFIX and BASE declarations)."""
    i = 0
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in ("PREFIX", "BASE"):
        i += 3 if toks[i].text.upper() == "PREFIX" else 2
    return i


def _where_group(toks: list[Token], form: str) -> tuple[int, int]:
    """Token indexes of the braces of the WHERE group (the template's first brace for CONSTRUCT)."""
    i = _body_start(toks)
    first = next((n for n in range(i, len(toks)) if toks[n].text == "{"), len(toks) - 1)
    if form == "CONSTRUCT":
        last = max((n for n, t in enumerate(toks) if t.text == "}"), default=len(toks) - 1)
        return first, last
    return first, matching_close(toks, first)


PAGE_WORDS = ("LIMIT", "OFFSET", "VALUES")  # what may follow a query's WHERE clause and stop a page


def page(query: NamedQuery, limit: int | None, offset: int = 0) -> str:
    """The query's text asking for one page of its answer: ``LIMIT limit OFFSET offset`` appended.

    Only a query that orders its rows (ORDER BY) is paged: on a read-only build its pages are then
    stable and add up to the whole answer, so a question asked of every plan can be read a page at
    a time where its whole answer passes the row or byte limit.

    :raises BadParameter: a negative number or a limit of 0; a query that is not a SELECT, has no
        ORDER BY, or ends with a LIMIT, OFFSET or VALUES of its own.
    """
    if (limit is not None and limit < 1) or offset < 0:
        raise BadParameter(f"a page needs limit >= 1 and offset >= 0 (got limit={limit}, offset={offset})")
    form = query_form(query.text)
    if form != "SELECT":
        raise BadParameter(f"only the answer of a SELECT comes in pages; query {query.name!r} is "
                           f"{form or 'not a query'}")
    toks = tokens(query.text)
    first, close = _where_group(toks, form)
    after = [t.text.upper() for t in toks[close + 1:]]
    if any(word in PAGE_WORDS for word in after):
        raise BadParameter(f"query {query.name!r} ends with a LIMIT, OFFSET or VALUES of its own: "
                           "it cannot be paged")
    if "ORDER" not in after:
        raise BadParameter(f"query {query.name!r} has no ORDER BY: its pages would not be stable")
    # Rows that tie on the query's own keys may come in another order in each page's plan; the
    # projected variables after them (ORDER BY is the last clause) make the order total.
    ties = " ".join(_projected(toks[:first]))
    modifiers = ([f"LIMIT {limit}"] if limit is not None else []) + ([f"OFFSET {offset}"] if offset else [])
    return query.text.rstrip() + f" {ties}\n" + " ".join(modifiers) + "\n"


def _projected(head: list[Token]) -> list[str]:
    """The variables a SELECT clause projects (``?x`` and ``(... AS ?x)``), from its tokens."""
    out, depth = [], 0
    for n, t in enumerate(head):
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.kind == "var" and (depth == 0 or head[n - 1].text.upper() == "AS") and t.text not in out:
            out.append(t.text)
    return out


def with_values(text: str, values: str) -> str:
    """Add a VALUES block before the closing brace of the WHERE clause."""
    toks = tokens(text)
    if not any(t.text == "{" for t in toks):
        return text
    _, close = _where_group(toks, "SELECT")
    at = toks[close].start
    return f"{text[:at]}{values}\n{text[at:]}"


def inline_bindings(text: str, values: dict[str, str], form: str | None = None) -> str:
    """The query with its parameters bound, as substitutions would (so every engine sees constants).

    Each ``?param`` of the query pattern (and of a CONSTRUCT template) is replaced by its term; a
    SELECT/ASK also gets ``VALUES (?param ...) { (term ...) }`` at the end of its WHERE clause so that
    projected and grouped parameters keep their value. Only a VALUES block (the protocol's way, as
    a remote endpoint allows) is not enough: a FILTER in a nested group (trace-lookup's
    UNION branch) cannot see a variable bound outside it and answers nothing.
    """
    form = form or query_form(text)
    toks = tokens(text)
    if form == "DESCRIBE":
        first, last = _body_start(toks), len(toks) - 1
    else:
        first, last = _where_group(toks, form)
    out, at = [], 0
    for t in toks[first:last + 1]:
        if t.kind == "var" and t.text[1:] in values:
            out += [text[at:t.start], values[t.text[1:]]]
            at = t.end
    text = "".join(out) + text[at:]
    if form in ("SELECT", "ASK"):
        names = " ".join(f"?{k}" for k in values)
        text = with_values(text, f"VALUES ({names}) {{ ({' '.join(values.values())}) }}")
    return text
