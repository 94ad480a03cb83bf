"""``gcf-storage``: a Cloud Storage ``object.v1.finalized`` CloudEvent to the functions-framework target
``score_object``, with the bucket's objects before and after (``emulator.platforms.buckets``).

A case's event is ``{"objects": {URI: text}, "mode", "attributes", "data"}``; it reaches the function as the
HTTP request Eventarc sends (binary or structured content mode). A 2xx acknowledges the event; a raised
(transient) failure is functions-framework's 500, which Eventarc retries.
"""

from __future__ import annotations

from typing import Any

from emulator.messages import HttpResponse
from emulator.platforms.base import GatewayConfig
from emulator.platforms.buckets import buckets
from emulator.platforms.gcf import GCF_SOURCE, functions_framework_app
from emulator.platforms.gcf_event import cloudevent_request
from emulator.platforms.http_apps import drive


class GcfStorage:
    name = "gcf-storage"
    description = "Cloud Functions CloudEvent target score_object (Cloud Storage object finalized)"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        app = functions_framework_app("score_object", str(GCF_SOURCE))
        with buckets(case_input.get("objects", {})) as objects:
            response = drive(app, cloudevent_request(case_input))
        return HttpResponse(response.status, response.headers, response.body, extra={"objects": objects})

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return raw.to_json() | {"objects": raw.extra.get("objects", {})}
