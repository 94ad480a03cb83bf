"""The warehouse table: rows/s through each engine's contract, against the batch route, and its two goals."""

from __future__ import annotations

from bench.report import Report
from bench.targets import Target
from bench.warehouses import WarehouseResult


def add(report: Report, results: list[WarehouseResult]) -> None:
    lines = [
        "\n## Models as SQL functions\n",
        "In-process, one request of each engine's contract (`bench/warehouses.py`): the adapter's translation and "
        "the core's work, from the body's bytes to the answer's (Redshift: from the event to its JSON string), "
        "against `POST /models/{name}/predict`'s use case on the same rows as JSON columns, answer encoded. "
        "Median of the runs.\n",
        "| model | contract | rows | payload | rows/s | JSON columns rows/s | contract / columns time |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.model} | {r.contract} | {r.rows:,} | {r.payload_mb:.2f} MB | {r.rows_per_s:,.0f} | "
            f"{r.columns_rows_per_s:,.0f} | {r.ratio:.2f} |"
        )
    report.parts.append("\n".join(lines))
    diabetes = [r for r in results if r.model == "diabetes" and r.contract in ("bigquery", "snowflake")]
    slowest = min(diabetes, key=lambda r: r.rows_per_s)
    report.targets.append(
        Target(
            "warehouses, 50,000-call BigQuery and Snowflake requests (diabetes)",
            ">= 1,000,000 rows/s",
            f"slowest {slowest.rows_per_s:,.0f} ({slowest.contract})",
            slowest.rows_per_s >= 1e6,
        )
    )
    worst = max(results, key=lambda r: r.ratio)
    report.targets.append(
        Target(
            "warehouses, every contract within 2x of the same model's JSON-columns batch",
            "<= 2.0",
            f"worst {worst.ratio:.2f} ({worst.model}, {worst.contract})",
            worst.ratio <= 2.0,
        )
    )
