"""Full-text search over a build's texts (titles, task sentences, labels, spans), in Chinese.

``SearchIndex(build_dir).search("食堂", plan=None, pillar=None, holder_type=None, limit=20, offset=0)``
answers ranked hits, each with its IRI, kind, plan / pillar / item / task, a snippet whose matched
words are marked (as offsets, never as markup: callers escape and mark up), and the spans of the
text and of each match in the plan's source. Queries are folded and segmented as the texts were
(:mod:`plankg.build.search`); each query word becomes a quoted FTS5 term, so no query text is
FTS syntax. The query as typed is tried first (each space-separated chunk as an exact substring,
``mode == "phrase"``), then every jieba word of it (``"all"``), then any of them (``"any"``). Bad parameters raise :class:`SearchError` (a 400 for the
web); an empty query answers no hits.

``SEARCH_FUNCTIONS`` are SPARQL functions for pyoxigraph's ``custom_functions``:
``plan:search(?text, "食堂")`` (a score, 0 when nothing matches), ``plan:matches(?text, "食堂")``
(true when every query word is in the text) and ``plan:snippet(?text, "食堂")`` (the text around the
first match, matches in 【】). No Flask, no click.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.build.search import (
    PLAN,
    SCHEMA_VERSION,
    SEARCH_FILE,
    clean,
    fold,
    grams,
    is_cjk,
    normalise,
    words,
)
from plankg.errors import BuildNotFound, PlanKGError

MAX_QUERY_CHARS = 200       # longer queries are cut (and say so)
MAX_TERMS = 16              # query words used, at most
MAX_LIMIT = 100
MAX_OFFSET = 10_000
SNIPPET_CHARS = 80
SNIPPET_BEFORE = 20
KINDS = ("plan", "abstract", "pillar", "item", "task", "label", "span", "term")


class SearchError(PlanKGError):
    """A search parameter that cannot be used (names the parameter and what it takes)."""


class IndexNotFound(BuildNotFound):
    """A build without a search index (built before search existed, or not built)."""


@dataclass
class Snippet:
    """A stretch of a hit's text around its first match; ``marks`` are [start, end) in ``text``."""

    text: str
    start: int                      # where ``text`` starts in the hit's text
    marks: list[list[int]]
    before: bool                    # text was cut before the snippet (show an ellipsis)
    after: bool

    def segments(self) -> list[tuple[str, bool]]:
        """The snippet as (text, marked) pieces, for templates that escape each piece."""
        out, at = [], 0
        for s, e in self.marks:
            if s > at:
                out.append((self.text[at:s], False))
            out.append((self.text[s:e], True))
            at = e
        if at < len(self.text):
            out.append((self.text[at:], False))
        return out


@dataclass
class Hit:
    """One matching text."""

    rank: int
    score: float
    iri: str
    kind: str
    type: str | None
    plan: str | None
    pillar: int | None
    item: int | None
    task: int | None
    text: str
    span: dict[str, int] | None               # the text's [start, end) in the plan's source
    matches: list[list[int]]                  # each match's [start, end): in the source, else in text
    matches_in: str                           # "source" or "text"
    holder_types: list[str]
    snippet: Snippet

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["snippet"] = {**d["snippet"], "segments": [{"text": t, "mark": m} for t, m in self.snippet.segments()]}
        return d


@dataclass
class SearchResult:
    """The answer to one search."""

    query: str
    terms: list[str]
    total: int
    limit: int
    offset: int
    mode: str       # "phrase" (the words as typed), else "all" (every word), else "any" (some word)
    truncated: bool
    filters: dict[str, Any]
    hits: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "terms": self.terms, "total": self.total, "limit": self.limit,
                "offset": self.offset, "mode": self.mode, "truncated": self.truncated,
                "filters": self.filters, "hits": [h.to_dict() for h in self.hits]}


# ---------------------------------------------------------------------------------------------
# Queries: words, FTS5 expressions, matches
# ---------------------------------------------------------------------------------------------


