"""The request deadline: a 504 JSON error in time on every platform and for every Lambda event kind."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from core.errors import DeadlineExceededError
from handlers import aws_lambda
from handlers.aws_events.guard import Guarded
from handlers.http_app import create_app
from handlers.middleware.deadline import LAMBDA_SAFETY_MARGIN_SECONDS, budget_seconds
from handlers.settings import Settings
from tests.handlers.lambda_events import KIND_EXAMPLES, FakeContext, SlowKind, delivered
from tests.reliability.platforms import PLATFORMS, FakeLambdaContext, via_cloud_run, via_lambda


def slow_app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/slow", include_in_schema=False)
    async def slow(request: Request, seconds: float = 5.0) -> dict[str, float]:
        await asyncio.sleep(seconds)
        return {"slept": seconds, "left": request.state.deadline - time.monotonic()}

    @app.get("/own-timeout", include_in_schema=False)
    async def own_timeout() -> None:
        raise TimeoutError("a timeout of the route's own, not the deadline")

    return app


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_request_past_its_deadline_gets_504_json_in_time(
    make_settings: Callable[..., Settings], platform: str
) -> None:
    app = slow_app(make_settings(request_timeout_seconds=0.2))
    started = time.perf_counter()
    answer = PLATFORMS[platform](app, "GET", "/slow?seconds=5")
    elapsed = time.perf_counter() - started
    assert answer.status == 504
    assert answer.json()["error"]["type"] == "DeadlineExceededError"
    assert "deadline of 0.2 s" in answer.json()["error"]["message"]
    assert elapsed < 2.0


def test_a_request_within_its_deadline_is_answered_and_sees_the_deadline(
    make_settings: Callable[..., Settings],
) -> None:
    app = slow_app(make_settings(request_timeout_seconds=5.0))
    answer = via_cloud_run(app, "GET", "/slow?seconds=0.01")
    assert answer.status == 200 and 4.0 < answer.json()["left"] <= 5.0


def test_lambda_remaining_time_lowers_the_budget(make_settings: Callable[..., Settings]) -> None:
    app = slow_app(make_settings(request_timeout_seconds=30.0))
    context = FakeLambdaContext(timeout_seconds=LAMBDA_SAFETY_MARGIN_SECONDS + 0.3)
    started = time.perf_counter()
    answer = via_lambda(app, "GET", "/slow?seconds=5", context=context)
    assert answer.status == 504 and time.perf_counter() - started < 2.0


def test_an_invocation_with_no_time_left_is_refused_at_once(make_settings: Callable[..., Settings]) -> None:
    app = slow_app(make_settings(request_timeout_seconds=30.0))
    answer = via_lambda(app, "GET", "/slow?seconds=5", context=FakeLambdaContext(timeout_seconds=0.1))
    assert answer.status == 504 and answer.json()["error"]["type"] == "DeadlineExceededError"


def test_budget_is_the_setting_off_lambda_and_the_smaller_one_on_it() -> None:
    assert budget_seconds({"type": "http"}, 30.0) == 30.0
    assert budget_seconds({"aws.context": FakeLambdaContext(timeout_seconds=900)}, 30.0) == 30.0
    assert budget_seconds({"aws.context": FakeLambdaContext(timeout_seconds=10)}, 30.0) == pytest.approx(
        10 - LAMBDA_SAFETY_MARGIN_SECONDS, abs=0.05
    )


def test_a_timeout_raised_by_the_route_itself_is_not_called_a_deadline(make_settings: Callable[..., Settings]) -> None:
    answer = via_cloud_run(slow_app(make_settings(request_timeout_seconds=5.0)), "GET", "/own-timeout")
    assert answer.status == 500 and answer.json()["error"]["type"] == "InternalError"


@pytest.mark.parametrize(("raw", "expected"), [("", 30.0), ("2.5", 2.5), ("60", 60.0)])
def test_the_timeout_is_configurable(monkeypatch: pytest.MonkeyPatch, raw: str, expected: float) -> None:
    monkeypatch.setenv("REQUEST_TIMEOUT_SECONDS", raw)
    assert Settings.from_env().request_timeout_seconds == expected


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_timeout_stops_the_start(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("REQUEST_TIMEOUT_SECONDS", raw)
    with pytest.raises(ValueError, match="REQUEST_TIMEOUT_SECONDS"):
        Settings.from_env()


RETRIED_KINDS = ("s3", "sqs")
"""Kinds whose caller retries a failed invocation: past the deadline they raise, so the event is not lost."""
OWN_CONTRACT_KINDS = ("redshift",)
"""Kinds that answer errors in their caller's own contract (Redshift's ``success: false``)."""


@pytest.mark.parametrize("name", sorted(set(KIND_EXAMPLES) - {*RETRIED_KINDS, *OWN_CONTRACT_KINDS}))
def test_every_lambda_event_kind_without_time_left_gets_the_http_deadline_body(name: str) -> None:
    context = FakeContext(remaining_ms=100)  # less than the margin left for answering
    answer = aws_lambda.handler(KIND_EXAMPLES[name], context)
    body = json.loads(delivered(answer).body) if name == "http" else answer
    assert body == json.loads(delivered(aws_lambda.handler(KIND_EXAMPLES["http"], context)).body)
    assert body["error"]["type"] == "DeadlineExceededError"


@pytest.mark.parametrize("name", RETRIED_KINDS)
def test_a_retried_kind_without_time_left_fails_the_invocation_so_its_event_is_retried(name: str) -> None:
    with pytest.raises(DeadlineExceededError):
        aws_lambda.handler(KIND_EXAMPLES[name], FakeContext(remaining_ms=100))


@pytest.mark.parametrize("name", OWN_CONTRACT_KINDS)
def test_a_warehouse_kind_without_time_left_answers_the_deadline_in_its_own_contract(name: str) -> None:
    answer = json.loads(aws_lambda.handler(KIND_EXAMPLES[name], FakeContext(remaining_ms=100)))
    assert answer["success"] is False and "deadline" in answer["error_msg"]


def test_an_event_kind_past_its_budget_gets_504_json_in_time(
    make_settings: Callable[..., Settings], access_lines: list[dict[str, Any]]
) -> None:
    kind = Guarded(SlowKind(3.0), make_settings(request_timeout_seconds=0.2))
    started = time.perf_counter()
    answer = kind.handle({}, FakeContext())
    assert time.perf_counter() - started < 1.5
    assert answer == {
        "error": {"type": "DeadlineExceededError", "message": "the request did not finish within its deadline of 0.2 s"}
    }
    assert (access_lines[0]["status"], access_lines[0]["outcome"]) == (504, "failed")
    assert Guarded(SlowKind(0.01), make_settings(request_timeout_seconds=5)).handle({}, FakeContext()) == {
        "slept": 0.01
    }


def test_a_timeout_raised_by_an_event_kind_itself_is_not_called_a_deadline(
    make_settings: Callable[..., Settings],
) -> None:
    kind = Guarded(SlowKind(0, TimeoutError("the kind's own")), make_settings(request_timeout_seconds=5))
    with pytest.raises(TimeoutError, match="the kind's own"):
        kind.handle({}, FakeContext())
