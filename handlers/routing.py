"""``RequestRoute``: a FastAPI route whose endpoint takes the request and returns the response itself.

Every endpoint here reads its own inputs (the core checks them and names the field), so FastAPI's
per-request dependency solving and response validation would only cost time: about a fifth of the
server's CPU on ``/predict_data``. Overriding ``get_route_handler`` is FastAPI's documented way to
customise a route; the route keeps its place in the OpenAPI document (``openapi_extra`` describes it).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]
"""What every route module builds: ``async def endpoint(request) -> Response``."""


class RequestRoute(APIRoute):
    """Calls ``endpoint(request)`` directly: no dependency solving, no response model."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint) or len(inspect.signature(endpoint).parameters) != 1:
            raise TypeError(f"{path}: an endpoint must be `async def endpoint(request)`")
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint
