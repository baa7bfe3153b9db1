"""Named SPARQL queries: the `.rq` files of this folder, with their `#+` headers (grlc convention).

A header looks like::

    #+ summary: Who is first responsible for safety and stability?
    #+ description: ...
    #+ tags: [accountability]
    #+ params:
    #+   item: IRI of a plan:WorkItem (binds ?item)

Parameters are bound with `initBindings`, never by editing the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from plankg.errors import PlanKGError, QueryNotFound


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


def list_queries() -> list[NamedQuery]:
    """Every named query of the project, sorted by name."""
    folder = resources.files("plankg.kb.queries")
    return [from_text(p.name[:-3], p.read_text("utf-8"))
            for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".rq")]


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


def bindings(query: NamedQuery, values: dict[str, str]) -> dict[str, Node]:
    """initBindings for `values`: IRIs for http(s)/urn values, literals (int when numeric) otherwise."""
    unknown = set(values) - set(query.params)
    if unknown:
        raise QueryNotFound(f"query {query.name!r} has no parameter {sorted(unknown)[0]!r} "
                            f"(parameters: {', '.join(query.params) or 'none'})")
    out: dict[str, Node] = {}
    for k, v in values.items():
        if v.startswith(("http://", "https://", "urn:")):
            out[k] = URIRef(v)
        elif v.lstrip("-").isdigit():
            out[k] = Literal(int(v))
        else:
            out[k] = Literal(v)
    return out


def run(query: NamedQuery, graph: Any, values: dict[str, str] | None = None) -> Result:
    """Run a named query on an rdflib Graph/Dataset (text + initBindings, so Oxigraph evaluates it)."""
    return graph.query(query.text, initBindings=bindings(query, values or {}))


# -- binding parameters for a remote endpoint, where the protocol has no initBindings


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword after the prologue."""
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    m = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    return m[1].upper() if m else "SELECT"


def with_values(text: str, values: str) -> str:
    """Add a VALUES block before the closing brace of the WHERE clause."""
    lines = text.splitlines(keepends=True)
    i = next((n for n, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith(("#", "PREFIX", "prefix"))),
             len(lines))
    head, body = "".join(lines[:i]), "".join(lines[i:])
    start = body.find("{")
    if start < 0:
        return text
    end = _matching_brace(body, start)
    return f"{head}{body[:end]}{values}\n{body[end:]}"


def inline_bindings(text: str, values: dict[str, str], form: str | None = None) -> str:
    """The query with its parameters bound, as initBindings would (so every engine sees constants).

    Each ``?param`` of the query pattern (and of a CONSTRUCT template) is replaced by its term; a
    SELECT/ASK also gets ``VALUES (?param ...) { (term ...) }`` at the end of its WHERE clause so that
    projected and grouped parameters keep their value. Only a VALUES block (the protocol's way, as
    a remote endpoint allows) is not enough: a FILTER in a nested group (trace-lookup's
    UNION branch) cannot see a variable bound outside it and answers nothing, and rdflib would
    evaluate the whole pattern before joining the block.
    """
    form = form or query_form(text)
    lines = text.splitlines(keepends=True)
    i = next((n for n, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith(("#", "PREFIX", "prefix"))),
             len(lines))
    head, body = "".join(lines[:i]), "".join(lines[i:])
    # the part to rewrite: the WHERE group of a SELECT/ASK (not its GROUP BY ...), template and
    # pattern of a CONSTRUCT, everything after the keyword for DESCRIBE
    if form == "DESCRIBE":
        start, end = 0, len(body)
    else:
        start = max(body.find("{"), 0)
        end = body.rfind("}") + 1 if form == "CONSTRUCT" else _matching_brace(body, start) + 1
    pattern = body[start:end]
    for name, term in values.items():
        pattern = re.sub(rf"[?$]{re.escape(name)}(?!\w)", lambda _m, t=term: t, pattern)
    text = head + body[:start] + pattern + body[end:]
    if form in ("SELECT", "ASK"):
        names = " ".join(f"?{k}" for k in values)
        text = with_values(text, f"VALUES ({names}) {{ ({' '.join(values.values())}) }}")
    return text


def _matching_brace(text: str, start: int) -> int:
    """Index of the "}" closing the "{" at `start` (braces in strings and comments skipped)."""
    depth, i, quote = 0, start, ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            i = text.find("\n", i)
            if i < 0:
                break
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text) - 1
