"""The scoring table: a generated diabetes table scored locally, beside pandas, and through moto's S3; the
batch Lambda's import; and the scoring goals (rows/s and peak RSS)."""

from __future__ import annotations

from bench.report import Report
from bench.scoring import ScoringResult
from bench.sections.rows import add_table, rate_target
from bench.targets import Target

PEAK_MB = 200


def add(report: Report, result: ScoringResult, command: str) -> None:
    add_table(
        report,
        "Scoring a table where it lives",
        f"`{command}`: `serverless-ml score`'s use case (`core.scoring.job.score`) on a generated diabetes CSV "
        f"of {result.rows:,} rows ({result.size_mb:.0f} MB), each measurement in a child process of its own "
        "(`python -m bench.scoring child ...`) that reports its scoring time (the interpreter's start left out) and "
        "its peak RSS (`/proc/self/status` VmHWM, the interpreter and its imports included; not `getrusage`'s "
        "maxrss, which Linux carries into a child from the process that forked it). pandas reads the whole file "
        "and predicts, writing nothing; ours streams, checks every value, and writes the scored table, its errors "
        "file and its manifest. Median of the runs. On a shared machine the wall clock also counts the time other "
        "processes held the CPU; the CPU seconds do not.",
        ("what", "rows", "seconds", "rows/s", "CPU seconds", "rows per CPU second", "peak RSS"),
        (
            (r.what, f"{r.rows:,}", f"{r.seconds:.2f}", f"{r.rows_per_s:,.0f}", f"{r.cpu_s:.2f}")
            + (f"{r.rows_per_cpu_s:,.0f}", f"{r.peak_mb:.0f} MB")
            for r in result.runs
        ),
    )
    if result.lambda_import_ms is not None:
        fastapi = "imports FastAPI" if result.lambda_imports_fastapi else "no FastAPI"
        report.parts.append(
            f"\nThe batch function's handler (`LAMBDA_EVENT_KINDS=s3,sqs`, `import handlers.aws_lambda`) imports in "
            f"{result.lambda_import_ms:.0f} ms ({fastapi}), median of the runs.\n"
        )
    for note in result.notes:
        report.note(note)
    local = result.runs[0]
    report.targets.append(rate_target(f"scoring {result.rows:,} rows, local CSV (diabetes)", local.rows_per_s))
    report.targets.append(
        Target(
            f"scoring {result.rows:,} rows, peak RSS",
            f"< {PEAK_MB} MB",
            f"{local.peak_mb:.0f} MB",
            local.peak_mb < PEAK_MB,
        )
    )
