"""The batch table: rows/s of each format against the parse-plus-predict floor, and its two goals."""

from __future__ import annotations

from bench.batch import BatchResult
from bench.report import Report
from bench.targets import Target


def add(report: Report, results: list[BatchResult]) -> None:
    lines = [
        "\n## Batch prediction\n",
        "In-process `core.prediction.service.predict_batch` (parse, check every value, predict) against the floor: "
        "parsing the same payload with the fastest parser here (orjson; numpy's C `loadtxt` for CSV) and "
        "calling the model on the ready array. Median of the runs.\n",
        "| model | format | rows | payload | rows/s | floor rows/s | ours / floor time |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.model} | {r.fmt} | {r.rows:,} | {r.payload_mb:.2f} MB | {r.rows_per_s:,.0f} | "
            f"{r.floor_rows_per_s:,.0f} | {r.ratio:.2f} |"
        )
    report.parts.append("\n".join(lines))
    big = [r for r in results if r.rows == 100_000 and r.model == "diabetes"]
    columns = next(r for r in big if r.fmt == "json-columns")
    report.targets.append(
        Target(
            "batch, 100k rows as JSON columns (diabetes)",
            ">= 1,000,000 rows/s",
            f"{columns.rows_per_s:,.0f}",
            columns.rows_per_s >= 1e6,
        )
    )
    worst = max(results, key=lambda r: r.ratio)
    report.targets.append(
        Target(
            "batch, every format within 2x of the parse-plus-predict floor",
            "<= 2.0",
            f"worst {worst.ratio:.2f} ({worst.model}, {worst.fmt}, {worst.rows:,})",
            worst.ratio <= 2.0,
        )
    )
