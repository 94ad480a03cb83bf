"""``gcf-event``: a CloudEvent (a Pub/Sub message) delivered to the functions-framework target ``predict_event``.

A case's event is ``{"mode", "attributes", "data"}``; it reaches the function as the HTTP request
Eventarc sends, in binary or structured content mode
(https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/http-protocol-binding.md). The
function answers by logging: the JSON lines it prints become the answer's ``logs``.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import orjson

from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import GatewayConfig
from emulator.platforms.gcf import GCF_SOURCE, functions_framework_app
from emulator.platforms.http_apps import drive

GCF_EVENT_TARGET = "predict_event"


def cloudevent_request(event: dict[str, Any]) -> HttpRequest:
    """The HTTP request Eventarc sends for ``{"attributes": {...}, "data": ...}``, binary or structured mode."""
    from cloudevents.conversion import to_binary, to_structured
    from cloudevents.http import CloudEvent

    cloud_event = CloudEvent(dict(event["attributes"]), event.get("data"))
    convert = to_structured if event.get("mode") == "structured" else to_binary
    headers, body = convert(cloud_event)
    return HttpRequest("POST", "/", headers=tuple((str(k), str(v)) for k, v in headers.items()), body=bytes(body))


class GcfEvent:
    name = "gcf-event"
    description = "Cloud Functions CloudEvent target predict_event (Pub/Sub)"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        app = functions_framework_app(GCF_EVENT_TARGET, str(GCF_SOURCE))
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            response = drive(app, cloudevent_request(case_input))
        logs = [orjson.loads(line) for line in captured.getvalue().splitlines() if line.startswith("{")]
        return HttpResponse(response.status, response.headers, response.body, extra={"logs": logs})

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return raw.to_json() | {"logs": raw.extra.get("logs", [])}
