"""Runs wrk and reads its output: the latency summary of ``--latency`` and the soak script's own lines.

Client and server share this machine's cores: every figure read here says so where it is reported.
"""

from __future__ import annotations

import re
import shutil
import subprocess

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def available() -> bool:
    return shutil.which("wrk") is not None


def run(arguments: list[str]) -> str:
    """wrk's standard output; ``RuntimeError`` with what it said when it fails."""
    done = subprocess.run(["wrk", *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_latency(output: str) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 in ms, total requests and non-2xx/3xx responses from ``wrk --latency``."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, total, int(bad.group(1)) if bad else 0


def parse_soak(output: str) -> tuple[dict[int, int], dict[str, float]]:
    """Answers by status and the summary (requests, seconds, percentiles, socket errors) ``soak.lua`` prints."""
    status_line = re.search(r"^SOAK-STATUS(.*)$", output, re.M)
    summary_line = re.search(r"^SOAK-SUMMARY (.*)$", output, re.M)
    if not status_line or not summary_line:
        raise RuntimeError(f"wrk printed no soak summary:\n{output}")
    statuses = {int(s): int(n) for s, n in (pair.split("=") for pair in status_line.group(1).split())}
    summary = {k: float(v) for k, v in (pair.split("=") for pair in summary_line.group(1).split())}
    return dict(sorted(statuses.items())), summary
