"""The drop convention and the scoring messages: ``incoming/<model>/<path>`` is scored to ``scored/<model>/<path>``.

What an event source delivers (an S3 notification, a Cloud Storage object, an explicit request) is
turned here into ``ScoreRequest``s, so every platform applies one rule. The guard lives here too: a key
outside ``incoming/`` is refused, so an output written under ``scored/`` can never start a run of its
own, whatever the trigger's filters say.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from core.errors import CoreError, InvalidInputError, UpstreamError
from core.scoring.job import ScoreRequest
from core.scoring.shards import parse_shard

INCOMING = "incoming/"
SCORED = "scored/"


def drop_request(scheme: str, bucket: str, key: str) -> ScoreRequest:
    """The request for an object dropped at ``key``; ``InvalidInputError`` (field ``key``) outside ``incoming/``."""
    if not key.startswith(INCOMING):
        raise InvalidInputError(f"key {key!r} is not under {INCOMING}: only dropped objects are scored", field="key")
    model, _, path = key[len(INCOMING) :].partition("/")
    if not model or not path or path.endswith("/"):
        raise InvalidInputError(f"key {key!r} is not {INCOMING}<model>/<file>", field="key")
    return ScoreRequest(model, f"{scheme}://{bucket}/{key}", f"{scheme}://{bucket}/{SCORED}{model}/{path}")


def is_transient(error: BaseException) -> bool:
    """Whether the same request may succeed later: a store throttled, unreachable or refusing us (then retried,
    and left to the dead-letter queue if it never does), rather than a request or an input that cannot succeed."""
    return isinstance(error, UpstreamError) or not isinstance(error, CoreError)


def requests_from_message(message: Any) -> list[ScoreRequest]:
    """The requests a queued message carries: an S3 notification (any number of records), an explicit
    ``{"model", "input", "output"[, "shard"]}``, or S3's test event (none). ``InvalidInputError`` otherwise."""
    if not isinstance(message, Mapping):
        raise InvalidInputError("the message must be a JSON object", field="message")
    if message.get("Event") == "s3:TestEvent":
        return []
    if "Records" in message:
        return [_s3_record(record) for record in _records(message["Records"])]
    return [explicit_request(message)]


def _records(records: Any) -> list[Mapping[str, Any]]:
    if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
        raise InvalidInputError("'Records' must be a list of S3 event records", field="Records")
    return records


def s3_requests(event: Mapping[str, Any]) -> list[ScoreRequest]:
    """The requests of an S3 ``ObjectCreated`` event; each key URL-decoded as S3 encodes it (``+`` a space)."""
    return [_s3_record(record) for record in _records(event.get("Records"))]


def _s3_record(record: Mapping[str, Any]) -> ScoreRequest:
    try:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
    except (KeyError, TypeError):
        raise InvalidInputError("an S3 record needs s3.bucket.name and s3.object.key", field="Records") from None
    return drop_request("s3", str(bucket), key)


def storage_object_request(data: Mapping[str, Any]) -> ScoreRequest:
    """The request for a Cloud Storage object (a CloudEvent's StorageObjectData, or a notification's payload)."""
    bucket, name = data.get("bucket"), data.get("name")
    if not isinstance(bucket, str) or not isinstance(name, str) or not bucket or not name:
        raise InvalidInputError("a Cloud Storage object needs 'bucket' and 'name'", field="name")
    return drop_request("gs", bucket, name)


def explicit_request(message: Mapping[str, Any]) -> ScoreRequest:
    """``{"model", "input", "output"[, "shard": "I/N"]}`` as a request, each field checked."""
    unknown = sorted(set(message) - {"model", "input", "output", "shard"})
    if unknown:
        raise InvalidInputError(f"unknown field {unknown[0]!r}; expected model, input, output, shard", field=unknown[0])
    for name in ("model", "input", "output"):
        if not isinstance(message.get(name), str) or not message[name]:
            raise InvalidInputError(f"{name!r} must be a non-empty string", field=name)
    shard = message.get("shard")
    if shard is not None and not isinstance(shard, str):
        raise InvalidInputError("'shard' must be a string I/N", field="shard")
    return ScoreRequest(
        message["model"], message["input"], message["output"], None if shard is None else parse_shard(shard)
    )


def notification_requests(attributes: Mapping[str, Any], data: bytes) -> list[ScoreRequest]:
    """The requests of a Pub/Sub message: a Cloud Storage notification (``eventType`` attribute: only
    ``OBJECT_FINALIZE`` is scored, other events are none) or a JSON request as ``requests_from_message`` reads."""
    event_type = attributes.get("eventType")
    if event_type is not None:
        if event_type != "OBJECT_FINALIZE":
            return []
        return [storage_object_request({"bucket": attributes.get("bucketId"), "name": attributes.get("objectId")})]
    try:
        message = json.loads(data)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise InvalidInputError(f"the message data is not JSON: {exc}", field="message.data") from None
    return requests_from_message(message)
