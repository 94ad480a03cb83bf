"""The one FastAPI app every platform serves: routers from ``handlers.routes``, errors in one JSON shape.

Lambda (through Mangum), Cloud Functions (through a WSGI bridge) and Cloud Run (uvicorn) all serve
this app, so a route answers the same everywhere by construction; the emulator's parity replay
checks that the platforms' envelopes keep it so.
"""

from __future__ import annotations

import importlib
import logging
from http import HTTPStatus

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request

from core import __version__
from core.errors import CoreError
from handlers.errors import core_error_body, error_body, headers_for, status_for
from handlers.middleware.access_log import AccessLogMiddleware
from handlers.middleware.auth import ApiKeyMiddleware
from handlers.middleware.deadline import DeadlineMiddleware
from handlers.middleware.docs import document_middleware
from handlers.responses import JSONBytesResponse
from handlers.settings import Settings, settings as current_settings

logger = logging.getLogger(__name__)

ROUTERS = (
    "handlers.routes.health",
    "handlers.routes.models",
    "handlers.routes.analyses",
    "handlers.routes.static",
    "handlers.routes.docs",
    "handlers.routes.scoring",
    "handlers.routes.warehouses",
)
"""Modules with a ``build_router(settings)``, included in this order."""

DESCRIPTION = """Models and analyses written once in plain Python, served alike on Cloud Run, AWS Lambda and
Google Cloud Functions. Every error is JSON: `{"error": {"type", "message", "field"}}`."""


async def _on_core_error(request: Request, exc: Exception) -> JSONBytesResponse:
    assert isinstance(exc, CoreError)
    return JSONBytesResponse(core_error_body(exc), status_code=status_for(exc), headers=headers_for(exc))


async def _on_http_error(request: Request, exc: Exception) -> JSONBytesResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    message = f"{request.method} {request.url.path}: {phrase.lower()}"
    if exc.status_code == 405:
        message += f"; allowed: {(exc.headers or {}).get('Allow', '')}"
    body = error_body(phrase.replace(" ", ""), message)
    return JSONBytesResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _on_validation_error(request: Request, exc: Exception) -> JSONBytesResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    field = str(first.get("loc", ["", "request"])[-1])
    return JSONBytesResponse(error_body("InvalidInputError", f"{field}: {first.get('msg', 'invalid')}", field), 422)


async def _on_unexpected(request: Request, exc: Exception) -> JSONBytesResponse:
    logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return JSONBytesResponse(error_body("InternalError", "the service failed; the error was logged"), 500)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` defaults to the environment's."""
    settings = settings or current_settings()
    app = FastAPI(
        title="serverless-ml",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=JSONBytesResponse,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; handlers.routes.docs serves its own
    )
    app.add_exception_handler(CoreError, _on_core_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
    # Each add wraps the previous one: the deadline times only the app's work, auth answers 401 before
    # it, CORS answers preflights without a key, and the access log, outermost, sees every answer.
    app.add_middleware(DeadlineMiddleware, seconds=settings.request_timeout_seconds)
    app.add_middleware(ApiKeyMiddleware, hashes=settings.api_key_hashes, secret_id=settings.secret_id)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["*"],
    )
    if settings.access_log:
        app.add_middleware(AccessLogMiddleware, project=settings.google_cloud_project)
    document_middleware(app, api_keys=bool(settings.api_key_hashes))
    for module in ROUTERS:
        app.include_router(importlib.import_module(module).build_router(settings))
    return app
