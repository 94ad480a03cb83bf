"""The Lambda bundles' table (zipped, unzipped, files) and the size limits they are held to."""

from __future__ import annotations

from bench.bundles import Bundle
from bench.report import Report
from bench.targets import Target


def add(report: Report, found: list[Bundle]) -> None:
    if not found:
        report.note("No `.serverless/*.zip`: run `make package` (serverless package) before `make bench` for sizes.")
        return
    lines = [
        "\n## Lambda bundles\n",
        "From `serverless package` (`.serverless/*.zip`), one zip per function.\n",
        "| function | zipped | unzipped | files |",
        "| --- | --- | --- | --- |",
    ]
    for b in found:
        lines.append(f"| {b.name} | {b.zipped_mb:.1f} MB | {b.unzipped_mb:.1f} MB | {b.files:,} |")
    report.parts.append("\n".join(lines))
    largest = max(found, key=lambda b: b.unzipped_mb)
    report.targets.append(
        Target(
            "no Lambda function over 250 MB unzipped",
            "<= 250 MB",
            f"largest {largest.name} {largest.unzipped_mb:.1f} MB",
            largest.unzipped_mb <= 250,
        )
    )
    predict = [b for b in found if "predict" in b.name]
    if predict:
        size = max(b.unzipped_mb for b in predict)
        report.targets.append(Target("Lambda prediction bundle, unzipped", "<= 60 MB", f"{size:.1f} MB", size <= 60))
