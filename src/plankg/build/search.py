"""The build's full-text search index: every text of the plans, segmented for Chinese, in SQLite FTS5.

What is indexed (one *document* each), read from each plan's graphs as the plan is built (its
documents are segmented then and kept in its cache entry, so the index of a corpus is its plans'
documents one after the other and a changed plan is segmented again alone):

  plan     the plan's title (``dcterms:title``) and abstract
  pillar   a pillar's title                       item    a work item's title
  task     a task's sentence (its evidence quote)
  label    ``rdfs:label`` / ``skos:prefLabel`` / ``skos:altLabel`` of every other resource
           (bodies, posts, places, programmes, documents, facts such as targets and duties)
  term     the same for the ontology's own terms (classes, properties, concepts)
  span     the quote of a ``plan:TextSpan`` that is not already a title or a task sentence

Each document keeps its IRI, kind, plan key, pillar / item / task numbers, the types of the holders
of its responsibilities, its text and, when the text is a span of the plan's source, that span as
``[start, end)`` in code points of the plan's text (``plan:text``), so ``text[start:end]`` is the
document's text.

Text is segmented twice: jieba's search mode (words and the words inside them) into the column
``words``, and character bigrams of every run of Chinese characters into ``grams`` (each run ends
with its last character alone, so one character can be found too). A query word then matches as a
word, or as the phrase of its bigrams, which is an exact substring match: recall does not depend on
jieba cutting the query and the text the same way. The index is written once per build, atomically
(a temporary file renamed into place); readers open it read-only (:mod:`plankg.kb.search`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from plankg.errors import PlanKGError

log = logging.getLogger(__name__)

SEARCH_FILE = "search.sqlite"      # the index's file inside a build
SCHEMA_VERSION = "1"
PLAN = "https://w3id.org/plankg/ontology#"
ORG = "http://www.w3.org/ns/org#"
# How much each kind of document counts in the ranking (bm25 is multiplied by it).
KIND_WEIGHTS = {"plan": 1.3, "pillar": 1.3, "item": 1.3, "task": 1.0, "abstract": 0.9,
                "label": 0.7, "span": 0.5, "term": 0.4}
GENERIC_TYPES = {"Organization", "FormalOrganization", "OrganizationalUnit"}  # shown only when alone
MIN_SPAN_CHARS = 6                 # shorter spans (names, numbers) are found through their labels
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")

PREFIXES = f"""PREFIX plan: <{PLAN}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


# ---------------------------------------------------------------------------------------------
# Text: normalising and segmenting (the same for documents and queries)
# ---------------------------------------------------------------------------------------------


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching (NFKC, lower case), and for each folded character the index
    of the original character it comes from (so matches map back to the original text)."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower() if not ch.isascii() else ch.lower()
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def fold(text: str) -> str:
    """``text`` folded for matching (NFKC, lower case), as :func:`normalise` folds it."""
    if text.isascii():
        return text.lower()
    return "".join(unicodedata.normalize("NFKC", ch).lower() for ch in text)


def prepare_segmenter() -> None:
    """Load jieba's dictionary now (before forking workers, which then share it)."""
    _jieba()


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def clean(token: str) -> str:
    """A token with everything but letters and digits dropped (nothing of FTS5's syntax is left)."""
    return "".join(ch for ch in token if ch.isalnum())


def words(text: str, search_mode: bool = True) -> list[str]:
    """The words of folded ``text`` by jieba (search mode: also the shorter words inside long ones)."""
    jieba = _jieba()
    cut = jieba.cut_for_search(text) if search_mode else jieba.cut(text)
    return [w for w in (clean(t) for t in cut) if w]


def grams(text: str) -> list[str]:
    """Character bigrams of every run of Chinese characters in ``text``, each run closed by its
    last character alone: 学校食堂 -> 学校 校食 食堂 堂."""
    out: list[str] = []
    for run in RUN_RE.findall(text):
        out += [run[i:i + 2] for i in range(len(run) - 1)]
        out.append(run[-1])
    return out


def is_cjk(text: str) -> bool:
    """Whether every character of ``text`` is a Chinese character."""
    return bool(text) and all(CJK_RE.match(ch) for ch in text)


# ---------------------------------------------------------------------------------------------
# Documents from the store
# ---------------------------------------------------------------------------------------------


@dataclass
class Doc:
    """One searchable text and where it comes from."""

    iri: str
    kind: str
    text: str
    plan: str | None = None
    pillar: int | None = None
    item: int | None = None
    task: int | None = None
    start: int | None = None
    end: int | None = None
    type: str | None = None                  # the resource's kind (Target, Post, ...) for labels
    holder_types: set[str] = field(default_factory=set)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#int")):
            try:
                return int(term.value)
            except ValueError:
                return None
        return term.value
    return term.value


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, Any]]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {n: _value(row[n]) for n in names}


