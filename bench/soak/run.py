"""Runs the soak: the Cloud Run server as a user starts it (API keys on), warmed up, then wrk over the mix.

The server's RSS is read after the warm-up, sampled through the run and read at the end; its access log
is read back afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import sys
import tempfile
from pathlib import Path

from bench import procs, wrk
from bench.servers import get, start
from bench.soak import mix
from bench.soak.verdict import Result, read_log

LUA = Path(__file__).with_name("soak.lua")


def run_wrk(url: str, requests: Path, key: str, seconds: float, connections: int, threads: int) -> str:
    """wrk's own timeout is past the service's 30 s deadline: the service answers a slow request (504) itself,
    so a socket timeout means it did not answer at all."""
    return wrk.run([
        f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "35s",
        "-s", str(LUA), url, "--", str(requests), key,
    ])  # fmt: skip


def soak(seconds: float, connections: int, threads: int, warmup: float) -> Result:
    """The whole soak, from a fresh server to the findings (judged by ``Result.failed``)."""
    key = secrets.token_urlsafe(24)
    load = os.getloadavg()[0]  # the 1-minute load before the server starts: what other processes take
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        log, requests = Path(tmp) / "access.log", Path(tmp) / "mix.tsv"
        command = f"exec {shlex.quote(sys.executable)} -m handlers.cloud_run > {shlex.quote(str(log))}"
        env = {"HOST": "127.0.0.1", "LOG_LEVEL": "warning", "API_KEYS": key, "ACCESS_LOG": "on"}
        with start("Cloud Run (uvicorn)", command, "/health", env=env) as server:
            status, schema = get(server.url + "/openapi.json")
            paths = set(json.loads(schema)["paths"]) if status == 200 else set()
            mix.write(mix.model_requests() + mix.analysis_requests(paths), requests)
            rss = {"spawned": procs.rss_mb(server.pid)}
            run_wrk(server.url, requests, key, warmup, connections, threads)
            rss["start"] = procs.rss_mb(server.pid)
            with procs.RssSampler(server.pid, seconds / 10) as trend:
                output = run_wrk(server.url, requests, key, seconds, connections, threads)
            rss["end"] = procs.rss_mb(server.pid)
            alive = server.process.poll() is None
        statuses, summary = wrk.parse_soak(output)
        logged, problems = read_log(log, key)
    if not alive:
        problems.append("the server exited during the soak")
    if sum(logged.values()) < sum(statuses.values()):  # the log also holds the warm-up's answers
        problems.append(f"{sum(statuses.values())} answers but only {sum(logged.values())} access-log lines")
    return Result(statuses, summary, rss, trend.samples, load, logged, problems)
