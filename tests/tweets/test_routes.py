"""The analysis routes as a client sees them: PNG, HTML and JSON for every analysis, plotly.js, and the errors."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from core.analysis.charts import NEGATIVE, POSITIVE, USER_COLOURS
from core.analysis.registry import ANALYSES
from handlers.http_app import create_app
from handlers.settings import Settings
from tests.conftest import REFERENCE

ROOT = Path(__file__).resolve().parents[2]
TWO_ACCOUNTS = """screen_name,created_at,text
alice,2024-03-01T09:00:00Z,"A great, wonderful start"
alice,2024-03-02T09:00:00Z,"Terrible, awful, bad news"
alice,2024-03-03T09:00:00Z,"Happy to win"
alice,2024-03-03T21:00:00Z,"Love it"
bob,2024-03-01T12:00:00Z,"Sad and angry"
bob,2024-03-02T12:00:00Z,"Brilliant success"
bob,2024-03-04T12:00:00Z,"good good good"
carol,2024-03-05T12:00:00Z,"a table and a chair"
"""


def _app(tmp_path: Path, **changes: object) -> TestClient:
    path = tmp_path / "two.csv"
    path.write_text(TWO_ACCOUNTS, encoding="utf-8")
    settings = dataclasses.replace(
        Settings.from_env(),
        tweets_source=f"file:{path}",
        access_log=False,
        **changes,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return _app(tmp_path_factory.mktemp("tweets"))


def _image(content: bytes) -> Image.Image:
    with Image.open(io.BytesIO(content)) as image:
        return image.convert("RGB")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _count(image: Image.Image, colour: str, box: tuple[int, int, int, int]) -> int:
    pixels = np.asarray(image.crop(box))
    return int(np.all(pixels == _rgb(colour), axis=-1).sum())


@pytest.mark.parametrize("name", list(ANALYSES.all()))
def test_png_charts_are_800_by_450_like_rs(client: TestClient, name: str) -> None:
    response = client.get(f"/{name}", params={"users": "realDonaldTrump", "n": "500"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    with Image.open(REFERENCE / "tweets_frequency.png") as r_chart:  # R draws every chart at this size
        assert _image(response.content).size == (800, 450) == r_chart.size


def test_two_accounts_get_a_panel_each(two: TestClient) -> None:
    image = _image(two.get("/sentiment", params={"users": "alice,bob"}).content)
    left, right = (0, 0, 400, 450), (400, 0, 800, 450)
    for half in (left, right):  # each panel has positive and negative days
        assert _count(image, POSITIVE, half) > 100
        assert _count(image, NEGATIVE, half) > 100


def test_two_accounts_get_a_line_colour_each(two: TestClient) -> None:
    image = _image(two.get("/frequency", params={"users": "alice,bob"}).content)
    assert all(_count(image, colour, (0, 0, 800, 450)) > 50 for colour in USER_COLOURS[:2])


def test_an_account_without_a_lexicon_word_gets_an_empty_series_and_an_empty_panel(two: TestClient) -> None:
    (series,) = two.get("/api/sentiment", params={"users": "carol"}).json()["series"]
    assert (series["tweets_analyzed"], series["dates"], series["sentiment"]) == (1, [], [])
    image = _image(two.get("/sentiment", params={"users": "carol"}).content)
    assert image.size == (800, 450)
    assert _count(image, POSITIVE, (0, 0, 800, 450)) == _count(image, NEGATIVE, (0, 0, 800, 450)) == 0
    (trace,), layout = _figure(two.get("/html/sentiment", params={"users": "carol"}).text, "sentiment-chart")
    assert trace["x"] == []
    assert layout["xaxis"]["range"] == ["2024-03-05", "2024-03-05"]  # the day analysed, not 1970


def _figure(page: str, div_id: str) -> tuple[list[dict], dict]:
    quoted = json.dumps(div_id)
    start = page.index(quoted, page.index("Plotly.newPlot(")) + len(quoted)
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(page, page.index("[", start))
    layout, _ = decoder.raw_decode(page, page.index("{", end))
    return data, layout


def test_html_holds_the_same_numbers_as_the_api(client: TestClient) -> None:
    query = {"users": "realDonaldTrump", "n": "500"}
    response = client.get("/html/sentiment", params=query)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert len(response.content) < 100_000  # plotly.js is loaded, not inlined
    (trace,), layout = _figure(response.text, "sentiment-chart")
    (series,) = client.get("/api/sentiment", params=query).json()["series"]
    assert (trace["x"], trace["y"]) == (series["dates"], series["sentiment"])
    assert [row[0] for row in trace["customdata"]] == series["positive"]
    assert "@realDonaldTrump" in layout["title"]["text"]
    assert "<title>Sentiment per day, last 500 tweets of @realDonaldTrump</title>" in response.text


def test_html_pages_load_plotly_js_from_the_service(client: TestClient) -> None:
    page = client.get("/html/frequency", params={"users": "realDonaldTrump"}).text
    (src,) = re.findall(r'<script charset="utf-8" src="([^"]+)"', page)
    assert src.startswith("../static/plotly-")  # relative, so it works behind any base path
    url = urljoin("http://testserver/html/frequency", src)
    gzipped = client.get(url)
    assert gzipped.status_code == 200
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert gzipped.text.startswith("/**\n* plotly.js v")
    assert int(gzipped.headers["content-length"]) < 2_000_000
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == gzipped.content
    again = client.get(url, headers={"If-None-Match": gzipped.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert client.get("/static/other.js").status_code == 404


def test_standalone_pages_inline_plotly_js(two: TestClient) -> None:
    page = two.get("/html/frequency", params={"users": "alice", "standalone": "true"}).text
    assert len(page) > 3_000_000
    assert "../static/plotly" not in page


def test_a_cdn_can_serve_plotly_js(tmp_path: Path) -> None:
    cdn = "https://cdn.example.com/plotly-4.1.1.min.js"
    page = _app(tmp_path, plotly_js_url=cdn).get("/html/sentiment", params={"users": "bob"}).text
    assert f'src="{cdn}"' in page


@pytest.mark.parametrize("prefix", ["/", "/html/", "/api/"])
@pytest.mark.parametrize(
    ("query", "status", "field", "words"),
    [
        ({"users": "alice,nobody"}, 404, "users", "nobody"),
        ({"users": "no body"}, 422, "users", "not an X handle"),
        ({}, 422, "users", "users is required"),
        ({"users": "alice", "n": "many"}, 422, "n", "whole number"),
        ({"users": "alice", "n": "99999"}, 422, "n", "from 1 to 3200"),
        ({"users": "alice", "unit": "hour"}, 422, "unit", "day, week, month"),
    ],
)
def test_errors_are_json_naming_the_field(
    two: TestClient, prefix: str, query: dict[str, str], status: int, field: str, words: str
) -> None:
    response = two.get(f"{prefix}sentiment", params=query)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["field"] == field
    assert words in error["message"]


def test_limits_come_from_the_settings(tmp_path: Path) -> None:
    app = _app(tmp_path, max_users=1, max_tweets=2)
    assert app.get("/api/frequency", params={"users": "alice,bob"}).json()["error"]["field"] == "users"
    assert app.get("/api/frequency", params={"users": "alice", "n": "3"}).status_code == 422
    assert app.get("/api/frequency", params={"users": "alice"}).json()["n"] == 2


def test_openapi_documents_every_analysis_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name, spec in ANALYSES.all().items():
        own = {"users", "n"} | {p.name for p in spec.parameters}
        for path, extra in ((f"/{name}", set()), (f"/html/{name}", {"standalone"}), (f"/api/{name}", set())):
            names = {p["name"] for p in paths[path]["get"]["parameters"]}
            assert names == own | extra
    assert "image/png" in paths["/sentiment"]["get"]["responses"]["200"]["content"]


def test_json_routes_load_no_chart_library() -> None:
    code = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from handlers.cloud_run import app\n"
        "assert TestClient(app).get('/api/sentiment?users=realDonaldTrump&n=50').status_code == 200\n"
        "print('LOADED=' + ','.join(m for m in ('matplotlib', 'plotly', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "LOADED=\n" in out.stdout + "\n"


REUSE_SEQUENCE = (
    "/sentiment?users=alice,bob,carol",
    "/frequency?users=alice,bob",
    "/sentiment?users=bob,alice&unit=week",
    "/sentiment?users=carol",
    "/sentiment?users=alice,bob",
    "/frequency?users=carol&unit=month",
    "/frequency?users=bob,alice",
)
DRAW_IN_ORDER = """
import dataclasses, hashlib, sys
from fastapi.testclient import TestClient
from handlers.http_app import create_app
from handlers.settings import Settings
settings = dataclasses.replace(Settings.from_env(), tweets_source="file:" + sys.argv[1], access_log=False)
client = TestClient(create_app(settings))
for url in sys.argv[2:]:
    print(url, hashlib.sha256(client.get(url).content).hexdigest())
