"""Cloud Functions CloudEvent target ``score_object``: a Cloud Storage object finalized under ``incoming/<model>/``
is scored to ``scored/<model>/`` in the same bucket (``core.scoring.drops``), as the S3 drop is on Lambda.

A permanent failure (a key outside ``incoming/``, an unknown model, a wrong header) is logged, written as an
error manifest where the output is known, and returned: the event is acknowledged. A transient one (the
store throttled or out of reach) is raised, so that Eventarc delivers the event again when the trigger
retries (``--retry``). An overwrite is a new generation and a new event: it is scored again, to the same
output.
"""

from __future__ import annotations

from typing import Any

import functions_framework
import orjson
from cloudevents.http import CloudEvent

from core.errors import CoreError, UpstreamError
from core.scoring.drops import storage_object_request
from handlers import scoring


@functions_framework.cloud_event
def score_object(cloud_event: CloudEvent) -> None:
    """Score the finalized object; raise only for a transient failure."""
    outcome = score_storage_event(cloud_event.get_data(), cloud_event.get("id"))
    if outcome.status == "retry":
        raise UpstreamError(f"the object could not be scored for now: {outcome.detail['error']['message']}")


def score_storage_event(data: Any, event_id: Any = None) -> scoring.Outcome:
    """The outcome for a ``google.cloud.storage.object.v1.finalized`` event's data (a StorageObjectData)."""
    try:
        request = storage_object_request(data if isinstance(data, dict) else {})
    except CoreError as exc:
        if isinstance(data, dict) and isinstance(data.get("name"), str) and data["name"]:
            return scoring.refused(exc, "gcs")  # the guard: the object's name is the record, nothing is written
        sent = orjson.dumps(data) if isinstance(data, dict) else repr(data).encode()
        return scoring.refused(exc, "gcs", event_id if isinstance(event_id, str) else None, sent)
    return scoring.run(request, "gcs")
