"""The HTML chart draws in a real browser: headless Chromium against a real server, plotly.js from the service."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (make test-deps installs it; in CI this fails)", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``python -m handlers.cloud_run`` on a free port, as ``make serve`` runs it; yields its URL and log."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "TWEETS_SOURCE": "bundled"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.cloud_run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_sentiment_page_draws_its_bars_in_chromium(server: tuple[str, Path]) -> None:
    url, log = server
    query = "users=realDonaldTrump&n=500"
    assert CHROMIUM is not None, "chromium is required in CI: make test-deps installs it"
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"{url}/html/sentiment?{query}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    with urllib.request.urlopen(f"{url}/api/sentiment?{query}", timeout=10) as response:
        (series,) = json.load(response)["series"]
    assert 'class="main-svg"' in dom, "plotly did not render"
    assert dom.count('class="trace bars"') == 1
    assert dom.count('<g class="point">') == len(series["dates"])  # one drawn bar per day
    assert "GET /static/plotly-" in log.read_text()  # plotly.js came from the service, not the internet
