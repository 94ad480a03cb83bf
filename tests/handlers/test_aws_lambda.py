"""The Lambda entry point with recorded events of each kind: HTTP integrations, direct invocation, and the rest."""

from __future__ import annotations

import base64
import json

import pytest
from mangum import Mangum
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from core.prediction.artifacts import load_model
from core.prediction.registry import model_specs
from handlers import aws_lambda
from handlers.aws_events.http import TEXT_MIME_TYPES, HttpEvents
from tests.handlers.lambda_events import FakeContext, delivered, load_event

BOOK = {"Answer": ["no"], "model": "diabetes", "version": "1.0.0"}
HTTP = next(kind for kind in aws_lambda.EVENT_KINDS if isinstance(kind, HttpEvents))


@pytest.mark.parametrize(
    "name", ["api_gateway_rest_v1.json", "http_api_v2.json", "function_url.json", "alb.json", "alb_multi_value.json"]
)
def test_each_recorded_http_event_reaches_the_book_route(name: str) -> None:
    answer = delivered(aws_lambda.handler(load_event(name), FakeContext()))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    body = json.loads(answer.body)
    assert {k: body[k] for k in BOOK} | {"Answer": body["Answer"][:1]} == BOOK


def test_a_multi_value_alb_event_answers_every_row_and_keeps_multi_value_headers() -> None:
    response = aws_lambda.handler(load_event("alb_multi_value.json"), FakeContext())
    assert "multiValueHeaders" in response and "headers" not in response  # ALB requires the mode it was sent
    assert json.loads(response["body"])["Answer"] == ["no", "yes"]


def test_direct_invocation_answers_csv_rows_in_the_models_feature_order() -> None:
    answer = aws_lambda.handler(load_event("direct_invoke_csv.json"), FakeContext())
    assert answer["predictions"] == ["yes", "no"]
    assert answer["model"] == "diabetes-gbm" and answer["version"] == "1.0.0"
    assert [round(p, 3) for p in answer["probabilities"]] == [0.672, 0.033]


def test_direct_invocation_with_json_rows_gives_the_same_answer_as_csv() -> None:
    names = ["pregnant", "glucose", "pressure", "triceps", "insulin", "mass", "pedigree", "age"]
    rows = [dict(zip(names, [6, 148, 72, 35, 0, 33.6, 0.627, 50], strict=True))]
    by_rows = aws_lambda.handler({"model": "diabetes-gbm", "rows": rows}, FakeContext())
    by_csv = aws_lambda.handler({"model": "diabetes-gbm", "data": "6,148,72,35,0,33.6,0.627,50"}, FakeContext())
    assert by_rows == by_csv


