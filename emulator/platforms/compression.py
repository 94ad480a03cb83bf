"""A REST API's response compression (``minimumCompressionSize``), which HTTP APIs do not offer.

API Gateway compresses a REST API's answer only when all of these hold
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-receive-response-with-compressed-payload.html):
the API sets ``minimumCompressionSize``; the request's ``Accept-Encoding`` names a coding explicitly and
its highest-priority one is a coding API Gateway supports (``gzip``, ``deflate``; ``identity`` means no
compression, and no header means ``*``, which is never compressed); the integration's answer has no
``Content-Encoding`` of its own; and the payload is at least ``minimumCompressionSize`` bytes.

The emulator's own choices, where AWS says nothing: equal qualities go to the coding listed first, an
empty body is never compressed (a 204 or 304 must stay empty), and gzip is written with a zero mtime
so the same answer compresses to the same bytes.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

from emulator.messages import HttpRequest, HttpResponse, header_values

CODINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda body: gzip.compress(body, mtime=0),
    "deflate": zlib.compress,  # HTTP's "deflate" is the zlib format (RFC 9110, section 8.4.1.2)
}
"""The content codings API Gateway compresses with."""


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def preferred_coding(accept_encoding: str | None) -> str | None:
    """The request's highest-priority coding (first listed among equals), lower-case; None without any."""
    best: tuple[float, str] | None = None
    for item in (accept_encoding or "").split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        quality = _quality(parameters)
        if coding and quality > 0 and (best is None or quality > best[0]):
            best = (quality, coding.lower())
    return best[1] if best else None


def compress(response: HttpResponse, request: HttpRequest, minimum_size: int | None) -> HttpResponse:
    """``response`` as the REST API sends it: compressed when the rules above all hold, else unchanged."""
    if minimum_size is None or not response.body or len(response.body) < minimum_size:
        return response
    if response.header("content-encoding") is not None:
        return response
    coding = preferred_coding(",".join(header_values(request.headers, "accept-encoding")))
    if coding not in CODINGS:
        return response
    headers = tuple((k, v) for k, v in response.headers if k.lower() != "content-length")
    return HttpResponse(
        response.status, (*headers, ("Content-Encoding", coding)), CODINGS[coding](response.body), response.extra
    )
