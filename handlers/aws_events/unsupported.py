"""The last kind of the table: any event no served kind matched, refused with an error that names what it was.

The refusal is an answer, not a failed invocation: ``handlers.aws_events.guard`` returns the error raised
here as the one error body, since a failed invocation would make the asynchronous sources (S3, SNS,
EventBridge) retry an event that can never succeed. It says what the function does answer, from the
kinds it serves, and is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from core.errors import InvalidInputError
from handlers.aws_events.kind import EventKind

logger = logging.getLogger(__name__)

_MARKERS = (
    ("awslogs", "CloudWatch Logs subscription"),
    ("deliveryStreamArn", "Kinesis Data Firehose event"),
    ("triggerSource", "Cognito trigger"),
    ("methodArn", "API Gateway authorizer request"),
    ("ResponseURL", "CloudFormation custom resource request"),
)
"""A key only that source's events carry, and the source's name."""


def event_kind(event: Mapping[str, Any]) -> str:
    """A readable name for an event no kind of the table knows, for the error that refuses it."""
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        source = records[0].get("eventSource") or records[0].get("EventSource")
        return f"{source} event" if source else "Records event of an unknown source"
    if "detail-type" in event and "source" in event:
        return f"EventBridge event ({event['source']}: {event['detail-type']})"
    for key, kind in _MARKERS:
        if key in event:
            return kind
    context = event.get("requestContext")
    if isinstance(context, Mapping) and "connectionId" in context:
        return "API Gateway WebSocket event"
    return "event with keys " + ", ".join(sorted(map(str, event))[:8]) if event else "empty event"


class Unsupported:
    """Matches every event; refuses it, naming the kinds ``served`` and what the event was."""

    name = "unsupported"
    answers = "nothing"

    def __init__(self, served: tuple[EventKind, ...], known: tuple[EventKind, ...]) -> None:
        self.served = served
        self.unserved = tuple(kind for kind in known if kind not in served)

    def prepare(self) -> None:
        """Nothing to build."""

    def matches(self, event: Any, context: Any) -> bool:
        return True

    def handle(self, event: Any, context: Any) -> Any:
        if not isinstance(event, Mapping):
            message = f"the event must be a JSON object, got {type(event).__name__}"
        else:
            answered = " and ".join(kind.answers for kind in self.served)
            message = f"this function answers {answered}, not this {self._what(event, context)}"
        logger.error("refused an invocation: %s", message)
        raise InvalidInputError(message, field="event")

    def _what(self, event: Mapping[str, Any], context: Any) -> str:
        known = next((kind for kind in self.unserved if kind.matches(event, context)), None)
        if known is not None:
            return f"{known.name} event (this function's LAMBDA_EVENT_KINDS leaves {known.name!r} out)"
        return event_kind(event)
