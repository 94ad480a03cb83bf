"""The import-time table: each handler module's import, and the costliest imports beneath it."""

from __future__ import annotations

from bench.importtime import ImportProfile
from bench.report import Report


def add(report: Report, profiles: list[ImportProfile]) -> None:
    lines = [
        "\n## Import time of each handler module\n",
        "`python -X importtime -c 'import MODULE'`, median of the runs; the costliest imports beneath it "
        "show where a regression comes from.\n",
        "| module | import | costliest imports (cumulative) |",
        "| --- | --- | --- |",
    ]
    for p in profiles:
        top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in p.top)
        lines.append(f"| `{p.module}` | {p.total_ms:.0f} ms | {top} |")
    report.parts.append("\n".join(lines))
