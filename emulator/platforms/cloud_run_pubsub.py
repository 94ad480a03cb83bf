"""``cloud-run-pubsub``: a Pub/Sub push delivery to the Cloud Run service's ``POST /pubsub/score``, with the
buckets' objects before and after (``emulator.platforms.buckets``).

A case's event is ``{"objects": {URI: text}, "push": <the push envelope>}``. Pub/Sub takes a 2xx as an
acknowledgement and delivers anything else again.
"""

from __future__ import annotations

from typing import Any

import orjson

from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import GatewayConfig
from emulator.platforms.buckets import buckets
from emulator.platforms.http_apps import drive_asgi


class CloudRunPubsub:
    name = "cloud-run-pubsub"
    description = "Pub/Sub push to the Cloud Run service's /pubsub/score"
    input_key = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        from handlers.cloud_run import app

        headers = (("content-type", "application/json"), ("user-agent", "APIs-Google"))
        request = HttpRequest("POST", "/pubsub/score", headers=headers, body=orjson.dumps(case_input["push"]))
        with buckets(case_input.get("objects", {})) as objects:
            response = drive_asgi(app, request)
        return HttpResponse(response.status, response.headers, response.body, extra={"objects": objects})

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return raw.to_json() | {"objects": raw.extra.get("objects", {})}
