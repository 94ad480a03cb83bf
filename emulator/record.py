"""Record: a local HTTP endpoint that turns every request it receives into a new case file, with its answer.

``python -m emulator record --platform aws-http --out tests/events/aws-http`` answers each request
through the chosen platform's real entry point, in-process; with ``--target http://127.0.0.1:8080``
it is a proxy in front of a running service instead, and records what that service answered. Either
way the client gets the answer as that platform's gateway would deliver it, and the case file holds
the platform's input (the event built from the request) and the expectation.

Secrets are scrubbed before anything is written (see ``emulator.scrub``); ``--no-scrub`` keeps them,
for a throwaway folder only. A scrubbed case replays without the credentials: run replay with the
service's auth off, as the default settings have it.
"""

from __future__ import annotations

import http.server
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from emulator.cases import Case
from emulator.compare import expectation
from emulator.local_server import serve_until_interrupted
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms import PLATFORMS
from emulator.platforms.base import EventMeta, GatewayConfig, HttpPlatform, Platform
from emulator.scrub import Scrubber

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade", "te", "trailer"}


def _case_name(request: HttpRequest, out: Path) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "_", f"{request.method} {request.path}".lower()).strip("_")[:60] or "root"
    for n in range(1, 10_000):
        candidate = out / f"{slug}__rec{n:03d}.json"
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"{out}: too many recordings named {slug}")


def _forward(target: str, request: HttpRequest) -> HttpResponse:
    """Proxy mode: the same request to the running service, its answer unchanged."""
    import httpx

    headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
    with httpx.Client(base_url=target, timeout=60.0) as client:
        answer = client.request(request.method, request.target, headers=headers, content=request.body)
    return HttpResponse(answer.status_code, tuple(answer.headers.multi_items()), answer.content)


@dataclass
class Recorder:
    """Turns one request into one case file and the client's answer (the HTTP server only does I/O)."""

    platform: Platform
    out: Path
    target: str | None = None
    scrub: bool = True
    config: GatewayConfig = field(default_factory=GatewayConfig)

    def _input(self, request: HttpRequest) -> Any:
        if isinstance(self.platform, HttpPlatform):
            return self.platform.build(request, self.config, EventMeta())
        if self.platform.name == "aws-invoke":
            return orjson.loads(request.body or b"{}")
        raise ValueError(f"record does not take {self.platform.name} events over HTTP")

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer the client and write the case (one request at a time: the server is not threaded)."""
        if self.target:
            answer = _forward(self.target, request)
            raw: Any = None
        else:
            raw = self.platform.run(self._input(request), self.config)
            answer = self.platform.answer(raw)
        scrubber = Scrubber() if self.scrub else None
        recorded_request = scrubber.request(request) if scrubber else request
        event = self._input(recorded_request)
        expected = expectation(scrubber.response(answer) if scrubber else answer)
        data = {
            "description": f"recorded {request.method} {request.path}",
            "platform": self.platform.name,
            self.platform.input_key: event,
        }
        data["expected"] = expected
        if scrubber:
            data = scrubber.json(data) | {"expected": scrubber.json(expected)}
        Case(_case_name(request, self.out), self.platform, data).save()
        if raw is not None and isinstance(self.platform, HttpPlatform):
            return self.platform.deliver(raw, request, self.config)
        return answer


class _Handler(http.server.BaseHTTPRequestHandler):
    recorder: Recorder
    protocol_version = "HTTP/1.1"

    def _record(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            answer = self.recorder.handle(HttpRequest(self.command, path, query, tuple(self.headers.items()), body))
        except Exception as exc:  # noqa: BLE001 - the recorder reports and keeps serving
            answer = HttpResponse(502, (("content-type", "text/plain"),), f"recording failed: {exc}".encode())
        self.send_response(answer.status)
        for name, value in answer.headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _record

    def log_message(self, format: str, *args: Any) -> None:
        """Requests may carry secrets: log the method and path only, never headers or query strings."""
        if format.startswith('"%s"'):
            return
        super().log_message(format, *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        super().log_message("%s %s -> %s", self.command, self.path.partition("?")[0], code)


def make_server(recorder: Recorder, host: str, port: int) -> http.server.HTTPServer:
    handler = type("Handler", (_Handler,), {"recorder": recorder})
    return http.server.HTTPServer((host, port), handler)


def record(platform: str, out: Path, host: str, port: int, target: str | None = None, raw: bool = False) -> int:
    recorder = Recorder(PLATFORMS[platform], out, target, scrub=not raw)
    server = make_server(recorder, host, port)
    mode = f"proxy to {target}" if target else "in-process"
    print(f"recording {platform} cases ({mode}) into {out} on http://{host}:{server.server_address[1]}", flush=True)
    return serve_until_interrupted(server)
