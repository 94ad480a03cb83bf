"""``python -m handlers.cloud_run`` as a user runs it: a real uvicorn process on $PORT, called over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BOSTON_BOOK_ROW, free_port

ROOT = Path(__file__).resolve().parent.parent


def wait_for_health(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer /health within {timeout} s")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning"}
    process = subprocess.Popen([sys.executable, "-m", "handlers.cloud_run"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_real_server_answers_the_book_queries(server: str) -> None:
    book = httpx.get(f"{server}/predict_data?pregnant=1&glucose=3&pressure=1").json()
    assert book["Answer"] == ["no"]
    boston = httpx.get(
        f"{server}/models/boston/predict_data",
        params=BOSTON_BOOK_ROW,
    ).json()
    assert round(boston["Answer"][0], 4) == 22.5813


@pytest.mark.slow
def test_real_server_answers_bad_input_with_422_json(server: str) -> None:
    response = httpx.get(f"{server}/predict_data?pregnant=abc&glucose=3&pressure=1")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "pregnant"


@pytest.mark.slow
def test_real_server_takes_a_csv_batch_over_keep_alive(server: str) -> None:
    with httpx.Client(base_url=server) as http:
        for _ in range(3):
            response = http.post(
                "/models/diabetes/predict",
                content="pregnant,glucose,pressure\n6,148,72\n1,85,66\n",
                headers={"content-type": "text/csv"},
            )
            assert response.json()["predictions"] == ["yes", "no"]