def local_name(iri: str) -> str:
    """The part of an IRI after its last # or /."""
    return re.split(r"[#/]", iri)[-1]


def _locate(text: str, quote: str | None, start: int | None) -> tuple[int | None, int | None]:
    """The span of ``text`` inside a quote that starts at ``start`` in the source (or None)."""
    if quote is None or start is None or not text:
        return None, None
    at = quote.find(text)
    if at < 0:
        return None, None
    return start + at, start + at + len(text)


class Collector:
    """Reads every text of a store into documents (``terms``: the ontology's own labels too)."""

    def __init__(self, store: ox.Store, terms: bool = True) -> None:
        self.store = store
        self.terms = terms
        self.plans: dict[str, dict[str, Any]] = {}        # plan IRI -> key, title, text, graph
        self.graph_plan: dict[str, str] = {}             # graph IRI -> plan key
        self.items: dict[str, dict[str, Any]] = {}        # item IRI -> plan, pillar, item
        self.tasks: dict[str, dict[str, Any]] = {}        # task IRI -> plan, pillar, item, task
        self.holders: dict[str, set[str]] = defaultdict(set)   # task/item/responsibility IRI -> types
        self.type_labels: dict[str, dict[str, str]] = {}  # holder type local name -> {zh, en, iri}
        self.seen_spans: set[tuple[str, int, int]] = set()

    def collect(self) -> list[Doc]:
        docs: list[Doc] = []
        self._plans(docs)
        self._structure(docs)
        self._holder_types()
        for d in docs:
            d.holder_types = set(self.holders.get(d.iri, ()))
        docs += self._spans()
        docs += self._labels()
        return docs

    def _plans(self, docs: list[Doc]) -> None:
        for r in _rows(self.store, """SELECT ?plan ?g ?title ?text ?abstract WHERE {
              GRAPH ?g { ?plan a plan:WorkPlan }
              OPTIONAL { ?plan dcterms:title ?title } OPTIONAL { ?plan plan:text ?text }
              OPTIONAL { ?plan dcterms:abstract ?abstract } }"""):
            key = local_name(r["plan"])
            self.plans[r["plan"]] = {"key": key, "title": r["title"], "graph": r["g"]}
            self.graph_plan[r["g"]] = key
            text = r["text"] or ""
            for kind, value in (("plan", r["title"]), ("abstract", r["abstract"])):
                if value:
                    at = text.find(value)
                    docs.append(Doc(r["plan"], kind, value, key,
                                    start=at if at >= 0 else None, end=at + len(value) if at >= 0 else None))

    def _key(self, plan_iri: str | None) -> str | None:
        return self.plans.get(plan_iri or "", {}).get("key") if plan_iri else None

    def _structure(self, docs: list[Doc]) -> None:
        for r in _rows(self.store, """SELECT ?p ?plan ?n ?title ?quote ?start WHERE {
              ?p a plan:Pillar ; plan:inPlan ?plan ; dcterms:title ?title .
              OPTIONAL { ?p plan:number ?n }
              OPTIONAL { ?p plan:evidence ?s . ?s plan:quote ?quote ; plan:start ?start } }"""):
            start, end = _locate(r["title"], r["quote"], r["start"])
            docs.append(Doc(r["p"], "pillar", r["title"], self._key(r["plan"]), r["n"], start=start, end=end))
        for r in _rows(self.store, """SELECT ?i ?plan ?n ?pn ?title ?quote ?start ?end WHERE {
              ?i a plan:WorkItem ; plan:inPlan ?plan ; plan:number ?n .
              OPTIONAL { ?i dcterms:title ?title }
              OPTIONAL { ?i plan:inPillar/plan:number ?pn }
              OPTIONAL { ?i plan:evidence ?s . ?s plan:quote ?quote ; plan:start ?start ; plan:end ?end } }"""):
            key = self._key(r["plan"])
            self.items[r["i"]] = {"plan": key, "pillar": r["pn"], "item": r["n"]}
            if r["start"] is not None and r["end"] is not None and key:
                self.seen_spans.add((key, r["start"], r["end"]))
            if r["title"]:
                start, end = _locate(r["title"], r["quote"], r["start"])
                docs.append(Doc(r["i"], "item", r["title"], key, r["pn"], r["n"], start=start, end=end))
        for r in _rows(self.store, """SELECT ?t ?i ?n ?text ?quote ?start ?end WHERE {
              ?t a plan:Task ; plan:taskOf ?i .
              OPTIONAL { ?t plan:number ?n } OPTIONAL { ?t plan:text ?text }
              OPTIONAL { ?t plan:evidence ?s . ?s plan:quote ?quote ; plan:start ?start ; plan:end ?end } }"""):
            item = self.items.get(r["i"], {})
            self.tasks[r["t"]] = {**item, "task": r["n"]}
            text = r["quote"] or r["text"]
            if not text:
                continue
            start, end = (r["start"], r["end"]) if r["quote"] else (None, None)
            if start is not None and item.get("plan"):
                self.seen_spans.add((item["plan"], start, end))
            docs.append(Doc(r["t"], "task", text, item.get("plan"), item.get("pillar"), item.get("item"),
                            r["n"], start=start, end=end))

    def _holder_types(self) -> None:
        for r in _rows(self.store, f"""SELECT DISTINCT ?r ?task ?item ?type WHERE {{
              ?r a plan:Responsibility ; plan:holder ?h .
              ?h a ?type . FILTER(STRSTARTS(STR(?type), "{PLAN}") || STRSTARTS(STR(?type), "{ORG}"))
              OPTIONAL {{ ?r plan:forTask ?task }} OPTIONAL {{ ?r plan:statedIn ?item }} }}"""):
            name = local_name(r["type"])
            self.type_labels.setdefault(name, {"iri": r["type"]})
            for subject in (r["r"], r["task"], r["item"]):
                if subject:
                    self.holders[subject].add(name)
        for r in _rows(self.store, """SELECT ?type ?label WHERE {
              ?type rdfs:label ?label . FILTER(isIRI(?type)) }"""):
            name = local_name(r["type"])
            if name in self.type_labels and self.type_labels[name]["iri"] == r["type"]:
                lang = "zh" if CJK_RE.search(r["label"]) else "en"
                self.type_labels[name].setdefault(lang, r["label"])

    def _spans(self) -> list[Doc]:
        docs = []
        for r in _rows(self.store, """SELECT ?s ?plan ?quote ?start ?end ?item ?task WHERE {
              ?s a plan:TextSpan ; plan:quote ?quote ; plan:start ?start ; plan:end ?end ; plan:spanOf ?plan .
              OPTIONAL { ?s plan:statedIn ?item } OPTIONAL { ?s plan:inTask ?task } }"""):
            key = self._key(r["plan"])
            if len(r["quote"]) < MIN_SPAN_CHARS or (key, r["start"], r["end"]) in self.seen_spans:
                continue
            self.seen_spans.add((key, r["start"], r["end"]))
            where = self.tasks.get(r["task"] or "") or self.items.get(r["item"] or "") or {}
            d = Doc(r["s"], "span", r["quote"], key, where.get("pillar"), where.get("item"), where.get("task"),
                    start=r["start"], end=r["end"])
            d.holder_types = set(self.holders.get(r["task"] or "", ()))
            docs.append(d)
        return docs

    def _labels(self) -> list[Doc]:
        """Labels of every resource but the plan's own structure (titled already) and mentions."""
        skip = {f"{PLAN}{c}" for c in ("WorkPlan", "Pillar", "WorkItem", "Task", "TextSpan", "Mention")}
        ontology_graphs = {g for g in self._graphs() if g.endswith("/graph/ontology")}
        all_types: dict[str, set[str]] = defaultdict(set)
        for r in _rows(self.store, f"""SELECT ?x ?type WHERE {{ ?x a ?type .
              FILTER(STRSTARTS(STR(?type), "{PLAN}") || STRSTARTS(STR(?type), "{ORG}")) }}"""):
            all_types[r["x"]].add("skip" if r["type"] in skip else local_name(r["type"]))
        # one kind per resource, whatever order the store gives: the first by name, generic ones last
        types = {x: "skip" if "skip" in names else shown_types(names)[0] for x, names in all_types.items()}
        facts: dict[str, dict[str, Any]] = {}
        for r in _rows(self.store, """SELECT ?x ?item ?task ?quote ?start WHERE {
              ?x plan:statedIn ?item . FILTER NOT EXISTS { ?x a plan:TextSpan }
              OPTIONAL { ?x plan:inTask ?task }
              OPTIONAL { ?x plan:evidence ?s . ?s plan:quote ?quote ; plan:start ?start } }"""):
            facts.setdefault(r["x"], r)
        docs = []
        seen: set[tuple[str, str, str | None]] = set()
        for r in _rows(self.store, """SELECT ?x ?label ?g WHERE {
              GRAPH ?g { ?x rdfs:label|skos:prefLabel|skos:altLabel ?label } FILTER(isLiteral(?label)) }"""):
            if types.get(r["x"]) == "skip" or r["x"].startswith("_:"):
                continue
            ontology = r["g"] in ontology_graphs
            if ontology and not self.terms:
                continue
            key = None if ontology else self.graph_plan.get(r["g"])
            if not ontology and key is None:
                continue  # inferred copies and graphs of no plan
            text = r["label"].strip()
            if not text or (r["x"], text, key) in seen:
                continue
            seen.add((r["x"], text, key))
            fact = facts.get(r["x"])
            where = (self.tasks.get((fact or {}).get("task") or "") or
                     self.items.get((fact or {}).get("item") or "") or {})
            start, end = _locate(text, (fact or {}).get("quote"), (fact or {}).get("start"))
            d = Doc(r["x"], "term" if ontology else "label", text, key, where.get("pillar"), where.get("item"),
                    where.get("task"), start=start, end=end, type=types.get(r["x"]))
            d.holder_types = set(self.holders.get(r["x"], ()))
            docs.append(d)
        return docs

    def _graphs(self) -> list[str]:
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]


