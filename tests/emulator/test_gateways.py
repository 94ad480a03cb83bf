"""Event shapes and front-door rules of the platform classes, one AWS behaviour per test (emulator-divergences.md)."""

from __future__ import annotations

import base64

import orjson
import pytest

from emulator.context import LambdaContext
from emulator.messages import HttpRequest
from emulator.platforms.aws_alb import AwsAlb
from emulator.platforms.aws_http import AwsHttp
from emulator.platforms.aws_rest import AwsRest
from emulator.platforms.aws_url import AwsUrl
from emulator.platforms.base import EventMeta, GatewayConfig
from emulator.platforms.lambda_runtime import LambdaResult

rest_event, deliver_rest = AwsRest().build, AwsRest().deliver
http_api_event, deliver_http_api = AwsHttp().build, AwsHttp().deliver
function_url_event, deliver_function_url = AwsUrl().build, AwsUrl().deliver
alb_event, deliver_alb = AwsAlb().build, AwsAlb().deliver

META = EventMeta(request_id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef", epoch_ms=1_700_000_000_000)
REQUEST = HttpRequest(
    "POST",
    "/models/caf%C3%A9/predict",
    "a=1&a=2&q=%C3%A9t%C3%A9+x",
    (("Accept", "*/*"), ("X-Twice", "1"), ("x-twice", "2"), ("Cookie", "s=1; t=2"), ("Content-Type", "text/csv")),
    b"a,b\n1,2\n",
)
PNG_ANSWER = {"statusCode": 200, "headers": {"content-type": "image/png"}, "body": "iVBORw0=", "isBase64Encoded": True}


def test_rest_event_keeps_multi_values_decodes_query_and_encodes_binary_bodies():
    event = rest_event(REQUEST, GatewayConfig(binary_media_types=("text/csv",)), META)
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "q": ["été x"]}
    assert event["queryStringParameters"] == {"a": "2", "q": "été x"}
    assert event["multiValueHeaders"]["X-Twice"] == ["1"] and event["multiValueHeaders"]["x-twice"] == ["2"]
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, REQUEST.body)
    assert event["requestContext"]["path"] == "/prod/models/caf%C3%A9/predict"
    text = rest_event(REQUEST, GatewayConfig(binary_media_types=("image/png",)), META)
    assert (text["isBase64Encoded"], text["body"]) == (False, "a,b\n1,2\n")


@pytest.mark.parametrize("build", [http_api_event, function_url_event])
def test_payload_2_events_lower_case_join_with_commas_and_split_cookies(build):
    event = build(REQUEST, GatewayConfig(), META)
    assert event["version"] == "2.0"
    assert event["headers"]["x-twice"] == "1,2"
    assert "cookie" not in event["headers"] and event["cookies"] == ["s=1", "t=2"]
    assert event["queryStringParameters"] == {"a": "1,2", "q": "été x"}
    assert event["rawQueryString"] == REQUEST.query and event["rawPath"] == REQUEST.path
    assert (event["isBase64Encoded"], event["body"]) == (False, "a,b\n1,2\n")


def test_function_url_domain():
    assert ".lambda-url." in function_url_event(REQUEST, GatewayConfig(), META)["requestContext"]["domainName"]


def test_alb_event_leaves_query_encoded_and_keeps_only_the_last_value_unless_multi_value():
    single = alb_event(REQUEST, GatewayConfig(), META)
    assert single["queryStringParameters"] == {"a": "2", "q": "%C3%A9t%C3%A9+x"}
    assert single["headers"]["x-twice"] == "2"
    multi = alb_event(REQUEST, GatewayConfig(multi_value_headers=True), META)
    assert multi["multiValueQueryStringParameters"]["a"] == ["1", "2"]
    assert multi["multiValueHeaders"]["x-twice"] == ["1", "2"]
    assert "headers" not in multi


def test_binary_request_body_is_base64_on_payload_2():
    request = HttpRequest("POST", "/", "", (("Content-Type", "application/octet-stream"),), b"\x00\xff")
    event = http_api_event(request, GatewayConfig(), META)
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, b"\x00\xff")


def test_rest_merges_headers_with_multi_value_headers_winning():
    answer = {"statusCode": 200, "headers": {"X-A": "1", "X-B": "h"}, "multiValueHeaders": {"X-B": ["m1", "m2"]}}
    response = deliver_rest(LambdaResult(answer), REQUEST, GatewayConfig())
    assert response.headers == (("X-A", "1"), ("X-B", "m1"), ("X-B", "m2"))


@pytest.mark.parametrize(
    ("accept", "types", "decoded"),
    [("image/png", ("image/png",), True), ("*/*", ("*/*",), True), ("*/*", ("image/png",), False)],
)
def test_rest_binary_rule(accept, types, decoded):
    request = HttpRequest("GET", "/", "", (("Accept", accept),))
    body = deliver_rest(LambdaResult(PNG_ANSWER), request, GatewayConfig(binary_media_types=types)).body
    assert body == (base64.b64decode("iVBORw0=") if decoded else b"iVBORw0=")


def test_payload_2_cookies_lower_case_and_inference():
    answer = {"statusCode": 201, "headers": {"X-Up": "1"}, "cookies": ["a=1", "b=2"], "body": "{}"}
    response = deliver_http_api(LambdaResult(answer), REQUEST, GatewayConfig())
    assert response.status == 201
    assert response.headers == (("x-up", "1"), ("set-cookie", "a=1"), ("set-cookie", "b=2"))
    inferred = deliver_function_url(LambdaResult({"ok": True}), REQUEST, GatewayConfig())
    assert (inferred.status, inferred.content_type, orjson.loads(inferred.body)) == (
        200,
        "application/json",
        {"ok": True},
    )


def test_errors_and_limits_per_front_door():
    error = LambdaResult({"errorMessage": "boom", "errorType": "RuntimeError"}, "Unhandled")
    statuses = [
        d(error, REQUEST, GatewayConfig()).status for d in (deliver_rest, deliver_http_api, deliver_function_url)
    ]
    assert statuses == [502, 500, 502]
    over_alb = LambdaResult({"statusCode": 200, "body": "x" * 1_100_000})
    assert deliver_alb(over_alb, REQUEST, GatewayConfig()).status == 502
    assert deliver_http_api(over_alb, REQUEST, GatewayConfig()).status == 200
    assert deliver_alb(LambdaResult(PNG_ANSWER), REQUEST, GatewayConfig()).body == base64.b64decode("iVBORw0=")


def test_lambda_context_counts_down_from_its_timeout():
    context = LambdaContext(function_name="f", memory_limit_in_mb=128, timeout_s=3)
    assert 2_900 < context.get_remaining_time_in_millis() <= 3_000
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:f"
    assert context.log_group_name == "/aws/lambda/f"
    assert len(context.aws_request_id) == 36
