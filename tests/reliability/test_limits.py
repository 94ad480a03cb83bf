"""Each configurable limit has its own JSON error naming what was too large, on every platform."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from handlers.http_app import create_app
from handlers.settings import Settings
from tests.reliability.platforms import PLATFORMS, Answer

CSV_HEADER = b"pregnant,glucose,pressure\n"


def post_csv_rows(settings: Settings, rows: int, platform: str = "cloud_run") -> Answer:
    """A CSV batch of ``rows`` identical rows for the diabetes model, through ``platform``'s adapter."""
    body = CSV_HEADER + b"1,3,1\n" * rows
    return PLATFORMS[platform](
        create_app(settings), "POST", "/models/diabetes/predict", headers={"Content-Type": "text/csv"}, body=body
    )


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize(
    ("limit", "rows", "field", "message"),
    [
        ({"max_body_bytes": 1000}, 200, "body", "bytes; at most 1000 are accepted"),
        ({"max_batch_rows": 3}, 4, "rows", "the batch has 4 rows; at most 3 are accepted"),
    ],
    ids=["max_body_bytes", "max_batch_rows"],
)
def test_a_request_over_a_limit_gets_413_naming_what_was_too_large(
    make_settings: Callable[..., Settings], platform: str, limit: dict[str, int], rows: int, field: str, message: str
) -> None:
    answer = post_csv_rows(make_settings(**limit), rows, platform)
    assert answer.status == 413
    error = answer.json()["error"]
    assert (error["type"], error["field"]) == ("LimitExceededError", field) and message in error["message"]


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(max_body_bytes=1000))
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield CSV_HEADER
        for _ in range(10_000):  # 60 kB offered; the route stops reading once past 1000 bytes
            sent.append(1)
            yield b"1,3,1\n"

    transport = httpx.ASGITransport(app=app)

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/models/diabetes/predict", content=chunks(), headers={"Content-Type": "text/csv"})

    loop = asyncio.new_event_loop()  # not asyncio.run: that would unset the loop Mangum made for this process
    try:
        response = loop.run_until_complete(post())
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
    assert response.status_code == 413 and response.json()["error"]["field"] == "body"
    assert len(sent) < 1000


def test_a_batch_at_the_limit_is_answered(make_settings: Callable[..., Settings]) -> None:
    answer = post_csv_rows(make_settings(max_batch_rows=3), 3)
    assert answer.status == 200 and len(answer.json()["predictions"]) == 3


@pytest.mark.parametrize(("name", "raw"), [("MAX_BODY_BYTES", "0"), ("MAX_BATCH_ROWS", "many")])
def test_a_bad_limit_setting_stops_the_start(monkeypatch: pytest.MonkeyPatch, name: str, raw: str) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name):
        Settings.from_env()


@pytest.mark.parametrize(
    ("changes", "query", "field"),
    [
        ({"max_tweets": 100}, "users=realDonaldTrump&n=101", "n"),
        ({"max_users": 2}, "users=realDonaldTrump,a,b", "users"),
    ],
)
def test_n_and_users_over_their_limits_get_422_naming_them(
    make_settings: Callable[..., Settings], changes: dict[str, int], query: str, field: str
) -> None:
    app = create_app(make_settings(**changes))
    answer = PLATFORMS["cloud_run"](app, "GET", f"/api/frequency?{query}")
    assert answer.status == 422 and answer.json()["error"]["field"] == field


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_values_too_large_for_a_finite_answer_get_422_not_null(platform: str) -> None:
    # Each value is a finite number, but the linear model's answer would overflow to infinity.
    row = {"crim": 0, "zn": 0, "indus": 0, "chas": 0, "nox": 0, "rm": 1e308, "age": 0, "dis": 0, "rad": 0, "tax": 0}
    body = json.dumps({"rows": [row]}).encode()
    app = create_app(Settings.from_env())
    answer = PLATFORMS[platform](
        app, "POST", "/models/boston/predict", headers={"Content-Type": "application/json"}, body=body
    )
    assert answer.status == 422
    assert answer.json()["error"]["field"] == "rm" and "finite" in answer.json()["error"]["message"]
