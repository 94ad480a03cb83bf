"""The one place where core errors become HTTP statuses and the one JSON error body every platform sends."""

from __future__ import annotations

from typing import Any

from core.errors import (
    ConflictError,
    CoreError,
    DeadlineExceededError,
    EmptyInputError,
    InvalidInputError,
    LimitExceededError,
    MalformedBodyError,
    ModelUnavailableError,
    NotFoundError,
    SourceUnavailableError,
    UnauthorizedError,
    UnsupportedMediaTypeError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
)

STATUS_BY_ERROR: dict[type[Exception], int] = {
    MalformedBodyError: 400,
    UnsupportedMediaTypeError: 415,
    EmptyInputError: 422,
    InvalidInputError: 422,
    UnauthorizedError: 401,
    NotFoundError: 404,
    ConflictError: 409,
    LimitExceededError: 413,
    UpstreamRateLimitedError: 429,
    ModelUnavailableError: 503,
    SourceUnavailableError: 503,
    UpstreamAuthError: 502,
    UpstreamTimeoutError: 504,
    UpstreamError: 502,
    DeadlineExceededError: 504,
    CoreError: 500,
}


def status_for(exc: BaseException) -> int:
    """The status of the nearest class in the error's MRO that the table names (500 for anything else)."""
    return next((STATUS_BY_ERROR[c] for c in type(exc).__mro__ if c in STATUS_BY_ERROR), 500)


def error_body(error_type: str, message: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": error_type, "message": message}
    if field is not None:
        body["field"] = field
    return {"error": body}


def core_error_body(exc: CoreError) -> dict[str, Any]:
    return error_body(type(exc).__name__, exc.message, exc.field)


def headers_for(exc: BaseException) -> dict[str, str]:
    """Headers an error implies: ``Retry-After`` when the upstream said when to come back."""
    retry_after = getattr(exc, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after is not None else {}
