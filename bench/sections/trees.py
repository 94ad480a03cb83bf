"""The imported tree models' table: ours against the library's ``predict_proba``, load times, and their goals."""

from __future__ import annotations

from bench.report import Report
from bench.targets import Target
from bench.trees import PREDICT_ROWS, TreeResult

RATIO_GOAL = 2.0
LOAD_GOAL_S = 0.050
MILLION_NODE_LOAD_GOAL_S = 0.2


def add(report: Report, results: list[TreeResult], forest: TreeResult) -> None:
    lines = [
        "\n## Imported tree models\n",
        f"Each family fitted on 20,000 rows of `make_classification` (20 features); {PREDICT_ROWS:,} held-out rows "
        "answered by the library's own `predict_proba` and by our node-array form, single-threaded, the two sides "
        "timed in turns, best run of each; load: the JSON header parsed, the `.npz` arrays read back "
        "(`allow_pickle=False`) and the evaluation route chosen (a boosted model's bitvector tables built). "
        "`OMP_NUM_THREADS=1 python -m bench.trees` prints the same rows.\n",
        "| family | trees | nodes | library | ours | ours / library | load | worst difference |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in [*results, forest]:
        lines.append(
            f"| {r.family} | {r.trees} | {r.nodes:,} | {r.library_s:.3f} s | {r.ours_s:.3f} s | {r.ratio:.2f} | "
            f"{r.load_s * 1000:.1f} ms | {r.worst_difference:.1e} |"
        )
    report.parts.append("\n".join(lines))
    worst = max(results, key=lambda r: r.ratio)
    report.targets.append(
        Target(
            f"imported trees, {PREDICT_ROWS:,} rows, within 2x the library's predict_proba",
            f"<= {RATIO_GOAL:.1f}",
            f"worst {worst.ratio:.2f} ({worst.family})",
            worst.ratio <= RATIO_GOAL,
        )
    )
    slowest = max(results, key=lambda r: r.load_s)
    report.targets.append(
        Target(
            "imported tree artifact load",
            f"<= {LOAD_GOAL_S * 1000:.0f} ms",
            f"worst {slowest.load_s * 1000:.1f} ms ({slowest.family})",
            slowest.load_s <= LOAD_GOAL_S,
        )
    )
    report.targets.append(
        Target(
            f"100-tree forest of {forest.nodes:,} nodes, load",
            f"<= {MILLION_NODE_LOAD_GOAL_S:.1f} s",
            f"{forest.load_s:.3f} s",
            forest.load_s <= MILLION_NODE_LOAD_GOAL_S,
        )
    )
