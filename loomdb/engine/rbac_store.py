"""Where RBAC roles and assignments persist: <data>/rbac/policy.json, one JSON document written atomically (tmp +
fsync + rename, as class.json), so a crash leaves the previous or the new policy, never half of one. The engine
stores the document; what it means is usecases/rbac's business."""
from __future__ import annotations

import json
from pathlib import Path

from .collection import write_json_atomically

POLICY_FILE = Path("rbac") / "policy.json"


class JsonPolicyStore:
    def __init__(self, data_dir: Path) -> None:
        self._path = Path(data_dir) / POLICY_FILE

    def load(self) -> dict:
        if not self._path.exists():
            return {}
        return json.loads(self._path.read_text(encoding="utf-8") or "{}")

    def save(self, document: dict) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomically(self._path, document)
