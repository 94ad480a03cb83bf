"""``python -X importtime`` of each handler module: the total, and the imports that cost the most."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from bench.servers import ROOT


@dataclass(frozen=True)
class ImportProfile:
    module: str
    total_ms: float
    top: list[tuple[str, float]]
    """The costliest top-level imports (cumulative ms), which is where a regression shows first."""


def profile(module: str, top: int = 6) -> ImportProfile:
    stderr = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    rows: list[tuple[str, float, int]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((name.strip(), int(cumulative) / 1000, depth))
    total = next((ms for name, ms, _ in rows if name == module), 0.0)
    shallow = min((depth for _, _, depth in rows), default=0)
    heads = sorted(((n, ms) for n, ms, d in rows if d <= shallow + 1 and n != module), key=lambda r: -r[1])
    return ImportProfile(module, total, heads[:top])


def median_total(module: str, runs: int) -> ImportProfile:
    profiles = sorted((profile(module) for _ in range(runs)), key=lambda p: p.total_ms)
    return profiles[len(profiles) // 2]
