"""The ``sqs`` kind: a batch of messages, each an S3 notification or ``{"model", "input", "output"}``, scored.

With ``ReportBatchItemFailures`` (serverless.yml), the answer lists in ``batchItemFailures`` only the
messages that failed for a transient reason, which SQS delivers again (then to the dead-letter queue
after ``maxReceiveCount``); a permanent failure (malformed message, unknown model, unreadable input) is
logged, written as an error manifest (beside its output, or for a message that names none under
``$SCORING_FAILURES_URI/sqs/<messageId>``, see ``handlers.scoring``), and acknowledged. Nothing escapes as an
exception, which would fail, and redeliver, the whole batch; a message the invocation has no time left
for is returned as failed, untouched.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import CoreError, InvalidInputError
from core.scoring.drops import requests_from_message
from handlers import scoring
from handlers.aws_events.s3 import records_from

TIME_MARGIN_MS = 30_000
"""A message is started only with this much of the invocation left; the rest wait for the next delivery."""


class SqsMessages:
    name = "sqs"
    answers = 'SQS messages holding S3 notifications or {"model": ..., "input": URI, "output": URI}'

    def prepare(self) -> None:
        """Nothing: as for ``s3``, the client is built on first use."""

    def matches(self, event: Any, context: Any) -> bool:
        return records_from(event, "aws:sqs")

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            message_id = record.get("messageId")
            if _time_left(context) < TIME_MARGIN_MS or not _scored(record):
                failures.append({"itemIdentifier": message_id})
        return {"batchItemFailures": failures}


def _time_left(context: Any) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return float(remaining()) if callable(remaining) else float("inf")


def _scored(record: Any) -> bool:
    """Whether the message is done with (scored, or refused for good); False asks SQS to deliver it again."""
    message_id, raw = record.get("messageId"), record.get("body")
    sent = raw.encode("utf-8", "replace") if isinstance(raw, str) else b""
    try:
        body = json.loads(raw or "")
    except (TypeError, ValueError) as exc:
        error = InvalidInputError(f"the message body is not JSON: {exc}", field="body")
        scoring.refused(error, "sqs", message_id if isinstance(message_id, str) else None, sent)
        return True
    try:
        requests = requests_from_message(body)
    except CoreError as exc:
        scoring.refused(exc, "sqs", message_id if isinstance(message_id, str) else None, sent)
        return True
    outcomes = [scoring.run(request, "sqs") for request in requests]
    return all(o.status != "retry" for o in outcomes)
