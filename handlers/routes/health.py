"""``GET /health``: liveness, the service version and each model's version (no artifact is loaded).

A model without artifacts shows as ``"unavailable"`` and, under ``unavailable``, with why and the command
that builds it; the service is still live (the other models answer), so the status stays ``ok``.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request

from core import __version__
from core.prediction.catalogue import snapshot_of
from core.prediction.service import UNAVAILABLE, model_versions, unavailable_models
from handlers.models_source import models
from handlers.openapi import json_response
from handlers.responses import JSONBytesResponse
from handlers.routing import RequestRoute
from handlers.settings import Settings

HEALTH_SCHEMA = {
    "type": "object",
    "required": ["status", "version", "models"],
    "properties": {
        "status": {"type": "string"},
        "version": {"type": "string"},
        "models": {"type": "object", "additionalProperties": {"type": "string"}},
        "unavailable": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "reason", "command"],
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}, "command": {"type": "string"}},
            },
        },
    },
}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["service"], route_class=RequestRoute)

    @router.get("/health", response_class=JSONBytesResponse, openapi_extra={"responses": json_response(HEALTH_SCHEMA)})
    async def health(request: Request) -> JSONBytesResponse:
        """Liveness and versions; never needs an API key."""
        catalogue = snapshot_of(models(settings))
        versions = model_versions(catalogue)
        body: dict[str, object] = {"status": "ok", "version": __version__, "models": versions}
        if UNAVAILABLE in versions.values():  # only a broken catalogue pays for the second look
            body["unavailable"] = unavailable_models(catalogue)
        return JSONBytesResponse(body)

    return router
