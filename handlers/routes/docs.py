"""``GET /docs``: Swagger UI, loading its files from this service (``handlers.swagger_ui``) instead of a CDN.

The page is FastAPI's own (``get_swagger_ui_html``, as FastAPI's guide to self-hosting the docs' assets
does it), with relative URLs, so it works offline and behind any base path (an API Gateway stage). The
app turns FastAPI's CDN-loading page off (``docs_url=None``) and includes this router instead.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.requests import Request
from starlette.responses import HTMLResponse

from handlers import swagger_ui
from handlers.routing import RequestRoute
from handlers.settings import Settings

DOCS = "/docs"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
OPENAPI = "openapi.json"
"""Relative to ``/docs``: ``/openapi.json``, or ``/<stage>/openapi.json`` behind API Gateway's REST API."""


async def docs(request: Request) -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return get_swagger_ui_html(
        openapi_url=OPENAPI,
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"static/{swagger_ui.versioned('swagger-ui-bundle.js')}",
        swagger_css_url=f"static/{swagger_ui.versioned('swagger-ui.css')}",
        swagger_favicon_url=f"static/{swagger_ui.versioned('swagger-ui-favicon.png')}",
        oauth2_redirect_url=OAUTH2_REDIRECT,
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )


async def oauth2_redirect(request: Request) -> HTMLResponse:
    """Where Swagger UI's OAuth2 flow returns (FastAPI's own page, as its default docs have it)."""
    return get_swagger_ui_oauth2_redirect_html()


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(route_class=RequestRoute)
    router.add_api_route(DOCS, docs, methods=["GET"], include_in_schema=False, response_class=HTMLResponse)
    router.add_api_route(
        OAUTH2_REDIRECT, oauth2_redirect, methods=["GET"], include_in_schema=False, response_class=HTMLResponse
    )
    return router
