"""Lambda handlers with one behaviour each, for the local gateway's rules (named from serverless.yml fixtures)."""

from __future__ import annotations

import base64
import io
import time
from typing import Any


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """What Mangum answers for a PNG route: base64 body, ``isBase64Encoded``."""
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png", "X-Remaining-Ms": str(context.get_remaining_time_in_millis())},
        "body": base64.b64encode(tiny_png()).decode(),
        "isBase64Encoded": True,
    }


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The event and the context's facts, as JSON, with a cookie and a multi-value header."""
    import json

    facts = {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Single": "one"},
        "multiValueHeaders": {"X-Multi": ["a", "b"]},
        "cookies": ["session=s1; Path=/", "theme=dark"],
        "body": json.dumps({"event": event, "context": facts}),
    }


def slow(event: dict[str, Any], context: Any) -> dict[str, Any]:
    time.sleep(1.5)
    return {"statusCode": 200, "body": "late"}


def huge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A 7 MB answer: over Lambda's 6,291,556-byte response limit."""
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "x" * 7_000_000}


def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError("boom")


def bare(event: dict[str, Any], context: Any) -> Any:
    """No statusCode: HTTP APIs (payload 2.0) infer a 200 JSON answer; REST APIs cannot."""
    return {"answer": 42}


def sized(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``n`` bytes of text (``?n=...``), for the REST API's compression threshold."""
    query = event.get("queryStringParameters") or {}
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "x" * int(query.get("n", "0"))}


def encoded(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """An answer the function encoded itself (``Content-Encoding`` set): a gateway must not compress it again."""
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain", "Content-Encoding": "br"}, "body": "y" * 5000}
