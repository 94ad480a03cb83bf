"""Parity: one plain HTTP request, every platform, the same answer as a client receives it, or a failure.

Each request is turned into every platform's event shape (REST API 1.0, HTTP API 2.0, ALB, function
URL, the Cloud Functions and Cloud Run HTTP requests), run through that platform's real entry point,
and decoded as that platform's gateway delivers it to a client (base64 and the REST API's binary media
types, header case, multi-value headers, cookies). Every answer is then compared with Cloud Run's,
the plain-HTTP reference: status, the headers that matter, and the body after normalization.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from emulator.cases import load_cases
from emulator.compare import expectation, mismatches
from emulator.messages import HttpRequest, HttpResponse
from emulator.platforms import http_platforms
from emulator.platforms.base import EventMeta, GatewayConfig, HttpPlatform

REFERENCE = "cloud-run"
FIXED_META = EventMeta(request_id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef", epoch_ms=1_700_000_000_000)


@dataclass(frozen=True)
class ParityRequest:
    """A plain HTTP request, and the platforms known to answer it differently, each with the reason."""

    name: str
    request: HttpRequest
    known: dict[str, str] = field(default_factory=dict)


def neutral_requests(paths: Iterable[Path] | None = None) -> list[ParityRequest]:
    """The distinct plain HTTP requests of the cases under ``paths`` (those kept as ``request``), named.

    A case's ``"parity": {"known": {platform: reason}}`` records a divergence that is understood (a
    platform limit, or a reported bug): it is printed on every run, and does not fail parity.
    """
    found: dict[bytes, ParityRequest] = {}
    for case in load_cases(paths):
        if case.platform.input_key != "request":
            continue
        request = HttpRequest.from_json(case.input)
        key = orjson.dumps(request.to_json())
        known = dict((case.data.get("parity") or {}).get("known") or {})
        if key in found:
            known |= found[key].known
        found[key] = ParityRequest(found[key].name if key in found else case.path.stem, request, known)
    return sorted(found.values(), key=lambda r: r.name)


def deliver_everywhere(request: HttpRequest, config: GatewayConfig) -> dict[str, HttpResponse]:
    """What a client receives from each HTTP platform for ``request``."""
    answers = {}
    for platform in http_platforms():
        answers[platform.name] = deliver(platform, request, config)
    return answers


def deliver(platform: HttpPlatform, request: HttpRequest, config: GatewayConfig) -> HttpResponse:
    """What a client receives from ``platform`` for ``request``: built, run, and delivered by its rules."""
    quiet = io.StringIO()  # the service's access log and warnings; parity compares answers only
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        raw = platform.run(platform.build(request, config, FIXED_META), config)
    return platform.deliver(raw, request, config)


def differences(answers: dict[str, HttpResponse], known: dict[str, str] | None = None) -> list[str]:
    """How each platform's answer differs from the reference's, leaving out the platforms in ``known``."""
    wanted = expectation(answers[REFERENCE], normalize=["uuids"])
    problems = []
    for name, answer in answers.items():
        if name != REFERENCE and name not in (known or {}):
            problems += [f"{name}: {p}" for p in mismatches(wanted, answer)]
    return problems


def _known_lines(answers: dict[str, HttpResponse], known: dict[str, str]) -> list[str]:
    wanted = expectation(answers[REFERENCE], normalize=["uuids"])
    lines = []
    for name, reason in sorted(known.items()):
        still = bool(mismatches(wanted, answers[name])) if name in answers else False
        lines.append(f"known {name}: {reason}" if still else f"known {name} no longer differs: remove it ({reason})")
    return lines


PARITY_CONFIG = GatewayConfig(multi_value_headers=True)
"""The deployment parity assumes: ALB target groups with multi-value headers on. With them off (AWS's
default) an ALB passes only the last value of a repeated query parameter, and parity says so."""


def parity(
    paths: Iterable[Path] | None = None, config: GatewayConfig | None = None, out: Callable[[str], None] = print
) -> int:
    """Check every request under ``paths`` on every platform; 0 when all platforms agree on all of them."""
    config = config or PARITY_CONFIG
    start = time.perf_counter()
    requests = neutral_requests(paths)
    failed = 0
    for item in requests:
        answers = deliver_everywhere(item.request, config)
        problems = differences(answers, item.known)
        failed += bool(problems)
        out(f"{'DIFF' if problems else 'same':4} {item.name}  {item.request.method} {item.request.target}"[:160])
        for line in problems + _known_lines(answers, item.known):
            out(f"     {line}")
    seconds = time.perf_counter() - start
    out(f"parity: {len(requests)} requests x {len(http_platforms())} platforms in {seconds:.2f} s")
    out(f"{len(requests) - failed} passed, {failed} failed")
    return 1 if failed or not requests else 0
