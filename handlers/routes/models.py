"""The prediction routes, generated from the model registry: adding a model adds its routes and schema.

A request may pin a version, ``/models/NAME@1.2.0/...`` or ``?version=1.2.0`` (an unknown one is a 404
naming it); every answer names the model and the version that produced it. The models come from
``handlers.models_source``: the bundled directory, or the store ``MODELS_URI`` names. A store model that
could not be loaded at start-up, and so had no spec to document, is served by the generic
``/models/{name}...`` routes once a refresh loads it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from core.prediction import service as prediction
from core.prediction.catalogue import ModelsAt, snapshot_of
from core.prediction.registry import model_spec, model_specs
from core.prediction.spec import ModelSpec
from handlers.models_source import models as models_of
from handlers.openapi import answer_schema, batch_request_body, error_responses, json_response, query_parameters
from handlers.responses import JSONBytesResponse, query_lists, read_body
from handlers.routing import Endpoint, RequestRoute
from handlers.settings import Settings

BOOK_MODEL = "diabetes"
"""The model behind the book's own route, ``GET /predict_data``."""

THREADPOOL_BYTES = 64 * 1024
"""Batches larger than this are parsed off the event loop, so one big batch does not stall small requests."""

MODEL_OBJECT = {"type": "object", "required": ["name", "version", "features"]}

VERSION = "version"
"""The query parameter that pins a version (unless the model has a feature of that name)."""

PINNING = (
    " Pin a version with ?version=1.2.0 or /models/NAME@1.2.0/...; an unknown one is a 404 naming it. "
    "The answer names the model and the version that produced it."
)
"""Said in each model's description rather than as a parameter: the documented parameters stay the features."""


def _target(request: Request, name: str | None, spec_names: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The model and the pinned version of a request: ``NAME@VERSION`` in the path, or ``?version=``."""
    if name is None:
        name, _, pinned = request.path_params["name"].partition("@")
        if pinned:
            return name, pinned
    if VERSION in spec_names:
        return name, None
    return name, request.query_params.get(VERSION) or None


def _features(request: Request, spec_names: tuple[str, ...]) -> dict[str, list[str]]:
    params = query_lists(request)
    if VERSION not in spec_names:
        params.pop(VERSION, None)
    return params


def _answer(request: Request, result: dict[str, Any]) -> JSONBytesResponse:
    """The JSON answer; its version also goes to the access log line, beside the model the route noted."""
    request.state.version = result.get("version")
    return JSONBytesResponse(result)


def _predict_data(name: str | None, settings: Settings, models: ModelsAt) -> Endpoint:
    """``name`` None: the generic route, whose path names the model (``NAME`` or ``NAME@VERSION``)."""

    async def endpoint(request: Request) -> JSONBytesResponse:
        snapshot = snapshot_of(models)
        model, version = _target(request, name)
        spec_names = model_spec(model, snapshot).feature_names
        model, version = _target(request, name, spec_names)
        request.state.model = model
        params = _features(request, spec_names)
        return _answer(request, prediction.predict_query(model, params, snapshot, version))

    return endpoint


def _predict(name: str | None, settings: Settings, models: ModelsAt) -> Endpoint:
    async def endpoint(request: Request) -> JSONBytesResponse:
        snapshot = snapshot_of(models)
        model, version = _target(request, name)
        model, version = _target(request, name, model_spec(model, snapshot).feature_names)
        request.state.model = model
        body = await read_body(request, settings.max_body_bytes)
        args = (model, body, request.headers.get("content-type"), settings.max_batch_rows, snapshot, version)
        if len(body) > THREADPOOL_BYTES:
            return _answer(request, await run_in_threadpool(prediction.predict_batch, *args))
        return _answer(request, prediction.predict_batch(*args))

    return endpoint


def _describe(name: str | None, settings: Settings, models: ModelsAt) -> Endpoint:
    async def endpoint(request: Request) -> JSONBytesResponse:
        snapshot = snapshot_of(models)
        model, version = _target(request, name)
        request.state.model = model
        return _answer(request, prediction.describe_model(model, snapshot, version))

    return endpoint


def _add_model_routes(router: APIRouter, spec: ModelSpec, settings: Settings, models: ModelsAt) -> None:
    base = f"/models/{spec.name}"
    errors = error_responses(404, 503)
    router.add_api_route(
        base,
        _describe(spec.name, settings, models),
        methods=["GET"],
        summary=f"Metadata of {spec.name}: feature schema, example row, metrics",
        response_class=JSONBytesResponse,
        openapi_extra={"responses": {**json_response(MODEL_OBJECT), **errors}},
    )
    router.add_api_route(
        f"{base}/predict_data",
        _predict_data(spec.name, settings, models),
        methods=["GET"],
        summary=f"{spec.name}: one row from query parameters (plumber style)",
        description=spec.description + PINNING,
        response_class=JSONBytesResponse,
        openapi_extra={
            "parameters": query_parameters(spec),
            "responses": {**json_response(answer_schema(spec, batch=False)), **error_responses(422, 503)},
        },
    )
    router.add_api_route(
        f"{base}/predict",
        _predict(spec.name, settings, models),
        methods=["POST"],
        summary=f"{spec.name}: a batch as JSON rows, JSON columns or CSV",
        description=spec.description + PINNING,
        response_class=JSONBytesResponse,
        openapi_extra={
            "requestBody": batch_request_body(spec, settings.max_batch_rows),
            "responses": {
                **json_response(answer_schema(spec, batch=True)),
                **error_responses(400, 413, 415, 422, 503),
            },
        },
    )


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["predictions"], route_class=RequestRoute)
    catalogue = models_of(settings)
    book = model_spec(BOOK_MODEL, catalogue)
    router.add_api_route(
        "/predict_data",
        _predict_data(BOOK_MODEL, settings, catalogue),
        methods=["GET"],
        summary="The book's route: diabetes from pregnant, glucose and pressure",
        description="'yes' when the probability is at least 0.5; repeat parameters for several rows." + PINNING,
        response_class=JSONBytesResponse,
        openapi_extra={
            "parameters": query_parameters(book),
            "responses": {**json_response(answer_schema(book, batch=False)), **error_responses(422, 503)},
        },
    )

    @router.get(
        "/models",
        response_class=JSONBytesResponse,
        openapi_extra={"responses": json_response({"type": "object", "required": ["models"]})},
    )
    async def models(request: Request) -> JSONBytesResponse:
        """Every model's metadata."""
        return JSONBytesResponse(prediction.list_models(catalogue))

    for spec in model_specs(catalogue).values():
        _add_model_routes(router, spec, settings, catalogue)

    # The generic routes: a pinned version (NAME@VERSION), a store model first loaded after start-up, and
    # any other name, which is a 404 naming the known models.
    for suffix, methods, endpoint in (
        ("", ["GET"], _describe(None, settings, catalogue)),
        ("/predict_data", ["GET"], _predict_data(None, settings, catalogue)),
        ("/predict", ["POST"], _predict(None, settings, catalogue)),
    ):
        router.add_api_route(f"/models/{{name}}{suffix}", endpoint, methods=methods, include_in_schema=False)
    return router
