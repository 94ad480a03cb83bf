"""No credential in the repository or the recorded events beyond the reviewed detect-secrets baseline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.scan_secrets import BASELINE, ROOT


def scan(cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """In a separate process: detect-secrets forks its workers, which a test process with threads must not do."""
    command = [sys.executable, "-m", "tests.reliability.scan_secrets"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_the_repository_holds_no_credential_beyond_the_reviewed_baseline() -> None:
    done = scan()
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_baseline_entry_was_reviewed_as_not_a_secret() -> None:
    results = json.loads((ROOT / BASELINE).read_text())["results"]
    unreviewed = [f"{name}:{e['line_number']}" for name, entries in results.items() for e in entries
                  if e.get("is_secret") is not False]  # fmt: skip
    assert not unreviewed, f"review these with `detect-secrets audit .secrets.baseline`: {unreviewed}"


@pytest.mark.slow
def test_a_planted_credential_is_found(tmp_path: Path) -> None:
    # The same scan over a copy of the baseline and one new file holding an AWS-style key and a token.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / BASELINE).write_text((ROOT / BASELINE).read_text())
    aws = "AKIAZ7EXAMPLE7PLANTED"  # pragma: allowlist secret
    github = "ghp_Planted0Example0Token0Value0000000000"  # pragma: allowlist secret
    (tmp_path / "leak.py").write_text(f'aws_access_key_id = "{aws}"\napi_token = "{github}"\n')
    done = scan(cwd=tmp_path)
    assert done.returncode == 1
    assert "leak.py:1: AWS Access Key" in done.stdout and "leak.py:2:" in done.stdout
