"""``python -m bench.soak``: the Cloud Run server under wrk over a mix of valid and invalid requests.

It starts ``python -m handlers.cloud_run`` as a user would (API keys on, as in production), warms it
up, then runs wrk (64 connections, 60 s by default) over every route with good and bad inputs and a few
requests without a key. It reports requests, answers by status, 5xx, socket errors, and the server's
resident memory (VmRSS) after the warm-up and at the end; it reads the server's access log back to
check that every answer was logged as one JSON line and that no line holds the API key. The exit
status is 1 on any 5xx, socket error, lost log line, leaked key, or memory growth of ``--max-growth``
percent or more. Client and server share this machine's cores.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bench import procs
from bench.servers import ROOT, get, start

LUA = Path(__file__).with_name("soak.lua")
DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- soak:start (written by `make soak`; edit bench/soak.py instead) -->"
END = "<!-- soak:end -->"

Request = tuple[str, str, str, int, str]
"""Method, target, content type, key (1: the API key, 2: a wrong one, 0: none), body."""


def _rows(path: Path, columns: list[str], count: int) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return [{c: row[c] for c in columns} for _, row in zip(range(count), csv.DictReader(handle), strict=False)]


def model_requests() -> list[Request]:
    """The prediction routes, each with good and bad inputs (the bad ones answer 4xx, never 5xx)."""
    pima = ["pregnant", "glucose", "pressure", "triceps", "insulin", "mass", "pedigree", "age"]
    boston = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax"]
    gbm_rows = _rows(ROOT / "data" / "pima_indians_diabetes.csv", pima, 50)
    boston_rows = _rows(ROOT / "data" / "boston_housing.csv", boston, 20)
    book_rows = [{k: float(r[k]) for k in ("pregnant", "glucose", "pressure")} for r in gbm_rows[:20]]
    csv_body = ",".join(pima) + "\\n" + "\\n".join(",".join(r[c] for c in pima) for r in gbm_rows) + "\\n"
    columns = json.dumps({"columns": {c: [float(r[c]) for r in boston_rows] for c in boston}})
    query = "&".join(f"{k}={v}" for k, v in boston_rows[0].items())
    gbm_query = "&".join(f"{k}={v}" for k, v in gbm_rows[1].items())
    j, c = "application/json", "text/csv"
    return [
        ("GET", "/health", "", 0, ""),
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/predict_data?pregnant=6&pregnant=1&glucose=148&glucose=85&pressure=72&pressure=66", "", 1, ""),
        ("GET", f"/models/boston/predict_data?{query}", "", 1, ""),
        ("GET", f"/models/diabetes-gbm/predict_data?{gbm_query}", "", 1, ""),
        ("POST", "/models/diabetes/predict", j, 1, json.dumps({"rows": book_rows})),
        ("POST", "/models/diabetes-gbm/predict", c, 1, csv_body),
        ("POST", "/models/boston/predict", j, 1, columns),
        ("GET", "/models", "", 1, ""),
        ("GET", "/models/diabetes-gbm", "", 1, ""),
        # invalid: each answers its own 4xx
        ("GET", "/predict_data?pregnant=x&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/predict_data", "", 1, ""),
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1&extra=2", "", 1, ""),
        ("GET", "/predict_data?pregnant=1e999&glucose=3&pressure=1", "", 1, ""),
        ("GET", "/models/nope/predict_data?a=1", "", 1, ""),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": [{"pregnant": 1,'),
        ("POST", "/models/diabetes/predict", "text/plain", 1, "hello"),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": []}'),
        ("POST", "/models/diabetes/predict", j, 1, '{"rows": [{"pregnant": true, "glucose": 1, "pressure": 1}]}'),
        ("POST", "/models/diabetes-gbm/predict", c, 1, "pregnant,glucose\\n1,2\\n"),
        ("GET", "/no/such/route", "", 1, ""),
        ("DELETE", "/models", "", 1, ""),
        # no key, or a wrong one: 401
        ("GET", "/predict_data?pregnant=1&glucose=3&pressure=1", "", 0, ""),
        ("POST", "/models/diabetes/predict", j, 2, json.dumps({"rows": book_rows[:1]})),
    ]


def analysis_requests(paths: set[str]) -> list[Request]:
    """The tweet analyses, when the server has them: JSON, a PNG chart, and bad parameters."""
    if "/api/frequency" not in paths:
        return []
    return [
        ("GET", "/api/frequency?users=realDonaldTrump&n=400", "", 1, ""),
        ("GET", "/api/sentiment?users=realDonaldTrump&n=400", "", 1, ""),
        ("GET", "/frequency?users=realDonaldTrump&n=200", "", 1, ""),
        ("GET", "/api/sentiment?users=not%20a%20handle", "", 1, ""),
        ("GET", "/api/frequency?users=realDonaldTrump&n=0", "", 1, ""),
        ("GET", "/api/frequency?users=nosuchaccount_42", "", 1, ""),
    ]


@dataclass
class Result:
    statuses: dict[int, int]
    summary: dict[str, float]
    rss_mb: dict[str, float]
    rss_trend: list[float]
    """RSS sampled at each tenth of the measured run, to tell a leak (a steady climb) from settling."""
    load_average: float
    logged: dict[int, int]
    log_problems: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500) + sum(
            n for status, n in self.logged.items() if status >= 500
        )

    @property
    def socket_errors(self) -> int:
        return int(sum(self.summary[k] for k in ("connect", "read", "write", "timeout")))

    @property
    def growth_percent(self) -> float:
        return 100 * (self.rss_mb["end"] - self.rss_mb["start"]) / self.rss_mb["start"]


class RssSampler:
    """Samples the server's RSS every ``interval`` seconds in a thread while the load runs."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(procs.rss_mb(self.pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def parse_wrk(output: str) -> tuple[dict[int, int], dict[str, float]]:
    status_line = re.search(r"^SOAK-STATUS(.*)$", output, re.M)
    summary_line = re.search(r"^SOAK-SUMMARY (.*)$", output, re.M)
    if not status_line or not summary_line:
        raise RuntimeError(f"wrk printed no soak summary:\n{output}")
    statuses = {int(s): int(n) for s, n in (pair.split("=") for pair in status_line.group(1).split())}
    summary = {k: float(v) for k, v in (pair.split("=") for pair in summary_line.group(1).split())}
    return dict(sorted(statuses.items())), summary


