"""rdflib's own SPARQL engine over a build: the reference the tests check the knowledge base with."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def rdflib_dataset(build: Path) -> Any:
    """A build's N-Quads in rdflib's own store and engine: the reference the tests check Oxigraph with.

    The default graph is the union of the named graphs, as the service's is.
    """
    import rdflib.plugins.sparql
    from rdflib import Dataset

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch a FROM graph from the web
    ds = Dataset(default_union=True)
    ds.parse(build / "plankg.nq", format="nquads")
    return ds