# ---------------------------------------------------------------------------------------------
# Writing the index
# ---------------------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL, type TEXT,
                   plan TEXT, pillar INTEGER, item INTEGER, task INTEGER, text TEXT NOT NULL,
                   start INTEGER, "end" INTEGER, weight REAL NOT NULL, holder_types TEXT NOT NULL);
CREATE TABLE holders (doc INTEGER NOT NULL, type TEXT NOT NULL);
CREATE TABLE plans (key TEXT PRIMARY KEY, iri TEXT NOT NULL, title TEXT, docs INTEGER NOT NULL);
CREATE TABLE holder_types (name TEXT PRIMARY KEY, iri TEXT NOT NULL, zh TEXT, en TEXT);
CREATE VIRTUAL TABLE fts USING fts5(words, grams, content='', tokenize='unicode61 remove_diacritics 0');
"""
INDEXES = """
CREATE INDEX docs_plan ON docs (plan, pillar);
CREATE INDEX holders_type ON holders (type, doc);
"""


def tokens(text: str) -> tuple[str, str]:
    """The ``words`` and ``grams`` columns of a text."""
    folded = fold(text)
    return " ".join(words(folded)), " ".join(grams(folded))


Row = tuple[Doc, str, str]  # a document, its ``words`` and its ``grams`` (see :func:`tokens`)


def write_index(path: Path, rows: Iterable[Row], plans: dict[str, dict[str, Any]],
                type_labels: dict[str, dict[str, str]], source: str = "") -> int:
    """Write documents into a new index at ``path`` (via a temporary file: atomic); their number.
    ``plans`` and ``type_labels`` are read after the last row (a generator of rows may fill them)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = sqlite3.connect(str(tmp))
    n = 0
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        per_plan: dict[str | None, int] = defaultdict(int)
        doc_rows, fts_rows, holder_rows = [], [], []
        for n, (d, words_column, grams_column) in enumerate(rows, 1):
            per_plan[d.plan] += 1
            doc_rows.append((n, d.iri, d.kind, d.type, d.plan, d.pillar, d.item, d.task, d.text, d.start, d.end,
                             KIND_WEIGHTS.get(d.kind, 0.5), json.dumps(shown_types(d.holder_types))))
            fts_rows.append((n, words_column, grams_column))
            holder_rows += [(n, t.lower()) for t in d.holder_types]
            if len(doc_rows) >= 5000:
                _flush(con, doc_rows, fts_rows, holder_rows)
        _flush(con, doc_rows, fts_rows, holder_rows)
        con.executemany("INSERT INTO plans VALUES (?, ?, ?, ?)",
                        [(p["key"], iri, p.get("title"), per_plan.get(p["key"], 0)) for iri, p in plans.items()])
        con.executemany("INSERT INTO holder_types VALUES (?, ?, ?, ?)",
                        [(name, t["iri"], t.get("zh"), t.get("en")) for name, t in sorted(type_labels.items())])
        import jieba

        meta = {"schema": SCHEMA_VERSION, "docs": str(n), "source": source,
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "segmenter": f"jieba {getattr(jieba, '__version__', '?')} search mode + CJK bigrams",
                "seconds": f"{time.perf_counter() - t0:.3f}"}
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        con.executescript(INDEXES + "INSERT INTO fts(fts) VALUES ('optimize');")
        con.commit()
        con.close()
        os.replace(tmp, path)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return n


