"""The two tweet charts for 3200 tweets: cold (first requests after the server is up) and warm."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass

from bench.servers import ROOT, Running, get

R_ANALYSIS = ROOT.parent / "shared" / "peers" / "r-plumber" / "tweets" / "analysis.R"
"""The R tutorial's two analyses on the same tweets, which prints its own split (libraries, then the work)."""
_R_TIMING = re.compile(r"timing: library load ([\d.]+)s, analysis\+plots ([\d.]+)s")

CHARTS = ("/frequency?users=realDonaldTrump&n=3200", "/sentiment?users=realDonaldTrump&n=3200")


@dataclass(frozen=True)
class ChartTimes:
    cold_both_s: float
    """The median over fresh servers."""
    cold_runs: int
    warm_s: dict[str, float]


def _timed(url: str) -> float:
    started = time.perf_counter()
    status, body = get(url, timeout=60)
    if status != 200 or not body.startswith(b"\x89PNG"):
        raise RuntimeError(f"{url} answered {status}")
    return time.perf_counter() - started


def cold_both(server: Running) -> float:
    """The server must be fresh (only /health answered): its first two chart requests, timed together."""
    return sum(_timed(server.url + path) for path in CHARTS)


def warm(server: Running, runs: int) -> dict[str, float]:
    """Each chart's median time once the server has drawn it before."""
    return {path.split("?")[0]: statistics.median(_timed(server.url + path) for _ in range(runs)) for path in CHARTS}


@dataclass(frozen=True)
class RAnalysis:
    runs: int
    wall_s: float
    library_s: float
    analysis_s: float


def r_analysis(runs: int) -> RAnalysis | None:
    """``Rscript analysis.R 3200 OUT``: the median run by wall time, or None when R or the script is absent."""
    if not R_ANALYSIS.exists() or shutil.which("Rscript") is None:
        return None
    samples: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run(
                ["Rscript", R_ANALYSIS.name, "3200", out], cwd=R_ANALYSIS.parent, capture_output=True, text=True
            )
            wall = time.perf_counter() - started
            timing = _R_TIMING.search(done.stderr)
            if done.returncode != 0 or timing is None:
                raise RuntimeError(f"analysis.R failed ({done.returncode}): {done.stderr[-500:]}")
            samples.append((wall, float(timing[1]), float(timing[2])))
    wall, library, analysis = sorted(samples)[len(samples) // 2]
    return RAnalysis(runs, wall, library, analysis)
