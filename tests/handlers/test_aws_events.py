"""The Lambda table of event kinds: each example reaches its kind, and only the ``http`` kind needs FastAPI.

The access line and the deadline every kind gets are tested beside the HTTP ones, in
``tests/reliability/test_access_log.py`` and ``tests/reliability/test_deadline.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from handlers import aws_lambda
from handlers.aws_events.http import HttpEvents
from tests.handlers.conftest import fresh_interpreter
from tests.handlers.lambda_events import KIND_EXAMPLES, FakeContext

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_the_handler_tries_has_an_example() -> None:
    assert sorted(kind.name for kind in aws_lambda.DISPATCH) == sorted(KIND_EXAMPLES)


@pytest.mark.parametrize("name", sorted(KIND_EXAMPLES))
def test_each_example_is_matched_first_by_its_own_kind(name: str) -> None:
    matched = next(kind for kind in aws_lambda.DISPATCH if kind.matches(KIND_EXAMPLES[name], FakeContext()))
    assert matched.name == name


def test_an_unknown_kind_in_the_setting_stops_the_start() -> None:
    with pytest.raises(
        ValueError, match="LAMBDA_EVENT_KINDS names unknown kinds kinesis; known: http, direct, s3, sqs"
    ):
        aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, ("direct", "kinesis"))
    assert aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, ("direct",)) == aws_lambda.EVENT_KINDS[1:2]


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
    at_init, after, predictions, status, refusal = json.loads(fresh_interpreter(PROBE, LAMBDA_EVENT_KINDS="direct"))
    assert (at_init, after, predictions, status) == (False, False, ["yes", "no"], None)
    assert refusal.startswith("this function answers direct invocations like")
    assert refusal.endswith("not this http event (this function's LAMBDA_EVENT_KINDS leaves 'http' out)")


def test_a_function_serving_http_builds_the_app_at_init() -> None:
    """SnapStart snapshots INIT: the app must be built there, not on the first request after a restore."""
    at_init, after, predictions, status, _ = json.loads(fresh_interpreter(PROBE, LAMBDA_EVENT_KINDS="http,direct"))
    assert (at_init, after, predictions, status) == (True, True, ["yes", "no"], 200)
    code = "import handlers.aws_lambda as f\nprint([k._adapter is not None for k in f.EVENT_KINDS[:1]])"
    assert fresh_interpreter(code) == "[True]"
    assert isinstance(aws_lambda.EVENT_KINDS[0], HttpEvents)


def test_each_function_in_serverless_yml_serves_known_kinds_and_http_where_it_has_http_events() -> None:
    functions = yaml.safe_load((ROOT / "serverless.yml").read_text())["functions"]
    for name, function in functions.items():
        setting = function.get("environment", {}).get("LAMBDA_EVENT_KINDS", "")
        kinds = tuple(k.strip() for k in setting.split(",") if k.strip()) or None
        served = aws_lambda.served_kinds(aws_lambda.EVENT_KINDS, kinds)  # an unknown kind would stop its INIT
        has_http_events = any("http" in event or "httpApi" in event for event in function.get("events", []))
        assert has_http_events == any(isinstance(kind, HttpEvents) for kind in served), name
