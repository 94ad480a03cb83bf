"""Running the Lambda handler as the Python runtime does, shared by every ``aws-*`` platform.

``handlers.aws_lambda.handler(event, context)`` is called in-process with a proper context object; an
exception becomes the error object the Lambda Invoke API returns (``errorMessage``, ``errorType``),
flagged as a function error. Nothing here starts a process or opens a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from emulator.context import LambdaContext
from emulator.messages import HttpResponse
from emulator.platforms.base import GatewayConfig

LAMBDA_PAYLOAD_LIMIT = 6_291_556
"""Bytes in a synchronous invocation's request or response (Lambda quotas: "6 MB"; the error names this number)."""

DEFAULT_LAMBDA_HANDLER = "handlers/aws_lambda.handler"
"""serverless.yml's ``handler`` for every function; ``EMULATOR_LAMBDA_HANDLER`` points the emulator elsewhere."""


@dataclass(frozen=True)
class LambdaResult:
    """What a synchronous Lambda invocation returns: the function's value, or Lambda's error object."""

    payload: Any
    function_error: str | None = None

    def to_json(self) -> Any:
        return self.payload

    @property
    def size(self) -> int:
        """The response payload's size as Lambda counts it (the serialized JSON)."""
        return len(orjson.dumps(self.payload))


@functools.cache
def lambda_handler(spec: str | None = None) -> Callable[[Any, Any], Any]:
    """The function named by a serverless.yml ``handler`` (``path/module.attr``) or ``module:attr``."""
    spec = spec or os.environ.get("EMULATOR_LAMBDA_HANDLER") or DEFAULT_LAMBDA_HANDLER
    module, _, attr = spec.rpartition(":") if ":" in spec else spec.rpartition(".")
    handler = getattr(importlib.import_module(module.replace("/", ".")), attr)
    if not callable(handler):
        raise TypeError(f"{spec} is not callable")
    return handler  # type: ignore[no-any-return]


@contextlib.contextmanager
def private_event_loop() -> Iterator[None]:
    """A fresh event loop as this thread's current one for one invocation, closed afterwards.

    Mangum runs the app on the thread's current loop, and a handler may swap in a loop of its own;
    a loop made here is always closed, so replaying thousands of events leaks no loop or socket.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def invoke_lambda(event: Any, context: LambdaContext | None = None, handler: str | None = None) -> LambdaResult:
    """Call the Lambda handler as the Python runtime does; an exception becomes an ``Unhandled`` error result."""
    context = context or LambdaContext()
    function = lambda_handler(handler)
    try:
        with private_event_loop():
            payload = function(event, context)
    except Exception as exc:  # noqa: BLE001 - Lambda turns any exception into an error object, so do we
        frames = traceback.format_tb(exc.__traceback__)
        error = {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": context.aws_request_id}
        return LambdaResult(error | {"stackTrace": [f.strip() for f in frames]}, function_error="Unhandled")
    try:
        return LambdaResult(orjson.loads(orjson.dumps(payload)))
    except TypeError as exc:
        error = {"errorMessage": f"Unable to marshal response: {exc}", "errorType": "Runtime.MarshalError"}
        return LambdaResult(error | {"requestId": context.aws_request_id}, function_error="Unhandled")


def context_for(config: GatewayConfig) -> LambdaContext:
    """The context of one invocation of the function ``config`` describes (name, memory, timeout)."""
    return LambdaContext(
        function_name=config.function_name, memory_limit_in_mb=config.memory_mb, timeout_s=config.timeout_s
    )


def run_lambda(event: Any, config: GatewayConfig) -> LambdaResult:
    """One synchronous invocation of the function ``config`` describes."""
    return invoke_lambda(event, context_for(config), config.handler)


def invoke_api_response(result: LambdaResult) -> HttpResponse:
    """What the Lambda Invoke API answers: 200, the payload as JSON, ``X-Amz-Function-Error`` on a function error."""
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    payload = result.payload
    if result.function_error:
        headers += (("x-amz-function-error", result.function_error),)
        payload = {k: v for k, v in payload.items() if k not in ("stackTrace", "requestId")}
    return HttpResponse(200, headers, orjson.dumps(payload))
