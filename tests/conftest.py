"""Shared fixtures: the app under FastAPI's test client, free ports, the R reference answers, and real stores.

The stores run on 127.0.0.1, started once per session and stopped after: moto's server stands in for S3
(boto3 reaches it through ``AWS_ENDPOINT_URL``), gcp-storage-emulator for Cloud Storage
(``STORAGE_EMULATOR_HOST``). Fake credentials only: nothing leaves this machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from handlers import storage as storage_adapters
from handlers.http_app import create_app

REFERENCE = Path(__file__).parent / "reference"

BOSTON_BOOK_ROW = {
    "crim": 0.01,
    "zn": 18,
    "indus": 2.3,
    "chas": 0,
    "nox": 0.5,
    "rm": 6,
    "age": 65,
    "dis": 4,
    "rad": 1,
    "tax": 242,
}
"""The book's Boston query, for which R answers 22.581310546245973."""


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_clients() -> Iterator[None]:
    """Each test builds its clients from the environment it sets (the adapters cache one per process)."""
    storage_adapters._storage.cache_clear()
    yield
    storage_adapters._storage.cache_clear()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, fresh_clients: None) -> object:
    """A boto3 S3 client on moto's server, with the environment that points the adapter there too."""
    import boto3

    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",  # moto accepts any key; not a credential
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.client("s3")


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    from gcp_storage_emulator.server import create_server

    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    host, port = server._api._httpd.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def gcs(gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch, fresh_clients: None) -> object:
    """A google-cloud-storage client on the emulator, with the environment that points the adapter there too."""
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    return storage.Client()
