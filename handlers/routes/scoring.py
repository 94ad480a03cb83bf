"""``POST /pubsub/score``: Pub/Sub push deliveries of scoring requests, on the Cloud Run service.

A message carries a Cloud Storage notification (``eventType``, ``bucketId``, ``objectId`` attributes) or
the JSON ``{"model", "input", "output"[, "shard"]}``. Pub/Sub takes a 2xx as an acknowledgement and
delivers anything else again, with backoff, until its dead-letter topic: so the answer is 200 once the
output or the error manifest is written, and for a message that can never succeed (logged, and filed
under ``$SCORING_FAILURES_URI/pubsub/<messageId>`` when it names no output: ``handlers.scoring``); 503 for
a transient failure, which a later delivery may get past.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from core.errors import CoreError, InvalidInputError, MalformedBodyError
from core.scoring.drops import notification_requests
from handlers.settings import Settings

PATH = "/pubsub/score"


def _push_message(body: bytes) -> tuple[dict[str, Any], bytes]:
    try:
        envelope = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedBodyError("the body is not a Pub/Sub push envelope (JSON)", field="body") from None
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict):
        raise InvalidInputError("the push envelope has no 'message' object", field="message")
    try:
        data = base64.b64decode(message.get("data") or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInputError("message.data is not base64", field="message.data") from None
    attributes = message.get("attributes") or {}
    return (attributes if isinstance(attributes, dict) else {}), data


def _message_id(body: bytes) -> str | None:
    """The push envelope's ``message.messageId``, if the body holds one (a refused message is filed by it)."""
    try:
        message = orjson.loads(body).get("message")
        message_id = message.get("messageId") or message.get("message_id")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return message_id if isinstance(message_id, str) else None


def _json(status: int, content: dict[str, Any]) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


def build_router(settings: Settings) -> APIRouter:
    from handlers import scoring  # the scorer and its stores load on the first delivery, not with the app

    router = APIRouter(include_in_schema=False)

    @router.post(PATH)
    async def pubsub_score(request: Request) -> Response:
        body = await request.body()
        try:
            requests = notification_requests(*_push_message(body))
        except CoreError as exc:
            outcome = scoring.refused(exc, "pubsub", _message_id(body), body)
            return _json(200, {"status": "refused", **outcome.detail})
        # On a worker thread: scoring blocks for as long as the file takes, and the event loop serves meanwhile.
        outcomes = await run_in_threadpool(lambda: [scoring.run(r, "pubsub") for r in requests])
        retry = [o.detail for o in outcomes if o.status == "retry"]
        if retry:
            return _json(503, {"status": "retry", "results": retry})
        return _json(200, {"status": "done", "results": [{"status": o.status, **o.detail} for o in outcomes]})

    return router
