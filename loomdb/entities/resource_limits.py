"""The disk and memory thresholds of Weaviate's resource guard (DISK_USE_* / MEMORY_* percentages, 0 = off)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceLimits:
    """Percentages with Weaviate's defaults: warn past *_warning, turn every shard READONLY past *_readonly."""

    disk_warning: int = 80
    disk_readonly: int = 90
    memory_warning: int = 80
    memory_readonly: int = 0
