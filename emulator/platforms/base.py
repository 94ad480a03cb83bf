"""What every platform class offers (the ``Platform`` Protocol), and the deployment facts they share.

A platform is one way the service is reached. Like Mangum's handlers (one class per event source,
its request side and its response side together), each platform is one class in one module of this
package: how a neutral HTTP request becomes its input, how its real entry point runs that input, and
how its answer reads, both for replay (``answer``) and as a client receives it (``deliver``).

Three levels, each a Protocol so a new platform needs no base class:

* ``Platform``: runs a case's input and reads the answer (every platform: replay, invoke);
* ``HttpPlatform``: also reached over HTTP, so it builds its input from a request and delivers its
  answer to a client (parity, record);
* ``ServedGateway``: also served by ``emulator serve`` from serverless.yml's routes.
"""

from __future__ import annotations

import fnmatch
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import orjson

from emulator.messages import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from emulator.slsconfig import Route

TEXT_TYPES = ("text/*", "application/json", "application/*+json", "application/xml", "application/javascript")
"""Content types the HTTP API, function URLs and ALB pass as text; any other body arrives base64-encoded."""


@dataclass(frozen=True)
class GatewayConfig:
    """What a deployment configures about its front door; the defaults are this project's serverless.yml."""

    binary_media_types: tuple[str, ...] = ("*/*",)
    stage: str = "prod"
    multi_value_headers: bool = False
    """ALB only: the target group's ``lambda.multi_value_headers.enabled`` attribute."""
    timeout_s: float = 29.0
    memory_mb: int = 1024
    function_name: str = "serverless-ml-api"
    handler: str | None = None
    """The Lambda handler (serverless.yml form, ``handlers/aws_lambda.handler``); None for the default."""
    minimum_compression_size: int | None = None
    """REST API only: ``minimumCompressionSize``; None (AWS's default) leaves answers uncompressed."""


@dataclass(frozen=True)
class EventMeta:
    """The per-request facts a gateway adds: its request id, the time, the caller's address."""

    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    source_ip: str = "203.0.113.7"

    @property
    def clf_time(self) -> str:
        """The time in API Gateway's ``requestContext.requestTime`` (common log format) form."""
        return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(self.epoch_ms / 1000))


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def matches_media_types(content_type: str | None, patterns: tuple[str, ...]) -> bool:
    """Whether a media type matches one of the patterns (``*/*``, ``image/*``, ``image/png``)."""
    kind = media_type(content_type)
    return bool(kind) and any(fnmatch.fnmatchcase(kind, p.lower()) for p in patterns)


def json_message(status: int, text: str) -> HttpResponse:
    """API Gateway's own answers: ``{"message": ...}`` as JSON."""
    return HttpResponse(status, (("content-type", "application/json"),), orjson.dumps({"message": text}))


@runtime_checkable
class Platform(Protocol):
    """One way the service is reached: run a case's input through the real entry point, read the answer."""

    name: str
    description: str
    input_key: str
    """Where a case file keeps this platform's input: ``event`` (as the platform delivers it) or ``request``."""

    def run(self, case_input: Any, config: GatewayConfig) -> Any:
        """Case input -> the platform's raw answer (a ``LambdaResult`` or an ``HttpResponse``)."""
        ...

    def answer(self, raw: Any) -> HttpResponse:
        """Raw answer -> the response replay compares with the expectation (bodies decoded)."""
        ...

    def raw_json(self, raw: Any) -> Any:
        """Raw answer -> the JSON ``invoke`` prints, as the platform returns it."""
        ...


@runtime_checkable
class HttpPlatform(Platform, Protocol):
    """A platform a client reaches over HTTP."""

    def build(self, request: HttpRequest, config: GatewayConfig, meta: EventMeta) -> Any:
        """Neutral HTTP request -> this platform's input (an event, or the request as JSON)."""
        ...

    def deliver(self, raw: Any, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
        """Raw answer -> what the client receives, after the front door's rules."""
        ...


@runtime_checkable
class ServedGateway(HttpPlatform, Protocol):
    """An API Gateway ``emulator serve`` runs from serverless.yml's routes."""

    route_kind: str
    """The serverless.yml event key of its routes: ``http`` (REST API) or ``httpApi``."""
    integration_timeout_s: float
    """How long the gateway waits for its Lambda integration."""
    no_route: HttpResponse
    """Its answer to a request no route matches."""
    gateway_timeout: HttpResponse
    """Its answer when the integration timeout passes first."""

    def route_path(self, path: str, stage: str) -> str | None:
        """The path its routes are matched against (a REST API strips the stage), or None when it cannot match."""
        ...

    def route_event(self, event: dict[str, Any], route: Route, params: dict[str, str], path: str, stage: str) -> None:
        """Stamp the matched route (resource, route key, path parameters) into a built event, in place."""
        ...
