"""What the rows/s sections share: a markdown table under its heading, and the two goals each sets.

The batch and warehouse sections (and scoring's) each write one table of rows/s and judge a rate goal and a
"within N times of the yardstick" goal; the shapes live here once, the words stay in each section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from bench.report import Report
from bench.targets import Target

R = TypeVar("R")


def add_table(report: Report, title: str, intro: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """``## title``, the paragraph saying how it was measured, then one table row per result."""
    lines = [f"\n## {title}\n", intro + "\n", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    report.parts.append("\n".join(lines))


def rate_target(what: str, rows_per_s: float, goal: float = 1e6, shown: str = "") -> Target:
    """At least ``goal`` rows/s."""
    return Target(what, f">= {goal:,.0f} rows/s", shown or f"{rows_per_s:,.0f}", rows_per_s >= goal)


def worst_ratio_target(
    what: str, results: Sequence[R], ratio: Callable[[R], float], name: Callable[[R], str]
) -> Target:
    """The slowest result against its yardstick within 2x."""
    worst = max(results, key=ratio)
    return Target(what, "<= 2.0", f"worst {ratio(worst):.2f} ({name(worst)})", ratio(worst) <= 2.0)
