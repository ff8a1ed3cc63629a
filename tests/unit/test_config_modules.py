"""Module settings read from Weaviate's environment variables (config.py)."""
from __future__ import annotations

from loomdb.config import Settings


def test_module_settings_from_env():
    s = Settings.from_env({"ENABLE_MODULES": "text2vec-openai, generative-openai", "OPENAI_APIKEY": "k",
                           "DEFAULT_VECTORIZER_MODULE": "text2vec-openai", "LOWERCASE_VECTORIZATION_INPUT": "true",
                           "HOME": "/root"})
    assert s.enable_modules == ("text2vec-openai", "generative-openai")
    assert s.default_vectorizer_module == "text2vec-openai" and s.lowercase_vectorization_input
    assert s.module_env == {"OPENAI_APIKEY": "k"}


def test_modules_unset_and_empty_differ():
    assert Settings.from_env({}).enable_modules is None                 # loomdb's default set
    assert Settings.from_env({"ENABLE_MODULES": ""}).enable_modules == ()   # nothing, as Weaviate
    assert Settings.from_env({}).default_vectorizer_module == "none"
