"""Lambda events for any request, built on the recorded shapes in ``tests/handlers/events/``, and a fake context.

Each HTTP kind starts from a real-shaped event (copied from the AWS documentation's examples) and
changes only the request's own fields (method, path, query, headers, body), the way each integration
fills them: REST APIs and multi-value ALBs send lists per name, HTTP APIs and function URLs send the
raw query string and comma-joined headers, single-value ALBs keep the last value of a repeated name.
``delivered`` turns the function's answer back into what the client receives. ``KIND_EXAMPLES`` holds
one event of each kind the handler tries, and ``SlowKind`` is a kind whose work takes as long as asked.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

EVENTS = Path(__file__).parent / "events"
HTTP_KINDS = ("rest", "http", "url", "alb", "alb_multi_value")
_TEMPLATES = {
    "rest": "api_gateway_rest_v1.json",
    "http": "http_api_v2.json",
    "url": "function_url.json",
    "alb": "alb.json",
    "alb_multi_value": "alb_multi_value.json",
}


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


@dataclass
class FakeContext:
    """What the Lambda runtime passes as ``context`` (the attributes Mangum and the app read)."""

    aws_request_id: str = "6f1d6a0e-2b8c-4f5e-9d3a-0c1b2a3f4e5d"
    function_name: str = "serverless-ml-dev-predict"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:serverless-ml-dev-predict"
    memory_limit_in_mb: int = 512
    log_group_name: str = "/aws/lambda/serverless-ml-dev-predict"
    log_stream_name: str = "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef"
    remaining_ms: int = 10_000
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@dataclass
class Request:
    """A platform-neutral HTTP request: what a client sends."""

    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def http_event(kind: str, request: Request) -> dict[str, Any]:
    """The event ``kind``'s integration sends for ``request``, on that kind's recorded template."""
    event = copy.deepcopy(load_event(_TEMPLATES[kind]))
    headers = {"host": "example.com", **{k.lower(): v for k, v in request.headers.items()}}
    if request.body:
        headers["content-length"] = str(len(request.body))
    # REST APIs with binary media types */* pass every body base64-encoded; the others pass text as text.
    text = request.body.decode("utf-8", errors="strict") if request.body and kind != "rest" else None
    event["body"] = text if text is not None else (base64.b64encode(request.body).decode() if request.body else None)
    event["isBase64Encoded"] = bool(request.body) and text is None
    if kind in ("http", "url"):
        pairs = parse_qsl(request.query, keep_blank_values=True)
        event["rawPath"] = event["requestContext"]["http"]["path"] = request.path
        event["requestContext"]["http"]["method"] = request.method
        event["rawQueryString"] = request.query
        event["queryStringParameters"] = {k: ",".join(v) for k, v in _grouped(pairs).items()} or None
        event["headers"] = {**event["headers"], **headers}
        if kind == "http":
            event["routeKey"] = event["requestContext"]["routeKey"] = f"{request.method} {request.path}"
        return event
    event["httpMethod"] = request.method
    event["path"] = request.path
    merged = {**{k.lower(): v for k, v in event.get("headers", {}).items()}, **headers}
    if kind == "rest":  # API Gateway decodes the query; an ALB passes it as the client encoded it
        pairs = parse_qsl(request.query, keep_blank_values=True)
        event["resource"] = event["requestContext"]["resourcePath"] = request.path
        event["requestContext"]["httpMethod"] = request.method
        event["requestContext"]["path"] = "/dev" + request.path
    else:
        pairs = [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in request.query.split("&") if part]
        event["body"] = event["body"] or ""
    if kind in ("rest", "alb"):
        event["queryStringParameters"] = {k: v[-1] for k, v in _grouped(pairs).items()} or None
        event["headers"] = merged
    if kind in ("rest", "alb_multi_value"):
        event["multiValueQueryStringParameters"] = _grouped(pairs) or None
        event["multiValueHeaders"] = {k: [v] for k, v in merged.items()}
    return event


@dataclass
class Delivered:
    """What the client receives: status, headers with lower-case names, body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes


def delivered(response: dict[str, Any]) -> Delivered:
    """Decode a Lambda proxy response as the gateway does (base64 bodies become bytes again)."""
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    raw = response.get("body") or ""
    body = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
    return Delivered(int(response["statusCode"]), headers, body)


KIND_EXAMPLES: dict[str, dict[str, Any]] = {
    "http": load_event("http_api_v2.json"),
    "direct": load_event("direct_invoke_csv.json"),
    "s3": load_event("s3_put.json"),
    "sqs": load_event("sqs.json"),
    "redshift": load_event("redshift_udf.json"),
    "unsupported": load_event("sns.json"),
}
"""One event of each kind ``handlers.aws_lambda.DISPATCH`` tries; a kind added to the table needs its example here."""


class SlowKind:
    """An event kind whose work sleeps ``seconds``, then raises ``error`` or answers ``{"slept": seconds}``."""

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
