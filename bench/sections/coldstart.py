"""The cold-start table: each server's spawn to first 200, and Lambda's import plus first invoke, with their goals.

R's own cold start, measured in the same run, scales the cold-start goals (set beside its reference figure).
"""

from __future__ import annotations

from bench.coldstart import LambdaCold
from bench.report import Report
from bench.targets import R_COLD_REFERENCE_S, Target

GOALS_S = {"Cloud Run": 0.40, "Cloud Functions": 0.50}
"""Cold-start goals of the servers, by the start of their name."""
LAMBDA_GOAL_S = 0.30


def header(report: Report, runs: int) -> None:
    report.parts.append(
        f"## Cold start\n\nProcess spawn to the first HTTP 200, median of {runs} runs. Lambda: a fresh "
        "interpreter imports `handlers.aws_lambda` and invokes `handler` once with an HTTP API event "
        "(what INIT plus the first INVOKE cost), interpreter start reported apart.\n\n"
        "| server | route | cold start | command |\n| --- | --- | --- | --- |"
    )


def server(report: Report, name: str, seconds: float, command: str, path: str) -> None:
    """One server's row; R's own row (a name starting "R ") also sets the scale of every cold-start goal."""
    report.parts.append(f"| {name} | `{path}` | {seconds:.3f} s | `{command}` |")
    for prefix, goal in GOALS_S.items():
        if name.startswith(prefix):
            what, ours = f"cold start, {name}", f"{seconds:.3f} s"
            report.targets.append(Target(what, f"<= {goal:.2f} s", ours, seconds <= goal, "", seconds, goal, "cold"))
    if name.startswith("R "):
        report.r_cold_s = seconds
        report.scales["cold"] = seconds / R_COLD_REFERENCE_S
        for target in report.targets:
            if target.what.startswith("cold start"):
                target.peer = f"{seconds:.3f} s"


def lambda_(report: Report, result: LambdaCold) -> None:
    """Lambda's row: INIT plus the first invocation; the prediction route is held to its goal."""
    setting = f", `{result.environment}`" if result.environment else ""
    report.parts.append(
        f"| AWS Lambda (import + first invoke{setting}) | `{result.path}` | {result.total_s:.3f} s "
        f"(import {result.import_s:.3f} s + invoke {result.invoke_s:.3f} s; whole process "
        f"{result.process_s:.3f} s) | `python -m bench` Lambda probe |"
    )
    if result.path.startswith("/predict_data"):
        report.targets.append(
            Target(
                "cold start, Lambda import + first invoke",
                f"<= {LAMBDA_GOAL_S:.2f} s",
                f"{result.total_s:.3f} s",
                result.total_s <= LAMBDA_GOAL_S,
                f"{report.r_cold_s:.3f} s (server)" if report.r_cold_s else "",
                result.total_s,
                LAMBDA_GOAL_S,
                "cold",
            )
        )
