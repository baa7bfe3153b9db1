"""IRIs: every IRI the graph mints is made here, under one configurable base."""

from __future__ import annotations

from rdflib import Namespace, URIRef

from plankg.config import ONTOLOGY_NS

PLAN = Namespace(ONTOLOGY_NS)


class Ids:
    """Mints IRIs under `base` (default https://w3id.org/plankg/). Keys are stable slugs or codes."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def _iri(self, *parts: object) -> URIRef:
        return URIRef(self.base + "/".join(str(p) for p in parts))

    def graph(self, name: str) -> URIRef:
        """A named graph: one per plan, plus `ontology` and `inferred`."""
        return self._iri("graph", name)

    def plan(self, plan: str) -> URIRef:
        return self._iri("id", "plan", plan)

    def pillar(self, plan: str, n: int) -> URIRef:
        return self._iri("id", "plan", plan, "pillar", n)

    def item(self, plan: str, key: str) -> URIRef:
        return self._iri("id", "plan", plan, "item", key)

    def task(self, plan: str, key: str, n: int) -> URIRef:
        return self._iri("id", "plan", plan, "item", key, "task", n)

    def fact(self, plan: str, key: str, kind: str, n: int) -> URIRef:
        """A fact of an item: responsibility, target, milestone, recurrence, participation, mention."""
        return self._iri("id", "plan", plan, "item", key, kind, n)

    def span(self, plan: str, start: int, end: int) -> URIRef:
        return self._iri("id", "plan", plan, "span", f"{start}-{end}")

    def annex(self, plan: str, n: int) -> URIRef:
        return self._iri("id", "plan", plan, "annex", n)

    def entity(self, kind: str, key: str) -> URIRef:
        """A place (GB/T 2260 code), org, post, group, programme, document or work area."""
        return self._iri("id", kind, key)

    def instant(self, date: str) -> URIRef:
        return self._iri("id", "time", date)

    def interval(self, start: str, end: str) -> URIRef:
        """A period of days, first--last (ISO 8601's alternative interval separator)."""
        return self._iri("id", "time", f"{start}--{end}")
