"""What a lint rule is: a stable id, a name, a default severity, its tunable parameters, the page `--explain`
prints, and a check over one collection's class JSON (or over the whole schema) that yields hits."""
from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..report import Severity


@dataclass(frozen=True)
class Hit:
    """One violation: where (collection, optional property) and what was seen."""

    collection: str | None
    evidence: str
    prop: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """Everything the rules may look at. Live facts (object counts, node count, sampled dimensions) are None
    when linting a schema file: rules that need them are skipped, not passed."""

    classes: list[dict[str, Any]]
    object_counts: dict[str, int] | None = None
    node_count: int | None = None
    sampled_dims: dict[tuple[str, str | None], int] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.object_counts is not None


Check = Callable[[Context, dict[str, Any]], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str                      # "WL001": stable, what configs, ignores and CI annotations name
    name: str                    # "collection-name": a readable alias accepted wherever the id is
    title: str
    severity: Severity
    why: str
    action: str
    check: Check
    params: dict[str, Any] = field(default_factory=dict)     # defaults; the config file may override each
    live_only: bool = False      # needs object counts / nodes: skipped on a schema file

    def page(self) -> str:
        """The explanation `loomdb lint --explain ID` prints."""
        lines = [f"{self.id} {self.name}: {self.title}", "",
                 f"Default severity: {self.severity.name}" + ("   (live endpoint only)" if self.live_only else ""),
                 "", "Why it matters:", _indent(self.why), "", "What to do:", _indent(self.action)]
        if self.params:
            lines += ["", "Parameters (set under `rules: {" + self.id + ": {...}}` in .loomdb-lint.yaml):"]
            lines += [f"  {key}: {value}" for key, value in self.params.items()]
        lines += ["", "Silence it:",
                  f"  in .loomdb-lint.yaml:  rules: {{{self.id}: {{enabled: false}}}}",
                  f"  for some collections:  ignore: [{{collection: 'Legacy*', rules: [{self.id}]}}]",
                  f"  in a class or property description:  loomdb-lint: ignore {self.id}"]
        return "\n".join(lines)


def _indent(text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="  ")
