"""What the four Lambda HTTP front doors (REST API, HTTP API, function URL, ALB) share.

Each of them turns a request into an event, runs the Lambda handler (``lambda_runtime``), and turns the
proxy answer (``statusCode``, headers, ``body``, ``isBase64Encoded``) back into HTTP by its own rules.
``LambdaFrontDoor`` holds the shared half: running the event and reading the proxy answer for replay;
the helpers below are the pieces their event builders and delivery rules have in common.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms.base import TEXT_TYPES, GatewayConfig, matches_media_types
from emulator.platforms.lambda_runtime import LambdaResult, invoke_api_response, run_lambda


def proxy_body(answer: dict[str, Any], decode: bool) -> bytes:
    """A proxy answer's body as bytes; base64 decoded when asked and flagged (left as text if it is not base64)."""
    body = answer.get("body")
    if body is None:
        return b""
    text = body if isinstance(body, str) else orjson.dumps(body).decode()
    if decode and answer.get("isBase64Encoded"):
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return text.encode()
    return text.encode()


def merged_headers(answer: dict[str, Any], lower: bool) -> tuple[tuple[str, str], ...]:
    """``headers`` and ``multiValueHeaders`` as pairs; for a name in both, the multi-value entry wins."""
    multi: dict[str, list[str]] = {k: [str(v)] for k, v in (answer.get("headers") or {}).items()}
    multi.update({k: [str(x) for x in v] for k, v in (answer.get("multiValueHeaders") or {}).items()})
    return tuple((k.lower() if lower else k, v) for k, values in multi.items() for v in values)


def is_proxy_answer(result: LambdaResult) -> bool:
    """A successful invocation whose value has a ``statusCode``."""
    return result.function_error is None and isinstance(result.payload, dict) and "statusCode" in result.payload


def lambda_http_answer(result: LambdaResult) -> HttpResponse:
    """A proxy answer (``statusCode``, headers, cookies, body) as the HTTP message it describes, for replay."""
    if not is_proxy_answer(result):
        return invoke_api_response(result)
    answer: dict[str, Any] = result.payload
    pairs = [(k, str(v)) for k, v in (answer.get("headers") or {}).items()]
    pairs += [(k, str(v)) for k, values in (answer.get("multiValueHeaders") or {}).items() for v in values]
    pairs += [("set-cookie", str(c)) for c in answer.get("cookies") or []]
    extra = {"isBase64Encoded": bool(answer.get("isBase64Encoded", False))}
    return HttpResponse(int(answer["statusCode"]), tuple(pairs), proxy_body(answer, decode=True), extra=extra)


def encode_body(request: HttpRequest, as_binary: bool) -> tuple[str | None, bool]:
    """An event's ``body`` and ``isBase64Encoded``: base64 when ``as_binary``, else the text."""
    if not request.body:
        return None, False
    if as_binary:
        return base64.b64encode(request.body).decode("ascii"), True
    return request.body.decode("utf-8", errors="replace"), False


def text_body(request: HttpRequest) -> tuple[str | None, bool]:
    """The payload 2.0 and ALB rule: text content types as text, anything else (or invalid UTF-8) base64."""
    textual = matches_media_types(request.header("content-type"), TEXT_TYPES)
    if textual:
        try:
            request.body.decode("utf-8")
        except UnicodeDecodeError:
            textual = False
    return encode_body(request, not textual)


def last_and_all(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A single-value map keeping each name's last value, and a multi-value map keeping all of them."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single, multi


def request_headers(request: HttpRequest, lower: bool) -> list[tuple[str, str]]:
    return [(k.lower() if lower else k, v) for k, v in request.headers]


class LambdaFrontDoor:
    """The shared half of a Lambda HTTP platform: the event runs through the handler, the answer is a proxy answer."""

    name: str
    description: str
    input_key: str = "event"

    def run(self, case_input: Any, config: GatewayConfig) -> LambdaResult:
        return run_lambda(case_input, config)

    def answer(self, raw: LambdaResult) -> HttpResponse:
        return lambda_http_answer(raw)

    def raw_json(self, raw: LambdaResult) -> Any:
        return raw.to_json()
