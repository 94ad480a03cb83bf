"""The warehouses' HTTP contracts: BigQuery remote functions and Snowflake external functions, as routes.

Each route only translates: it reads the warehouse's envelope, hands the calls to the core
(``core.prediction.calls.answer_calls``), and writes the replies in the warehouse's shape. The checks and
their words are the core's, so a value is refused as it is over ``POST /models/{name}/predict``.

* ``POST /bigquery/{model}``: ``{"calls": [[v1, ...], ...], "userDefinedContext": {"output": "probability"}}``
  -> ``{"replies": [...]}``. Every permanent error (a refused value, a wrong arity, an unknown model) is 400
  ``{"errorMessage": ...}`` under 1 KB: BigQuery retries 408, 429, 500, 503 and 504, so bad data must never
  answer those. A multiclass probability is the per-class list as a JSON string (BigQuery has no ARRAY
  return type for remote functions).
* ``POST /snowflake/{model}``: ``{"data": [[row_number, v1, ...], ...]}`` -> ``{"data": [[row_number, result],
  ...]}``, ``?output=probability``; errors are 400 in the one error body. A gzip body
  (``COMPRESSION = AUTO``) is read. The query batch id (``sf-external-function-query-batch-id``, the
  idempotency key) goes to the access log line: the answer is a pure function of the batch and the model's
  version, so a retried batch gets the same answer without any state kept here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
import orjson
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core.errors import (
    CoreError,
    InvalidInputError,
    LimitExceededError,
    MalformedBodyError,
    ModelUnavailableError,
    NotFoundError,
)
from core.prediction import calls as warehouse_calls
from core.prediction.features import LARGEST
from core.prediction.registry import model_specs
from core.prediction.spec import Feature, ModelSpec
from core.spans import Pieces
from handlers.errors import core_error_body, status_for
from handlers.models_source import models
from handlers.openapi import error_responses, json_response
from handlers.responses import JSONBytesResponse, read_body
from handlers.routing import RequestRoute
from handlers.settings import Settings

THREADPOOL_BYTES = 64 * 1024
"""As for ``POST /models/{name}/predict``: a large batch is answered off the event loop."""

BIGQUERY_MESSAGE_BYTES = 1000
"""BigQuery shows ``errorMessage`` to the query's user; its documentation asks for less than 1 KB."""

PERMANENT = (InvalidInputError, NotFoundError, LimitExceededError, ModelUnavailableError)
"""Errors that the same request would meet again: answered 400 to BigQuery, which then does not retry."""

_Envelope = TypeVar("_Envelope", bound=msgspec.Struct)

SNOWFLAKE_FORMAT = ("sf-external-function-format", "json")
SNOWFLAKE_VERSION = ("sf-external-function-format-version", "1.0")
SNOWFLAKE_BATCH_ID = "sf-external-function-query-batch-id"


class _BigQueryRequest(msgspec.Struct):
    """BigQuery's envelope; the calls stay JSON for the core's fast reader (``requestId`` etc. are not used)."""

    calls: msgspec.Raw = msgspec.Raw(b"")  # empty: absent (Raw takes any JSON value, even null)
    userDefinedContext: Any = None


class _SnowflakeRequest(msgspec.Struct):
    data: msgspec.Raw = msgspec.Raw(b"")


def _envelope(body: bytes, kind: type[_Envelope]) -> _Envelope:
    if not body.strip():
        raise MalformedBodyError("the body is empty; expected a JSON object", field="body")
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError:
        raise InvalidInputError("the body must be a JSON object", field="body") from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise MalformedBodyError(f"the body is not valid JSON: {exc}", field="body") from None


def _short(message: str, limit: int = BIGQUERY_MESSAGE_BYTES) -> str:
    """``message`` cut to ``limit`` bytes of UTF-8 (at a character boundary)."""
    data = message.encode()
    return message if len(data) <= limit else data[: limit - 3].decode(errors="ignore") + "..."


def bigquery_replies(name: str, body: bytes, settings: Settings) -> dict[str, Any]:
    """BigQuery's request body to ``{"replies": [...]}``; a ``CoreError`` names what is wrong."""
    request = _envelope(body, _BigQueryRequest)
    if not request.calls:
        raise InvalidInputError("the body must be a JSON object whose 'calls' is an array of calls", field="calls")
    context = request.userDefinedContext or {}
    if not isinstance(context, dict):
        raise InvalidInputError("'userDefinedContext' must be an object", field="userDefinedContext")
    output = warehouse_calls.parse_output(context.get("output"), "userDefinedContext.output")
    _, replies = warehouse_calls.answer_json_calls(
        name, bytes(request.calls), output, what="call", container="calls", **_limits(settings)
    )
    if replies and isinstance(replies[0], list):  # a multiclass probability: every reply is a list
        replies = [orjson.dumps(r).decode() for r in replies]
    return {"replies": replies}


