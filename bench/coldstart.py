"""Cold starts: a fresh Lambda interpreter's import plus first invocation, and servers' start to first 200."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.servers import ROOT, start

# A fresh interpreter: import the handler and invoke it once with an HTTP API (payload 2.0) event, as
# Lambda's INIT then INVOKE would; prints the in-process seconds so interpreter start is reported apart.
_LAMBDA_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import handlers.aws_lambda as h
t1 = time.perf_counter()
path, query = sys.argv[1].split("?", 1) if "?" in sys.argv[1] else (sys.argv[1], "")
event = {
    "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
    "headers": {"host": "bench.lambda-url.us-east-1.on.aws", "accept": "*/*"},
    "requestContext": {"accountId": "123456789012", "apiId": "bench", "domainName": "bench.example",
        "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
        "requestId": "bench", "routeKey": "$default", "stage": "$default", "time": "22/Nov/2026:00:00:00 +0000",
        "timeEpoch": 1795000000000},
    "isBase64Encoded": False,
}
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench-request"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "/aws/lambda/bench"; log_stream_name = "bench"; function_version = "$LATEST"
    def get_remaining_time_in_millis(self): return 30000
response = h.handler(event, Context())
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "invoke_s": t2 - t1, "status": response["statusCode"]}))
"""


@dataclass(frozen=True)
class LambdaCold:
    path: str
    import_s: float
    invoke_s: float
    process_s: float
    environment: str = ""
    """The function's own settings the probe ran with, e.g. ``WARM_ANALYSES=true`` (the tweets function's)."""

    @property
    def total_s(self) -> float:
        return self.import_s + self.invoke_s


def lambda_cold(path: str, runs: int, environment: dict[str, str] | None = None) -> LambdaCold:
    samples = []
    env = {**os.environ, **(environment or {})}
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _LAMBDA_PROBE, path], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        elapsed = time.perf_counter() - started
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if result["status"] != 200:
            raise RuntimeError(f"Lambda probe answered {result['status']} for {path}")
        samples.append((result["import_s"], result["invoke_s"], elapsed))
    return LambdaCold(
        path,
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        statistics.median(s[2] for s in samples),
        " ".join(f"{key}={value}" for key, value in (environment or {}).items()),
    )


def server_cold(name: str, command: str, path: str, runs: int) -> float:
    """Median wall time from spawning ``command`` to its first 200 on ``path``."""
    times = []
    for _ in range(runs):
        with start(name, command, path) as server:
            times.append(server.cold_start_s)
    return statistics.median(times)
