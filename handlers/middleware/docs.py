"""Adds what the middleware answers to ``/openapi.json``: 504 on every operation, the API key where it is asked.

The routes document their own answers; the middleware's are the same for every route, so they are
added here once. The API key scheme and the 401 appear only when keys are configured, so the schema
a client reads (and schemathesis checks) says what this deployment really does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from handlers.middleware.auth import HEADER, is_open
from handlers.openapi import error_responses

SCHEME = "ApiKeyAuth"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def add_middleware_answers(schema: dict[str, Any], *, api_keys: bool) -> dict[str, Any]:
    """Mutate and return ``schema``: 504 everywhere; with ``api_keys``, the scheme and 401 on protected paths."""
    if api_keys:
        schema.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = {
            "type": "apiKey",
            "in": "header",
            "name": HEADER,
            "description": "Required on every route but /health and the docs when the service has API keys.",
        }
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if (operation := item.get(method)) is None:
                continue
            responses = operation.setdefault("responses", {})
            responses.update({k: v for k, v in error_responses(504).items() if k not in responses})
            if api_keys and not is_open(path):
                operation["security"] = [{SCHEME: []}]
                responses.update({k: v for k, v in error_responses(401).items() if k not in responses})
    return schema


def document_middleware(app: FastAPI, *, api_keys: bool) -> None:
    """Wrap ``app.openapi`` (FastAPI's documented way to extend the schema) so the additions are made once."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_middleware_answers(build(), api_keys=api_keys)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