def shown_types(types: set[str]) -> list[str]:
    """Holder types to show: the specific ones (org:Organization only when nothing else is known)."""
    specific = sorted(t for t in types if t not in GENERIC_TYPES)
    return specific or sorted(types)


def _flush(con: sqlite3.Connection, doc_rows: list, fts_rows: list, holder_rows: list) -> None:
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
    con.executemany("INSERT INTO fts (rowid, words, grams) VALUES (?, ?, ?)", fts_rows)
    con.executemany("INSERT INTO holders VALUES (?, ?)", holder_rows)
    doc_rows.clear()
    fts_rows.clear()
    holder_rows.clear()


def segmented(docs: Iterable[Doc]) -> Iterator[Row]:
    """Each document with its two token columns."""
    for d in docs:
        yield (d, *tokens(d.text))


def write_search_index(path: Path, store_dir: Path) -> int:
    """Build the search index of the store at ``store_dir`` into the file ``path``; its size in docs.
    Holds every document in memory: for a store of a few plans (a build uses the plans' files)."""
    t0 = time.perf_counter()
    store = ox.Store.read_only(str(store_dir))
    try:
        collector = Collector(store)
        docs = collector.collect()
    finally:
        del store
    n = write_index(Path(path), segmented(docs), collector.plans, collector.type_labels, source=str(store_dir))
    log.info("search index: %d documents in %.1f s", n, time.perf_counter() - t0)
    return n


