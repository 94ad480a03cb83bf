"""Driving an in-process web app with one neutral request, shared by the platforms that receive plain HTTP.

Flask apps (functions-framework's) go through their test client, as functions-framework tests
itself; ASGI apps (Cloud Run's, or functions-framework's if it built one) through Starlette's. A
platform whose input is the request itself runs it, reads it, and delivers it unchanged: ``PlainHttp``.
"""

from __future__ import annotations

from typing import Any

from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import EventMeta, GatewayConfig


def drive(app: Any, request: HttpRequest) -> HttpResponse:
    """One request through a Flask app's test client (or Starlette's, for an ASGI app)."""
    if hasattr(app, "test_client"):
        response = app.test_client().open(
            request.path,
            method=request.method,
            query_string=request.query,
            headers=list(request.headers),
            data=request.body,
        )
        return HttpResponse(response.status_code, tuple(response.headers.items()), response.get_data())
    return drive_asgi(app, request)


def drive_asgi(app: Any, request: HttpRequest) -> HttpResponse:
    """The request exactly as given (none of httpx's default headers), the body exactly as sent (not decoded)."""
    from starlette.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    client.headers.clear()
    with client.stream(request.method, request.target, headers=list(request.headers), content=request.body) as answer:
        body = b"".join(answer.iter_raw())
        return HttpResponse(answer.status_code, tuple(answer.headers.multi_items()), body)


class PlainHttp:
    """A platform whose input is the plain HTTP request (kept as ``request`` in case files)."""

    name: str
    description: str
    input_key = "request"

    def serve(self, request: HttpRequest) -> HttpResponse:
        """The platform's answer to one request."""
        raise NotImplementedError

    def run(self, case_input: Any, config: GatewayConfig) -> HttpResponse:
        return self.serve(HttpRequest.from_json(case_input))

    def answer(self, raw: HttpResponse) -> HttpResponse:
        return raw

    def raw_json(self, raw: HttpResponse) -> Any:
        return raw.to_json()

    def build(self, request: HttpRequest, config: GatewayConfig, meta: EventMeta) -> dict[str, Any]:
        return request.to_json()

    def deliver(self, raw: HttpResponse, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
        return raw
