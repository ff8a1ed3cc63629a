"""In-process all-MiniLM-L6-v2 (the `local` extra) served as text2vec-transformers and text2vec-contextionary.
The registry builds one per name with `make_vectorizer(name)` for each of `MODULE_NAMES`."""
from .module import MODULE_NAMES, LocalVectorizer, make_vectorizer

__all__ = ["MODULE_NAMES", "LocalVectorizer", "make_vectorizer"]