def run_wrk(url: str, mix: Path, key: str, seconds: float, connections: int, threads: int) -> str:
    """wrk's own timeout is past the service's 30 s deadline: the service answers a slow request (504) itself,
    so a socket timeout means it did not answer at all."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "35s",
        "-s", str(LUA), url, "--", str(mix), key,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def read_log(path: Path, key: str) -> tuple[dict[int, int], list[str]]:
    """Answers by status as the access log tells them, and what is wrong with the log, if anything."""
    counts: collections.Counter[int] = collections.Counter()
    problems: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                counts[int(json.loads(line)["status"])] += 1
            except (ValueError, KeyError, TypeError):
                problems.append(f"line {number} is not an access-log JSON line: {line[:120]!r}")
            if key in line:
                problems.append(f"line {number} holds the API key")
    return dict(sorted(counts.items())), problems[:10]


def soak(seconds: float, connections: int, threads: int, warmup: float) -> Result:
    key = secrets.token_urlsafe(24)
    load = os.getloadavg()[0]  # the 1-minute load before the server starts: what other processes take
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        log, mix = Path(tmp) / "access.log", Path(tmp) / "mix.tsv"
        command = f"exec {shlex.quote(sys.executable)} -m handlers.cloud_run > {shlex.quote(str(log))}"
        env = {"HOST": "127.0.0.1", "LOG_LEVEL": "warning", "API_KEYS": key, "ACCESS_LOG": "on"}
        with start("Cloud Run (uvicorn)", command, "/health", env=env) as server:
            status, schema = get(server.url + "/openapi.json")
            paths = set(json.loads(schema)["paths"]) if status == 200 else set()
            requests = model_requests() + analysis_requests(paths)
            mix.write_text("".join(f"{m}\t{t}\t{c}\t{k}\t{b}\n" for m, t, c, k, b in requests))
            rss = {"spawned": procs.rss_mb(server.pid)}
            run_wrk(server.url, mix, key, warmup, connections, threads)
            rss["start"] = procs.rss_mb(server.pid)
            with RssSampler(server.pid, seconds / 10) as trend:
                output = run_wrk(server.url, mix, key, seconds, connections, threads)
            rss["end"] = procs.rss_mb(server.pid)
            alive = server.process.poll() is None
        statuses, summary = parse_wrk(output)
        logged, problems = read_log(log, key)
    if not alive:
        problems.append("the server exited during the soak")
    if sum(logged.values()) < sum(statuses.values()):  # the log also holds the warm-up's answers
        problems.append(f"{sum(statuses.values())} answers but only {sum(logged.values())} access-log lines")
    return Result(statuses, summary, rss, trend.samples, load, logged, problems)


def report(result: Result, warmup: float, connections: int, max_growth: float) -> str:
    s = result.summary
    statuses = ", ".join(f"{status}: {n}" for status, n in result.statuses.items())
    rss = result.rss_mb
    return "\n".join(
        [
            f"- wrk: {connections} connections, {s['seconds']:.1f} s after a {warmup:g} s warm-up, one uvicorn "
            f"process; client and server share this machine's {os.cpu_count()} cores (load average "
            f"{result.load_average:.1f} before the soak)",
            f"- requests: {int(s['requests'])} ({s['requests'] / s['seconds']:.0f}/s), p50 {s['p50_ms']:.1f} ms, "
            f"p99 {s['p99_ms']:.1f} ms",
            f"- answers by status: {statuses}",
            f"- 5xx: {result.server_errors}; socket errors (connect/read/write/timeout): {result.socket_errors}",
            f"- server RSS: {rss['spawned']:.1f} MB spawned, {rss['start']:.1f} MB after warm-up, "
            f"{rss['end']:.1f} MB at the end: growth {result.growth_percent:+.1f} % (limit {max_growth:.0f} %); "
            f"every tenth of the run: {', '.join(f'{mb:.0f}' for mb in result.rss_trend)} MB",
            f"- access log: {sum(result.logged.values())} JSON lines (warm-up included), "
            f"{'no problem' if not result.log_problems else '; '.join(result.log_problems)}",
        ]
    )


def record(text: str, command: str) -> None:
    note = (
        "The mix cycles through every route with good and bad inputs, and a few requests without a key or with "
        "a wrong one (the 401s); the tweet charts are in it, so the tail latency is theirs: the connections "
        "share one interpreter, and a drawing of tens of milliseconds waits its turn behind the others."
    )
    section = f"{START}\n## Soak\n\n`{command}`\n\n{text}\n\n{note}\n{END}\n"
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + section + rest.split(END, 1)[1].lstrip("\n")
    else:
        current = current.rstrip("\n") + "\n\n" + section
    DOC.write_text(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of the same load before RSS is read")
    parser.add_argument("--max-growth", type=float, default=10.0, help="percent of RSS growth that fails")
    parser.add_argument("--record", action="store_true", help=f"write the figures into {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make soak` installs it (apt-get install wrk)", file=sys.stderr)
        return 2
    result = soak(args.duration, args.connections, args.threads, args.warmup)
    text = report(result, args.warmup, args.connections, args.max_growth)
    print(text)
    if args.record:
        record(text, f"python -m bench.soak {' '.join(argv if argv is not None else sys.argv[1:])}".strip())
    failed = result.server_errors or result.socket_errors or result.log_problems
    return 1 if failed or result.growth_percent >= args.max_growth else 0


if __name__ == "__main__":
    sys.exit(main())