# ---------------------------------------------------------------------------------------------
# A corpus: each plan's documents made with the plan (and cached with it), then concatenated
# ---------------------------------------------------------------------------------------------

Graphs = Sequence[tuple[Path, str]]  # N-Triples files and the named graph each belongs to


def scratch_store(graphs: Graphs) -> ox.Store:
    """An in-memory store of N-Triples files, each in its named graph and in the default graph
    (the union, as the build's store has it)."""
    store = ox.Store()
    for path, graph in graphs:
        data = Path(path).read_bytes()
        for target in (ox.NamedNode(graph), ox.DefaultGraph()):
            store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return store


def write_plan_docs(out: Path, graphs: Graphs) -> int:
    """One plan's documents into ``out`` (a JSON line each, segmented), from its graph, its
    entailments and the ontology (for the holder types' labels); their number. The index of a
    corpus is then its plans' files one after the other (:func:`write_corpus_index`), so memory
    stays one plan's and a changed plan is segmented again alone."""
    collector = Collector(scratch_store(graphs), terms=False)
    docs = collector.collect()
    with Path(out).open("w", encoding="utf-8") as f:
        head = {"plans": collector.plans, "types": collector.type_labels}
        f.write(json.dumps(head, ensure_ascii=False) + "\n")
        for d, words_column, grams_column in segmented(docs):
            line = [d.iri, d.kind, d.text, d.plan, d.pillar, d.item, d.task, d.start, d.end, d.type,
                    sorted(d.holder_types), words_column, grams_column]
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(docs)


def read_plan_docs(path: Path, plans: dict[str, dict[str, Any]],
                   type_labels: dict[str, dict[str, str]]) -> Iterator[Row]:
    """The rows of a file of :func:`write_plan_docs`; its plans and holder types are added to the
    two dictionaries."""
    with Path(path).open(encoding="utf-8") as f:
        head = json.loads(f.readline())
        plans.update(head["plans"])
        for name, labels in head["types"].items():
            type_labels.setdefault(name, labels)
        for n, line in enumerate(f, 2):
            try:
                *fields, holder_types, words_column, grams_column = json.loads(line)
                doc = Doc(*fields, holder_types=set(holder_types))
            except (ValueError, TypeError) as exc:
                raise PlanKGError(f"{path}: line {n}: not a search document ({exc}); delete the file's "
                                  "folder from the build cache, or build with --no-cache") from None
            yield doc, words_column, grams_column


def write_corpus_index(path: Path, ontology: tuple[Path, str], plan_docs: Sequence[Path]) -> int:
    """The index of a build: the ontology's terms, then every plan's documents (their files of
    :func:`write_plan_docs`), streamed into ``path``; the number of documents."""
    t0 = time.perf_counter()
    terms = Collector(scratch_store([ontology]))
    plans: dict[str, dict[str, Any]] = {}
    type_labels: dict[str, dict[str, str]] = {}
    rows = chain(segmented(terms.collect()), *(read_plan_docs(p, plans, type_labels) for p in plan_docs))
    n = write_index(Path(path), rows, plans, type_labels, source=f"{len(plan_docs)} plans")
    log.info("search index: %d documents in %.1f s", n, time.perf_counter() - t0)
    return n