CJK_RUN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+"


def query_terms(query: str) -> list[str]:
    """The folded words of a query (jieba's precise mode), each only letters and digits, at most
    MAX_TERMS, first occurrence first."""
    out: list[str] = []
    for chunk in fold(query[:MAX_QUERY_CHARS]).split():
        for w in words(chunk, search_mode=False):
            # split mixed words (3个) into runs of Chinese and of other characters
            for part in re.findall(CJK_RUN + "|[^" + CJK_RUN[1:-2] + "]+", w):
                part = clean(part)
                if part and part not in out:
                    out.append(part)
    return out[:MAX_TERMS]


def query_phrases(query: str) -> list[str]:
    """The query as typed: its space-separated chunks, folded, split only where a chunk mixes
    Chinese with other characters (each must then occur as it is)."""
    out: list[str] = []
    for chunk in fold(query[:MAX_QUERY_CHARS]).split():
        for part in re.findall(CJK_RUN + "|[^" + CJK_RUN[1:-2] + "]+", chunk):
            for piece in ([clean(part)] if is_cjk(part) else [clean(t) for t in re.split(r"\W+", part)]):
                if piece and piece not in out:
                    out.append(piece)
    return out[:MAX_TERMS]


def _phrase(tokens: list[str]) -> str:
    """An FTS5 phrase of tokens that are letters and digits only (so nothing needs escaping)."""
    return '"' + " ".join(tokens) + '"'


def term_expression(term: str) -> str:
    """The FTS5 expression matching one query word: as a word, or as the phrase of its bigrams."""
    if is_cjk(term):
        if len(term) == 1:
            return f'(words:"{term}" OR grams:"{term}"*)'
        return f"(words:{_phrase([term])} OR grams:{_phrase(grams(term)[:-1])})"
    return f'(words:"{term}"*)'


def match_expression(terms: list[str], mode: str = "all") -> str:
    """The FTS5 MATCH expression of query words (all of them, or any)."""
    return f" {'AND' if mode == 'all' else 'OR'} ".join(term_expression(t) for t in terms)


