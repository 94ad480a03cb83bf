"""HTTP events (API Gateway REST and HTTP APIs, ALB, function URLs, Lambda@Edge) through Mangum to the one app.

Recognising an HTTP event uses Mangum's public handler classes (``mangum.handlers``), each of which
says through its ``infer`` whether an event is its own, the same test ``Mangum`` runs to pick one; so
an event is HTTP exactly when Mangum can serve it, and recognising one imports neither FastAPI nor the
app. ``prepare`` builds the app, the event loop and the adapter: at INIT where the function serves
HTTP (SnapStart snapshots them), else never. Mangum runs with ``lifespan="off"``: with it on, it would
start and stop the app around every invocation. The app's middleware gives each request its access
line and its deadline, as on every platform.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from mangum import Mangum
from mangum.handlers import ALB, APIGateway, HTTPGateway, LambdaAtEdge
from mangum.types import ASGI, LambdaConfig, LambdaHandler

TEXT_MIME_TYPES = ["text/", "application/json", "+json", "application/javascript", "application/xml", "+xml"]
"""Response types Mangum returns as text; every other body (PNG) is base64 with ``isBase64Encoded``."""

SOURCES: tuple[type[LambdaHandler], ...] = (ALB, HTTPGateway, APIGateway, LambdaAtEdge)
"""Every event source ``mangum.handlers`` exports, in the order Mangum tries them."""

CONFIG = LambdaConfig(api_gateway_base_path="/", text_mime_types=TEXT_MIME_TYPES, exclude_headers=[])


class HttpEvents:
    """The ``http`` kind: Mangum around the app that ``build_app`` returns."""

    name = "http"
    answers = "HTTP requests (API Gateway, ALB, function URL)"

    def __init__(self, build_app: Callable[[], ASGI]) -> None:
        self._build_app = build_app
        self._adapter: Mangum | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def adapter(self) -> Mangum:
        """Mangum around the app, built on first use if ``prepare`` has not run."""
        if self._adapter is None:
            self.prepare()
        assert self._adapter is not None
        return self._adapter

    def prepare(self) -> None:
        if self._adapter is not None:
            return
        app = self._build_app()
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)  # before Mangum, which would otherwise make (and we then drop) its own
        self._adapter = Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)

    def matches(self, event: Any, context: Any) -> bool:
        return isinstance(event, dict) and any(source.infer(event, context, CONFIG) for source in SOURCES)

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        adapter = self.adapter
        asyncio.set_event_loop(self._loop)  # Mangum runs the app on the current loop; keep it ours
        return adapter(dict(event), context)
