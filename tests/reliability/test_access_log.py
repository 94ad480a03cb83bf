"""One JSON line per request on every platform and per Lambda invocation of any kind: its request id, no secret."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from handlers import aws_lambda
from handlers.aws_events.guard import Guarded
from handlers.http_app import create_app
from handlers.middleware import access_log
from handlers.middleware.auth import api_key_hashes
from handlers.settings import Settings
from tests.handlers.lambda_events import KIND_EXAMPLES, FakeContext, SlowKind
from tests.reliability.conftest import KEY
from tests.reliability.platforms import PLATFORMS, FakeLambdaContext, via_cloud_run, via_gcf, via_lambda

Lines = list[dict[str, Any]]
BOOK = "/predict_data?pregnant=1&glucose=3&pressure=1"
TRACE = "105445aa7843bc8bf206b12000100000"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    settings = dataclasses.replace(Settings.from_env(), google_cloud_project="demo-project")
    app = create_app(settings)

    @app.get("/crash", include_in_schema=False)
    async def crash() -> None:
        raise ZeroDivisionError("a bug in a route")

    return app


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_each_request_gives_one_line_with_route_status_model_and_version(
    app: FastAPI, access_lines: Lines, platform: str
) -> None:
    assert PLATFORMS[platform](app, "GET", BOOK).status == 200
    [line] = access_lines
    assert line["severity"] == "INFO" and line["status"] == 200
    assert line["method"] == "GET" and line["path"] == "/predict_data" and line["route"] == "/predict_data"
    assert line["model"] == "diabetes" and line["version"] == "1.0.0"
    assert line["time"].endswith("Z") and line["duration_ms"] > 0 and line["request_id"]
    assert line["httpRequest"]["status"] == 200 and line["httpRequest"]["latency"].endswith("s")


def test_lambda_lines_carry_the_invocation_request_id(app: FastAPI, access_lines: Lines) -> None:
    context = FakeLambdaContext(aws_request_id="c6af9ac6-7b61-11e6-9a41-93e812345678")
    via_lambda(app, "GET", BOOK, context=context)
    assert access_lines[0]["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e812345678"


def test_cloud_functions_lines_carry_the_execution_id(app: FastAPI, access_lines: Lines) -> None:
    via_gcf(app, "GET", BOOK, headers={"Function-Execution-Id": "abc123xyz"})
    assert access_lines[0]["request_id"] == "abc123xyz"


@pytest.mark.parametrize("platform", ["cloud_run", "gcf"])
def test_google_lines_link_to_cloud_trace(app: FastAPI, access_lines: Lines, platform: str) -> None:
    PLATFORMS[platform](app, "GET", BOOK, headers={"X-Cloud-Trace-Context": f"{TRACE}/1;o=1"})
    line = access_lines[0]
    assert line["request_id"] == TRACE
    assert line["logging.googleapis.com/trace"] == f"projects/demo-project/traces/{TRACE}"
    assert line["logging.googleapis.com/spanId"] == "0000000000000001"
    assert line["logging.googleapis.com/trace_sampled"] is True


def test_w3c_traceparent_is_read_too(app: FastAPI, access_lines: Lines) -> None:
    via_cloud_run(app, "GET", BOOK, headers={"traceparent": f"00-{TRACE}-00f067aa0ba902b7-00"})
    line = access_lines[0]
    assert (
        line["logging.googleapis.com/trace"].endswith(TRACE) and line["logging.googleapis.com/trace_sampled"] is False
    )


@pytest.mark.parametrize(
    ("url", "status", "severity", "error"),
    [
        ("/models/diabetes/predict_data?pregnant=x&glucose=1&pressure=1", 422, "WARNING", "InvalidInputError"),
        ("/models/nope", 404, "WARNING", "UnknownModelError"),
        ("/no/such/route", 404, "WARNING", "NotFound"),
        ("/crash", 500, "ERROR", "ZeroDivisionError"),
    ],
)
def test_errors_are_logged_with_their_type(
    app: FastAPI, access_lines: Lines, url: str, status: int, severity: str, error: str
) -> None:
    assert via_cloud_run(app, "GET", url).status == status
    [line] = access_lines
    assert (line["status"], line["severity"], line["error"]["type"]) == (status, severity, error)


def test_refusals_by_the_middleware_are_logged(make_settings: Callable[..., Settings], access_lines: Lines) -> None:
    app = create_app(make_settings(api_key_hashes=api_key_hashes({"API_KEYS": KEY})))
    via_cloud_run(app, "GET", BOOK)
    assert access_lines[0]["status"] == 401 and access_lines[0]["error"]["type"] == "UnauthorizedError"


def test_no_key_header_query_or_body_reaches_the_log(
    make_settings: Callable[..., Settings], access_lines: Lines
) -> None:
    app = create_app(make_settings(api_key_hashes=api_key_hashes({"API_KEYS": KEY})))
    secret_query = "/predict_data?pregnant=1&glucose=3&pressure=1&token=query-secret-0123456789"
    headers = {"X-API-Key": KEY, "Authorization": "Bearer header-secret-0123456789", "Cookie": "session=cookie-secret"}
    via_cloud_run(app, "GET", secret_query, headers=headers)
    body = b'{"rows": [{"pregnant": 1, "glucose": 3, "pressure": 1, "note": "body-secret-0123456789"}]}'
    via_cloud_run(
        app, "POST", "/models/diabetes/predict", headers={**headers, "Content-Type": "application/json"}, body=body
    )
    text = json.dumps(access_lines)
    assert len(access_lines) == 2
    for secret in (KEY, "query-secret", "header-secret", "cookie-secret", "body-secret", "Bearer"):
        assert secret not in text


def test_the_real_server_writes_one_json_line_per_request_to_stdout() -> None:
    # Outside pytest's capture: the line a platform's log agent reads, and nothing else on stdout.
    script = (
        "from fastapi.testclient import TestClient\n"
        "from handlers.http_app import create_app\n"
        "client = TestClient(create_app())\n"
        f"client.get('{BOOK}'); client.get('/health')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["path"] for line in lines] == ["/predict_data", "/health"]


def test_a_log_line_that_fails_costs_the_client_nothing(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> dict[str, Any]:
        raise RuntimeError("the log line could not be built")

    monkeypatch.setattr(access_log, "trace_fields", broken)
    assert via_cloud_run(app, "GET", BOOK).status == 200


@pytest.mark.parametrize("name", sorted(KIND_EXAMPLES))
def test_each_lambda_event_kind_writes_one_line_with_the_invocation_request_id(name: str, access_lines: Lines) -> None:
    """HTTP lines come from the app's middleware; every other kind's from ``handlers.aws_events.guard``."""
    aws_lambda.handler(KIND_EXAMPLES[name], FakeContext(aws_request_id=f"request-of-{name}"))
    [line] = access_lines
    assert line["request_id"] == f"request-of-{name}" and line["duration_ms"] > 0 and line["time"].endswith("Z")
    assert line["status"] == (422 if name == "unsupported" else 200)  # each example is one its kind answers
    if name != "http":
        assert line["kind"] == name
        assert line["outcome"] == ("answered" if line["status"] == 200 else "refused")


def test_a_direct_invocation_line_names_the_model_and_a_refusal_its_error(access_lines: Lines) -> None:
    aws_lambda.handler(KIND_EXAMPLES["direct"], FakeContext())
    aws_lambda.handler({"model": "nope", "data": "1"}, FakeContext())
    answered, refused = access_lines
    assert answered["model"] == "diabetes-gbm" and answered["version"] and answered["severity"] == "INFO"
    assert (refused["status"], refused["severity"], refused["error"]) == (404, "WARNING", {"type": "UnknownModelError"})


def test_a_crash_in_an_event_kind_is_logged_as_500_and_fails_the_invocation(
    make_settings: Callable[..., Settings], access_lines: Lines
) -> None:
    kind = Guarded(SlowKind(0, ZeroDivisionError("a bug")), make_settings())
    with pytest.raises(ZeroDivisionError):
        kind.handle({}, FakeContext())
    assert (access_lines[0]["status"], access_lines[0]["severity"]) == (500, "ERROR")
    assert access_lines[0]["error"] == {"type": "ZeroDivisionError"}


def test_no_invocation_line_when_the_access_log_is_off(
    make_settings: Callable[..., Settings], access_lines: Lines
) -> None:
    assert Guarded(SlowKind(0), make_settings(access_log=False)).handle({}, FakeContext()) == {"slept": 0}
    assert access_lines == []
