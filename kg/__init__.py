"""kg: a knowledge graph of the WTO Joint Statement Initiative on electronic commerce.

The package builds an OWL 2 RL knowledge graph (W3C OWL 2 Profiles, RL) from the curated
facts in ``graph_data/``, validates it with SHACL (W3C SHACL), and answers SPARQL 1.1
questions from an on-disk Oxigraph store.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
