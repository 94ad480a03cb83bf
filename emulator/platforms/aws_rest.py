"""``aws-rest``: API Gateway REST API, Lambda proxy integration, payload 1.0.

In (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html):
header names as sent, ``headers`` keeps the last value and ``multiValueHeaders`` all of them, query
values URL-decoded, the body base64 only when its content type is one of the API's binary media types.

Out: a base64 body (``isBase64Encoded``) is decoded to bytes only when the client's first ``Accept``
media type matches one of ``binaryMediaTypes``, otherwise the client gets the base64 text;
``headers`` and ``multiValueHeaders`` merge (the multi-value entry wins); a function error, a
malformed answer or one over Lambda's payload limit is 502 ``{"message": "Internal server error"}``;
with ``minimumCompressionSize`` set, a large enough answer is compressed (``compression``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from emulator.context import ACCOUNT_ID, REGION
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import EventMeta, GatewayConfig, json_message, matches_media_types, media_type
from emulator.platforms.compression import compress
from emulator.platforms.lambda_http import (
    LambdaFrontDoor,
    encode_body,
    is_proxy_answer,
    last_and_all,
    merged_headers,
    proxy_body,
    request_headers,
)
from emulator.platforms.lambda_runtime import LAMBDA_PAYLOAD_LIMIT, LambdaResult

if TYPE_CHECKING:
    from emulator.slsconfig import Route

ERROR = HttpResponse(502, (("content-type", "application/json"),), b'{"message": "Internal server error"}')

REST_API_ID = "a1b2c3d4e5"  # pragma: allowlist secret - an API id of the documentation's form, not a key


def first_accept(request: HttpRequest) -> str:
    """The client's first ``Accept`` media type, the one API Gateway REST APIs decide binary answers by."""
    accept = request.header("accept") or ""
    return media_type(accept.split(",")[0])


class AwsRest(LambdaFrontDoor):
    name = "aws-rest"
    description = "API Gateway REST API, Lambda proxy payload 1.0"
    route_kind = "http"
    integration_timeout_s = 29.0
    no_route = json_message(403, "Missing Authentication Token")
    gateway_timeout = json_message(504, "Endpoint request timed out")

    def build(self, request: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
        """The event of a ``/{proxy+}`` resource."""
        headers, multi_headers = last_and_all(request_headers(request, lower=False))
        query, multi_query = last_and_all(parse_qsl(request.query, keep_blank_values=True))
        binary = matches_media_types(request.header("content-type"), config.binary_media_types)
        body, is_b64 = encode_body(request, binary)
        proxy = unquote(request.path).lstrip("/")
        return {
            "resource": "/{proxy+}",
            "path": request.path,
            "httpMethod": request.method,
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": {"proxy": proxy} if proxy else None,
            "stageVariables": None,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": REST_API_ID,
                "domainName": f"{REST_API_ID}.execute-api.{REGION}.amazonaws.com",
                "domainPrefix": REST_API_ID,
                "extendedRequestId": meta.request_id[:16],
                "httpMethod": request.method,
                "identity": {"sourceIp": meta.source_ip, "userAgent": request.header("user-agent")},
                "path": f"/{config.stage}{request.path}",
                "protocol": "HTTP/1.1",
                "requestId": meta.request_id,
                "requestTime": meta.clf_time,
                "requestTimeEpoch": meta.epoch_ms,
                "resourceId": "abc123",
                "resourcePath": "/{proxy+}",
                "stage": config.stage,
            },
            "body": body,
            "isBase64Encoded": is_b64,
        }

    def deliver(self, raw: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
        """Binary media types and the first ``Accept`` type decide whether base64 is decoded; then compression."""
        if not is_proxy_answer(raw) or raw.size > LAMBDA_PAYLOAD_LIMIT:
            return ERROR
        answer: dict[str, Any] = raw.payload
        binary = matches_media_types(first_accept(request), config.binary_media_types)
        response = HttpResponse(
            int(answer["statusCode"]), merged_headers(answer, lower=False), proxy_body(answer, decode=binary)
        )
        return compress(response, request, config.minimum_compression_size)

    def route_path(self, path: str, stage: str) -> str | None:
        """Requests arrive under ``/<stage>``; the routes are matched without it."""
        if not stage:
            return path
        prefix = f"/{stage}"
        if not (path == prefix or path.startswith(prefix + "/")):
            return None
        return path[len(prefix) :] or "/"

    def route_event(self, event: dict[str, Any], route: Route, params: dict[str, str], path: str, stage: str) -> None:
        resource = "/{proxy+}" if route.path == "*" else route.path
        event.update(resource=resource, path=path, pathParameters=params or None)
        event["requestContext"].update(resourcePath=resource, stage=stage or "$default")
