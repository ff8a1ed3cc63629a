"""Weaviate modules (vectorizers, rerankers, generative) by Weaviate module name; see capabilities.py."""
