"""Adapter-test fixtures: functions-framework's own Flask app around ``main.py``, its environment isolated;
``fresh_interpreter`` for what only a new process shows (what an import loads, what a start-up ran)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import flask.testing
import functions_framework
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def gcf_client() -> Iterator[flask.testing.FlaskClient]:
    """What Cloud Functions runs: ``create_app(target="app", source="main.py")``, driven by Flask's test client.

    ``create_app`` writes ``FUNCTION_TARGET`` and ``FUNCTION_SIGNATURE_TYPE`` into the environment
    (functions-framework's own tests isolate it the same way), so they are put back afterwards.
    """
    saved = dict(os.environ)
    try:
        yield functions_framework.create_app(target="app", source=str(ROOT / "main.py")).test_client()
    finally:
        os.environ.clear()
        os.environ.update(saved)


START_UP_VARIABLES = ("WARM_ANALYSES", "LAMBDA_EVENT_KINDS")


def fresh_interpreter(code: str, **env: str) -> str:
    """Run ``code`` in a new interpreter (imports are per process) and return its last stdout line.

    The start-up variables of this process are left out unless given; the access log is off, so that
    stdout holds only what ``code`` prints.
    """
    environment = {k: v for k, v in os.environ.items() if k not in START_UP_VARIABLES} | {"ACCESS_LOG": "off", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]
