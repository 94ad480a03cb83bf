"""One invoker per platform: run an event or a request through that platform's real entry point, in-process.

* Lambda (every ``aws-*`` kind): ``handlers.aws_lambda.handler(event, context)`` with a proper context
  object; an exception becomes the error object the Lambda Invoke API returns (``errorMessage``,
  ``errorType``), flagged as a function error.
* Cloud Functions: functions-framework's own ``create_app(target, source="main.py")`` (the app
  ``functions-framework --target=app`` serves), driven by its test client, as functions-framework tests
  itself; CloudEvents go through the same app in structured or binary content mode.
* Cloud Run: ``handlers.cloud_run.app`` (what uvicorn serves) through Starlette's test client.

Nothing here starts a process or opens a socket, so a whole corpus replays in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import io
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from emulator.context import LambdaContext
from emulator.messages import HttpRequest, HttpResponse

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: where ``main.py`` (functions-framework's source) lives."""

GCF_SOURCE = ROOT / "main.py"
GCF_HTTP_TARGET = "app"
GCF_EVENT_TARGET = "predict_event"


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


DEFAULT_LAMBDA_HANDLER = "handlers/aws_lambda.handler"
"""serverless.yml's ``handler`` for every function; ``EMULATOR_LAMBDA_HANDLER`` points the emulator elsewhere."""


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


@contextlib.contextmanager
def _preserved_environment(*names: str) -> Iterator[None]:
    """functions-framework's ``create_app`` writes ``FUNCTION_TARGET`` and friends into the environment."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@functools.cache
def functions_framework_app(target: str, source: str) -> Any:
    """The app functions-framework serves for ``--target`` and ``--source``, built once per process."""
    import functions_framework

    with _preserved_environment("FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE", "FUNCTION_SOURCE"):
        return functions_framework.create_app(target=target, source=source)  # type: ignore[no-untyped-call]


def _drive(app: Any, req: HttpRequest) -> HttpResponse:
    """One request through a Flask app's test client (or Starlette's, if functions-framework built an ASGI app)."""
    if hasattr(app, "test_client"):
        response = app.test_client().open(
            req.path, method=req.method, query_string=req.query, headers=list(req.headers), data=req.body
        )
        return HttpResponse(response.status_code, tuple(response.headers.items()), response.get_data())
    return _drive_asgi(app, req)


def _drive_asgi(app: Any, req: HttpRequest) -> HttpResponse:
    """The request exactly as given (none of httpx's default headers), the body exactly as sent (not decoded)."""
    from starlette.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    client.headers.clear()
    with client.stream(req.method, req.target, headers=list(req.headers), content=req.body) as response:
        body = b"".join(response.iter_raw())
        return HttpResponse(response.status_code, tuple(response.headers.multi_items()), body)


def invoke_gcf(req: HttpRequest) -> HttpResponse:
    """An HTTP request to the functions-framework target ``app`` in ``main.py`` (``EMULATOR_GCF_SOURCE`` overrides)."""
    source = os.environ.get("EMULATOR_GCF_SOURCE") or str(GCF_SOURCE)
    return _drive(functions_framework_app(GCF_HTTP_TARGET, source), req)


def invoke_cloud_run(req: HttpRequest) -> HttpResponse:
    """An HTTP request to the app uvicorn serves on Cloud Run."""
    from handlers.cloud_run import app

    return _drive_asgi(app, req)


def cloudevent_request(event: dict[str, Any]) -> HttpRequest:
    """The HTTP request Eventarc sends for ``{"attributes": {...}, "data": ...}``, binary or structured mode."""
    from cloudevents.conversion import to_binary, to_structured
    from cloudevents.http import CloudEvent

    cloud_event = CloudEvent(dict(event["attributes"]), event.get("data"))
    convert = to_structured if event.get("mode") == "structured" else to_binary
    headers, body = convert(cloud_event)
    return HttpRequest("POST", "/", headers=tuple((str(k), str(v)) for k, v in headers.items()), body=bytes(body))


def invoke_cloudevent(event: dict[str, Any]) -> HttpResponse:
    """A CloudEvent delivered to the functions-framework target ``predict_event``; stdout lines become ``logs``."""
    app = functions_framework_app(GCF_EVENT_TARGET, str(GCF_SOURCE))
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        response = _drive(app, cloudevent_request(event))
    logs = [orjson.loads(line) for line in captured.getvalue().splitlines() if line.startswith("{")]
    return HttpResponse(response.status, response.headers, response.body, extra={"logs": logs})
