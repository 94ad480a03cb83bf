"""The scoring tests' tables; their real stores (moto's S3 server, the GCS emulator) are ``tests/conftest.py``'s."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest

FEATURES = ("pregnant", "glucose", "pressure")


def diabetes_csv(rows: int, seed: int = 7, extra: bool = True) -> bytes:
    """A diabetes table with an id column first and lines of varied length (so shard boundaries fall anywhere)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["id"] if extra else []) + list(FEATURES))
    for i in range(rows):
        values = [rng.randint(0, 17), rng.randint(0, 199), rng.randint(0, 122)]
        writer.writerow(([f"r{i}-{'x' * rng.randint(0, 30)}"] if extra else []) + values)
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def _fresh_clients(fresh_clients: None) -> None:
    """Each test builds its clients from the environment it sets (the adapters cache one per process)."""


def read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))
