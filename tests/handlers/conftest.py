"""Adapter-test fixtures: functions-framework's own Flask app around ``main.py``, its environment isolated."""

from __future__ import annotations

import os
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
