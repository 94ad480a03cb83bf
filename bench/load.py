"""Warm latency and throughput with wrk (keep-alive), with the server's CPU time per request and peak RSS."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from bench import procs
from bench.servers import Running

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class LoadResult:
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    cpu_ms_per_request: float
    peak_rss_mb: float


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 in ms, total requests and non-2xx/3xx responses from ``wrk --latency``."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, total, int(bad.group(1)) if bad else 0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run(server: Running, path: str, connections: int, seconds: float, threads: int = 2) -> LoadResult:
    """``wrk -t2 -cN -dS --latency``: client and server share this machine's cores (as the R figures did)."""
    cpu_before = procs.cpu_seconds(server.pid)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", server.url + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = procs.cpu_seconds(server.pid) - cpu_before
    rps, p50, p99, total, bad = parse_wrk(output)
    return LoadResult(
        connections=connections,
        requests_per_s=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=total,
        non_2xx=bad,
        cpu_ms_per_request=1000 * cpu / max(total, 1),
        peak_rss_mb=procs.peak_rss_mb(server.pid),
    )


def median_run(server: Running, path: str, connections: int, seconds: float, repeats: int) -> LoadResult:
    """The run with the median throughput of ``repeats``: every figure of the row then comes from one run.

    On this shared 2-core machine one 10 s run's CPU per request moves by up to a third between runs
    (the server saturates its core whatever its speed, so a slow spell shows as more CPU per request).
    """
    runs = sorted((run(server, path, connections, seconds) for _ in range(repeats)), key=lambda r: r.requests_per_s)
    return runs[len(runs) // 2]
