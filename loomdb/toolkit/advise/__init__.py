"""`loomdb advise`: offline planning for a collection that does not exist yet (or a sample of its vectors).
Memory from Weaviate's published formula (`toolkit.sizing`), latency from constants measured on this machine
(`calibration`), compression recall measured on the user's own vectors against an exact numpy pass, an embedding
model table from the project's measured reference facts, and the configuration snippet to paste."""
from .compression import advise_compression
from .embedding import advise_embedding
from .hnsw import advise_hnsw
from .plan import Plan
from .resources import advise_resources

__all__ = ["Plan", "advise_compression", "advise_embedding", "advise_hnsw", "advise_resources"]
