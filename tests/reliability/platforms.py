"""Calls one app through each platform's transport: Cloud Run (ASGI), Lambda (Mangum), Cloud Functions (WSGI).

The middleware must behave alike whatever carries the request; these helpers send the same request
through the three real bridges (Starlette's test client, Mangum with an HTTP API v2 event and a Lambda
context, a2wsgi under Werkzeug's WSGI client, as functions-framework serves it) and return one shape.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from a2wsgi import ASGIMiddleware
from fastapi.testclient import TestClient
from mangum import Mangum
from starlette.types import ASGIApp
from werkzeug.test import Client

Headers = Mapping[str, str] | Sequence[tuple[str, str]]
"""A mapping, or (name, value) pairs when a request repeats a header."""


def _pairs(headers: Headers | None) -> list[tuple[str, str]]:
    return list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeLambdaContext:
    """The attributes of the Lambda context object that Mangum and our middleware read."""

    timeout_seconds: float = 30.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "serverless-ml-predict"
    memory_limit_in_mb: int = 512
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000)


def via_cloud_run(app: ASGIApp, method: str, url: str, headers: Headers | None = None, body: bytes = b"") -> Answer:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(method, url, headers=_pairs(headers), content=body or None)
    return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)


def lambda_event(method: str, url: str, headers: Headers | None = None, body: bytes = b"") -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as AWS documents it (a repeated header's values comma-joined)."""
    parts = urlsplit(url)
    joined: dict[str, str] = {}
    for name, value in _pairs(headers):
        joined[name.lower()] = f"{joined[name.lower()]},{value}" if name.lower() in joined else value
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": {
            "host": "abc123.execute-api.eu-west-1.amazonaws.com",
            **joined,
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "tests",
            },
            "requestId": "AbCdEfGhIjKlMnO=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "22/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1795000000000,
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


def via_lambda(
    app: ASGIApp,
    method: str,
    url: str,
    headers: Headers | None = None,
    body: bytes = b"",
    context: FakeLambdaContext | None = None,
) -> Answer:
    result = Mangum(app, lifespan="off")(lambda_event(method, url, headers, body), context or FakeLambdaContext())
    raw = result.get("body") or ""
    payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    return Answer(result["statusCode"], {k.lower(): v for k, v in result.get("headers", {}).items()}, payload)


def via_gcf(app: ASGIApp, method: str, url: str, headers: Headers | None = None, body: bytes = b"") -> Answer:
    loop = asyncio.new_event_loop()  # the bridge's event-loop thread, made and closed here so nothing leaks
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        response = Client(ASGIMiddleware(app, loop=loop)).open(url, method=method, headers=_pairs(headers), data=body)
        payload = response.get_data()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
    return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, payload)


Call = Callable[..., Answer]
PLATFORMS: dict[str, Call] = {"cloud_run": via_cloud_run, "aws_lambda": via_lambda, "gcf": via_gcf}
