"""Turn one neutral HTTP request into the event each AWS front door sends a Lambda function.

Shapes follow the AWS documentation, field by field:

* ``aws-rest``: API Gateway REST API, Lambda proxy integration, payload 1.0
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html):
  header names as sent, ``headers`` keeps the last value and ``multiValueHeaders`` all of them, query
  values URL-decoded, the body base64 only when its content type is one of the API's binary media types.
* ``aws-http``: HTTP API, payload 2.0
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
  lower-case header names, repeated headers and query values joined by commas, ``cookies`` split out,
  ``rawPath``/``rawQueryString`` as sent, a binary body base64.
* ``aws-url``: a function URL, the same 2.0 shape with a ``lambda-url`` domain
  (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
* ``aws-alb``: an Application Load Balancer target
  (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html): query
  values left URL-encoded, ``multiValueHeaders`` and ``multiValueQueryStringParameters`` instead of the
  single-value maps when the target group enables multi-value headers.
"""

from __future__ import annotations

import base64
import fnmatch
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from emulator.context import ACCOUNT_ID, REGION
from emulator.messages import HttpRequest

TEXT_TYPES = ("text/*", "application/json", "application/*+json", "application/xml", "application/javascript")
"""Content types the HTTP API, function URLs and ALB pass as text; any other body arrives base64-encoded."""


@dataclass(frozen=True)
class GatewayConfig:
    """What a deployment configures about its front door; the defaults are this project's serverless.yml."""

    binary_media_types: tuple[str, ...] = ("*/*",)
    stage: str = "prod"
    multi_value_headers: bool = False
    """ALB only: the target group's ``lambda.multi_value_headers.enabled`` attribute."""
    timeout_s: float = 29.0
    memory_mb: int = 1024
    function_name: str = "serverless-ml-api"
    handler: str | None = None
    """The Lambda handler (serverless.yml form, ``handlers/aws_lambda.handler``); None for the default."""


@dataclass(frozen=True)
class EventMeta:
    """The per-request facts a gateway adds: its request id, the time, the caller's address."""

    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    source_ip: str = "203.0.113.7"

    @property
    def clf_time(self) -> str:
        """The time in API Gateway's ``requestContext.requestTime`` (common log format) form."""
        return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def matches_media_types(content_type: str | None, patterns: tuple[str, ...]) -> bool:
    """Whether a media type matches one of the patterns (``*/*``, ``image/*``, ``image/png``)."""
    kind = media_type(content_type)
    return bool(kind) and any(fnmatch.fnmatchcase(kind, p.lower()) for p in patterns)


def _encode_body(req: HttpRequest, as_binary: bool) -> tuple[str | None, bool]:
    if not req.body:
        return None, False
    if as_binary:
        return base64.b64encode(req.body).decode("ascii"), True
    return req.body.decode("utf-8", errors="replace"), False


def _text_body(req: HttpRequest) -> tuple[str | None, bool]:
    """The 2.0 and ALB rule: text content types as text, anything else (or invalid UTF-8) base64."""
    textual = matches_media_types(req.header("content-type"), TEXT_TYPES)
    if textual:
        try:
            req.body.decode("utf-8")
        except UnicodeDecodeError:
            textual = False
    return _encode_body(req, not textual)


def _last_and_all(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single, multi


def _request_headers(req: HttpRequest, lower: bool) -> list[tuple[str, str]]:
    return [(k.lower() if lower else k, v) for k, v in req.headers]


def rest_event(req: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
    """API Gateway REST API (payload 1.0) through a ``/{proxy+}`` resource."""
    headers, multi_headers = _last_and_all(_request_headers(req, lower=False))
    query, multi_query = _last_and_all(parse_qsl(req.query, keep_blank_values=True))
    body, is_b64 = _encode_body(req, matches_media_types(req.header("content-type"), config.binary_media_types))
    proxy = unquote(req.path).lstrip("/")
    return {
        "resource": "/{proxy+}",
        "path": req.path,
        "httpMethod": req.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": proxy} if proxy else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "a1b2c3d4e5",
            "domainName": f"a1b2c3d4e5.execute-api.{REGION}.amazonaws.com",
            "domainPrefix": "a1b2c3d4e5",
            "extendedRequestId": meta.request_id[:16],
            "httpMethod": req.method,
            "identity": {"sourceIp": meta.source_ip, "userAgent": req.header("user-agent")},
            "path": f"/{config.stage}{req.path}",
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


def _v2_event(req: HttpRequest, meta: EventMeta, api_id: str, domain: str) -> dict[str, Any]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for key, value in _request_headers(req, lower=True):
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for key, value in parse_qsl(req.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    body, is_b64 = _text_body(req)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": req.path,
        "rawQueryString": req.query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": api_id,
            "http": {
                "method": req.method,
                "path": req.path,
                "protocol": "HTTP/1.1",
                "sourceIp": meta.source_ip,
                "userAgent": req.header("user-agent") or "",
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


def http_api_event(req: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
    """API Gateway HTTP API (payload 2.0), ``$default`` route."""
    return _v2_event(req, meta, "f6g7h8i9j0", f"f6g7h8i9j0.execute-api.{REGION}.amazonaws.com")


def function_url_event(req: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
    """A Lambda function URL (payload 2.0, ``lambda-url`` domain)."""
    url_id = "abcdefghijklmnopqrstuvwxyz012345"
    return _v2_event(req, meta, url_id, f"{url_id}.lambda-url.{REGION}.on.aws")


def alb_event(req: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
    """An ALB target group request; query values stay URL-encoded, as the load balancer passes them."""
    raw_query = [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in req.query.split("&") if part]
    query, multi_query = _last_and_all([(k, v) for k, v in raw_query])
    headers, multi_headers = _last_and_all(_request_headers(req, lower=True))
    body, is_b64 = _text_body(req)
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/serverless-ml/6d0ecf831eec9f09"
                )
            }
        },
        "httpMethod": req.method,
        "path": req.path,
        "body": body or "",
        "isBase64Encoded": is_b64,
    }
    if config.multi_value_headers:
        event.update(multiValueQueryStringParameters=multi_query, multiValueHeaders=multi_headers)
    else:
        event.update(queryStringParameters=query, headers=headers)
    return event


EventBuilder = Callable[[HttpRequest, GatewayConfig, EventMeta], dict[str, Any]]

BUILDERS: dict[str, EventBuilder] = {
    "aws-rest": rest_event,
    "aws-http": http_api_event,
    "aws-url": function_url_event,
    "aws-alb": alb_event,
}
"""Neutral request -> event, one builder per Lambda HTTP front door."""
