"""``/docs`` works offline: Swagger UI's files come from the service, and headless Chromium renders every operation.

A real server (``python -m handlers.cloud_run``, as ``make serve`` runs it) on 127.0.0.1; Chromium with
background networking off loads ``/docs`` and prints the DOM once the page's scripts ran. The page
names no other host, so nothing but this server could have drawn it.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from handlers import swagger_ui
from tests.cloud_run_server import CHROMIUM, chromium_dom, serving


def _assets(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def test_the_docs_page_loads_swagger_ui_from_the_service_by_relative_urls(client: TestClient) -> None:
    page = client.get("/docs").text
    assets = _assets(page)
    assert len(assets) == 3 and all(url.startswith("static/swagger-ui") for url in assets)  # no CDN, any base path
    assert "url: 'openapi.json'" in page
    for url in assets:
        answer = client.get(urljoin("http://testserver/docs", url))
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"  # versioned names
        again = client.get(urljoin("http://testserver/docs", url), headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304
    script = client.get("/static/swagger-ui-bundle.js")  # the unversioned name, for the Lambda /docs page
    assert script.headers["content-encoding"] == "gzip" and script.headers["cache-control"] == "public, max-age=86400"
    assert b"SwaggerUIBundle" in script.content


def test_without_the_package_the_page_names_the_unversioned_files(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Lambda prediction function answers /docs without the package; API Gateway sends /static/ to tweets.
    monkeypatch.setattr(swagger_ui, "directory", lambda: None)
    assert _assets(client.get("/docs").text) == [
        "static/swagger-ui.css",
        "static/swagger-ui-favicon.png",
        "static/swagger-ui-bundle.js",
    ]
    assert client.get("/static/swagger-ui.css").status_code == 404


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The Cloud Run server, without API keys; yields its URL and its log."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serving(log) as url:
        yield url, log


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed (make test-deps)")
def test_chromium_shows_every_operation_on_the_docs_page(server: tuple[str, Path]) -> None:
    url, log = server
    dom = chromium_dom(f"{url}/docs", budget_ms=15000)
    with urllib.request.urlopen(f"{url}/openapi.json", timeout=10) as response:
        paths = json.load(response)["paths"]
    shown = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', dom))
    assert shown == set(paths), f"Swagger UI did not render every operation: missing {set(paths) - shown}"
    assert dom.count('class="opblock-summary-method"') == sum(len(item) for item in paths.values())
    served = log.read_text()
    assert "GET /static/swagger-ui-bundle-" in served and "GET /static/swagger-ui-" in served
    assert "GET /openapi.json 200" in served
