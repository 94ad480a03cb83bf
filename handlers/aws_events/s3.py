"""The ``s3`` kind: an S3 ``ObjectCreated`` event under ``incoming/<model>/`` is scored to ``scored/<model>/``.

S3 invokes asynchronously: a raised error makes Lambda retry the event (twice, then its failure
destination), an answer acknowledges it. So a transient failure (storage throttled or unreachable) is
raised, and a permanent one (a key outside ``incoming/``, an unknown model, a wrong header) is logged,
written as an error manifest where the output is known, and answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import CoreError, UpstreamError
from core.scoring.drops import s3_requests
from handlers import scoring


def records_from(event: Any, source: str) -> bool:
    """Whether ``event`` is a ``Records`` event whose first record comes from ``source`` (``aws:s3``, ``aws:sqs``)."""
    if not isinstance(event, Mapping):
        return False
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and isinstance(records[0], Mapping)
        and records[0].get("eventSource") == source
    )


class S3Objects:
    name = "s3"
    answers = "S3 ObjectCreated events for keys under incoming/<model>/"

    def prepare(self) -> None:
        """Nothing: the store's client is built by the first event that needs it (boto3 loads then, and only in a
        function that serves this kind, so a local ``import handlers.aws_lambda`` stays as cheap as before)."""

    def matches(self, event: Any, context: Any) -> bool:
        return records_from(event, "aws:s3")

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        try:
            requests = s3_requests(event)
        except CoreError as exc:
            return {"results": [{"status": "refused", **scoring.refused(exc, "s3").detail}]}
        outcomes = [scoring.run(request, "s3") for request in requests]
        retry = [o.detail for o in outcomes if o.status == "retry"]
        if retry:  # Lambda retries the whole event; the objects already scored are rewritten the same
            raise UpstreamError(f"{len(retry)} object(s) could not be scored for now: {retry[0]['error']['message']}")
        return {"results": [{"status": o.status, **o.detail} for o in outcomes]}
