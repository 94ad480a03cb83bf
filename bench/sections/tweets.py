"""The tweet charts' section: both charts cold, each warm, beside R's ``analysis.R`` when it ran."""

from __future__ import annotations

from bench.report import Report
from bench.targets import R_CHARTS_REFERENCE_S, R_DRAWING_REFERENCE_S, Target
from bench.tweets import ChartTimes, RAnalysis


def add(report: Report, times: ChartTimes, r: RAnalysis | None) -> None:
    warm = ", ".join(f"`{k}` {v:.3f} s" for k, v in times.warm_s.items())
    if r:
        report.scales["charts"] = r.wall_s / R_CHARTS_REFERENCE_S
        report.scales["drawing"] = r.analysis_s / R_DRAWING_REFERENCE_S
        r_line = (
            f"R's `analysis.R` in this run (`Rscript analysis.R 3200 OUT`, median of {r.runs}): {r.wall_s:.2f} s "
            f"for both, of which {r.library_s:.2f} s loading its libraries and {r.analysis_s:.2f} s computing and "
            f"drawing; {R_CHARTS_REFERENCE_S} s in ../shared/peers/README.md."
        )
    else:
        r_line = f"R's `analysis.R` took {R_CHARTS_REFERENCE_S} s for both in ../shared/peers/README.md (not run here)."
    report.parts.append(
        "\n## Tweet charts, 3200 tweets\n\n"
        "A fresh Cloud Run server (started, `/health` answered), then `/frequency` and `/sentiment` PNGs for "
        "`realDonaldTrump`, `n=3200` from the bundled corpus: the first two requests load the corpus, the "
        f"lexicon and matplotlib. Cold: the median over {times.cold_runs} fresh servers; warm: the last "
        "server's next requests.\n\n"
        "| cold: both charts | warm, per chart (median) |\n"
        f"| --- | --- |\n| {times.cold_both_s:.3f} s | {warm} |\n\n{r_line}"
    )
    report.targets.append(
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
    report.targets.append(
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
