"""The service's settings, read from the environment once, at the edge; the core gets plain arguments."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from core.paths import MODELS_DIR


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"environment variable {name} must be positive, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    models_dir: Path
    cors_origins: tuple[str, ...]
    max_batch_rows: int
    max_body_bytes: int

    @classmethod
    def from_env(cls) -> Settings:
        origins = os.environ.get("CORS_ALLOW_ORIGINS", "*")
        return cls(
            models_dir=Path(os.environ.get("MODELS_DIR") or MODELS_DIR),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            max_batch_rows=_int("MAX_BATCH_ROWS", 100_000),
            max_body_bytes=_int("MAX_BODY_BYTES", 32 * 1024 * 1024),
        )


@functools.cache
def settings() -> Settings:
    return Settings.from_env()
