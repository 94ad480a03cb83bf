"""The JSON response every route sends, encoded with orjson, and the request-body reader with a size cap."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from core.errors import LimitExceededError


class JSONBytesResponse(Response):
    """Starlette's JSONResponse with orjson: several times faster on long float lists, same bytes otherwise."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with ``LimitExceededError`` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise LimitExceededError(f"the body has {declared} bytes; at most {limit} are accepted", field="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise LimitExceededError(
                f"the body has more than {limit} bytes; at most {limit} are accepted", field="body"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def query_lists(request: Request) -> dict[str, list[str]]:
    """Every query parameter with all of its values, in order (a repeated parameter gives several rows)."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params
