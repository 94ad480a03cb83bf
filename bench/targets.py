"""The targets table at the head of docs/benchmarks.md: each goal, our figure, R's, and whether it holds.

Several goals were set beside an R figure measured on a faster day of this shared machine. Where R runs in
the same run, such a goal is also judged scaled by R's figure now / R's figure then: the same goal on the
machine as fast as it was during this run, so a slow day does not read as a regression.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def table(targets: list[Target], scales: dict[str, float]) -> list[str]:
    """The Targets section, one row a target; ``scales`` is this run's R figure / the reference one, by kind."""
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
    for t in targets:
        verdict = {True: "yes", False: "**no**", None: "n/a"}[t.holds]
        scaled = ""
        if t.seconds is not None and t.limit is not None and t.scaled_by in scales:
            goal = t.limit * scales[t.scaled_by]
            scaled = f"{'yes' if t.seconds <= goal else '**no**'} (<= {goal:.3f} {t.unit})"
        rows.append(f"| {t.what} | {t.goal} | {t.ours} | {t.peer} | {verdict} | {scaled} |")
    return rows
