"""Weaviate's naming rules for properties (entities/schema/validation.go), with its wording: what a collection
create, an add-property and an auto-schema write all refuse alike."""
from __future__ import annotations

import re

PROPERTY_NAME_CORE = "[_A-Za-z][_0-9A-Za-z]{0,230}"
NESTED_NAME_CORE = "[_A-Za-z][_0-9A-Za-z]*"
_PROPERTY_NAME = re.compile(f"^{PROPERTY_NAME_CORE}$")
_NESTED_NAME = re.compile(f"^{NESTED_NAME_CORE}$")
RESERVED_PROPERTY_NAMES = ("_additional", "_id", "id")
MAX_PROPERTY_NAME = 231


def property_name_problem(name: str) -> str | None:
    """Why `name` (as stored: first letter lower-cased) cannot name a property; None when it can."""
    if len(name) > MAX_PROPERTY_NAME:
        return f"'{name}' is not a valid property name. Name should not be longer than {MAX_PROPERTY_NAME} characters"
    if not _PROPERTY_NAME.match(name):
        return (f"'{name}' is not a valid property name. Property names in Weaviate are restricted to valid GraphQL "
                f"names, which must be “/{PROPERTY_NAME_CORE}/”")
    if name in RESERVED_PROPERTY_NAMES:
        return f"'{name}' is a reserved property name"
    return None


def nested_property_name_problem(name: str, parent: str) -> str | None:
    """Why `name` cannot name a nested property of `parent` (a dotted path); None when it can."""
    if not _NESTED_NAME.match(name):
        return (f"'{name}' is not a valid nested property name of '{parent}'. NestedProperty names in Weaviate are "
                f"restricted to valid GraphQL names, which must be “/{NESTED_NAME_CORE}/”")
    return None


def stored_name(name: str) -> str:
    """Weaviate stores a property name with a lower-case first letter."""
    return name[:1].lower() + name[1:]
