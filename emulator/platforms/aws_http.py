"""``aws-http``: API Gateway HTTP API, payload 2.0 (the function URL reuses it, see ``aws_url``).

In (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
lower-case header names, repeated headers and query values joined by commas, ``cookies`` split out,
``rawPath``/``rawQueryString`` as sent, a body of a non-text type base64.

Out: ``isBase64Encoded`` bodies are always decoded, header names are lower-case, each ``cookies``
entry becomes a ``set-cookie`` header, an answer without ``statusCode`` is taken as a 200 JSON body;
a function error or an answer over Lambda's payload limit is 500. HTTP APIs never compress answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson

from emulator.context import ACCOUNT_ID, REGION
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import EventMeta, GatewayConfig, json_message
from emulator.platforms.lambda_http import LambdaFrontDoor, merged_headers, proxy_body, request_headers, text_body
from emulator.platforms.lambda_runtime import LAMBDA_PAYLOAD_LIMIT, LambdaResult

if TYPE_CHECKING:
    from emulator.slsconfig import Route


class PayloadV2(LambdaFrontDoor):
    """The payload 2.0 event and response rules, shared by the HTTP API and function URLs."""

    api_id: str
    domain: str
    error: HttpResponse
    """The answer to a function error."""

    def build(self, request: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
        """The payload 2.0 event of the ``$default`` route."""
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for key, value in request_headers(request, lower=True):
            if key == "cookie":
                cookies.extend(c.strip() for c in value.split(";") if c.strip())
            else:
                headers[key] = f"{headers[key]},{value}" if key in headers else value
        query: dict[str, str] = {}
        for key, value in parse_qsl(request.query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        body, is_b64 = text_body(request)
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": request.path,
            "rawQueryString": request.query,
            "headers": headers,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": self.api_id,
                "domainName": self.domain,
                "domainPrefix": self.api_id,
                "http": {
                    "method": request.method,
                    "path": request.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": meta.source_ip,
                    "userAgent": request.header("user-agent") or "",
                },
                "requestId": meta.request_id,
                "routeKey": "$default",
                "stage": "$default",
                "time": meta.clf_time,
                "timeEpoch": meta.epoch_ms,
            },
            "isBase64Encoded": is_b64,
        }
        if cookies:
            event["cookies"] = cookies
        if query:
            event["queryStringParameters"] = query
        if body is not None:
            event["body"] = body
        return event

    def deliver(self, raw: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
        """The payload 2.0 response rules."""
        if raw.function_error is not None or raw.size > LAMBDA_PAYLOAD_LIMIT:
            return self.error
        answer = raw.payload
        if not (isinstance(answer, dict) and "statusCode" in answer):
            body = answer if isinstance(answer, str) else orjson.dumps(answer).decode()
            return HttpResponse(200, (("content-type", "application/json"),), body.encode())
        headers = merged_headers(answer, lower=True)
        headers += tuple(("set-cookie", str(cookie)) for cookie in answer.get("cookies") or [])
        return HttpResponse(int(answer["statusCode"]), headers, proxy_body(answer, decode=True))


class AwsHttp(PayloadV2):
    name = "aws-http"
    description = "API Gateway HTTP API, payload 2.0"
    api_id = "f6g7h8i9j0"
    domain = f"f6g7h8i9j0.execute-api.{REGION}.amazonaws.com"
    error = HttpResponse(500, (("content-type", "application/json"),), b'{"message":"Internal Server Error"}')
    route_kind = "httpApi"
    integration_timeout_s = 30.0
    no_route = json_message(404, "Not Found")
    gateway_timeout = json_message(503, "Service Unavailable")

    def route_path(self, path: str, stage: str) -> str | None:
        """The ``$default`` stage: no prefix to strip."""
        return path

    def route_event(self, event: dict[str, Any], route: Route, params: dict[str, str], path: str, stage: str) -> None:
        event.update(routeKey=route.route_key)
        event["requestContext"]["routeKey"] = route.route_key
        if params and route.path != "*":
            event["pathParameters"] = params
