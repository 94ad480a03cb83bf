"""The batch table: rows/s of each format against the parse-plus-predict floor, and its two goals."""

from __future__ import annotations

from bench.batch import BatchResult
from bench.report import Report
from bench.sections.rows import add_table, rate_target, worst_ratio_target


def add(report: Report, results: list[BatchResult]) -> None:
    add_table(
        report,
        "Batch prediction",
        "In-process `core.prediction.service.predict_batch` (parse, check every value, predict) against the floor: "
        "parsing the same payload with the fastest parser here (orjson; numpy's C `loadtxt` for CSV) and "
        "calling the model on the ready array. Median of the runs.",
        ("model", "format", "rows", "payload", "rows/s", "floor rows/s", "ours / floor time"),
        (
            (r.model, r.fmt, f"{r.rows:,}", f"{r.payload_mb:.2f} MB", f"{r.rows_per_s:,.0f}")
            + (f"{r.floor_rows_per_s:,.0f}", f"{r.ratio:.2f}")
            for r in results
        ),
    )
    big = [r for r in results if r.rows == 100_000 and r.model == "diabetes"]
    columns = next(r for r in big if r.fmt == "json-columns")
    report.targets.append(rate_target("batch, 100k rows as JSON columns (diabetes)", columns.rows_per_s))
    report.targets.append(
        worst_ratio_target(
            "batch, every format within 2x of the parse-plus-predict floor",
            results,
            lambda r: r.ratio,
            lambda r: f"{r.model}, {r.fmt}, {r.rows:,}",
        )
    )
