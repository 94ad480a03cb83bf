"""``cloud-run``: the app uvicorn serves on Cloud Run (``handlers.cloud_run.app``), the plain-HTTP reference.

Driven through Starlette's test client with the request exactly as sent; parity compares every other
platform's answer with this one.
"""

from __future__ import annotations

from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.http_apps import PlainHttp, drive_asgi


class CloudRun(PlainHttp):
    name = "cloud-run"
    description = "Cloud Run (the app uvicorn serves)"

    def serve(self, request: HttpRequest) -> HttpResponse:
        from handlers.cloud_run import app

        return drive_asgi(app, request)
