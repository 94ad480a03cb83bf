"""Collects the benchmark's sections and writes them into docs/benchmarks.md between the bench markers.

Only the part between the markers is rewritten (``bench.splice``), so the soak's figures and prose kept
by hand stay in the same file. What each section holds is ``bench.sections``; the targets table,
``bench.targets``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import targets
from bench.splice import splice
from bench.targets import Target

START = "<!-- bench:start (written by `make bench`; edit bench/sections/ instead) -->"
END = "<!-- bench:end -->"


@dataclass
class Report:
    meta: dict[str, Any]
    parts: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    r_cold_s: float | None = None
    scales: dict[str, float] = field(default_factory=dict)
    """This run's R figure / the reference one, by ``Target.scaled_by``."""

    def note(self, text: str) -> None:
        self.parts.append(f"> {text}\n")

    def text(self) -> str:
        header = (
            f"# Benchmarks\n\nMeasured {self.meta['date']} on {self.meta['machine']}, Python {self.meta['python']}, "
            f"by `{self.meta['command']}`. Absolute figures drift between runs on shared machines: compare figures "
            "taken in one run.\n"
        )
        return "\n".join([header, *targets.table(self.targets, self.scales), "", *self.parts]) + "\n"

    def write(self, path: Path) -> None:
        splice(path, START, END, self.text(), new_at="top")
