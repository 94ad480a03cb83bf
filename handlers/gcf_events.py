"""Cloud Functions CloudEvent target ``predict_event``: batch predictions for Pub/Sub messages, answered in the logs.

A Pub/Sub message carries the same body ``POST /models/{name}/predict`` takes (JSON rows or columns,
or CSV with a header row) in ``data``, the model's name in the ``model`` attribute and, for CSV, the
``contentType`` attribute. The function writes one structured JSON line to stdout, which Cloud Logging
turns into an entry (a log sink can route the predictions to BigQuery or a topic). A message that can
never succeed (unknown model, bad rows) is logged with severity ERROR and acknowledged, not raised:
raising would make Pub/Sub redeliver it until it expires.

Deploy: ``gcloud functions deploy predict-event --gen2 --runtime python312 --entry-point predict_event
--trigger-topic predictions`` (``main.py`` re-exports ``predict_event``).
"""

from __future__ import annotations

import base64
import binascii
import sys
from typing import Any

import functions_framework
import orjson
from cloudevents.http import CloudEvent

from core.errors import CoreError, InvalidInputError, MalformedBodyError
from core.prediction.service import predict_batch
from handlers.errors import core_error_body
from handlers.models_source import models
from handlers.settings import settings


def _log(entry: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(entry).decode() + "\n")
    sys.stdout.flush()


def _message(cloud_event: CloudEvent) -> tuple[str, dict[str, Any], bytes]:
    data = cloud_event.get_data()
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise MalformedBodyError("the event is not a Pub/Sub message: data.message is missing", field="message")
    attributes = message.get("attributes") or {}
    try:
        body = base64.b64decode(message.get("data") or "", validate=True)
    except (binascii.Error, ValueError):
        raise MalformedBodyError("message.data is not base64", field="message.data") from None
    return str(message.get("messageId", "")), attributes, body


def predict_message(cloud_event: CloudEvent) -> dict[str, Any]:
    """The log entry for one message: its predictions, or the error that the message itself caused."""
    message_id = ""
    try:
        message_id, attributes, body = _message(cloud_event)
        model = attributes.get("model")
        if not model:
            raise InvalidInputError("the message has no 'model' attribute naming the model", field="model")
        config = settings()
        content_type = attributes.get("contentType", "application/json")
        result = predict_batch(str(model), body, content_type, config.max_batch_rows, models(config))
    except CoreError as exc:
        entry = {"severity": "ERROR", "message": f"message {message_id}: {exc.message}", "messageId": message_id}
        return entry | core_error_body(exc)
    return {"severity": "INFO", "message": f"message {message_id}: predictions", "messageId": message_id} | result


@functions_framework.cloud_event
def predict_event(cloud_event: CloudEvent) -> None:
    """Predict for one Pub/Sub message and write the answer as one structured log line."""
    _log(predict_message(cloud_event))
