"""Settings with overrides, and the access log's lines captured as parsed JSON."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from handlers.middleware.access_log import access_logger
from handlers.settings import Settings

KEY = "test-only-key-not-a-secret-0001"  # pragma: allowlist secret


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """The environment's settings with some fields replaced (the session's shared app stays untouched)."""
    base = Settings.from_env()
    return lambda **changes: dataclasses.replace(base, **changes)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def access_lines() -> Iterator[list[dict[str, Any]]]:
    logger = access_logger()
    handler = _Lines()
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
