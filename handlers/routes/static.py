"""``GET /static/{file_name}``: the files browsers load from the service's pages, as the installed packages ship them.

plotly.js for the HTML charts (``core.analysis.charts.plotlyjs``) and Swagger UI for ``/docs``
(``handlers.swagger_ui``). Each is named with its version, so it may be cached a year; gzipped when the
client accepts it (made once per process), and 304 when the client's ETag still matches. On Lambda, API
Gateway routes these paths to the tweets function, whose bundle holds both packages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core.analysis.charts import plotlyjs
from core.errors import NotFoundError
from handlers import swagger_ui
from handlers.openapi import error_responses
from handlers.routing import RequestRoute
from handlers.settings import Settings
from handlers.swagger_ui import Asset

STATIC_PLOTLY = "plotly.min.js"
"""The unversioned name also answers (cached a day), for pages written before an upgrade."""
YEAR = "public, max-age=31536000, immutable"
DAY = "public, max-age=86400"


def _plotly() -> Asset:
    script = plotlyjs.script()  # the first call reads and gzips 4.8 MB
    return Asset(script.body, script.gzipped, script.etag, "text/javascript; charset=utf-8")


def files() -> dict[str, tuple[Callable[[], Asset], str]]:
    """Every served name -> how to read it and its Cache-Control; a package that is not installed adds none.

    A versioned name is cached a year; an unversioned one a day, revalidated by its ETag.
    """
    table: dict[str, tuple[Callable[[], Asset], str]] = {}
    try:
        table |= {plotlyjs.file_name(): (_plotly, YEAR), STATIC_PLOTLY: (_plotly, DAY)}
    except FileNotFoundError:  # plotly is not in this bundle (the Lambda prediction function)
        pass
    for served, name in swagger_ui.served_names().items():
        table[served] = (functools.partial(swagger_ui.asset, name), DAY if served == name else YEAR)
    return table


def _accepts_gzip(header: str) -> bool:
    """Whether ``Accept-Encoding`` lists gzip with a quality above 0 (every browser sends it)."""
    for part in header.split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() == "gzip":
            quality = params.strip().lower().removeprefix("q=") or "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


async def static_file(request: Request) -> Response:
    """One of ``files()``: gzipped when the client accepts it, 304 when unchanged."""
    file_name = request.path_params["file_name"]
    served = files()
    if file_name not in served:
        raise NotFoundError(f"no static file {file_name!r}; the files are: {', '.join(sorted(served))}")
    read, cache_control = served[file_name]
    asset = await run_in_threadpool(read)
    headers = {"ETag": asset.etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["service"], route_class=RequestRoute)
    names = sorted(files())
    router.add_api_route(
        "/static/{file_name}",
        static_file,
        methods=["GET"],
        summary="The files the service's pages load: plotly.js for the HTML charts, Swagger UI for /docs",
        openapi_extra={
            "parameters": [{"name": "file_name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": f"The file; served here: {', '.join(names)}",
                    "content": {media: {"schema": {"type": "string"}} for media in _media_types()},
                },
                "304": {"description": "Not modified (If-None-Match)"},
                **error_responses(404),
            },
        },
    )
    return router


def _media_types() -> list[str]:
    """The media types the 200 answer may have (Content-Type without parameters)."""
    kinds = {"text/javascript"} | {media.split(";")[0] for _, media in swagger_ui.FILES.values()}
    return sorted(kinds)
