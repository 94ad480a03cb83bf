"""What a soak found, the lines it reports, and whether it fails.

It fails on any 5xx (answered or logged), socket error, lost or unreadable access-log line, logged API
key, a server that exited, or memory growth of the given percent or more.
"""

from __future__ import annotations

import collections
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    statuses: dict[int, int]
    summary: dict[str, float]
    rss_mb: dict[str, float]
    rss_trend: list[float]
    """RSS sampled at each tenth of the measured run, to tell a leak (a steady climb) from settling."""
    load_average: float
    logged: dict[int, int]
    log_problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500) + sum(
            n for status, n in self.logged.items() if status >= 500
        )

    @property
    def socket_errors(self) -> int:
        return int(sum(self.summary[k] for k in ("connect", "read", "write", "timeout")))

    @property
    def growth_percent(self) -> float:
        return 100 * (self.rss_mb["end"] - self.rss_mb["start"]) / self.rss_mb["start"]

    def failed(self, max_growth: float) -> bool:
        return bool(self.server_errors or self.socket_errors or self.log_problems) or self.growth_percent >= max_growth


def read_log(path: Path, key: str) -> tuple[dict[int, int], list[str]]:
    """Answers by status as the access log tells them, and what is wrong with the log, if anything."""
    counts: collections.Counter[int] = collections.Counter()
    problems: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                counts[int(json.loads(line)["status"])] += 1
            except (ValueError, KeyError, TypeError):
                problems.append(f"line {number} is not an access-log JSON line: {line[:120]!r}")
            if key in line:
                problems.append(f"line {number} holds the API key")
    return dict(sorted(counts.items())), problems[:10]


def report(result: Result, warmup: float, connections: int, max_growth: float) -> str:
    s = result.summary
    statuses = ", ".join(f"{status}: {n}" for status, n in result.statuses.items())
    rss = result.rss_mb
    return "\n".join(
        [
            f"- wrk: {connections} connections, {s['seconds']:.1f} s after a {warmup:g} s warm-up, one uvicorn "
            f"process; client and server share this machine's {os.cpu_count()} cores (load average "
            f"{result.load_average:.1f} before the soak)",
            f"- requests: {int(s['requests'])} ({s['requests'] / s['seconds']:.0f}/s), p50 {s['p50_ms']:.1f} ms, "
            f"p99 {s['p99_ms']:.1f} ms",
            f"- answers by status: {statuses}",
            f"- 5xx: {result.server_errors}; socket errors (connect/read/write/timeout): {result.socket_errors}",
            f"- server RSS: {rss['spawned']:.1f} MB spawned, {rss['start']:.1f} MB after warm-up, "
            f"{rss['end']:.1f} MB at the end: growth {result.growth_percent:+.1f} % (limit {max_growth:.0f} %); "
            f"every tenth of the run: {', '.join(f'{mb:.0f}' for mb in result.rss_trend)} MB",
            f"- access log: {sum(result.logged.values())} JSON lines (warm-up included), "
            f"{'no problem' if not result.log_problems else '; '.join(result.log_problems)}",
        ]
    )
