"""The benchmark's arithmetic and its report: goals scaled by R's same-run figures, the median run chosen,
and docs/benchmarks.md rewritten only between its markers. No load is run here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import load, sections
from bench.coldstart import LambdaCold
from bench.report import END, START, Report
from bench.servers import Running


def test_the_median_run_is_a_whole_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every figure of the row must come from the run with the median throughput, not a mix of runs."""
    runs = iter(
        load.LoadResult(32, rps, 1.0, 2.0, 100, 0, cpu, 60.0) for rps, cpu in ((2000, 0.5), (3000, 0.3), (1000, 0.9))
    )
    monkeypatch.setattr(load, "run", lambda *args, **kwargs: next(runs))
    chosen = load.median_run(Running("s", "http://x", None, 0.0), "/", 32, 1, 3)  # type: ignore[arg-type]
    assert (chosen.requests_per_s, chosen.cpu_ms_per_request) == (2000, 0.5)


def _row(text: str, what: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {what} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_cold_start_goals_are_also_scaled_by_rs_cold_start_in_the_same_run() -> None:
    report = Report({"date": "d", "machine": "m", "python": "3", "command": "c"})
    sections.coldstart.server(report, "Cloud Run (uvicorn)", 0.80, "cmd", "/p")
    sections.coldstart.server(
        report, "R plumber (the book's service)", 0.956, "cmd", "/p"
    )  # twice the 0.478 s reference
    sections.coldstart.lambda_(report, LambdaCold("/predict_data?x=1", 0.5, 0.11, 0.9))
    text = report.text()
    cloud_run = _row(text, "cold start, Cloud Run (uvicorn)")
    assert cloud_run[2:] == ["0.800 s", "0.956 s", "**no**", "yes (<= 0.800 s)"]  # 0.40 s x 2: holds, just
    assert _row(text, "cold start, Lambda import + first invoke")[4:] == ["**no**", "**no** (<= 0.600 s)"]  # 0.61 s


def test_without_r_nothing_is_scaled() -> None:
    report = Report({"date": "d", "machine": "m", "python": "3", "command": "c"})
    sections.coldstart.server(report, "Cloud Run (uvicorn)", 0.35, "cmd", "/p")
    assert _row(report.text(), "cold start, Cloud Run (uvicorn)")[2:] == ["0.350 s", "", "yes", ""]


def test_the_report_replaces_only_its_own_block(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"{START}\nold figures\n{END}\n\n## Soak\nkept\n\n## By hand\nkept too\n")
    Report({"date": "d", "machine": "m", "python": "3", "command": "c"}).write(doc)
    text = doc.read_text()
    assert "old figures" not in text and "# Benchmarks" in text
    assert text.endswith("## Soak\nkept\n\n## By hand\nkept too\n") and text.count(START) == 1


def test_the_scoring_section_judges_rows_per_second_and_peak_memory_of_the_local_run() -> None:
    from bench.scoring import Run, ScoringResult

    report = Report({"date": "d", "machine": "m", "python": "3", "command": "c"})
    runs = [
        Run("ours, local file", 10_000_000, 8.0, 7.5, 120.0, "cmd"),
        Run("pandas.read_csv + the same predictions", 10_000_000, 5.0, 5.0, 900.0, "cmd"),
        Run("ours, S3 (moto server)", 10_000_000, 20.0, 12.0, 150.0, "cmd"),
    ]
    sections.scoring.add(report, ScoringResult(10_000_000, 170.0, runs, 95.0, False, []), "python -m bench")
    text = report.text()
    assert _row(text, "scoring 10,000,000 rows, local CSV (diabetes)")[2:5] == ["1,250,000", "", "yes"]
    assert _row(text, "scoring 10,000,000 rows, peak RSS")[2:5] == ["120 MB", "", "yes"]
    assert _row(text, "ours, S3 (moto server)")[1:] == ["10,000,000", "20.00", "500,000", "12.00", "833,333", "150 MB"]
    assert "imports in 95 ms (no FastAPI)" in text
