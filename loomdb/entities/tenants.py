"""Tenant activity states and the tenant name rule.

States are stored under Weaviate's classic names (as Weaviate stores what the client sends): HOT (ACTIVE) = the
shard may be open; COLD (INACTIVE) = shard closed, no memory held; FROZEN (OFFLOADED) = shard closed and its
folder moved to the offload directory. FREEZING / UNFREEZING (OFFLOADING / ONLOADING) exist only while a folder
is being moved.

The name rule is shared by the tenants use case (explicit creates) and the engine's tenancy (tenants created by a
write, autoTenantCreation), as Weaviate runs both through one validation; the engine also relies on it for folder
names (engine/tenants.py folder_name).
"""
from __future__ import annotations

import re

from .errors import InvalidInput

HOT, COLD, FROZEN = "HOT", "COLD", "FROZEN"
FREEZING, UNFREEZING = "FREEZING", "UNFREEZING"

# Weaviate's entities/schema/validation.go ShardNameRegexCore
_NAME = re.compile(r"[A-Za-z0-9\-_]{1,64}")
_NAME_RULE = ("tenant name should only contain alphanumeric characters (a-z, A-Z, 0-9), underscore (_), and hyphen "
              "(-), with a length between 1 and 64 characters")


def validate_names(names: list[str]) -> None:
    """Weaviate's usecases/schema validateTenants wording."""
    for i, name in enumerate(names):
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            reason = "empty tenant name" if not name else _NAME_RULE
            raise InvalidInput(f"tenant name at index {i}: {reason}")
