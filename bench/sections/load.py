"""The warm load table (wrk at 8 and 32 connections) and its goals: CPU per request, p99, RSS, throughput vs R."""

from __future__ import annotations

from bench.load import LoadResult
from bench.report import Report
from bench.targets import R_CPU_REFERENCE_MS, R_FIGURES, Target


def add(report: Report, results: list[tuple[str, list[LoadResult], str]], seconds: float, repeats: int) -> None:
    lines = [
        "\n## Warm latency and throughput\n",
        f"`wrk -t2 -cN -d{seconds:g}s --latency` on `/predict_data?pregnant=1&glucose=3&pressure=1`, keep-alive, "
        f"after a 1 s warm-up; each row is the run with the median requests/s of {repeats} "
        "(every figure in a row from that one run). Client and server share the machine's 2 cores, as in the "
        "R figures. Server CPU "
        "per request is the server process tree's user+system time over the run divided by the requests; "
        "peak RSS is the tree's VmHWM after the load.\n",
        "| server | connections | requests/s | p50 | p99 | server CPU / request | peak RSS | non-2xx |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, runs, _ in results:
        for r in runs:
            lines.append(
                f"| {name} | {r.connections} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} ms | {r.p99_ms:.2f} ms | "
                f"{r.cpu_ms_per_request:.3f} ms | {max(x.peak_rss_mb for x in runs):.0f} MB | {r.non_2xx} |"
            )
    report.parts.append("\n".join(lines))
    peer = next((runs for name, runs, _ in results if name.startswith("R ")), None)
    ours = next(runs for name, runs, _ in results if name.startswith("Cloud Run"))
    by_c = {r.connections: r for r in ours}
    cpu = by_c[32].cpu_ms_per_request
    rss = max(r.peak_rss_mb for r in ours)
    peer_by_c = {r.connections: r for r in peer} if peer else {}
    if peer:
        report.scales["cpu"] = peer_by_c[32].cpu_ms_per_request / R_CPU_REFERENCE_MS
    report.targets += [
        Target(
            "server CPU per /predict_data request (32 connections)",
            "<= 0.4 ms",
            f"{cpu:.3f} ms",
            cpu <= 0.4,
            f"{peer_by_c[32].cpu_ms_per_request:.3f} ms" if peer else "",
            cpu,
            0.4,
            "cpu",
            "ms",
        ),
        Target(
            "p99 at 8 keep-alive connections",
            "<= 10 ms",
            f"{by_c[8].p99_ms:.2f} ms",
            by_c[8].p99_ms <= 10,
            f"{peer_by_c[8].p99_ms:.2f} ms" if peer else "",
        ),
        Target(
            "peak RSS of the prediction server under load",
            "<= 100 MB",
            f"{rss:.0f} MB",
            rss <= 100,
            f"{max(r.peak_rss_mb for r in peer):.0f} MB" if peer else "",
        ),
    ]
    if peer:
        ratio = by_c[32].requests_per_s / peer_by_c[32].requests_per_s
        report.targets.append(
            Target(
                "throughput at 32 connections vs R, same run",
                ">= 5x",
                f"{by_c[32].requests_per_s:,.0f} req/s = {ratio:.1f}x",
                ratio >= 5,
                f"{peer_by_c[32].requests_per_s:,.0f} req/s",
            )
        )
    else:
        report.targets.append(
            Target(
                "throughput at 32 connections vs R (511 req/s in " + R_FIGURES + ")",
                ">= 5x",
                f"{by_c[32].requests_per_s:,.0f} req/s (no R run here)",
                None,
            )
        )