def find_matches(text: str, terms: list[str]) -> list[list[int]]:
    """[start, end) in ``text`` of every occurrence of each query word (folded), merged."""
    folded, where = normalise(text)
    found: list[tuple[int, int]] = []
    for t in terms:
        at = folded.find(t)
        while at >= 0:
            s, e = where[at], where[at + len(t) - 1] + 1
            found.append((s, e))
            at = folded.find(t, at + len(t))
    found.sort()
    merged: list[list[int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def make_snippet(text: str, marks: list[list[int]], width: int = SNIPPET_CHARS) -> Snippet:
    """The stretch of ``text`` around its first match, with the matches inside it."""
    first = marks[0][0] if marks else 0
    start = max(0, min(first - SNIPPET_BEFORE, len(text) - width))
    end = min(len(text), start + width)
    inside = [[max(s, start) - start, min(e, end) - start] for s, e in marks if s < end and e > start]
    return Snippet(text[start:end], start, inside, start > 0, end < len(text))


# ---------------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------------


def index_path(build_dir: str | Path) -> Path:
    """Where a build keeps its search index."""
    return Path(build_dir) / SEARCH_FILE


class SearchIndex:
    """A build's search index, opened read-only (one SQLite connection per thread)."""

    def __init__(self, build_dir: str | Path) -> None:
        self.path = index_path(build_dir)
        if not self.path.is_file():
            raise IndexNotFound(f"no {SEARCH_FILE} in {Path(build_dir)}/: run `plankg build` again "
                                "(builds made before search have no index)")
        self._local = threading.local()
        meta = dict(self.connection().execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexNotFound(f"{self.path} is of another version ({meta.get('schema')}): run `plankg build` again")
        self.meta = meta
        self.plans = [dict(zip(("key", "iri", "title", "docs"), r, strict=True))
                      for r in self.connection().execute("SELECT key, iri, title, docs FROM plans ORDER BY key")]
        self.holder_types = [dict(zip(("name", "iri", "zh", "en"), r, strict=True))
                             for r in self.connection().execute("SELECT name, iri, zh, en FROM holder_types")]

    def connection(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            con = self._local.con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return con

    # -- parameters ---------------------------------------------------------------------------

    def holder_type_name(self, value: str) -> str:
        """A holder type given as a local name, CURIE, IRI or label -> its local name (lower case)."""
        v = value.strip()
        low = v.lower().split(":")[-1].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        for t in self.holder_types:
            if low == t["name"].lower() or v == t["iri"] or v in (t["zh"], t["en"]):
                return t["name"].lower()
        known = ", ".join(t["name"] for t in self.holder_types) or "none in this build"
        raise SearchError(f"unknown holder_type {value[:80]!r}: use one of {known}")

    def check(self, plan: Any, pillar: Any, holder_type: Any, limit: Any, offset: Any
              ) -> tuple[str | None, int | None, str | None, int, int]:
        """The parameters as used, or SearchError naming the bad one."""
        if plan in ("", None):
            plan = None
        elif not any(p["key"] == plan for p in self.plans):
            known = ", ".join(p["key"] for p in self.plans[:20])
            raise SearchError(f"unknown plan {str(plan)[:80]!r}: use one of {known}")
        pillar = _int("pillar", pillar, 1, 10_000) if pillar not in ("", None) else None
        holder = self.holder_type_name(str(holder_type)) if holder_type not in ("", None) else None
        limit = _int("limit", 20 if limit in ("", None) else limit, 1, MAX_LIMIT)
        offset = _int("offset", 0 if offset in ("", None) else offset, 0, MAX_OFFSET)
        return plan, pillar, holder, limit, offset

    # -- searching ----------------------------------------------------------------------------

    def search(self, query: str | None, plan: str | None = None, pillar: int | str | None = None,
               holder_type: str | None = None, limit: int | str = 20, offset: int | str = 0) -> SearchResult:
        """Ranked hits for ``query`` among the documents that pass the filters."""
        plan, pillar, holder, limit, offset = self.check(plan, pillar, holder_type, limit, offset)
        query = "" if query is None else str(query)
        filters = {"plan": plan, "pillar": pillar, "holder_type": holder}
        terms = query_terms(query)
        result = SearchResult(query[:MAX_QUERY_CHARS], terms, 0, limit, offset, "all",
                              len(query) > MAX_QUERY_CHARS, filters)
        if not terms:
            return result
        where, args = ["fts MATCH ?"], []
        if plan is not None:
            where.append("+d.plan = ?")  # unary +: MATCH drives the join, not the plan index
            args.append(plan)
        if pillar is not None:
            where.append("+d.pillar = ?")
            args.append(pillar)
        if holder is not None:
            where.append("EXISTS (SELECT 1 FROM holders h WHERE h.doc = d.id AND h.type = ?)")
            args.append(holder)
        sql_where = " AND ".join(where)
        con = self.connection()
        phrases = query_phrases(query)
        tries = [("phrase", phrases, "all"), ("all", terms, "all"), ("any", terms, "any")]
        seen: set[str] = set()
        total, marks_terms, expr = 0, terms, ""
        for mode, used, how in tries:
            if not used or (how == "any" and len(used) < 2):
                continue
            expr = match_expression(used, how)
            if expr in seen:
                continue
            seen.add(expr)
            total = con.execute(f"SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid WHERE {sql_where}",
                                [expr, *args]).fetchone()[0]
            if total:
                result.mode, marks_terms = mode, list(used)
                break
        result.total = total
        if not total:
            return result
        rows = con.execute(
            "SELECT d.iri, d.kind, d.type, d.plan, d.pillar, d.item, d.task, d.text, d.start, d.\"end\", "
            "d.holder_types, bm25(fts, 1.0, 0.6) * d.weight AS score "
            f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {sql_where} "
            "ORDER BY score, d.id LIMIT ? OFFSET ?", [expr, *args, limit, offset]).fetchall()
        for n, (iri, kind, typ, pk, pn, inum, tnum, text, start, end, holders, score) in enumerate(rows, offset + 1):
            marks = find_matches(text, marks_terms)
            in_source = start is not None and end is not None and end - start == len(text)
            matches = [[start + s, start + e] for s, e in marks] if in_source else marks
            result.hits.append(Hit(n, round(-score, 4), iri, kind, typ, pk, pn, inum, tnum, text,
                                   {"start": start, "end": end} if in_source else None,
                                   matches, "source" if in_source else "text", json.loads(holders),
                                   make_snippet(text, marks)))
        return result

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None


def _int(name: str, value: Any, low: int, high: int) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise SearchError(f"{name} must be a whole number from {low} to {high}, not {str(value)[:40]!r}") from None
    if not low <= n <= high:
        raise SearchError(f"{name} must be from {low} to {high}, not {n}")
    return n


def search(build_dir: str | Path, query: str, **kwargs: Any) -> SearchResult:
    """Search a build once (opens and closes its index)."""
    index = SearchIndex(build_dir)
    try:
        return index.search(query, **kwargs)
    finally:
        index.close()


# ---------------------------------------------------------------------------------------------
# SPARQL functions (pyoxigraph custom_functions)
# ---------------------------------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
BM25_K1, BM25_B, AVG_CHARS = 1.2, 0.75, 60.0


@lru_cache(maxsize=256)
def _terms(query: str) -> tuple[str, ...]:
    return tuple(query_terms(query))


def _texts(text: Any, query: Any) -> tuple[str, tuple[str, ...]] | None:
    if not isinstance(text, ox.Literal) or not isinstance(query, ox.Literal):
        return None
    return text.value, _terms(query.value)


def score_text(text: str, terms: tuple[str, ...] | list[str]) -> float:
    """A BM25-like score of ``text`` for query words (no corpus statistics: term frequency,
    saturated and normalised by length, times the share of the words found)."""
    if not terms:
        return 0.0
    folded = fold(text)
    norm = BM25_K1 * (1 - BM25_B + BM25_B * len(folded) / AVG_CHARS)
    total, found = 0.0, 0
    for t in terms:
        tf = folded.count(t)
        if tf:
            found += 1
            total += math.log1p(len(t)) * tf * (BM25_K1 + 1) / (tf + norm)
    return round(total * found / len(terms), 6)


def sparql_search(text: Any, query: Any) -> ox.Literal | None:
    """plan:search(?text, "words") -> xsd:double score (0 when no word is in the text)."""
    args = _texts(text, query)
    if args is None:
        return None
    return ox.Literal(repr(score_text(*args)), datatype=ox.NamedNode(XSD + "double"))


def sparql_matches(text: Any, query: Any) -> ox.Literal | None:
    """plan:matches(?text, "words") -> xsd:boolean, true when every query word is in the text."""
    args = _texts(text, query)
    if args is None:
        return None
    folded, terms = fold(args[0]), args[1]
    ok = bool(terms) and all(t in folded for t in terms)
    return ox.Literal("true" if ok else "false", datatype=ox.NamedNode(XSD + "boolean"))


def sparql_snippet(text: Any, query: Any) -> ox.Literal | None:
    """plan:snippet(?text, "words") -> the text around the first match, matches in 【】."""
    args = _texts(text, query)
    if args is None:
        return None
    snip = make_snippet(args[0], find_matches(*args))
    body = "".join(f"【{t}】" if m else t for t, m in snip.segments())
    return ox.Literal(("…" if snip.before else "") + body + ("…" if snip.after else ""))


SEARCH_FUNCTIONS: dict[ox.NamedNode, Callable[..., ox.Literal | None]] = {
    ox.NamedNode(PLAN + "search"): sparql_search,
    ox.NamedNode(PLAN + "matches"): sparql_matches,
    ox.NamedNode(PLAN + "snippet"): sparql_snippet,
}