@pytest.mark.parametrize(
    ("event", "error_type", "field", "words"),
    [
        ({"model": "diabetes-gbm", "data": "6,148,72\n"}, "InvalidInputError", "data", "takes 8"),
        ({"model": "diabetes-gbm", "data": "6,148,72,35,0,33.6,abc,50"}, "InvalidInputError", "pedigree", "abc"),
        ({"model": "diabetes-gbm", "data": ""}, "EmptyInputError", "data", "no rows"),
        ({"model": "diabetes-gbm", "data": 5}, "InvalidInputError", "data", "string of CSV rows"),
        ({"model": "diabetes-gbm"}, "InvalidInputError", "data", "exactly one of"),
        ({"model": "diabetes-gbm", "data": "1", "rows": []}, "InvalidInputError", "data", "exactly one of"),
        ({"model": "diabetes-gbm", "data": "1", "threshold": 0.2}, "InvalidInputError", "threshold", "unknown field"),
        ({"model": "nope", "data": "1"}, "UnknownModelError", "model", f"known models: {', '.join(model_specs())}"),
        ({"data": "1,2,3"}, "InvalidInputError", "model", "'model' must be"),
        (
            {"model": "diabetes", "rows": [{"pregnant": 1, "glucose": True, "pressure": 1}]},
            "InvalidInputError",
            "glucose",
            "bool",
        ),
        ({"model": "diabetes", "columns": "x"}, "InvalidInputError", "columns", "object of arrays"),
    ],
)
def test_a_malformed_direct_invocation_gets_an_error_object(
    event: dict[str, object], error_type: str, field: str, words: str
) -> None:
    answer = aws_lambda.handler(event, FakeContext())
    assert set(answer) == {"error"}
    assert answer["error"]["type"] == error_type
    assert answer["error"]["field"] == field
    assert words in answer["error"]["message"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sns.json", "aws:sns event"),
        ("eventbridge_schedule.json", "EventBridge event (aws.events: Scheduled Event)"),
    ],
)
def test_a_non_http_event_is_refused_naming_its_kind(name: str, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    answer = aws_lambda.handler(load_event(name), FakeContext())
    assert answer["error"]["type"] == "InvalidInputError" and answer["error"]["field"] == "event"
    assert answer["error"]["message"].endswith(f"not this {kind}")
    assert "unable to infer" not in answer["error"]["message"]
    assert any(kind in record.getMessage() for record in caplog.records)  # and the operator sees it logged


@pytest.mark.parametrize(("event", "words"), [([1, 2], "got list"), ("text", "got str"), ({}, "empty event")])
def test_an_event_that_is_no_object_or_empty_is_refused(event: object, words: str) -> None:
    assert words in aws_lambda.handler(event, FakeContext())["error"]["message"]


def test_models_load_once_per_container_not_per_invocation() -> None:
    assert HTTP.adapter.lifespan == "off"  # Mangum would otherwise run startup and shutdown on every call
    before = load_model.cache_info()
    for _ in range(3):
        aws_lambda.handler(load_event("http_api_v2.json"), FakeContext())
        aws_lambda.handler(load_event("direct_invoke_csv.json"), FakeContext())
    after = load_model.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


def test_the_handler_survives_code_that_closed_the_current_event_loop() -> None:
    import asyncio

    asyncio.run(asyncio.sleep(0))  # asyncio.run leaves the thread without a current loop
    assert aws_lambda.handler(load_event("http_api_v2.json"), FakeContext())["statusCode"] == 200


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def _png_app() -> Starlette:
    async def chart(request: object) -> Response:
        return Response(PNG, media_type="image/png")

    async def page(request: object) -> Response:
        return Response("<p>é</p>", media_type="text/html")

    return Starlette(routes=[Route("/chart", chart), Route("/page", page)])


@pytest.mark.parametrize("template", ["api_gateway_rest_v1.json", "http_api_v2.json"])
def test_png_is_base64_with_is_base64_encoded_and_text_stays_text(template: str) -> None:
    adapter = Mangum(_png_app(), lifespan="off", text_mime_types=TEXT_MIME_TYPES)
    event = load_event(template)
    for key in ("path", "rawPath"):
        if key in event:
            event[key] = "/chart"
    if "http" in event["requestContext"]:
        event["requestContext"]["http"]["path"] = "/chart"
    png = adapter(event, FakeContext())
    assert png["isBase64Encoded"] is True and base64.b64decode(png["body"]) == PNG
    event = json.loads(json.dumps(event).replace('"/chart"', '"/page"'))
    html = adapter(event, FakeContext())
    assert html["isBase64Encoded"] is False and html["body"] == "<p>é</p>"


def test_the_app_needs_no_lifespan_so_turning_it_off_loses_nothing() -> None:
    """Lambda never runs the ASGI lifespan (Mangum's is off); a startup hook would silently not run there."""
    from fastapi.routing import _DefaultLifespan

    routers = [HTTP.adapter.app.router]
    while routers:
        router = routers.pop()
        assert router.on_startup == [] and router.on_shutdown == []
        for route in router.routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                assert isinstance(inner.lifespan_context, _DefaultLifespan), "a router brought its own lifespan"
                routers.append(inner)
