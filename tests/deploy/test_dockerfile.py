"""The Cloud Run image: the Dockerfile passes hadolint, and its CMD serves the app on $PORT when run as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.test_server_process import wait_for_health

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).parent / "hadolint"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_non_root_user_from_a_slim_base_with_pinned_requirements() -> None:
    instructions = _instructions()
    bases = [args for kind, args in instructions if kind == "FROM"]
    assert bases and all(re.match(r"python:3\.12-slim", base) for base in bases)
    users = [args for kind, args in instructions if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any("requirements.txt" in args for kind, args in instructions if kind == "RUN")
    requirements = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert requirements and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^=\s]+", line) for line in requirements)
    assert any("compileall" in args for kind, args in instructions if kind == "RUN")


@pytest.mark.slow
def test_the_cmd_line_serves_health_on_port() -> None:
    """Run the CMD exactly as the image would (``python`` is the venv's here), with Cloud Run's $PORT set."""
    command = json.loads(next(args for kind, args in _instructions() if kind == "CMD"))
    assert command[0] == "python"
    port = free_port()
    env = {**os.environ, "PORT": str(port), "ACCESS_LOG": "off"}
    env.pop("HOST", None)  # the image sets no HOST: the server must listen on every interface by itself
    process = subprocess.Popen([sys.executable, *command[1:]], cwd=ROOT, env=env)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process)
        response = httpx.get(f"http://127.0.0.1:{port}/predict_data?pregnant=1&glucose=3&pressure=1")
        assert response.status_code == 200 and response.json()["Answer"] == ["no"]
    finally:
        process.terminate()
        process.wait(timeout=10)
