"""``aws-alb``: an Application Load Balancer with a Lambda target group.

https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html. In: query
values left URL-encoded, lower-case header names, ``multiValueHeaders`` and
``multiValueQueryStringParameters`` instead of the single-value maps (which keep only the last value)
when the target group enables multi-value headers. Out: ``isBase64Encoded`` bodies decoded, headers as
the function gave them, 502 on a function error or an answer over the ALB's 1 MB.
"""

from __future__ import annotations

from typing import Any

from emulator.context import ACCOUNT_ID, REGION
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import EventMeta, GatewayConfig
from emulator.platforms.lambda_http import (
    LambdaFrontDoor,
    is_proxy_answer,
    last_and_all,
    merged_headers,
    proxy_body,
    request_headers,
    text_body,
)
from emulator.platforms.lambda_runtime import LambdaResult

ALB_RESPONSE_LIMIT = 1_048_576
"""Bytes of response JSON an ALB accepts from a Lambda target."""

ERROR = HttpResponse(502, (("content-type", "text/html"),), b"<html><body><h1>502 Bad Gateway</h1></body></html>")

TARGET_GROUP = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/serverless-ml/6d0ecf831eec9f09"


class AwsAlb(LambdaFrontDoor):
    name = "aws-alb"
    description = "Application Load Balancer, Lambda target"

    def build(self, request: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
        """A target group request; query values stay URL-encoded, as the load balancer passes them."""
        parts = [part.split("=", 1) if "=" in part else [part, ""] for part in request.query.split("&") if part]
        query, multi_query = last_and_all([(k, v) for k, v in parts])
        headers, multi_headers = last_and_all(request_headers(request, lower=True))
        body, is_b64 = text_body(request)
        event: dict[str, Any] = {
            "requestContext": {"elb": {"targetGroupArn": TARGET_GROUP}},
            "httpMethod": request.method,
            "path": request.path,
            "body": body or "",
            "isBase64Encoded": is_b64,
        }
        if config.multi_value_headers:
            event.update(multiValueQueryStringParameters=multi_query, multiValueHeaders=multi_headers)
        else:
            event.update(queryStringParameters=query, headers=headers)
        return event

    def deliver(self, raw: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
        """Base64 decoded; 502 on errors and on answers over 1 MB."""
        if not is_proxy_answer(raw) or raw.size > ALB_RESPONSE_LIMIT:
            return ERROR
        answer: dict[str, Any] = raw.payload
        return HttpResponse(int(answer["statusCode"]), merged_headers(answer, lower=False), proxy_body(answer, True))
