"""``schemathesis run URL/openapi.json -c all``: the OpenAPI document promises only what the service accepts.

Every check on, among them ``positive_data_acceptance`` (a request valid by the schema is not refused)
and ``negative_data_rejection`` (one the schema rules out is), against a real server on 127.0.0.1
(``python -m handlers.cloud_run`` without API keys: the open service's schema names no key). The
examples are bounded so ``make test`` stays near two minutes; the analyses' routes get fewer (each one
fetches and counts thousands of tweets, and their parser is shared by all three outputs), and a fixed
seed makes a run repeatable. ``make schemathesis`` runs the issue's full check: 300 examples for every
operation (about five minutes).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.analysis.registry import analysis_specs
from tests.cloud_run_server import serving

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "120"))
"""Examples per operation; the analyses' routes get a sixth of it unless ``SCHEMATHESIS_ANALYSES_EXAMPLES`` says."""
ANALYSES_EXAMPLES = int(os.environ.get("SCHEMATHESIS_ANALYSES_EXAMPLES", max(EXAMPLES // 6, 5)))
ANALYSES = rf"^/(html/|api/)?({'|'.join(map(re.escape, analysis_specs()))})$"
SEED = "20261201"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _run(url: str, examples: int, selection: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in ``workdir``, where it keeps its cache of past failures: none is replayed from another run."""
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--seed",
        SEED,
        "--workers",
        "1",
        "--no-color",
        "--generation-database",
        "none",
        "--report",
        "junit",
        "--report-junit-path",
        str(workdir / "junit.xml"),
        *selection,
    ]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.parametrize(
    ("what", "examples", "selection"),
    [
        ("every operation but the analyses'", EXAMPLES, ["--exclude-path-regex", ANALYSES]),
        ("the analyses' operations", ANALYSES_EXAMPLES, ["--include-path-regex", ANALYSES]),
    ],
)
def test_schemathesis_with_every_check_finds_no_failure(
    tmp_path: Path, what: str, examples: int, selection: list[str]
) -> None:
    with serving(tmp_path / "server.log", ACCESS_LOG="off", LOG_LEVEL="warning") as url:
        run = _run(url, examples, selection, tmp_path)
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert run.returncode == 0, f"{what}:\n{run.stdout[-20000:]}\n{run.stderr[-2000:]}"
    generated = re.search(r"(\d+) generated", summary)
    assert generated and int(generated.group(1)) >= examples, summary  # the operations were really exercised
