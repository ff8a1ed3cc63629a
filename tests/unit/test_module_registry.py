"""The module registry: ENABLE_MODULES, loomdb's default set, modules whose extra is missing."""
from __future__ import annotations

import pytest

from loomdb.modules.registry import FACTORIES, ModuleRegistry
from loomdb.modules.text2vec_openai import OpenAIVectorizer


def _missing():
    raise ImportError("pip install 'loomdb[local]'")


FACTORIES_WITH_MISSING = {"text2vec-openai": OpenAIVectorizer, "text2vec-local": _missing}


def test_default_set_is_every_loadable_module():
    registry = ModuleRegistry(None, factories=FACTORIES_WITH_MISSING)
    assert registry.names() == ["text2vec-openai"]
    assert registry.vectorizer("text2vec-openai") is not None and registry.vectorizer("text2vec-local") is None
    assert set(ModuleRegistry().names()) <= set(FACTORIES)
    assert not [name for name in ModuleRegistry().names() if name.endswith("-dummy")]   # test modules: opt-in


def test_enable_modules_is_exact_and_refuses_unknown_names():
    assert ModuleRegistry([], factories=FACTORIES_WITH_MISSING).meta() == {}
    assert ModuleRegistry(["text2vec-openai"], factories=FACTORIES_WITH_MISSING).names() == ["text2vec-openai"]
    with pytest.raises(ValueError, match="ENABLE_MODULES names img2vec-neural, which is not available in loomdb"):
        ModuleRegistry(["text2vec-openai", "img2vec-neural"], factories=FACTORIES_WITH_MISSING)
    with pytest.raises(ValueError, match="text2vec-local is enabled but cannot load"):
        ModuleRegistry(["text2vec-local"], factories=FACTORIES_WITH_MISSING)
