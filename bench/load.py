"""Warm latency and throughput with wrk (keep-alive), with the server's CPU time per request and peak RSS."""

from __future__ import annotations

from dataclasses import dataclass

from bench import procs, wrk
from bench.servers import Running


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


def run(server: Running, path: str, connections: int, seconds: float, threads: int = 2) -> LoadResult:
    """``wrk -t2 -cN -dS --latency``: client and server share this machine's cores (as the R figures did)."""
    cpu_before = procs.cpu_seconds(server.pid)
    output = wrk.run([f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", server.url + path])
    cpu = procs.cpu_seconds(server.pid) - cpu_before
    rps, p50, p99, total, bad = wrk.parse_latency(output)
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
