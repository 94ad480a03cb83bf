"""The models-from-a-bucket table: cold start with a store against the bundled models, and p99 while ``prod`` swaps."""

from __future__ import annotations

from bench.model_store import StoreResult
from bench.report import Report
from bench.targets import Target

COLD_RATIO_GOAL = 1.5
"""A store may cost a cold start a download and a few requests, not a second start-up."""
P99_RATIO_GOAL = 2.0
"""Swapping a version (download, check, load beside the served one) must not double the tail."""


def add(report: Report, r: StoreResult) -> None:
    report.parts.append(
        "\n## Models from a bucket\n\n"
        "Cold start: the Lambda probe (import `handlers.aws_lambda`, answer one `/predict_data`), median of the runs, "
        "with `MODELS_URI` on moto's S3 server and an empty `/tmp` cache, against the bundled models in the same run. "
        "The two are taken in turns. Swap: the Cloud Run server (uvicorn, refresh every 0.5 s) under 4 keep-alive "
        f"clients, in quiet windows and swapping windows taken in turns ({r.swaps} of each; each swapping window "
        "starts with `prod` promoted to the other of 1.0.0 and 2.0.0) (`python -m bench.model_store`).\n\n"
        "| measure | bundled / quiet | store / swapping | ratio |\n| --- | --- | --- | --- |\n"
        f"| cold start, Lambda import + first invoke | {r.cold_bundled_s:.3f} s | {r.cold_store_s:.3f} s | "
        f"{r.cold_ratio:.2f} |\n"
        f"| p50 latency, Cloud Run | {r.quiet_p50_ms:.2f} ms | {r.swap_p50_ms:.2f} ms | "
        f"{r.swap_p50_ms / r.quiet_p50_ms:.2f} |\n"
        f"| p99 latency, Cloud Run | {r.quiet_p99_ms:.2f} ms | {r.swap_p99_ms:.2f} ms | {r.p99_ratio:.2f} |\n\n"
        f"{r.requests:,} requests, {r.errors} errors, versions answering: {', '.join(r.versions)}."
    )
    report.targets.append(
        Target(
            "models from a bucket, cold start with a store / bundled",
            f"<= {COLD_RATIO_GOAL:.1f}",
            f"{r.cold_ratio:.2f}",
            r.cold_ratio <= COLD_RATIO_GOAL,
        )
    )
    report.targets.append(
        Target(
            "models from a bucket, p99 while swapping / quiet, no error",
            f"<= {P99_RATIO_GOAL:.1f}, 0 errors",
            f"{r.p99_ratio:.2f}, {r.errors} errors",
            r.p99_ratio <= P99_RATIO_GOAL and r.errors == 0,
        )
    )