_SNOWFLAKE_DATA = re.compile(rb'\s*\{\s*"data"\s*:\s*')
"""How Snowflake's body starts: its one member, the rows, follows."""


def snowflake_rows(name: str, body: bytes, output: warehouse_calls.Output, settings: Settings) -> bytes:
    """Snowflake's batch to its reply body, ``{"data": [[row_number, result], ...]}``, in the order received."""
    options: dict[str, Any] = {"keyed": True, "what": "row", "container": "data", **_limits(settings)}
    start = _SNOWFLAKE_DATA.match(body)
    end = body.rfind(b"}")
    if start and end > start.end():  # the rows offered as they lie in the body, before its envelope is decoded
        plain = warehouse_calls.answer_plain_calls(name, body[start.end() : end], output, **options)
        if plain is not None:
            return _snowflake_reply(plain)
    request = _envelope(body, _SnowflakeRequest)
    if not request.data:
        raise InvalidInputError("the body must be a JSON object whose 'data' is an array of rows", field="data")
    numbers, replies = warehouse_calls.answer_json_calls(name, bytes(request.data), output, **options)
    return _listed_reply(numbers, replies)


def _listed_reply(numbers: list[int], replies: list[Any]) -> bytes:
    return orjson.dumps({"data": list(zip(numbers, replies, strict=True))})  # tuples are JSON arrays


def _snowflake_reply(plain: warehouse_calls.PlainAnswer) -> bytes:
    """``{"data": [[row_number, result], ...]}`` written in one gather (``core.spans``): the same bytes as orjson
    writes from a list of pairs, without the 50,000 pairs. A multiclass probability (a list per row) goes the
    list way."""
    answer, rows = plain.answer, len(plain.keys)
    if answer is None or (answer.raw.ndim > 1 and plain.output == "probability"):
        return _listed_reply(plain.keys.tolist(), plain.replies())
    pieces = Pieces(b"")
    pieces.texts((b"[",), None)
    pieces.integers(plain.keys, comma=False)
    if plain.output == "label" and answer.labels is not None and answer.chosen is not None:
        pieces.texts([b"," + orjson.dumps(label) + b"]," for label in answer.labels], answer.chosen)
    else:
        pieces.numbers(answer.raw, comma=True, as_repr=False)
        pieces.texts((b"],",), None)
    return b'{"data":[' + pieces.join(rows)[:-1] + b"]}"


def _limits(settings: Settings) -> dict[str, Any]:
    return {"max_rows": settings.max_batch_rows, "models_dir": models(settings)}


async def _answer(body: bytes, work: Callable[[], dict[str, Any] | bytes]) -> Response:
    result = await run_in_threadpool(work) if len(body) > THREADPOOL_BYTES else work()
    if isinstance(result, bytes):  # already the reply's JSON
        return Response(result, media_type=JSONBytesResponse.media_type)
    return JSONBytesResponse(result)


def _bigquery_error(exc: CoreError) -> JSONBytesResponse:
    status = 400 if isinstance(exc, PERMANENT) else status_for(exc)
    return JSONBytesResponse({"errorMessage": _short(exc.message)}, status_code=status)


def _snowflake_body(request: Request, body: bytes, limit: int) -> bytes:
    """The body as sent before Snowflake compressed it (``COMPRESSION = AUTO`` is gzip on AWS), within ``limit``."""
    if request.headers.get("content-encoding", "").strip().lower() not in ("gzip", "deflate"):
        return body
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib, by the header
    try:
        plain = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise MalformedBodyError(f"the body is not valid gzip: {exc}", field="body") from None
    if len(plain) > limit:
        raise LimitExceededError(f"the body inflates to more than {limit} bytes", field="body")
    return plain


def _check_snowflake_headers(request: Request) -> None:
    for header, wanted in (SNOWFLAKE_FORMAT, SNOWFLAKE_VERSION):
        sent = request.headers.get(header)
        if sent is not None and sent.strip().lower() != wanted:
            raise InvalidInputError(
                f"{header} {sent[:20]!r} is not supported; this function reads {wanted}", field=header
            )


