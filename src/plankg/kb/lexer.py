"""The one SPARQL lexer of the project: what a query text is, found without parsing it.

Used before any engine sees a query (updates and SERVICE are refused, nesting is bounded), to key
the result cache (:func:`normalise`), and to bind parameters into text for remote endpoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
              |'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
              |"(?:[^"\\\n\r]|\\.)*"? |'(?:[^'\\\n\r]|\\.)*'?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.<>=!&|+*/"'#^]*)
  | (?P<word>[^\W\d][\w\-.]*(?::(?:[\w\-.:%]|\\.)*)?|:(?:[\w\-.:%]|\\.)*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = "({[", ")}]"
_OPERATORS = set("|&+-*/=!<>")
OPERATORS_PER_LEVEL = 16   # operators allowed in one bracket group, per level of MAX_QUERY_DEPTH
# Texts whose analysis is kept: a request's query is inspected by the endpoint, the knowledge base
# and the cache key, and clients send the same texts again (named queries, the workbench's re-runs).
# Bounded by count; a text is at most MAX_QUERY_LENGTH characters.
ANALYSES_KEPT = 128


@dataclass(frozen=True)
class Token:
    """One significant token: its kind, text and offsets in the (unescaped) query text."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class QueryInfo:
    """What the text of a query is."""

    form: str | None            # SELECT, ASK, CONSTRUCT, DESCRIBE, or None if not recognised
    update: bool                # the text is a SPARQL Update (starts with INSERT, LOAD, ...)
    service: bool               # uses SERVICE (federated query)
    dataset_clause: bool        # has FROM / FROM NAMED
    depth: int = 0              # deepest nesting of (), {} and []
    operators: int = 0          # longest run of operator characters in one bracket group
    prefixes: dict[str, str] = field(default_factory=dict)


def unescape(text: str) -> str:
    """Apply SPARQL's \\u/\\U escapes, which the grammar allows anywhere in a query."""
    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)
    return _UCHAR.sub(repl, text)


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query (no whitespace or comments), escapes applied."""
    return [Token(m.lastgroup or "other", m.group(0), m.start(), m.end())
            for m in _TOKEN.finditer(unescape(text)) if m.lastgroup not in ("ws", "comment")]


def nesting_depth(toks: list[Token]) -> tuple[int, int]:
    """The deepest nesting of brackets of any kind, and the longest run of operators in one group.

    A chain like ``?a || ?a || ...`` is nested as deeply as it is long once parsed, so it counts too.
    """
    depth = deepest = 0
    runs = [0]
    longest = 0
    for t in toks:
        if t.kind != "other":
            continue
        if t.text in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
            runs.append(0)
        elif t.text in _CLOSE:
            depth -= 1
            if len(runs) > 1:
                runs.pop()
        elif t.text in _OPERATORS:
            runs[-1] += 1
            longest = max(longest, runs[-1])
    return deepest, longest


def inspect_query(text: str) -> QueryInfo:
    """Classify a query text: its form, whether it is an update, uses SERVICE or FROM, its depth."""
    info = _inspect(text)
    return replace(info, prefixes=dict(info.prefixes))  # the caller may change its own copy


@lru_cache(maxsize=ANALYSES_KEPT)
def _inspect(text: str) -> QueryInfo:
    toks = tokens(text)
    words = {t.text.upper() for t in toks if t.kind == "word"}
    prefixes: dict[str, str] = {}
    form: str | None = None
    update = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        upper = tok.text.upper()
        if tok.kind == "word" and upper == "PREFIX" and i + 2 < len(toks):
            name, iri = toks[i + 1].text, toks[i + 2].text
            if name.endswith(":") and iri.startswith("<"):
                prefixes[name[:-1]] = iri[1:-1]
            i += 3
            continue
        if tok.kind == "word" and upper == "BASE":
            i += 2
            continue
        if tok.kind == "word":
            if upper in QUERY_FORMS:
                form = upper
            elif upper in UPDATE_KEYWORDS:
                update = True
        break
    depth, operators = nesting_depth(toks)
    return QueryInfo(form=form, update=update, service="SERVICE" in words, dataset_clause="FROM" in words,
                     depth=depth, operators=operators, prefixes=prefixes)


@lru_cache(maxsize=ANALYSES_KEPT)
def normalise(text: str) -> str:
    """The query as its tokens joined by single spaces: the same query however it is laid out."""
    return " ".join(t.text for t in tokens(text))


def matching_close(toks: list[Token], index: int) -> int:
    """Index of the token closing the bracket at ``toks[index]`` (the last token if unbalanced)."""
    depth = 0
    for n in range(index, len(toks)):
        if toks[n].kind == "other" and toks[n].text in _OPEN:
            depth += 1
        elif toks[n].kind == "other" and toks[n].text in _CLOSE:
            depth -= 1
            if depth == 0:
                return n
    return len(toks) - 1


READ_ONLY = ("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, "
             "CREATE, ADD, MOVE, COPY) is not accepted")


class QueryRefused(Exception):
    """A query refused before any engine sees it: the HTTP status, a title and the reason."""

    def __init__(self, status: int, title: str, message: str) -> None:
        self.status, self.title, self.message = status, title, message
        super().__init__(message)


def check_query(text: str, max_length: int = 0, max_depth: int = 0) -> QueryInfo:
    """The query's info, or QueryRefused: an update, SERVICE, or past the length or nesting limit.

    Deep nesting is refused up front because the engine's parser recurses and may crash on it.
    """
    if max_length and len(text) > max_length:
        raise QueryRefused(400, "Query too long", f"the query has {len(text)} characters; the limit "
                           f"is {max_length} (MAX_QUERY_LENGTH)")
    info = inspect_query(text)
    if info.update:
        raise QueryRefused(403, "Read-only endpoint", READ_ONLY)
    if info.service:
        raise QueryRefused(403, "Federated query refused", "SERVICE (federated query) is not "
                           "allowed: this endpoint never makes outbound requests")
    if max_depth and info.depth > max_depth:
        raise QueryRefused(400, "Query too deeply nested", f"the query nests brackets {info.depth} "
                           f"deep; the limit is {max_depth} (MAX_QUERY_DEPTH)")
    if max_depth and info.operators > max_depth * OPERATORS_PER_LEVEL:
        raise QueryRefused(400, "Query too deeply nested", f"one expression of the query chains "
                           f"{info.operators} operators; the limit is {max_depth * OPERATORS_PER_LEVEL} "
                           f"({OPERATORS_PER_LEVEL} x MAX_QUERY_DEPTH)")
    return info
