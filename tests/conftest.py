"""Shared fixtures: the app under FastAPI's test client, free ports, and the R reference answers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
