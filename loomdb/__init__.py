"""loomdb: a Weaviate-compatible vector database in pure Python."""
__version__ = "0.1.0"
WEAVIATE_VERSION = "1.36.9"
