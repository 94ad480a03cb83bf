"""Real stores for the scoring tests, on 127.0.0.1, started once per session and stopped after.

moto's server stands in for S3 (boto3 reaches it through ``AWS_ENDPOINT_URL``), gcp-storage-emulator
for Cloud Storage (``STORAGE_EMULATOR_HOST``). Fake credentials only: nothing leaves this machine.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers import storage as storage_adapters

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
def _fresh_clients() -> Iterator[None]:
    """Each test builds its clients from the environment it sets (the adapters cache one per process)."""
    storage_adapters._storage.cache_clear()
    yield
    storage_adapters._storage.cache_clear()


def _serving(server: Any, address: Callable[[Any], tuple[str, int]]) -> Iterator[str]:
    """Start ``server`` (moto's or the GCS emulator's: both ``start`` and ``stop``), yield its URL, stop it."""
    server.start()
    try:
        host, port = address(server)
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _pointed(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    yield from _serving(server, lambda s: s.get_host_and_port())


@pytest.fixture
def s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """A boto3 S3 client on moto's server, with the environment that points the adapter there too."""
    import boto3

    _pointed(
        monkeypatch,
        {
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",  # moto accepts any key; not a credential
            "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.client("s3")


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    from gcp_storage_emulator.server import create_server

    server = create_server("127.0.0.1", 0, in_memory=True)
    yield from _serving(server, lambda s: s._api._httpd.server_address[:2])


@pytest.fixture
def gcs(gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """A google-cloud-storage client on the emulator, with the environment that points the adapter there too."""
    from google.cloud import storage

    _pointed(monkeypatch, {"STORAGE_EMULATOR_HOST": gcs_endpoint})
    return storage.Client()


def read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))
