"""The HTML chart draws in a real browser: headless Chromium against a real server, plotly.js from the service."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cloud_run_server import CHROMIUM, chromium_dom, serving

if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (make test-deps installs it; in CI this fails)", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``python -m handlers.cloud_run`` on a free port, as ``make serve`` runs it; yields its URL and log."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serving(log, TWEETS_SOURCE="bundled") as url:
        yield url, log


def test_the_sentiment_page_draws_its_bars_in_chromium(server: tuple[str, Path]) -> None:
    url, log = server
    query = "users=realDonaldTrump&n=500"
    dom = chromium_dom(f"{url}/html/sentiment?{query}")
    with urllib.request.urlopen(f"{url}/api/sentiment?{query}", timeout=10) as response:
        (series,) = json.load(response)["series"]
    assert 'class="main-svg"' in dom, "plotly did not render"
    assert dom.count('class="trace bars"') == 1
    assert dom.count('<g class="point">') == len(series["dates"])  # one drawn bar per day
    assert "GET /static/plotly-" in log.read_text()  # plotly.js came from the service, not the internet
