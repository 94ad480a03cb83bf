"""The Lambda table of event kinds: every kind gets an access line and the deadline; only HTTP needs FastAPI."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers import aws_lambda
from handlers.aws_events.guard import Guarded
from handlers.aws_events.http import HttpEvents
from handlers.middleware.access_log import access_logger
from handlers.settings import Settings
from tests.handlers.lambda_events import FakeContext, delivered, load_event

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES: dict[str, dict[str, Any]] = {
    "http": load_event("http_api_v2.json"),
    "direct": load_event("direct_invoke_csv.json"),
    "unsupported": load_event("s3_put.json"),
}
"""One event of each kind the handler tries; a kind added to the table needs its example here."""


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def access_lines() -> Iterator[list[dict[str, Any]]]:
    handler = _Lines()
    access_logger().addHandler(handler)
    try:
        yield handler.lines
    finally:
        access_logger().removeHandler(handler)


def test_every_kind_the_handler_tries_has_an_example_here() -> None:
    assert sorted(kind.name for kind in aws_lambda.DISPATCH) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_kind_answers_its_own_example_and_is_the_one_that_matched(name: str) -> None:
    matched = next(kind for kind in aws_lambda.DISPATCH if kind.matches(EXAMPLES[name], FakeContext()))
    assert matched.name == name


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_invocation_writes_one_access_line_with_its_request_id(
    name: str, access_lines: list[dict[str, Any]]
) -> None:
    context = FakeContext(aws_request_id=f"request-of-{name}")
    aws_lambda.handler(EXAMPLES[name], context)
    [line] = access_lines
    assert line["request_id"] == f"request-of-{name}" and line["duration_ms"] > 0
    assert line["status"] == {"http": 200, "direct": 200, "unsupported": 422}[name]
    if name != "http":  # HTTP lines come from the app's middleware, with the method and path instead
        assert line["kind"] == name
        assert line["outcome"] == ("answered" if line["status"] == 200 else "refused")


def test_a_direct_line_names_the_model_and_a_refusal_its_error() -> None:
    lines = _Lines()
    access_logger().addHandler(lines)
    try:
        aws_lambda.handler(EXAMPLES["direct"], FakeContext())
        aws_lambda.handler({"model": "nope", "data": "1"}, FakeContext())
    finally:
        access_logger().removeHandler(lines)
    answered, refused = lines.lines
    assert answered["model"] == "diabetes-gbm" and answered["version"] and answered["severity"] == "INFO"
    assert refused["severity"] == "WARNING" and refused["error"] == {"type": "UnknownModelError"}
    assert refused["status"] == 404


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_an_invocation_without_time_left_gets_the_same_deadline_body_as_http(name: str) -> None:
    context = FakeContext(remaining_ms=100)  # less than the margin left for answering
    answer = aws_lambda.handler(EXAMPLES[name], context)
    body = json.loads(delivered(answer).body) if name == "http" else answer
    over_http = json.loads(delivered(aws_lambda.handler(EXAMPLES["http"], context)).body)
    assert body == over_http
    assert body["error"]["type"] == "DeadlineExceededError"


class _Slow:
    name = "slow"
    answers = "slow things"

    def __init__(self, seconds: float, error: BaseException | None = None) -> None:
        self.seconds = seconds
        self.error = error

    def prepare(self) -> None:
        pass

    def matches(self, event: Any, context: Any) -> bool:
        return True

    def handle(self, event: Any, context: Any) -> Any:
        time.sleep(self.seconds)
        if self.error is not None:
            raise self.error
        return {"slept": self.seconds}


def _settings(**changes: Any) -> Settings:
    base = Settings(models_dir=ROOT / "models", cors_origins=("*",), max_batch_rows=10, max_body_bytes=10)
    return dataclasses.replace(base, **changes)


def test_a_kind_past_its_budget_is_answered_with_504_json_in_time(access_lines: list[dict[str, Any]]) -> None:
    kind = Guarded(_Slow(3.0), _settings(request_timeout_seconds=0.2))
    started = time.perf_counter()
    answer = kind.handle({}, FakeContext())
    assert time.perf_counter() - started < 1.5
    assert answer == {
        "error": {"type": "DeadlineExceededError", "message": "the request did not finish within its deadline of 0.2 s"}
    }
    assert access_lines[0]["status"] == 504 and access_lines[0]["outcome"] == "failed"
    assert Guarded(_Slow(0.01), _settings(request_timeout_seconds=5)).handle({}, FakeContext()) == {"slept": 0.01}


def test_a_timeout_of_the_kind_itself_is_not_called_a_deadline() -> None:
    kind = Guarded(_Slow(0, TimeoutError("the kind's own")), _settings(request_timeout_seconds=5))
    with pytest.raises(TimeoutError, match="the kind's own"):
        kind.handle({}, FakeContext())


def test_a_crash_in_a_kind_is_logged_as_500_and_fails_the_invocation(access_lines: list[dict[str, Any]]) -> None:
    kind = Guarded(_Slow(0, ZeroDivisionError("a bug")), _settings())
    with pytest.raises(ZeroDivisionError):
        kind.handle({}, FakeContext())
    assert access_lines[0]["status"] == 500 and access_lines[0]["error"] == {"type": "ZeroDivisionError"}


def test_no_access_line_when_the_access_log_is_off(access_lines: list[dict[str, Any]]) -> None:
    Guarded(_Slow(0), _settings(access_log=False)).handle({}, FakeContext())
    assert access_lines == []


def test_an_unknown_kind_in_the_setting_stops_the_start() -> None:
    with pytest.raises(ValueError, match="LAMBDA_EVENT_KINDS names unknown kinds sqs; known: http, direct"):
        aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, ("direct", "sqs"))
    assert aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, ("direct",)) == aws_lambda.EVENT_KINDS[1:]


def _fresh(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "LAMBDA_EVENT_KINDS"} | {"ACCESS_LOG": "off", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


PROBE = (
    "import json, sys\n"
    "import handlers.aws_lambda as function\n"
    "from tests.handlers.lambda_events import FakeContext, load_event\n"
    "at_init = 'fastapi' in sys.modules\n"
    "direct = function.handler(load_event('direct_invoke_csv.json'), FakeContext())\n"
    "http = function.handler(load_event('http_api_v2.json'), FakeContext())\n"
    "print(json.dumps([at_init, 'fastapi' in sys.modules, direct['predictions'], http.get('statusCode'),"
    " http.get('error', {}).get('message')]))"
)


def test_a_function_without_http_answers_direct_invocations_without_importing_fastapi() -> None:
    at_init, after, predictions, status, refusal = json.loads(_fresh(PROBE, LAMBDA_EVENT_KINDS="direct"))
    assert (at_init, after, predictions, status) == (False, False, ["yes", "no"], None)
    assert refusal.startswith("this function answers direct invocations like")
    assert refusal.endswith("not this http event (this function's LAMBDA_EVENT_KINDS leaves 'http' out)")


def test_a_function_serving_http_builds_the_app_at_init() -> None:
    """SnapStart snapshots INIT: the app must be built there, not on the first request after a restore."""
    at_init, after, predictions, status, _ = json.loads(_fresh(PROBE, LAMBDA_EVENT_KINDS="http,direct"))
    assert (at_init, after, predictions, status) == (True, True, ["yes", "no"], 200)
    code = "import handlers.aws_lambda as f\nprint([k._adapter is not None for k in f.EVENT_KINDS[:1]])"
    assert _fresh(code) == "[True]"
    assert isinstance(aws_lambda.EVENT_KINDS[0], HttpEvents)


def test_each_function_in_serverless_yml_serves_known_kinds_and_http_where_it_has_http_events() -> None:
    import yaml

    functions = yaml.safe_load((ROOT / "serverless.yml").read_text())["functions"]
    for name, function in functions.items():
        setting = function.get("environment", {}).get("LAMBDA_EVENT_KINDS", "")
        kinds = tuple(k.strip() for k in setting.split(",") if k.strip()) or None
        served = aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, kinds)  # an unknown kind would stop its INIT
        has_http_events = any("http" in event or "httpApi" in event for event in function.get("events", []))
        assert has_http_events == any(isinstance(kind, HttpEvents) for kind in served), name
