"""Scoring a table where it lives: ``serverless-ml score``'s use case on a generated diabetes CSV, in a child.

Each figure comes from a child process of its own (``python -m bench.scoring child ...``), which reports its
scoring time, its CPU time and its peak RSS, so one measurement's memory never counts in another's. The peak
is Linux's VmHWM: ``getrusage``'s maxrss would carry this bench's own size into the child that it forks.
Beside ours, in the same run: ``pandas.read_csv`` of the whole file plus the same predictions (when pandas
is installed), and the same scoring through the S3 path on moto's server. The batch Lambda's import time is
``import handlers.aws_lambda`` with the batch function's ``LAMBDA_EVENT_KINDS``.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.servers import ROOT

FEATURES = ("pregnant", "glucose", "pressure")
BATCH_KINDS = "s3,sqs"
"""The batch function's ``LAMBDA_EVENT_KINDS`` in serverless.yml."""


@dataclass(frozen=True)
class Run:
    """One child's figures: what it did, its rows, seconds (scoring alone, not the interpreter's start), peak RSS."""

    what: str
    rows: int
    seconds: float
    cpu_s: float
    """CPU seconds (user + system) the scoring took: on a loaded machine, what the wall-clock figure hides."""
    peak_mb: float
    command: str

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds

    @property
    def rows_per_cpu_s(self) -> float:
        return self.rows / self.cpu_s


@dataclass(frozen=True)
class ScoringResult:
    rows: int
    size_mb: float
    runs: list[Run]
    """Ours on a local file, then pandas (if installed), then ours through moto's S3."""
    lambda_import_ms: float | None
    lambda_imports_fastapi: bool
    notes: list[str]


def table(rows: int, seed: int = 7) -> Path:
    """A diabetes CSV of ``rows`` rows (about 17 bytes a row), written once and kept in the temp directory."""
    path = Path(tempfile.gettempdir()) / "serverless-ml-bench" / f"diabetes-{rows}-{seed}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        out.write((",".join(FEATURES) + "\n").encode())
        for done in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - done)
            pregnant, glucose, pressure = rng.integers(0, 18, n), rng.uniform(0, 199, n), rng.uniform(0, 122, n)
            lines = map("{},{:.3f},{:.3f}".format, pregnant.tolist(), glucose.tolist(), pressure.tolist())
            out.write(("\n".join(lines) + "\n").encode())
    partial.replace(path)
    return path


def _child(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.scoring", "child", *args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _median_run(what: str, args: list[str], runs: int, env: dict[str, str] | None = None) -> Run:
    samples = [_child(args, env) for _ in range(runs)]
    median = sorted(samples, key=lambda s: s["seconds"])[len(samples) // 2]
    peak = max(s["peak_mb"] for s in samples)
    shown = "python -m bench.scoring child " + " ".join(args)
    return Run(what, int(median["rows"]), median["seconds"], median["cpu_s"], peak, shown)


def measure(rows: int, runs: int) -> ScoringResult:
    path = table(rows)
    out = Path(tempfile.gettempdir()) / "serverless-ml-bench" / "scored.csv"
    notes: list[str] = []
    results = [_median_run("ours, local file", ["score", str(path), str(out)], runs)]
    try:
        results.append(_median_run("pandas.read_csv + the same predictions", ["pandas", str(path)], runs))
    except RuntimeError as exc:
        notes.append(f"pandas not measured: {exc}")
    try:
        with _moto() as env:
            _upload(path, env)
            s3 = ["score", "s3://bench/incoming/diabetes.csv", "s3://bench/scored/diabetes.csv"]
            results.append(_median_run("ours, S3 (moto server)", s3, runs, env))
    except (RuntimeError, ImportError) as exc:
        notes.append(f"S3 path not measured: {exc}")
    import_ms, fastapi = _lambda_import(runs)
    return ScoringResult(rows, path.stat().st_size / 1e6, results, import_ms, fastapi, notes)


@contextmanager
def _moto() -> Iterator[dict[str, str]]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise, thousands of them
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "bench",  # moto takes any key; not a credential
            "AWS_SECRET_ACCESS_KEY": "bench",  # pragma: allowlist secret
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    finally:
        server.stop()


def _upload(path: Path, env: dict[str, str]) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_DEFAULT_REGION"],
    )
    client.create_bucket(Bucket="bench")
    client.upload_file(str(path), "bench", "incoming/diabetes.csv")


def _lambda_import(runs: int) -> tuple[float | None, bool]:
    """Median ms of the batch function's handler import, and whether it imported FastAPI (it must not)."""
    code = (
        "import sys, time; t = time.perf_counter(); import handlers.aws_lambda; "
        "print((time.perf_counter() - t) * 1000, 'fastapi' in sys.modules)"
    )
    env = {**os.environ, "LAMBDA_EVENT_KINDS": BATCH_KINDS}
    samples = []
    fastapi = False
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return None, False
        ms, imported = done.stdout.split()
        samples.append(float(ms))
        fastapi = fastapi or imported == "True"
    return statistics.median(samples), fastapi


def _peak_mb() -> float:
    """This process's peak RSS: Linux's VmHWM, else ``getrusage``'s maxrss.

    Not maxrss first: Linux carries it across ``exec`` from the process that forked this one, so a child of a
    large parent (this bench, holding moto's objects) would report the parent's size, not its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child_score(source: str, target: str) -> dict[str, float]:
    from core.scoring.job import ScoreRequest, score
    from handlers.storage import storage_for

    started, cpu = time.perf_counter(), _cpu_s()
    manifest = score(ScoreRequest("diabetes", source, target), storage_for)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {"rows": manifest["rows"]["scored"], "seconds": seconds, "cpu_s": cpu, "peak_mb": _peak_mb()}


def _child_pandas(source: str) -> dict[str, float]:
    import pandas as pd

    from core.prediction.service import answer_arrays, served_model

    model = served_model("diabetes")
    started, cpu = time.perf_counter(), _cpu_s()
    frame = pd.read_csv(source)
    answer = answer_arrays(model, frame[list(model.spec.feature_names)].to_numpy(dtype=np.float64))
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {"rows": len(answer.raw), "seconds": seconds, "cpu_s": cpu, "peak_mb": _peak_mb()}


def main(argv: list[str]) -> None:
    """``python -m bench.scoring [ROWS]``: this section alone, printed; ``child ...``: one measurement."""
    if argv[:1] == ["child"]:
        kind, *paths = argv[1:]
        figures = _child_score(*paths) if kind == "score" else _child_pandas(*paths)
        print(json.dumps(figures))
        return
    from bench.report import Report
    from bench.sections import scoring as section

    report = Report({})
    section.add(report, measure(int(argv[0]) if argv else 10_000_000, 1), "python -m bench.scoring")
    print("\n".join(report.parts))
    for target in report.targets:
        print(f"| {target.what} | {target.goal} | {target.ours} | {'yes' if target.holds else '**no**'} |")


if __name__ == "__main__":
    main(sys.argv[1:])
