"""The lint config file (`--config FILE`, else `.loomdb-lint.yaml` in the working directory):

    rules:
      WL001: {severity: HIGH, pattern: "[A-Z][A-Za-z]*"}   # id or name; any parameter of the rule
      property-description: {enabled: false}
    ignore:
      - collection: "Legacy*"          # fnmatch pattern (default "*")
        property: "raw*"               # optional: only findings on these properties
        rules: [WL003, WL014]          # default: every rule

Unknown rules, parameters or severities are errors (a typo must not silently disable a policy)."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..report import Severity
from .catalogue import BY_KEY, RULES
from .rule import Rule
from .schema_facts import IGNORE_MARKER

DEFAULT_FILE = ".loomdb-lint.yaml"


class LintConfigError(ValueError):
    """The config file cannot be read or names something that does not exist (a usage error)."""


@dataclass(frozen=True)
class Ignore:
    collection: str = "*"
    prop: str | None = None
    rules: frozenset[str] = frozenset()       # rule ids; empty = all

    def covers(self, rule_id: str, collection: str | None, prop: str | None) -> bool:
        return ((not self.rules or rule_id in self.rules)
                and fnmatch.fnmatchcase(collection or "", self.collection)
                and (self.prop is None or (prop is not None and fnmatch.fnmatchcase(prop, self.prop))))


@dataclass(frozen=True)
class RuleSettings:
    """A rule as configured: on or off, its severity and its parameters."""

    rule: Rule
    enabled: bool
    severity: Severity
    params: dict[str, Any]


@dataclass
class LintConfig:
    settings: dict[str, RuleSettings] = field(default_factory=dict)      # by rule id, in catalogue order
    ignores: list[Ignore] = field(default_factory=list)
    source: str = "defaults"

    @classmethod
    def defaults(cls) -> LintConfig:
        return cls({r.id: RuleSettings(r, True, r.severity, dict(r.params)) for r in RULES})

    @classmethod
    def load(cls, path: Path | None) -> LintConfig:
        """`path`, else ./.loomdb-lint.yaml when present, else the defaults."""
        if path is None:
            path = Path(DEFAULT_FILE) if Path(DEFAULT_FILE).is_file() else None
            if path is None:
                return cls.defaults()
        try:
            document = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise LintConfigError(f"cannot read lint config {path}: {exc}") from None
        if not isinstance(document, dict) or set(document) - {"rules", "ignore"}:
            raise LintConfigError(f"{path}: expected a mapping with keys 'rules' and/or 'ignore'")
        config = cls.defaults()
        config.source = str(path)
        for key, options in (document.get("rules") or {}).items():
            config._configure(str(key), options, path)
        config.ignores = [_ignore(entry, path) for entry in document.get("ignore") or []]
        return config

    def _configure(self, key: str, options: Any, path: Path) -> None:
        rule = _rule(key, path)
        current = self.settings[rule.id]
        if isinstance(options, bool):            # `WL004: false` is short for {enabled: false}
            options = {"enabled": options}
        if not isinstance(options, dict):
            raise LintConfigError(f"{path}: rules.{key} must be a mapping or true/false")
        params = dict(current.params)
        for name, value in options.items():
            if name not in ("enabled", "severity") and name not in rule.params:
                known = ", ".join(["enabled", "severity", *rule.params])
                raise LintConfigError(f"{path}: rule {rule.id} has no parameter {name!r} (known: {known})")
            if name not in ("enabled", "severity"):
                params[name] = value
        severity = options.get("severity", current.severity.name)
        if str(severity).upper() not in Severity.__members__:
            raise LintConfigError(f"{path}: rules.{key}.severity {severity!r} is not one of "
                                  f"{', '.join(Severity.__members__)}")
        self.settings[rule.id] = RuleSettings(rule, bool(options.get("enabled", current.enabled)),
                                          Severity[str(severity).upper()], params)

    def ignored(self, rule_id: str, collection: str | None, prop: str | None) -> bool:
        return any(entry.covers(rule_id, collection, prop) for entry in self.ignores)


def inline_ignores(description: str | None) -> frozenset[str] | None:
    """The rules a description's `loomdb-lint: ignore WL003, WL014` marker silences (empty set = all);
    None when there is no marker."""
    match = IGNORE_MARKER.search(description or "")
    if not match:
        return None
    return frozenset(BY_KEY[k].id for k in re.split(r"[\s,]+", match.group(1) or "") if k in BY_KEY)


def _rule(key: str, path: Path) -> Rule:
    if key not in BY_KEY:
        raise LintConfigError(f"{path}: unknown rule {key!r} (see `loomdb lint --list-rules`)")
    return BY_KEY[key]


def _ignore(entry: Any, path: Path) -> Ignore:
    if not isinstance(entry, dict) or set(entry) - {"collection", "property", "rules"}:
        raise LintConfigError(f"{path}: each ignore entry is a mapping of collection, property, rules")
    rules = frozenset(_rule(str(k), path).id for k in entry.get("rules") or [])
    return Ignore(str(entry.get("collection", "*")), entry.get("property"), rules)
