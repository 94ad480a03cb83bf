"""The warehouse table: rows/s through each engine's contract, against the batch route, and its two goals."""

from __future__ import annotations

from bench.report import Report
from bench.sections.rows import add_table, rate_target, worst_ratio_target
from bench.warehouses import WarehouseResult


def add(report: Report, results: list[WarehouseResult]) -> None:
    add_table(
        report,
        "Models as SQL functions",
        "In-process, one request of each engine's contract (`bench/warehouses.py`): the adapter's translation and "
        "the core's work, from the body's bytes to the answer's (Redshift: from the event to its JSON string), "
        "against `POST /models/{name}/predict`'s use case on the same rows as JSON columns, answer encoded. "
        "Median of the runs.",
        ("model", "contract", "rows", "payload", "rows/s", "JSON columns rows/s", "contract / columns time"),
        (
            (r.model, r.contract, f"{r.rows:,}", f"{r.payload_mb:.2f} MB", f"{r.rows_per_s:,.0f}")
            + (f"{r.columns_rows_per_s:,.0f}", f"{r.ratio:.2f}")
            for r in results
        ),
    )
    diabetes = [r for r in results if r.model == "diabetes" and r.contract in ("bigquery", "snowflake")]
    slowest = min(diabetes, key=lambda r: r.rows_per_s)
    report.targets.append(
        rate_target(
            "warehouses, 50,000-call BigQuery and Snowflake requests (diabetes)",
            slowest.rows_per_s,
            shown=f"slowest {slowest.rows_per_s:,.0f} ({slowest.contract})",
        )
    )
    report.targets.append(
        worst_ratio_target(
            "warehouses, every contract within 2x of the same model's JSON-columns batch",
            results,
            lambda r: r.ratio,
            lambda r: f"{r.model}, {r.contract}",
        )
    )
