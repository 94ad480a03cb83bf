"""``python -m bench [--quick] [--peer-cmd CMD | --peer URL]``: measure everything and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import statistics
import sys
from pathlib import Path
from typing import Any

from bench import (
    batch,
    bundles,
    coldstart,
    importtime,
    load,
    model_store,
    scoring,
    sections,
    trees,
    tweets,
    warehouses,
    wrk,
)
from bench.report import Report
from bench.servers import ROOT, Running, start

PREDICT = "/predict_data?pregnant=1&glucose=3&pressure=1"
SENTIMENT = "/sentiment?users=realDonaldTrump&n=3200"
PY = shlex.quote(sys.executable)
BIN = Path(sys.executable).parent
SERVERS = {
    "Cloud Run (uvicorn)": f"HOST=127.0.0.1 LOG_LEVEL=warning {PY} -m handlers.cloud_run",
    "Cloud Functions (functions-framework)": f"{shlex.quote(str(BIN / 'functions-framework'))} --target=app "
    "--source=main.py --host=127.0.0.1 --port={port}",
}
HANDLER_MODULES = ("handlers.cloud_run", "handlers.aws_lambda", "handlers.gcf", "main")
R_PEER = (
    "cd ../shared/peers/r-plumber/diabetes && PORT={port} exec Rscript main.R",
    "R plumber (the book's service)",
)


def _available_servers() -> dict[str, str]:
    servers = dict(SERVERS)
    if not (ROOT / "main.py").exists():
        servers.pop("Cloud Functions (functions-framework)")
    return servers


def measure(args: argparse.Namespace, report: Report) -> None:
    runs = 2 if args.quick else 5
    seconds = 3 if args.quick else 10
    load_repeats = 1 if args.quick else 3
    servers = _available_servers()
    peer_cmd = args.peer_cmd

    sections.coldstart.header(report, runs)
    for name, command in servers.items():
        sections.coldstart.server(report, name, coldstart.server_cold(name, command, PREDICT, runs), command, PREDICT)
    if peer_cmd:
        seconds_to_200 = coldstart.server_cold(args.peer_name, peer_cmd, PREDICT, runs)
        sections.coldstart.server(report, args.peer_name, seconds_to_200, peer_cmd, PREDICT)
    if (ROOT / "handlers" / "aws_lambda.py").exists():
        # The tweets function as serverless.yml deploys it loads the charts at INIT (WARM_ANALYSES), which
        # SnapStart snapshots: its INIT and its first invocation are what a restore skips and what it costs.
        probes = ((PREDICT, None), (SENTIMENT, None), (SENTIMENT, {"WARM_ANALYSES": "true"}))
        for path, environment in probes:
            try:
                sections.coldstart.lambda_(report, coldstart.lambda_cold(path, runs, environment))
            except RuntimeError as exc:
                report.note(f"Lambda cold start not measured: {exc}")

    sections.importtime.add(report, [importtime.median_total(m, runs) for m in HANDLER_MODULES if _importable(m)])

    if wrk.available():
        results: list[tuple[str, list[load.LoadResult], str]] = []
        for name, command in servers.items():
            with start(name, command, PREDICT) as server:
                results.append((name, _load(server, seconds, load_repeats), command))
        if peer_cmd or args.peer:
            results.append(_peer_load(args, seconds, load_repeats))
        sections.load.add(report, results, seconds, load_repeats)
    else:
        report.note("wrk is not installed (`make bench` installs it): no load figures.")

    sizes = (1_000, 10_000, 100_000)
    sections.batch.add(
        report, [r for n in sizes for m in ("diabetes", "diabetes-gbm") for r in batch.measure(m, n, runs)]
    )
    sections.trees.add(report, trees.measure(runs), trees.million_node_forest(runs))
    sections.warehouses.add(
        report, [r for m in ("diabetes", "diabetes-gbm") for r in warehouses.measure(m, 50_000, runs)]
    )

    sections.model_store.add(report, model_store.measure(runs, seconds))

    scoring_rows = 1_000_000 if args.quick else 10_000_000
    sections.scoring.add(
        report,
        scoring.measure(scoring_rows, 1 if args.quick else 3),
        "python -m bench" + (" --quick" if args.quick else ""),
    )

    _tweet_charts(args, report, runs)
    sections.bundles.add(report, bundles.bundles())


def _tweet_charts(args: argparse.Namespace, report: Report, runs: int) -> None:
    """The charts on a fresh server, then (with the R peer) R's analysis.R on the same tweets."""
    cold: list[float] = []
    try:
        for run in range(runs):
            with start("Cloud Run (uvicorn)", SERVERS["Cloud Run (uvicorn)"], "/health") as fresh:
                cold.append(tweets.cold_both(fresh))
                if run == runs - 1:
                    warm = tweets.warm(fresh, runs)
    except RuntimeError as exc:
        report.note(f"tweet charts not measured: {exc}")
        return
    charts = tweets.ChartTimes(statistics.median(cold), runs, warm)
    sections.tweets.add(report, charts, tweets.r_analysis(runs) if args.r_peer else None)


def _importable(module: str) -> bool:
    return (ROOT / (module.replace(".", "/") + ".py")).exists()


def _load(server: Running, seconds: float, repeats: int) -> list[load.LoadResult]:
    load.run(server, PREDICT, 8, 1)  # warm-up: first requests, connection set-up
    return [load.median_run(server, PREDICT, connections, seconds, repeats) for connections in (8, 32)]


def _peer_load(args: argparse.Namespace, seconds: float, repeats: int) -> tuple[str, list[load.LoadResult], str]:
    if args.peer:
        raise SystemExit("--peer URL: load is measured, but CPU and RSS need --peer-cmd (a local process)")
    with start(args.peer_name, args.peer_cmd, PREDICT) as peer:
        return args.peer_name, _load(peer, seconds, repeats), args.peer_cmd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, 3 s loads: a smoke run, not figures")
    parser.add_argument("--peer-cmd", help="shell command starting a peer server on {port}, e.g. the R service")
    parser.add_argument("--peer", help="URL of a running peer (load figures only)")
    parser.add_argument("--peer-name", default=R_PEER[1])
    parser.add_argument("--r-peer", action="store_true", help="use the R plumber service from ../shared/peers")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.r_peer:
        args.peer_cmd = R_PEER[0]
    meta: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "python": platform.python_version(),
        "command": "make bench"
        + (" (--quick)" if args.quick else "")
        + f" = python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip(),
    }
    report = Report(meta)
    measure(args, report)
    report.write(args.out)
    print(report.text())
    return 0


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


if __name__ == "__main__":
    sys.exit(main())
