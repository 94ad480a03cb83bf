"""Models from a bucket: cold start with a store (moto's S3 server) against the bundled models, p99 during swaps.

Both are ratios within one run, so the shared machine's noise cancels: the Lambda probe (a fresh interpreter
imports ``handlers.aws_lambda`` and answers one ``/predict_data``) with ``MODELS_URI`` and an empty ``/tmp``
cache against the same probe on the bundled models; and the Cloud Run server under a client loop, its
latencies in a quiet window against a window of the same length in which ``prod`` is promoted back and
forth at the start of each (refresh interval 0.5 s); the two kinds of window alternate.

``python -m bench.model_store [--quick]`` prints the section alone; ``make bench`` writes it with the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

from bench.coldstart import lambda_cold
from bench.servers import ROOT, start
from bench.swap_load import Answer, Load
from emulator.environment import preserved

MODEL = "diabetes"
PATH = "/predict_data?pregnant=1&glucose=150&pressure=70"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",  # moto accepts any key; not a credential
    "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class StoreResult:
    cold_bundled_s: float
    cold_store_s: float
    quiet_p50_ms: float
    quiet_p99_ms: float
    swap_p50_ms: float
    swap_p99_ms: float
    swaps: int
    requests: int
    errors: int
    versions: tuple[str, ...]

    @property
    def cold_ratio(self) -> float:
        return self.cold_store_s / self.cold_bundled_s

    @property
    def p99_ratio(self) -> float:
        return self.swap_p99_ms / self.quiet_p99_ms


@contextlib.contextmanager
def moto_store() -> Iterator[tuple[str, dict[str, str]]]:
    """A store on moto's S3 server with ``diabetes`` 1.0.0 (prod) and 2.0.0; its URI and the environment to reach it."""
    from moto.server import ThreadedMotoServer

    from core.paths import MODELS_DIR
    from core.prediction.store import publishing
    from handlers import storage as adapters

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    environ = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", **CREDENTIALS}
    try:
        with preserved(*environ):
            os.environ.update(environ)
            adapters._storage.cache_clear()
            import boto3

            boto3.client("s3").create_bucket(Bucket="bench-models")
            storage, root = adapters.storage_for("s3://bench-models/models"), "s3://bench-models/models"
            for version in ("1.0.0", "2.0.0"):
                publishing.publish(storage, root, MODEL, MODELS_DIR, version)
            publishing.promote(storage, root, MODEL, "1.0.0", "prod")
            yield root, environ
    finally:
        adapters._storage.cache_clear()
        server.stop()


def _cold(runs: int, environ: dict[str, str]) -> tuple[float, float]:
    """The Lambda probe's import plus first invoke, bundled and with the store (an empty /tmp cache each time),
    medians of ``runs`` taken in turns, so that the machine's load drifts over both alike."""
    bundled, store = [], []
    for _ in range(runs):
        bundled.append(lambda_cold(PATH, 1).total_s)
        with tempfile.TemporaryDirectory() as cache:
            store.append(lambda_cold(PATH, 1, {**environ, "TMPDIR": cache}).total_s)
    return statistics.median(bundled), statistics.median(store)


def _percentiles(answers: list[Answer]) -> tuple[float, float]:
    ms = sorted(a.seconds * 1000 for a in answers)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def measure(runs: int, seconds: float, swap_every: float = 1.5) -> StoreResult:
    with moto_store() as (root, environ):
        from core.prediction.store import publishing
        from handlers import storage as adapters

        cold_bundled, cold_store = _cold(runs, {**environ, "MODELS_URI": root})
        storage = adapters.storage_for(root)
        server_env = {**environ, "MODELS_URI": root, "MODELS_REFRESH_SECONDS": "0.5", "ACCESS_LOG": "off"}
        command = f"{sys.executable} -m handlers.cloud_run"
        with (
            tempfile.TemporaryDirectory() as cache,
            start("Cloud Run", command, "/health", env={**server_env, "TMPDIR": cache, "HOST": "127.0.0.1"}) as server,
        ):
            with Load(server.url, PATH, clients=4) as load:
                time.sleep(0.5)
                # Quiet and swapping windows in turns (a promotion at the start of each swapping one), so that
                # the machine's load drifts over both alike; ``seconds`` of each in all.
                quiet: list[tuple[float, float]] = []
                swapping: list[tuple[float, float]] = []
                swaps, version = 0, "1.0.0"
                for _ in range(max(1, round(seconds / swap_every))):
                    started = time.monotonic()
                    time.sleep(swap_every)
                    quiet.append((started, time.monotonic()))
                    started = time.monotonic()
                    version = "2.0.0" if version == "1.0.0" else "1.0.0"
                    publishing.promote(storage, root, MODEL, version, "prod")  # type: ignore[arg-type]
                    swaps += 1
                    time.sleep(swap_every)
                    swapping.append((started, time.monotonic()))
            answers = load.all()
    quiet_p50, quiet_p99 = _percentiles([a for a in answers if any(s <= a.at < e for s, e in quiet)])
    swap_p50, swap_p99 = _percentiles([a for a in answers if any(s <= a.at < e for s, e in swapping)])
    return StoreResult(
        cold_bundled,
        cold_store,
        quiet_p50,
        quiet_p99,
        swap_p50,
        swap_p99,
        swaps,
        len(answers),
        len(load.errors),
        tuple(sorted({a.version for a in answers if a.version})),
    )


def main(argv: list[str] | None = None) -> int:
    from bench.report import Report
    from bench.sections import model_store

    parser = argparse.ArgumentParser(prog="python -m bench.model_store", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 cold starts and 5 s windows: a smoke run")
    args = parser.parse_args(argv)
    report = Report(meta={})
    model_store.add(report, measure(2 if args.quick else 5, 5.0 if args.quick else 15.0))
    print("\n".join(report.parts))
    for target in report.targets:
        print(f"{target.what}: {target.ours} (goal {target.goal}) {'ok' if target.holds else 'MISSED'}")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
