"""The platform registry: for each kind, how to run its input, read its answer, and build it from plain HTTP.

Adding a platform is one entry here (plus its invoker, and an event builder and a gateway rule when
it sits behind one); replay, parity, record and the CLI all read this table.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from emulator.context import LambdaContext
from emulator.events import BUILDERS, EventBuilder, EventMeta, GatewayConfig
from emulator.gateways import DELIVERERS, Deliver
from emulator.invokers import LambdaResult, invoke_cloud_run, invoke_cloudevent, invoke_gcf, invoke_lambda
from emulator.messages import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Platform:
    """One way the service is reached."""

    name: str
    description: str
    input_key: str
    """Where a case file keeps this platform's input: ``event`` (as the platform delivers it) or ``request``."""
    run: Callable[[Any, GatewayConfig], Any]
    """Case input -> the platform's raw answer (a ``LambdaResult`` or an ``HttpResponse``)."""
    answer: Callable[[Any], HttpResponse]
    """Raw answer -> the response replay compares with the expectation."""
    raw_json: Callable[[Any], Any]
    """Raw answer -> the JSON ``invoke`` prints, as the platform returns it."""
    build: EventBuilder | None = None
    """Neutral HTTP request -> this platform's input; None for platforms that are not reached over HTTP."""
    deliver: Deliver | None = None
    """Raw answer -> what an HTTP client receives (after the gateway); None when the answer is already HTTP."""

    @property
    def http(self) -> bool:
        return self.build is not None


def _decoded_body(answer: dict[str, Any]) -> bytes:
    body = answer.get("body")
    text = body if isinstance(body, str) else "" if body is None else orjson.dumps(body).decode()
    return base64.b64decode(text) if answer.get("isBase64Encoded") else text.encode()


def invoke_api_response(result: LambdaResult) -> HttpResponse:
    """What the Lambda Invoke API answers: 200, the payload as JSON, ``X-Amz-Function-Error`` on a function error."""
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    payload = result.payload
    if result.function_error:
        headers += (("x-amz-function-error", result.function_error),)
        payload = {k: v for k, v in payload.items() if k not in ("stackTrace", "requestId")}
    return HttpResponse(200, headers, orjson.dumps(payload))


def lambda_http_answer(result: LambdaResult) -> HttpResponse:
    """A proxy answer (``statusCode``, headers, cookies, body) as the HTTP message it describes."""
    answer = result.payload
    if result.function_error or not (isinstance(answer, dict) and "statusCode" in answer):
        return invoke_api_response(result)
    pairs = [(k, str(v)) for k, v in (answer.get("headers") or {}).items()]
    pairs += [(k, str(v)) for k, values in (answer.get("multiValueHeaders") or {}).items() for v in values]
    pairs += [("set-cookie", str(c)) for c in answer.get("cookies") or []]
    extra = {"isBase64Encoded": bool(answer.get("isBase64Encoded", False))}
    return HttpResponse(int(answer["statusCode"]), tuple(pairs), _decoded_body(answer), extra=extra)


def _run_lambda(event: Any, config: GatewayConfig) -> LambdaResult:
    context = LambdaContext(
        function_name=config.function_name, memory_limit_in_mb=config.memory_mb, timeout_s=config.timeout_s
    )
    return invoke_lambda(event, context, config.handler)


def _neutral(req: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
    return req.to_json()


def _lambda_http(name: str, description: str) -> Platform:
    return Platform(
        name,
        description,
        "event",
        _run_lambda,
        lambda_http_answer,
        lambda r: r.to_json(),
        BUILDERS[name],
        DELIVERERS[name],
    )


def _http(name: str, description: str, invoke: Callable[[HttpRequest], HttpResponse]) -> Platform:
    return Platform(
        name,
        description,
        "request",
        lambda raw, _config: invoke(HttpRequest.from_json(raw)),
        lambda r: r,
        lambda r: r.to_json(),
        _neutral,
    )


def _cloudevent_json(response: HttpResponse) -> dict[str, Any]:
    return response.to_json() | {"logs": response.extra.get("logs", [])}


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        _lambda_http("aws-rest", "API Gateway REST API, Lambda proxy payload 1.0"),
        _lambda_http("aws-http", "API Gateway HTTP API, payload 2.0"),
        _lambda_http("aws-alb", "Application Load Balancer, Lambda target"),
        _lambda_http("aws-url", "Lambda function URL"),
        Platform(
            "aws-invoke",
            "direct invocation (aws lambda invoke)",
            "event",
            _run_lambda,
            invoke_api_response,
            lambda r: r.to_json(),
        ),
        _http("gcf", "Cloud Functions HTTP target app (functions-framework)", invoke_gcf),
        Platform(
            "gcf-event",
            "Cloud Functions CloudEvent target predict_event (Pub/Sub)",
            "event",
            lambda raw, _config: invoke_cloudevent(raw),
            lambda r: r,
            _cloudevent_json,
        ),
        _http("cloud-run", "Cloud Run (the app uvicorn serves)", invoke_cloud_run),
    )
}


def http_platforms() -> list[Platform]:
    """The platforms reached over HTTP, which parity compares."""
    return [p for p in PLATFORMS.values() if p.http]


def client_view(platform: Platform, raw: Any, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """What an HTTP client receives from ``platform`` for its raw answer ``raw``."""
    return platform.deliver(raw, request, config) if platform.deliver else platform.answer(raw)
