"""The git commit loomdb was built from, for /v1/nodes `gitHash` (Weaviate reports the short hash its binary was
built from). Read from the installed package's metadata: pip records the commit of a VCS install
(`pip install git+...`) in PEP 610's direct_url.json; any other install does not know it, and says "unknown"."""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata

UNKNOWN = "unknown"
_SHORT = 7      # `git rev-parse --short`, as Weaviate's build stamps it


def _direct_url() -> str | None:
    try:
        return metadata.distribution("loomdb").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None


def git_hash_from(read: Callable[[], str | None]) -> str:
    """The short commit of a VCS install, from the direct_url.json text `read` returns; else "unknown"."""
    try:
        commit = ((json.loads(read() or "{}").get("vcs_info") or {}).get("commit_id") or "")
    except (ValueError, AttributeError):
        return UNKNOWN
    return commit[:_SHORT] if commit else UNKNOWN


@lru_cache(maxsize=1)
def git_hash() -> str:
    return git_hash_from(_direct_url)
