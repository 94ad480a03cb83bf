"""The two tweet charts for 3200 tweets: cold (first requests after the server is up) and warm."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from bench.servers import Running, get

CHARTS = ("/frequency?users=realDonaldTrump&n=3200", "/sentiment?users=realDonaldTrump&n=3200")


@dataclass(frozen=True)
class ChartTimes:
    cold_both_s: float
    warm_s: dict[str, float]


def _timed(url: str) -> float:
    started = time.perf_counter()
    status, body = get(url, timeout=60)
    if status != 200 or not body.startswith(b"\x89PNG"):
        raise RuntimeError(f"{url} answered {status}")
    return time.perf_counter() - started


def measure(server: Running, warm_runs: int) -> ChartTimes:
    """The server must be fresh (only /health answered): the first two requests are the cold ones."""
    cold = sum(_timed(server.url + path) for path in CHARTS)
    warm = {
        path.split("?")[0]: statistics.median(_timed(server.url + path) for _ in range(warm_runs)) for path in CHARTS
    }
    return ChartTimes(cold, warm)
