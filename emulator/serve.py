"""A local API Gateway: real HTTP in, the gateway's event to the handler serverless.yml names, the gateway's rules out.

``python -m emulator serve --platform aws-rest|aws-http --config serverless.yml --port 3000``

On the way in: the 10 MB API Gateway payload quota and Lambda's 6,291,556-byte invocation limit
(413), route matching from the file's ``http``/``httpApi`` events (an unmatched route is a REST API's
403 ``Missing Authentication Token`` or an HTTP API's 404), and the event shape of the chosen gateway.
On the way out: the function's timeout (Lambda's error: 502 on REST, 500 on HTTP APIs) within the
gateway's own integration limit (29 s: 504 on REST; 30 s: 503 on HTTP APIs), the response size limit,
binary media types, the first ``Accept`` type and ``minimumCompressionSize`` on REST APIs,
``isBase64Encoded`` and lower-case header names on HTTP APIs. The rules themselves live in the platform
classes (``emulator/platforms/aws_rest.py``, ``aws_http.py``); this module routes and times. Each rule,
its AWS documentation and its test: docs/emulator-divergences.md.

One request at a time, like one Lambda execution environment; no Docker, no network.
"""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from emulator.context import LambdaContext
from emulator.local_server import serve_until_interrupted
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms import served_gateways
from emulator.platforms.base import EventMeta, ServedGateway, json_message
from emulator.platforms.lambda_runtime import LAMBDA_PAYLOAD_LIMIT, LambdaResult, context_for, invoke_lambda
from emulator.slsconfig import Deployment, Route, load

API_GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024
"""API Gateway's request payload quota (REST and HTTP APIs): 10 MB."""

TOO_LARGE = json_message(413, "Request Entity Too Large")


def invoke_with_timeout(event: Any, context: LambdaContext, handler: str, timeout_s: float) -> LambdaResult | None:
    """Invoke on a worker thread with its own event loop; None when it did not answer within ``timeout_s``.

    A real execution environment is frozen when its time is up; here the late thread finishes in the
    background and its answer is dropped (see docs/emulator-divergences.md).
    """
    box: dict[str, LambdaResult] = {}

    def work() -> None:
        box["result"] = invoke_lambda(event, context, handler)

    worker = threading.Thread(target=work, name=f"lambda-{context.aws_request_id[:8]}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    return box.get("result")


@dataclass
class LocalGateway:
    """The gateway's decisions for one request, without sockets (the HTTP server below only does I/O).

    What differs between gateways (route kind, stage prefix, event fields, timeouts, their own error
    answers, the delivery rules) is asked of the platform class; this class only sequences it.
    """

    platform: str
    deployment: Deployment
    stage: str = ""
    integration_timeout_s: float | None = None
    """The gateway's own limit; None for the platform's (29 s REST, 30 s HTTP API)."""

    @property
    def gateway(self) -> ServedGateway:
        return served_gateways()[self.platform]

    def _route(self, request: HttpRequest) -> tuple[Route, dict[str, str], str] | None:
        path = self.gateway.route_path(request.path, self.stage)
        if path is None:
            return None
        for route in self.deployment.routes_for(self.gateway.route_kind):
            params = route.match(request.method, path)
            if params is not None:
                return route, params, path
        return None

    def handle(self, request: HttpRequest) -> HttpResponse:
        if len(request.body) > API_GATEWAY_PAYLOAD_LIMIT:
            return TOO_LARGE
        matched = self._route(request)
        if matched is None:
            return self.gateway.no_route
        route, params, path = matched
        function = self.deployment.functions[route.function]
        config = self.deployment.gateway(function)
        event = self.gateway.build(request, config, EventMeta())
        self.gateway.route_event(event, route, params, path, self.stage)
        if len(orjson.dumps(event)) > LAMBDA_PAYLOAD_LIMIT:
            return TOO_LARGE
        limit = self.integration_timeout_s or self.gateway.integration_timeout_s
        result = invoke_with_timeout(event, context_for(config), function.handler, min(function.timeout_s, limit))
        if result is None and function.timeout_s < limit:
            message = f"Task timed out after {function.timeout_s:.2f} seconds"
            result = LambdaResult({"errorMessage": message, "errorType": "Sandbox.Timedout"}, "Unhandled")
        if result is None:
            return self.gateway.gateway_timeout
        return self.gateway.deliver(result, request, config)


class _Handler(http.server.BaseHTTPRequestHandler):
    gateway: LocalGateway
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        start = time.perf_counter()
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = HttpRequest(self.command, path, query, tuple(self.headers.items()), body)
        response = self.gateway.handle(request)
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        elapsed = (time.perf_counter() - start) * 1000
        self.log_message(
            "%s %s -> %d (%d bytes) %.1f ms", self.command, path, response.status, len(response.body), elapsed
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: ``_serve`` logs one line per request with its timing, and no query string (it may hold tokens)."""


def make_server(
    platform: str, config: Path, host: str, port: int, stage: str = "", binary_media_types: list[str] | None = None
) -> http.server.HTTPServer:
    """A bound, not yet serving, local gateway (port 0: a free one); ``binary_media_types`` overrides the file's."""
    deployment = load(config)
    if binary_media_types is not None:
        deployment = replace(deployment, binary_media_types=tuple(binary_media_types))
    handler = type("Handler", (_Handler,), {"gateway": LocalGateway(platform, deployment, stage)})
    return http.server.HTTPServer((host, port), handler)


def serve(
    platform: str, config: Path, host: str, port: int, stage: str = "", binary_media_types: list[str] | None = None
) -> int:
    server = make_server(platform, config, host, port, stage, binary_media_types)
    gateway: LocalGateway = server.RequestHandlerClass.gateway  # type: ignore[attr-defined]
    routes = gateway.deployment.routes_for(gateway.gateway.route_kind)
    print(f"{platform} gateway for {config} on http://{host}:{server.server_address[1]}/{stage}", flush=True)
    if gateway.gateway.route_kind == "http":  # settings only a REST API applies
        print(f"  binaryMediaTypes: {', '.join(gateway.deployment.binary_media_types) or '(none)'}", flush=True)
        size = gateway.deployment.minimum_compression_size
        print(f"  minimumCompressionSize: {'(none: no compression)' if size is None else size}", flush=True)
    for route in routes:
        print(f"  {route.route_key:40} -> {route.function}", flush=True)
    return serve_until_interrupted(server)
