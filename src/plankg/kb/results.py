"""Query answers written by pyoxigraph's own serialisers, bounded in rows and bytes, or as rows.

The bytes go to the client as they are; nothing is converted to another library's terms. Limits:

- bytes: the writer's output goes through :class:`BoundedOutput`, which stops the serialiser the
  moment the answer grows past ``max_bytes``;
- rows: triples are counted as they are handed to the writer; solutions are counted in the
  written bytes by a marker each format writes once per row (TSV and CSV: a line end; XML:
  ``<result>``; JSON: a row object opening ``{"``, which cannot occur inside a JSON string).
  A CSV literal holding a line break counts twice and a JSON row with no bound variable not at
  all; the byte limit bounds those answers all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pyoxigraph as ox

from plankg.errors import PlanKGError

# Format keys (what the web layer negotiates) -> pyoxigraph formats.
SOLUTION_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
QUAD_FORMATS = ("trig", "nquads")

# Prefixes every graph answer may use, besides those the query declares.
CORE_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "plan": "https://w3id.org/plankg/ontology#",
}

# (marker written once per row, markers written before the first row)
_ROW_MARKERS: dict[str, tuple[tuple[bytes, ...], int]] = {
    "tsv": ((b"\n",), 1),
    "csv": ((b"\r\n",), 1),
    "xml": ((b"<result>",), 0),
    "json": ((b',{"', b'[{"'), 0),
}

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "negativeInteger", "nonPositiveInteger",
                               "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_DECIMALS = {XSD + t for t in ("decimal", "double", "float")}


class ResultTooLarge(PlanKGError):
    """An answer over the row or byte limit."""

    def __init__(self, limit: int, what: str, setting: str) -> None:
        self.limit, self.what, self.setting = limit, what, setting
        super().__init__(f"the result has more than {limit} {what} ({setting}); add a LIMIT "
                         "(and OFFSET to page through it) or narrow the query")


class BoundedOutput:
    """A binary sink for pyoxigraph's writers that stops them at a byte or row limit."""

    def __init__(self, max_bytes: int = 0, max_rows: int = 0, fmt: str | None = None) -> None:
        self.max_bytes, self.max_rows = max_bytes, max_rows
        self.chunks: list[bytes] = []
        self.size = 0
        self.rows = 0
        markers, self._header = _ROW_MARKERS.get(fmt or "", ((), 0))
        self._markers = markers if max_rows > 0 else ()
        self._tail = b""

    def write(self, chunk: bytes) -> int:
        """Keep a chunk, or raise ResultTooLarge (pyoxigraph then stops writing)."""
        data = bytes(chunk)
        self.size += len(data)
        if self.max_bytes and self.size > self.max_bytes:
            raise ResultTooLarge(self.max_bytes, "bytes", "MAX_RESULT_BYTES")
        if self._markers:
            window = self._tail + data
            self.rows += sum(window.count(m) for m in self._markers)
            self._tail = window[-(max(map(len, self._markers)) - 1):]
            if self.rows - self._header > self.max_rows:
                raise ResultTooLarge(self.max_rows, "rows", "MAX_RESULT_ROWS")
        self.chunks.append(data)
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the chunks are kept in memory."""

    def getvalue(self) -> bytes:
        """Everything written."""
        return b"".join(self.chunks)


def _counted(items: Any, max_rows: int, what: str) -> Iterator[Any]:
    """The items of an iterator, raising ResultTooLarge past ``max_rows`` (0: no limit)."""
    for n, item in enumerate(items, 1):
        if max_rows and n > max_rows:
            raise ResultTooLarge(max_rows, what, "MAX_RESULT_ROWS")
        yield item


def serialise(answer: Any, fmt: str, *, prefixes: dict[str, str] | None = None,
              max_rows: int = 0, max_bytes: int = 0) -> bytes:
    """A pyoxigraph query answer in the format with key ``fmt``, within the limits.

    :raises ResultTooLarge: the answer is over ``max_rows`` rows (or triples) or ``max_bytes``.
    :raises KeyError: ``fmt`` is not a format of this kind of answer.
    """
    out = BoundedOutput(max_bytes, max_rows, fmt if isinstance(answer, ox.QuerySolutions) else None)
    if isinstance(answer, ox.QueryBoolean):
        if fmt in ("csv", "tsv"):  # not defined by the spec; written as Fuseki does
            out.write(f"_askResult\n{str(bool(answer)).lower()}\n".encode())
        else:
            answer.serialize(out, SOLUTION_FORMATS[fmt])
    elif isinstance(answer, ox.QuerySolutions):
        answer.serialize(out, SOLUTION_FORMATS[fmt])
    else:
        triples: Iterator[Any] = _counted(answer, max_rows, "triples")
        if fmt in QUAD_FORMATS:
            default = ox.DefaultGraph()
            triples = (ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)
        ox.serialize(triples, out, GRAPH_FORMATS[fmt],
                     prefixes=None if fmt in ("nt", "nquads") else {**CORE_PREFIXES, **(prefixes or {})})
    return out.getvalue()


def solution_rows(answer: ox.QuerySolutions, max_rows: int = 0) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The column names and rows (pyoxigraph terms, None when unbound) of a SELECT answer."""
    columns = tuple(v.value for v in answer.variables)
    rows = [tuple(solution[c] for c in columns) for solution in _counted(answer, max_rows, "rows")]
    return columns, rows


def value(term: Any) -> Any:
    """A term as a plain Python value: IRIs and strings as str, numbers as int/float, booleans."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term.value
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _DECIMALS:
            number = float(term.value)
            return int(number) if number.is_integer() else number
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date":
            return date.fromisoformat(term.value).isoformat()
    except ValueError:
        pass
    return term.value