def _call_schema(spec: ModelSpec, extra: int = 0) -> dict[str, Any]:
    """One call (or one Snowflake row after ``extra`` leading numbers) as the model accepts it, value by value.

    The documented values are the ones every model takes (numbers of the feature's kind within ``LARGEST``);
    the service also reads BigQuery's INT64 strings, which a schema of one call per model need not promise.
    """
    values = [_value_schema(f) for f in spec.features]
    leading = [{"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}] * extra
    count = len(values) + extra
    return {"type": "array", "prefixItems": [*leading, *values], "items": False, "minItems": count, "maxItems": count}


def _value_schema(feature: Feature) -> dict[str, Any]:
    """A value as ``core.prediction.calls`` reads it: a number of the feature's kind (one of the known ones where
    the model refuses others), a category's string, and ``null`` where the model handles a missing value."""
    schema: dict[str, Any]
    if feature.kind == "category":
        schema = {"type": "string"}
    elif feature.kind == "binary":
        schema = {"type": "integer", "enum": [0, 1]}
    else:
        schema = {"type": "integer" if feature.kind == "integer" else "number", "minimum": -LARGEST, "maximum": LARGEST}
    if feature.categories and not feature.unknown:
        schema["enum"] = list(feature.categories)
    return {"anyOf": [schema, {"type": "null"}]} if feature.missing else schema


def _add_bigquery(router: APIRouter, settings: Settings) -> None:
    def endpoint(fixed: str | None) -> Endpoint:
        async def bigquery(request: Request) -> Response:
            name = fixed or request.path_params["model"]
            request.state.model = name
            try:
                body = await read_body(request, settings.max_body_bytes)
                return await _answer(body, lambda: bigquery_replies(name, body, settings))
            except CoreError as exc:
                return _bigquery_error(exc)

        return bigquery

    def operation(spec: ModelSpec) -> dict[str, Any]:
        return {
            "summary": f"BigQuery remote function of {spec.name}: one reply per call, in order",
            "description": (
                "BigQuery's request: each call the model's input values in its feature order "
                f"({', '.join(spec.feature_names)}; large INT64 values may come as strings). `userDefinedContext` "
                '`{"output": "probability"}` answers the probability (multiclass: the per-class list as a JSON '
                'string) instead of the label or value. Every permanent error is 400 `{"errorMessage": ...}` naming '
                "the call and the field."
            ),
            "openapi_extra": {
                "requestBody": _body_schema(["calls"], {"calls": {"type": "array", "items": _call_schema(spec)}}),
                "responses": {
                    **json_response({"type": "object", "required": ["replies"]}),
                    "400": {"description": "A permanent error: BigQuery does not retry it", **_error_message_schema()},
                },
            },
        }

    _add_per_model(router, settings, "/bigquery", endpoint, operation)


def _add_snowflake(router: APIRouter, settings: Settings) -> None:
    def endpoint(fixed: str | None) -> Endpoint:
        async def snowflake(request: Request) -> Response:
            name = fixed or request.path_params["model"]
            request.state.model = name
            request.state.batch_id = request.headers.get(SNOWFLAKE_BATCH_ID)
            try:
                _check_snowflake_headers(request)
                output = warehouse_calls.parse_output(request.query_params.get("output"))
                raw = await read_body(request, settings.max_body_bytes)
                body = _snowflake_body(request, raw, settings.max_body_bytes)
                return await _answer(body, lambda: snowflake_rows(name, body, output, settings))
            except (InvalidInputError, NotFoundError) as exc:  # Snowflake retries 5xx and 429 only: 400 ends the query
                return JSONBytesResponse(core_error_body(exc), status_code=400)

        return snowflake

    def operation(spec: ModelSpec) -> dict[str, Any]:
        outputs = ["label", "probability"] if spec.is_classifier else ["label"]
        output = {"name": "output", "in": "query", "required": False, "schema": {"enum": outputs}}
        return {
            "summary": f"Snowflake external function of {spec.name}: one result per row, by row number",
            "description": (
                "Snowflake's batch: each row its row number then the model's input values in feature order "
                f"({', '.join(spec.feature_names)}). `?output=probability` answers a classifier's probability "
                "instead of its label. A bad row is 400 naming the row and the field."
            ),
            "openapi_extra": {
                "parameters": [output],
                "requestBody": _body_schema(["data"], {"data": {"type": "array", "items": _call_schema(spec, 1)}}),
                "responses": {**json_response({"type": "object", "required": ["data"]}), **error_responses(400, 413)},
            },
        }

    _add_per_model(router, settings, "/snowflake", endpoint, operation)


Endpoint = Callable[[Request], Awaitable[Response]]


def _add_per_model(
    router: APIRouter,
    settings: Settings,
    prefix: str,
    endpoint: Callable[[str | None], Endpoint],
    operation: Callable[[ModelSpec], dict[str, Any]],
) -> None:
    """``POST prefix/NAME`` per model with its own schema, then ``POST prefix/{model}`` undocumented for an unknown
    name (answered with the warehouse's own error), served by the same endpoint."""
    for spec in model_specs(models(settings)).values():
        path = f"{prefix}/{spec.name}"
        router.add_api_route(
            path, endpoint(spec.name), methods=["POST"], response_class=JSONBytesResponse, **operation(spec)
        )
    router.add_api_route(f"{prefix}/{{model}}", endpoint(None), methods=["POST"], include_in_schema=False)


def _body_schema(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _error_message_schema() -> dict[str, Any]:
    schema = {"type": "object", "required": ["errorMessage"], "properties": {"errorMessage": {"type": "string"}}}
    return {"content": {"application/json": {"schema": schema}}}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["warehouses"], route_class=RequestRoute)
    _add_bigquery(router, settings)
    _add_snowflake(router, settings)
    return router