"""


def test_a_chart_is_the_same_whatever_was_drawn_before_it(two: TestClient, tmp_path: Path) -> None:
    """Figures are reused per layout: this draws each chart after different ones, here and in a fresh process."""
    here = {url: two.get(url).content for url in REUSE_SEQUENCE}
    assert all(png.startswith(b"\x89PNG") for png in here.values())
    path = tmp_path / "two.csv"
    path.write_text(TWO_ACCOUNTS, encoding="utf-8")
    reversed_order = [*reversed(REUSE_SEQUENCE), REUSE_SEQUENCE[2]]  # the last one: drawn twice there
    out = subprocess.run(
        [sys.executable, "-c", DRAW_IN_ORDER, str(path), *reversed_order],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    there = dict(line.split() for line in out.stdout.splitlines() if line.startswith("/"))
    for url, png in here.items():
        assert there[url] == hashlib.sha256(png).hexdigest(), url


def test_drawing_charts_leaves_no_objects_behind() -> None:
    """A reused figure must not keep the last chart's artists: they would pile up in the oldest generation."""
    code = (
        "import gc, sys\n"
        "from core.analysis import service as analytics\n"
        "from core.analysis.tweets.sources import bundled_source\n"
        "source, counts = bundled_source(), []\n"
        "for i in range(40):\n"
        "    for name in ('frequency', 'sentiment'):\n"
        "        analytics.png_chart(name, {'users': ['realDonaldTrump'], 'n': ['200']}, source, analytics.Limits())\n"
        "    counts.append(len(gc.get_objects()))\n"
        "print('objects', counts[9], counts[-1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    after_ten, after_forty = map(int, out.stdout.split("objects", 1)[1].split())
    assert after_forty - after_ten < 200, (after_ten, after_forty)  # about 6,000 more when artists were kept
