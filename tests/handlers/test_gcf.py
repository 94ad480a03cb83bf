"""The Cloud Functions target ``app``: functions-framework's Flask app in-process, and as the real server."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import flask.testing
import httpx
import pytest

from tests.conftest import free_port
from tests.test_server_process import wait_for_health

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_FRAMEWORK = Path(sys.executable).parent / "functions-framework"
CSV = b"pregnant,glucose,pressure\n6,148,72\n1,85,66\n"


def test_the_target_answers_a_prediction(gcf_client: flask.testing.FlaskClient) -> None:
    response = gcf_client.get("/predict_data?pregnant=1&glucose=3&pressure=1")
    assert response.status_code == 200
    assert response.json is not None and response.json["Answer"] == ["no"]


def test_a_chunked_body_without_content_length_reaches_the_app(gcf_client: flask.testing.FlaskClient) -> None:
    response = gcf_client.open(
        "/models/diabetes/predict",
        method="POST",
        input_stream=io.BytesIO(CSV),
        headers={"Content-Type": "text/csv", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets it for a chunked body
    )
    assert response.status_code == 200
    assert response.json is not None and response.json["predictions"] == ["yes", "no"]


def test_importing_main_starts_no_thread() -> None:
    """functions-framework imports main.py before gunicorn forks: a thread started then would be lost."""
    code = (
        "import threading, main, handlers.gcf as g\n"
        "assert g._bridge is None, 'bridge built at import'\n"
        "print(threading.active_count())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, float]]:
    """``functions-framework --target=app`` as a user starts it; yields its URL and its cold start in seconds."""
    port = free_port()
    env = {**os.environ, "ACCESS_LOG": "off"}
    command = [str(FUNCTIONS_FRAMEWORK), "--target=app", "--source=main.py", "--host=127.0.0.1", f"--port={port}"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_the_real_server_serves_every_kind_of_request(server: tuple[str, float]) -> None:
    url, cold_start = server
    with httpx.Client(base_url=url) as http:
        book = http.get("/predict_data", params={"pregnant": 1, "glucose": 3, "pressure": 1})
        assert book.status_code == 200 and book.json()["Answer"] == ["no"]
        batch = http.post("/models/diabetes/predict", content=CSV, headers={"content-type": "text/csv"})
        assert batch.json()["predictions"] == ["yes", "no"]
        chunked = http.post(
            "/models/diabetes/predict", content=iter([CSV[:20], CSV[20:]]), headers={"content-type": "text/csv"}
        )
        assert chunked.json()["predictions"] == ["yes", "no"]
        bad = http.get("/predict_data", params={"pregnant": "abc", "glucose": 3, "pressure": 1})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "pregnant"
        assert http.get("/nope").status_code == 404
    assert cold_start < 20  # the figure itself is in docs/adapters.md; this only guards against a hang


@pytest.mark.slow
def test_under_gunicorn_the_chart_warm_up_runs_in_the_forked_worker(tmp_path: Path) -> None:
    """functions-framework imports main.py in gunicorn's master and forks: the warm-up must run after the fork."""
    source = tmp_path / "logged_main.py"  # the project's main.py, with INFO logs shown so the warm-up can be seen
    source.write_text("import logging\nlogging.basicConfig(level=logging.INFO)\nfrom main import app  # noqa: F401\n")
    port = free_port()
    env = {
        **os.environ,
        "ACCESS_LOG": "off",
        "WARM_ANALYSES": "true",
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
        "PYTHONPATH": str(ROOT),
    }
    command = [str(FUNCTIONS_FRAMEWORK), "--target=app", f"--source={source}", "--host=127.0.0.1", f"--port={port}"]
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
        try:
            wait_for_health(f"http://127.0.0.1:{port}", process, timeout=60)
            chart = httpx.get(
                f"http://127.0.0.1:{port}/frequency", params={"users": "realDonaldTrump", "n": 50}, timeout=30
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    warmed = [line for line in log.read_text().splitlines() if "warmed up after the fork" in line]
    assert len(warmed) == 1 and f"in process {process.pid}:" not in warmed[0], log.read_text()[-2000:]
    assert warmed[0].endswith(": analyses")
