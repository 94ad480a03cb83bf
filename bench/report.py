"""Writes the measured figures into docs/benchmarks.md, with the targets they are held to.

Only the part between the bench markers is rewritten, so figures recorded by other commands (the soak)
stay in the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.batch import BatchResult
from bench.bundles import Bundle
from bench.coldstart import LambdaCold
from bench.importtime import ImportProfile
from bench.load import LoadResult
from bench.tweets import ChartTimes, RAnalysis

START = "<!-- bench:start (written by `make bench`; edit bench/report.py instead) -->"
END = "<!-- bench:end -->"
R_FIGURES = "R plumber, as measured in ../shared/peers/README.md"
R_COLD_REFERENCE_S = 0.478
"""R's cold start in ../shared/peers/README.md, against which the cold-start goals were set."""
R_CHARTS_REFERENCE_S = 1.88
"""R's ``analysis.R`` (both charts, 3200 tweets) in ../shared/peers/README.md, beside the chart goal."""
R_DRAWING_REFERENCE_S = 1.88 - 1.15
"""The part of it after loading its libraries: computing and drawing, beside the warm-chart goal."""
R_CPU_REFERENCE_MS = 2.0
"""R's server CPU per request in ../shared/peers/README.md, beside the CPU goal."""


@dataclass
class Target:
    what: str
    goal: str
    ours: str
    holds: bool | None
    peer: str = ""
    seconds: float | None = None
    """For goals set beside an R figure: ours, so the goal can also be scaled to this run's R figure."""
    limit: float | None = None
    scaled_by: str | None = None
    """Which R figure of this run scales the goal: "cold" (the service's cold start), "cpu" (its CPU per
    request), "charts" (analysis.R) or "drawing" (analysis.R after its libraries are loaded)."""
    unit: str = "s"


