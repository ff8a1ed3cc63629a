"""generative-dummy: Weaviate's test module. No network; echoes the prompt and the class's settings."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..capabilities import Generated, ModuleRequest, Settings


class DummyGenerative:
    name = "generative-dummy"

    def meta(self) -> dict[str, Any]:
        return {}

    def generate(self, prompt: str, settings: Settings, options: Settings, request: ModuleRequest,
                 images: Sequence[str] = ()) -> Generated:
        listed = "".join(f"{key}={value}," for key, value in settings.items())
        return Generated(f"You want me to generate something based on the following prompt: {prompt}. "
                         f"With settings: {listed}. I'm sorry, I'm just a dummy and can't generate anything.")
