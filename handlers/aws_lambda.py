"""AWS Lambda entry point ``handler``: HTTP events through Mangum, direct prediction calls, and a clear no to the rest.

* HTTP events (API Gateway REST payload v1, HTTP API payload v2, ALB, function URLs, Lambda@Edge) go
  through Mangum to the one app, so every route answers exactly as on Cloud Run.
* A direct invocation (``{"model": ..., "data": ...}``) is answered by ``handlers.aws_direct``.
* Any other event (S3, SNS, SQS, EventBridge schedules, ...) is answered with an error object that
  names its kind, and logged. It is returned, not raised: raising would make the asynchronous sources
  retry an event that can never succeed.

Everything is built once per container, at import (Lambda's INIT phase, which runs before the first
invocation is billed against its timeout): the app, Mangum, the event loop and the models. Mangum runs
with ``lifespan="off"``: with lifespan on it would start and stop the app around every invocation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from mangum import Mangum
from mangum.adapter import HANDLERS

from core.errors import InvalidInputError
from handlers import aws_direct
from handlers.errors import core_error_body
from handlers.http_app import create_app
from handlers.settings import settings
from handlers.warm import warm_analyses, warm_models

logger = logging.getLogger(__name__)

TEXT_MIME_TYPES = ["text/", "application/json", "+json", "application/javascript", "application/xml", "+xml"]
"""Response types Mangum returns as text; every other body (PNG) is base64 with ``isBase64Encoded``."""

SETTINGS = settings()
app = create_app(SETTINGS)
_loop = asyncio.new_event_loop()
asyncio.set_event_loop(_loop)  # before Mangum, which would otherwise make (and we would then drop) its own
adapter = Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)


warm_models(SETTINGS)
warm_analyses(SETTINGS)  # the tweets function sets WARM_ANALYSES: matplotlib and the fonts load at INIT


def event_kind(event: Mapping[str, Any]) -> str:
    """A readable name for a non-HTTP event, for the error that refuses it."""
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        source = records[0].get("eventSource") or records[0].get("EventSource")
        return f"{source} event" if source else "Records event of an unknown source"
    if "detail-type" in event and "source" in event:
        return f"EventBridge event ({event['source']}: {event['detail-type']})"
    for key, kind in (
        ("awslogs", "CloudWatch Logs subscription"),
        ("deliveryStreamArn", "Kinesis Data Firehose event"),
        ("triggerSource", "Cognito trigger"),
        ("methodArn", "API Gateway authorizer request"),
        ("ResponseURL", "CloudFormation custom resource request"),
    ):
        if key in event:
            return kind
    context = event.get("requestContext")
    if isinstance(context, Mapping) and "connectionId" in context:
        return "API Gateway WebSocket event"
    return "event with keys " + ", ".join(sorted(map(str, event))[:8]) if event else "empty event"


def _is_http(event: dict[str, Any], context: Any) -> bool:
    return any(kind.infer(event, context, adapter.config) for kind in HANDLERS)


def _refuse(message: str) -> dict[str, Any]:
    logger.error("refused an invocation: %s", message)
    return core_error_body(InvalidInputError(message, field="event"))


def handler(event: Any, context: Any) -> dict[str, Any]:
    """The function's entry point (``handlers/aws_lambda.handler`` in serverless.yml)."""
    if not isinstance(event, Mapping):
        return _refuse(f"the event must be a JSON object, got {type(event).__name__}")
    payload = dict(event)
    if _is_http(payload, context):
        asyncio.set_event_loop(_loop)  # Mangum runs the app on the current loop; keep it ours
        return adapter(payload, context)
    if aws_direct.is_direct_invocation(event):
        return aws_direct.answer(event, SETTINGS)
    return _refuse(
        f"this function answers HTTP requests (API Gateway, ALB, function URL) and direct invocations "
        f'like {{"model": "diabetes-gbm", "data": "6,148,72,35,0,33.6,0.627,50"}}, not this {event_kind(event)}'
    )