@dataclass
class Report:
    meta: dict[str, Any]
    parts: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    peer_rps: dict[int, float] = field(default_factory=dict)
    r_cold_s: float | None = None
    scales: dict[str, float] = field(default_factory=dict)
    """This run's R figure / the reference one, by ``Target.scaled_by``."""

    def note(self, text: str) -> None:
        self.parts.append(f"> {text}\n")

    def section_cold_start_header(self, runs: int) -> None:
        self.parts.append(
            f"## Cold start\n\nProcess spawn to the first HTTP 200, median of {runs} runs. Lambda: a fresh "
            "interpreter imports `handlers.aws_lambda` and invokes `handler` once with an HTTP API event "
            "(what INIT plus the first INVOKE cost), interpreter start reported apart.\n\n"
            "| server | route | cold start | command |\n| --- | --- | --- | --- |"
        )

    def cold_start(self, name: str, seconds: float, command: str, path: str) -> None:
        self.parts.append(f"| {name} | `{path}` | {seconds:.3f} s | `{command}` |")
        goals = {"Cloud Run": 0.40, "Cloud Functions": 0.50}
        for prefix, goal in goals.items():
            if name.startswith(prefix):
                target = Target(
                    f"cold start, {name}",
                    f"<= {goal:.2f} s",
                    f"{seconds:.3f} s",
                    seconds <= goal,
                    "",
                    seconds,
                    goal,
                    "cold",
                )
                self.targets.append(target)
        if name.startswith("R "):
            self.r_cold_s = seconds
            self.scales["cold"] = seconds / R_COLD_REFERENCE_S
            for target in self.targets:
                if target.what.startswith("cold start"):
                    target.peer = f"{seconds:.3f} s"

    def lambda_cold(self, result: LambdaCold) -> None:
        setting = f", `{result.environment}`" if result.environment else ""
        self.parts.append(
            f"| AWS Lambda (import + first invoke{setting}) | `{result.path}` | {result.total_s:.3f} s "
            f"(import {result.import_s:.3f} s + invoke {result.invoke_s:.3f} s; whole process "
            f"{result.process_s:.3f} s) | `python -m bench` Lambda probe |"
        )
        if result.path.startswith("/predict_data"):
            self.targets.append(
                Target(
                    "cold start, Lambda import + first invoke",
                    "<= 0.30 s",
                    f"{result.total_s:.3f} s",
                    result.total_s <= 0.30,
                    f"{self.r_cold_s:.3f} s (server)" if self.r_cold_s else "",
                    result.total_s,
                    0.30,
                    "cold",
                )
            )

    def section_imports(self, profiles: list[ImportProfile]) -> None:
        lines = [
            "\n## Import time of each handler module\n",
            "`python -X importtime -c 'import MODULE'`, median of the runs; the costliest imports beneath it "
            "show where a regression comes from.\n",
            "| module | import | costliest imports (cumulative) |",
            "| --- | --- | --- |",
        ]
        for p in profiles:
            top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in p.top)
            lines.append(f"| `{p.module}` | {p.total_ms:.0f} ms | {top} |")
        self.parts.append("\n".join(lines))

    def section_load(self, results: list[tuple[str, list[LoadResult], str]], seconds: float, repeats: int) -> None:
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
        self.parts.append("\n".join(lines))
        peer = next((runs for name, runs, _ in results if name.startswith("R ")), None)
        ours = next(runs for name, runs, _ in results if name.startswith("Cloud Run"))
        by_c = {r.connections: r for r in ours}
        cpu = by_c[32].cpu_ms_per_request
        rss = max(r.peak_rss_mb for r in ours)
        peer_by_c = {r.connections: r for r in peer} if peer else {}
        if peer:
            self.scales["cpu"] = peer_by_c[32].cpu_ms_per_request / R_CPU_REFERENCE_MS
        self.targets += [
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
            self.targets.append(
                Target(
                    "throughput at 32 connections vs R, same run",
                    ">= 5x",
                    f"{by_c[32].requests_per_s:,.0f} req/s = {ratio:.1f}x",
                    ratio >= 5,
                    f"{peer_by_c[32].requests_per_s:,.0f} req/s",
                )
            )
        else:
            self.targets.append(
                Target(
                    "throughput at 32 connections vs R (511 req/s in " + R_FIGURES + ")",
                    ">= 5x",
                    f"{by_c[32].requests_per_s:,.0f} req/s (no R run here)",
                    None,
                )
            )

    def section_batch(self, results: list[BatchResult]) -> None:
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
        self.parts.append("\n".join(lines))
        big = [r for r in results if r.rows == 100_000 and r.model == "diabetes"]
        columns = next(r for r in big if r.fmt == "json-columns")
        self.targets.append(
            Target(
                "batch, 100k rows as JSON columns (diabetes)",
                ">= 1,000,000 rows/s",
                f"{columns.rows_per_s:,.0f}",
                columns.rows_per_s >= 1e6,
            )
        )
        worst = max(results, key=lambda r: r.ratio)
        self.targets.append(
            Target(
                "batch, every format within 2x of the parse-plus-predict floor",
                "<= 2.0",
                f"worst {worst.ratio:.2f} ({worst.model}, {worst.fmt}, {worst.rows:,})",
                worst.ratio <= 2.0,
            )
        )

    def section_tweets(self, times: ChartTimes, r: RAnalysis | None) -> None:
        warm = ", ".join(f"`{k}` {v:.3f} s" for k, v in times.warm_s.items())
        if r:
            self.scales["charts"] = r.wall_s / R_CHARTS_REFERENCE_S
            self.scales["drawing"] = r.analysis_s / R_DRAWING_REFERENCE_S
            r_line = (
                f"R's `analysis.R` in this run (`Rscript analysis.R 3200 OUT`, median of {r.runs}): {r.wall_s:.2f} s "
                f"for both, of which {r.library_s:.2f} s loading its libraries and {r.analysis_s:.2f} s computing and "
                f"drawing; {R_CHARTS_REFERENCE_S} s in ../shared/peers/README.md."
            )
        else:
            r_line = (
                f"R's `analysis.R` took {R_CHARTS_REFERENCE_S} s for both in ../shared/peers/README.md (not run here)."
            )
        self.parts.append(
            "\n## Tweet charts, 3200 tweets\n\n"
            "A fresh Cloud Run server (started, `/health` answered), then `/frequency` and `/sentiment` PNGs for "
            "`realDonaldTrump`, `n=3200` from the bundled corpus: the first two requests load the corpus, the "
            f"lexicon and matplotlib. Cold: the median over {times.cold_runs} fresh servers; warm: the last "
            "server's next requests.\n\n"
            "| cold: both charts | warm, per chart (median) |\n"
            f"| --- | --- |\n| {times.cold_both_s:.3f} s | {warm} |\n\n{r_line}"
        )
        self.targets.append(
            Target(
                "tweet charts cold (both, first requests)",
                "<= 1.0 s",
                f"{times.cold_both_s:.3f} s",
                times.cold_both_s <= 1.0,
                f"{r.wall_s:.2f} s (analysis.R, this run)" if r else f"{R_CHARTS_REFERENCE_S} s",
                times.cold_both_s,
                1.0,
                "charts",
            )
        )
        slowest = max(times.warm_s.values())
        self.targets.append(
            Target(
                "tweet charts warm, per chart",
                "<= 0.15 s",
                f"{slowest:.3f} s (slowest)",
                slowest <= 0.15,
                f"{r.analysis_s:.2f} s for both (analysis.R after its libraries)" if r else "",
                slowest,
                0.15,
                "drawing",
            )
        )

    def section_bundles(self, found: list[Bundle]) -> None:
        if not found:
            self.note("No `.serverless/*.zip`: run `make package` (serverless package) before `make bench` for sizes.")
            return
        lines = [
            "\n## Lambda bundles\n",
            "From `serverless package` (`.serverless/*.zip`), one zip per function.\n",
            "| function | zipped | unzipped | files |",
            "| --- | --- | --- | --- |",
        ]
        for b in found:
            lines.append(f"| {b.name} | {b.zipped_mb:.1f} MB | {b.unzipped_mb:.1f} MB | {b.files:,} |")
        self.parts.append("\n".join(lines))
        largest = max(found, key=lambda b: b.unzipped_mb)
        self.targets.append(
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
            self.targets.append(Target("Lambda prediction bundle, unzipped", "<= 60 MB", f"{size:.1f} MB", size <= 60))

    def text(self) -> str:
        header = (
            f"# Benchmarks\n\nMeasured {self.meta['date']} on {self.meta['machine']}, Python {self.meta['python']}, "
            f"by `{self.meta['command']}`. Absolute figures drift between runs on shared machines: compare figures "
            "taken in one run.\n"
        )
        rows = [
            "\n## Targets\n",
            "Several goals were set beside an R figure of ../shared/peers/README.md, measured on a faster day of "
            f"this machine: the cold starts beside R's {R_COLD_REFERENCE_S} s cold start, the CPU per request "
            f"beside its {R_CPU_REFERENCE_MS} ms, the cold charts beside `analysis.R`'s {R_CHARTS_REFERENCE_S} s "
            f"and the warm ones beside its {R_DRAWING_REFERENCE_S:.2f} s of computing and drawing. Where R ran in "
            "this run, the last column holds each such goal scaled by R's figure here / R's figure then: the "
            "same goal, on the machine as fast as it was during this run.\n",
            "| target | goal | ours | R plumber | holds | holds, goal scaled to this run's R |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for t in self.targets:
            verdict = {True: "yes", False: "**no**", None: "n/a"}[t.holds]
            scaled = ""
            if t.seconds is not None and t.limit is not None and t.scaled_by in self.scales:
                goal = t.limit * self.scales[t.scaled_by]
                scaled = f"{'yes' if t.seconds <= goal else '**no**'} (<= {goal:.3f} {t.unit})"
            rows.append(f"| {t.what} | {t.goal} | {t.ours} | {t.peer} | {verdict} | {scaled} |")
        return "\n".join([header, *rows, "", *self.parts]) + "\n"

    def write(self, path: Path) -> None:
        block = f"{START}\n{self.text()}{END}\n"
        existing = path.read_text() if path.exists() else ""
        if START in existing and END in existing:
            before, rest = existing.split(START, 1)
            after = rest.split(END, 1)[1]
            path.write_text(before + block + after.lstrip("\n"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block + ("\n" + existing if existing else ""))
