"""What each AWS front door does with a Lambda function's answer before a client sees it.

Each ``deliver_*`` function takes the function's result and the client's request and returns the HTTP
response the client receives, applying the documented rules (cited in ``docs/emulator-divergences.md``):

* REST API (payload 1.0): a base64 body (``isBase64Encoded``) is decoded to bytes only when the client's
  first ``Accept`` media type matches one of the API's ``binaryMediaTypes``; otherwise the client gets
  the base64 text. ``headers`` and ``multiValueHeaders`` merge (the multi-value entry wins). A function
  error or a malformed answer is 502 ``{"message": "Internal server error"}``.
* HTTP API and function URLs (payload 2.0): ``isBase64Encoded`` bodies are always decoded, response
  header names are lower-case, each ``cookies`` entry becomes a ``set-cookie`` header, and an answer
  without ``statusCode`` is taken as a 200 JSON body. A function error is 500 (HTTP API) or 502 (URL).
* ALB: ``isBase64Encoded`` bodies decoded, ``headers`` or ``multiValueHeaders`` as the target group is
  configured, 502 on a function error or an answer over 1 MB.
* Lambda itself: a synchronous request or response over 6,291,556 bytes is refused.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

import orjson

from emulator.events import GatewayConfig, matches_media_types, media_type
from emulator.invokers import LambdaResult
from emulator.messages import HttpRequest, HttpResponse

LAMBDA_PAYLOAD_LIMIT = 6_291_556
"""Bytes in a synchronous invocation's request or response (Lambda quotas: "6 MB"; the error names this number)."""

ALB_RESPONSE_LIMIT = 1_048_576
"""Bytes of response JSON an ALB accepts from a Lambda target."""

REST_ERROR = HttpResponse(502, (("content-type", "application/json"),), b'{"message": "Internal server error"}')
HTTP_API_ERROR = HttpResponse(500, (("content-type", "application/json"),), b'{"message":"Internal Server Error"}')
URL_ERROR = HttpResponse(502, (("content-type", "application/json"),), b'{"Message":"Internal Server Error"}')
ALB_ERROR = HttpResponse(502, (("content-type", "text/html"),), b"<html><body><h1>502 Bad Gateway</h1></body></html>")


def first_accept(request: HttpRequest) -> str:
    """The client's first ``Accept`` media type, the one API Gateway REST APIs decide binary answers by."""
    accept = request.header("accept") or ""
    return media_type(accept.split(",")[0])


def _body(result: dict[str, Any], decode: bool) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    text = body if isinstance(body, str) else orjson.dumps(body).decode()
    if decode and result.get("isBase64Encoded"):
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return text.encode()
    return text.encode()


def _merged_headers(result: dict[str, Any], lower: bool) -> tuple[tuple[str, str], ...]:
    multi: dict[str, list[str]] = {k: [str(v)] for k, v in (result.get("headers") or {}).items()}
    multi.update({k: [str(x) for x in v] for k, v in (result.get("multiValueHeaders") or {}).items()})
    return tuple((k.lower() if lower else k, v) for k, values in multi.items() for v in values)


def _is_proxy_answer(result: LambdaResult) -> bool:
    return result.function_error is None and isinstance(result.payload, dict) and "statusCode" in result.payload


def deliver_rest(result: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """REST API: binary media types and the first ``Accept`` type decide whether base64 is decoded."""
    if not _is_proxy_answer(result) or result.size > LAMBDA_PAYLOAD_LIMIT:
        return REST_ERROR
    answer: dict[str, Any] = result.payload
    binary = matches_media_types(first_accept(request), config.binary_media_types)
    headers = _merged_headers(answer, lower=False)
    return HttpResponse(int(answer["statusCode"]), headers, _body(answer, decode=binary))


def _deliver_v2(result: LambdaResult, error: HttpResponse) -> HttpResponse:
    if result.function_error is not None or result.size > LAMBDA_PAYLOAD_LIMIT:
        return error
    answer = result.payload
    if not (isinstance(answer, dict) and "statusCode" in answer):
        body = answer if isinstance(answer, str) else orjson.dumps(answer).decode()
        return HttpResponse(200, (("content-type", "application/json"),), body.encode())
    headers = _merged_headers(answer, lower=True)
    headers += tuple(("set-cookie", str(cookie)) for cookie in answer.get("cookies") or [])
    return HttpResponse(int(answer["statusCode"]), headers, _body(answer, decode=True))


def deliver_http_api(result: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """HTTP API, payload 2.0."""
    return _deliver_v2(result, HTTP_API_ERROR)


def deliver_function_url(result: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """Function URL: the payload 2.0 response rules."""
    return _deliver_v2(result, URL_ERROR)


def deliver_alb(result: LambdaResult, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """ALB: base64 decoded, 502 on errors and on answers over 1 MB."""
    if not _is_proxy_answer(result) or result.size > ALB_RESPONSE_LIMIT:
        return ALB_ERROR
    answer: dict[str, Any] = result.payload
    return HttpResponse(int(answer["statusCode"]), _merged_headers(answer, lower=False), _body(answer, decode=True))


Deliver = Callable[[LambdaResult, HttpRequest, GatewayConfig], HttpResponse]

DELIVERERS: dict[str, Deliver] = {
    "aws-rest": deliver_rest,
    "aws-http": deliver_http_api,
    "aws-url": deliver_function_url,
    "aws-alb": deliver_alb,
}
