"""What the loaders know while reading: every identifier seen so far, by kind.

References are checked against it (an unknown country code is an error), and
so are duplicates (an identifier defined twice is an error that names both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Registry:
    defined: dict[str, dict[str, str]] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Identifiers of records refused for problems of their own: a reference to one is not
    # "unknown" (a curator would look for a typo that is not there) but points to those problems.
    refused: dict[str, dict[str, str]] = field(default_factory=dict)

    def has(self, kind: str, identifier: str) -> bool:
        return identifier in self.defined.get(kind, {})

    def define(self, kind: str, identifier: str, where: str, detail: Any = None) -> str | None:
        """Record a definition; return where it was first defined if it is a duplicate."""
        seen = self.defined.setdefault(kind, {})
        if identifier in seen:
            return seen[identifier]
        seen[identifier] = where
        if detail is not None:
            self.details.setdefault(kind, {})[identifier] = detail
        return None

    def refuse(self, kind: str, identifier: str, where: str) -> None:
        """Note a record refused for its own problems, so that references to it say so."""
        if not self.has(kind, identifier):
            self.refused.setdefault(kind, {}).setdefault(identifier, where)

    def unknown(self, kind: str, shown_identifier: str, identifier: str, noun: str | None = None) -> str:
        """The message for a reference to ``identifier`` that is not defined (``noun`` names the kind)."""
        noun = noun or kind
        where = self.refused.get(kind, {}).get(identifier)
        if where is not None:
            return f"{noun} {shown_identifier} is refused for its own problems (see {where})"
        return f"unknown {noun} {shown_identifier}"

    def detail(self, kind: str, identifier: str) -> Any:
        return self.details.get(kind, {}).get(identifier)

    def ids(self, kind: str) -> list[str]:
        return sorted(self.defined.get(kind, {}))
