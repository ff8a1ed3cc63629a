"""How full the data directory's disk and the process's memory are, in percent: what the resource guard
(usecases/resource_guard.py) compares with Weaviate's DISK_USE_* / MEMORY_* thresholds."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

_CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def _memory_limit() -> int | None:
    """The container's memory limit (cgroup v2 or v1) if lower than physical memory, else physical memory."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    for path in _CGROUP_LIMITS:
        try:
            raw = path.read_text().strip()
        except OSError:
            continue
        if raw.isdigit() and 0 < int(raw) < physical:
            return int(raw)
    return physical


class ResourceUsage:
    """Disk use of the file system holding `data_path`; resident memory of this process against its limit (Linux
    /proc; None elsewhere, where the memory guard stays off)."""

    def __init__(self, data_path: Path) -> None:
        self.data_path = Path(data_path)
        self._memory_limit = _memory_limit()

    def disk_percent(self) -> float | None:
        try:
            usage = shutil.disk_usage(self.data_path)
        except OSError:
            return None
        return (usage.total - usage.free) / usage.total * 100 if usage.total else None

    def memory_percent(self) -> float | None:
        if not self._memory_limit:
            return None
        try:
            resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            return None
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / self._memory_limit * 100
