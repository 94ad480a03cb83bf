"""``aliases.json``: which version each alias names, and how it came to (the history a rollback walks back).

    {"aliases": {"prod": "1.2.0", "staging": "1.3.0"},
     "history": {"prod": [{"version": "1.1.0", "action": "promote", "at": "..."}, ...]}}

The history is a log of promotions and rollbacks, oldest first. A promotion pushes its version and a
rollback pops one, so rolling back twice after three promotions gives the first version again, and a
rollback with nothing before it is refused rather than guessed. Pure: reading and writing the file is
``core.prediction.store.publishing``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import ConflictError, ModelUnavailableError


@dataclass(frozen=True)
class Aliases:
    current: Mapping[str, str] = field(default_factory=dict)
    history: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, name: str, document: Any) -> Aliases:
        """The aliases of ``document``; ``ModelUnavailableError`` naming the model for one that is malformed."""
        try:
            current = {str(k): str(v) for k, v in document["aliases"].items()}
            history = {
                str(alias): tuple({str(k): str(v) for k, v in entry.items()} for entry in entries)
                for alias, entries in document.get("history", {}).items()
            }
        except (TypeError, KeyError, AttributeError) as exc:
            raise ModelUnavailableError(f"model {name!r} has a malformed aliases.json", field="model") from exc
        return cls(current, history)

    def to_json(self) -> dict[str, Any]:
        return {
            "aliases": dict(sorted(self.current.items())),
            "history": {alias: [dict(e) for e in entries] for alias, entries in sorted(self.history.items())},
        }

    def stack(self, alias: str) -> list[str]:
        """The versions a rollback would return to, in turn (the last one is the alias's version)."""
        stack: list[str] = []
        for entry in self.history.get(alias, ()):
            if entry.get("action") == "rollback":
                if stack:
                    stack.pop()
            else:
                stack.append(entry["version"])
        return stack

    def promoted(self, alias: str, version: str, at: str) -> Aliases:
        """The alias pointing at ``version``; unchanged if it already does."""
        if self.current.get(alias) == version:
            return self
        entry = {"version": version, "action": "promote", "at": at}
        return Aliases(
            {**self.current, alias: version},
            {**self.history, alias: (*self.history.get(alias, ()), entry)},
        )

    def rolled_back(self, name: str, alias: str, at: str) -> Aliases:
        """The alias pointing back at the version it named before its last promotion; ``ConflictError`` if none."""
        stack = self.stack(alias)
        if len(stack) < 2:
            raise ConflictError(
                f"alias {alias!r} of model {name!r} has no previous version to roll back to", field="alias"
            )
        version = stack[-2]
        entry = {"version": version, "action": "rollback", "at": at}
        return Aliases(
            {**self.current, alias: version},
            {**self.history, alias: (*self.history.get(alias, ()), entry)},
        )
