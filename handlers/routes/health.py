"""``GET /health``: liveness, the service version and each model's version (no artifact is loaded)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request

from core import __version__
from core.prediction.service import model_versions
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
    },
}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["service"], route_class=RequestRoute)

    @router.get("/health", response_class=JSONBytesResponse, openapi_extra={"responses": json_response(HEALTH_SCHEMA)})
    async def health(request: Request) -> JSONBytesResponse:
        """Liveness and versions; never needs an API key."""
        versions = model_versions(settings.models_dir)
        return JSONBytesResponse({"status": "ok", "version": __version__, "models": versions})

    return router
