"""The analysis routes, generated from the analysis registry: ``/{name}`` (PNG), ``/html/{name}``, ``/api/{name}``.

The HTML pages load plotly.js from ``handlers.routes.static``. The work (fetching, computing, drawing)
runs in the thread pool, off the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.analysis import service as analytics
from core.analysis.charts import plotlyjs
from core.analysis.registry import analysis_specs
from core.analysis.spec import AnalysisSpec
from core.analysis.tweets.sources import source_from_setting
from core.analysis.tweets.types import TweetSource
from handlers import openapi_analyses as doc
from handlers.openapi import error_responses
from handlers.responses import JSONBytesResponse, query_lists
from handlers.routing import Endpoint, RequestRoute
from handlers.settings import Settings

ERRORS = (404, 422, 429, 502, 504)


def _deadline(request: Request) -> float | None:
    return getattr(request.state, "deadline", None)


def _png(name: str, source: TweetSource, limits: analytics.Limits) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        args = (name, query_lists(request), source, limits)
        png = await run_in_threadpool(analytics.png_chart, *args, deadline=_deadline(request))
        return Response(png, media_type="image/png")

    return endpoint


def _html(name: str, source: TweetSource, limits: analytics.Limits, script_url: str | None) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        url = script_url or f"../static/{plotlyjs.file_name()}"  # relative: works behind any base path
        args = (name, query_lists(request), source, limits)
        page = await run_in_threadpool(analytics.html_chart, *args, plotly_js=url, deadline=_deadline(request))
        return HTMLResponse(page)

    return endpoint


def _api(name: str, source: TweetSource, limits: analytics.Limits) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        args = (name, query_lists(request), source, limits)
        return JSONBytesResponse(await run_in_threadpool(analytics.run, *args, deadline=_deadline(request)))

    return endpoint


def _add_routes(router: APIRouter, spec: AnalysisSpec, source: TweetSource, settings: Settings) -> None:
    limits = analytics.Limits(max_users=settings.max_users, max_tweets=settings.max_tweets)
    errors = error_responses(*ERRORS)
    routes: tuple[tuple[str, Endpoint, analytics.Output, str, dict[str, object]], ...] = (
        (
            f"/{spec.name}",
            _png(spec.name, source, limits),
            "png",
            "a PNG chart (800x450)",
            {"type": "string", "format": "binary"},
        ),
        (
            f"/html/{spec.name}",
            _html(spec.name, source, limits, settings.plotly_js_url),
            "html",
            "an interactive chart (HTML page, plotly)",
            {"type": "string"},
        ),
        (f"/api/{spec.name}", _api(spec.name, source, limits), "json", "the numbers as JSON", doc.result_schema(spec)),
    )
    media = {"png": "image/png", "html": "text/html", "json": "application/json"}
    for path, endpoint, output, what, schema in routes:
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            summary=f"{spec.name}: {what}",
            description=spec.description,
            openapi_extra={
                "parameters": doc.parameters(spec, limits, output),
                "responses": {**doc.ok(media[output], dict(schema), what), **errors},
            },
        )


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["analyses"], route_class=RequestRoute)
    source = source_from_setting(settings.tweets_source)  # a bad TWEETS_SOURCE stops the service at startup
    for spec in analysis_specs().values():
        _add_routes(router, spec, source, settings)
    return router
