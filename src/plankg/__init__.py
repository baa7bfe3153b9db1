"""plankg: a knowledge graph and SPARQL service for government work plans."""

__version__ = "0.1.0"
