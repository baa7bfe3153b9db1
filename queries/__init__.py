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
    folder = resources.files("plankg.queries")
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
