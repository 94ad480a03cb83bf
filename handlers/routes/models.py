"""The prediction routes, generated from the model registry: adding a model adds its routes and schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from core.prediction import service as prediction
from core.prediction.registry import model_spec, model_specs
from core.prediction.spec import ModelSpec
from handlers.openapi import answer_schema, batch_request_body, error_responses, json_response, query_parameters
from handlers.responses import JSONBytesResponse, query_lists, read_body
from handlers.routing import Endpoint, RequestRoute
from handlers.settings import Settings

BOOK_MODEL = "diabetes"
"""The model behind the book's own route, ``GET /predict_data``."""

THREADPOOL_BYTES = 64 * 1024
"""Batches larger than this are parsed off the event loop, so one big batch does not stall small requests."""

MODEL_OBJECT = {"type": "object", "required": ["name", "version", "features"]}


def _answer(request: Request, result: dict[str, Any]) -> JSONBytesResponse:
    """The JSON answer; its version also goes to the access log line, beside the model the route noted."""
    request.state.version = result.get("version")
    return JSONBytesResponse(result)


def _predict_data(name: str, settings: Settings) -> Endpoint:
    async def endpoint(request: Request) -> JSONBytesResponse:
        request.state.model = name
        return _answer(request, prediction.predict_query(name, query_lists(request), settings.models_dir))

    return endpoint


def _predict(name: str, settings: Settings) -> Endpoint:
    async def endpoint(request: Request) -> JSONBytesResponse:
        model_spec(name, settings.models_dir)
        request.state.model = name
        body = await read_body(request, settings.max_body_bytes)
        args = (name, body, request.headers.get("content-type"), settings.max_batch_rows, settings.models_dir)
        if len(body) > THREADPOOL_BYTES:
            return _answer(request, await run_in_threadpool(prediction.predict_batch, *args))
        return _answer(request, prediction.predict_batch(*args))

    return endpoint


def _describe(name: str, settings: Settings) -> Endpoint:
    async def endpoint(request: Request) -> JSONBytesResponse:
        request.state.model = name
        return _answer(request, prediction.describe_model(name, settings.models_dir))

    return endpoint


def _add_model_routes(router: APIRouter, spec: ModelSpec, settings: Settings) -> None:
    base = f"/models/{spec.name}"
    errors = error_responses(404, 503)
    router.add_api_route(
        base,
        _describe(spec.name, settings),
        methods=["GET"],
        summary=f"Metadata of {spec.name}: feature schema, example row, metrics",
        response_class=JSONBytesResponse,
        openapi_extra={"responses": {**json_response(MODEL_OBJECT), **errors}},
    )
    router.add_api_route(
        f"{base}/predict_data",
        _predict_data(spec.name, settings),
        methods=["GET"],
        summary=f"{spec.name}: one row from query parameters (plumber style)",
        description=spec.description,
        response_class=JSONBytesResponse,
        openapi_extra={
            "parameters": query_parameters(spec),
            "responses": {**json_response(answer_schema(spec, batch=False)), **error_responses(422, 503)},
        },
    )
    router.add_api_route(
        f"{base}/predict",
        _predict(spec.name, settings),
        methods=["POST"],
        summary=f"{spec.name}: a batch as JSON rows, JSON columns or CSV",
        description=spec.description,
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
    book = model_spec(BOOK_MODEL, settings.models_dir)
    router.add_api_route(
        "/predict_data",
        _predict_data(BOOK_MODEL, settings),
        methods=["GET"],
        summary="The book's route: diabetes from pregnant, glucose and pressure",
        description="'yes' when the probability is at least 0.5; repeat parameters for several rows.",
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
        return JSONBytesResponse(prediction.list_models(settings.models_dir))

    for spec in model_specs(settings.models_dir).values():
        _add_model_routes(router, spec, settings)

    async def unknown_model(request: Request) -> JSONBytesResponse:
        # raises UnknownModelError: every known model has its own routes
        model_spec(request.path_params["name"], settings.models_dir)
        raise AssertionError("unreachable: every known model has its own routes")

    for suffix, methods in (("", ["GET"]), ("/predict_data", ["GET"]), ("/predict", ["POST"])):
        router.add_api_route(f"/models/{{name}}{suffix}", unknown_model, methods=methods, include_in_schema=False)
    return router
