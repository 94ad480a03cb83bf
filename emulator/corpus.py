"""Regenerate the recorded-event corpus: ``python -m emulator corpus [--only NAME_PREFIX ...] [--out DIR]``.

Each neutral request in ``emulator.corpus_requests`` becomes a case for the platforms listed beside it,
shaped by the platform classes' own event builders (fixed request id and time, so reruns give the same
files) and answered by the real entry points; the answer becomes the expectation. Review the diff
before committing: a regenerated expectation is a claim that the new behaviour is right. ``--out``
writes elsewhere, to compare with the committed corpus.

``record`` does the same for requests arriving over HTTP; this command is for the corpus as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.cases import DEFAULT_CORPUS, Case, gateway_config
from emulator.compare import expectation
from emulator.corpus_requests import (
    ANALYSIS_CASES,
    EVENT_CASES,
    GATEWAY_VARIANTS,
    HTTP_CASES,
    INVOKE_CASES,
    PARITY_KNOWN,
    UNCOMPARED_BODIES,
    WAREHOUSE_CASES,
)
from emulator.parity import FIXED_META
from emulator.platforms import PLATFORMS
from emulator.platforms.base import GatewayConfig, HttpPlatform


def _http_platform(name: str) -> HttpPlatform:
    platform = PLATFORMS[name]
    if not isinstance(platform, HttpPlatform):
        raise ValueError(f"{name} is not reached over HTTP: list its cases as events")
    return platform


def _write(root: Path, platform_name: str, name: str, description: str, data: dict[str, Any]) -> str:
    platform = PLATFORMS[platform_name]
    case = Case(root / platform_name / f"{name}.json", platform, {"description": description, **data})
    response = platform.answer(platform.run(case.input, case.gateway))
    case.data["expected"] = expectation(response)
    if name in UNCOMPARED_BODIES:
        del case.data["expected"]["body"]
    case.save()
    return f"{response.status} {case.name}"


def generate(
    only: list[str], with_analyses: bool = True, out: Path | None = None, say: Callable[[str], None] = print
) -> int:
    """Write the cases whose names start with one of ``only`` (all when empty) under ``out`` (the corpus)."""
    root = out or DEFAULT_CORPUS
    cases = dict(HTTP_CASES) | WAREHOUSE_CASES | (ANALYSIS_CASES if with_analyses else {})
    for name, (description, request, platforms) in cases.items():
        if only and not name.startswith(tuple(only)):
            continue
        for platform_name in platforms:
            platform = _http_platform(platform_name)
            data: dict[str, Any] = {platform.input_key: platform.build(request, GatewayConfig(), FIXED_META)}
            if name in PARITY_KNOWN and platform.input_key == "request":
                data["parity"] = {"known": PARITY_KNOWN[name]}
            say(_write(root, platform_name, name, description, data))
    for name, (description, request, gateway) in GATEWAY_VARIANTS.items():
        kind, _, case_name = name.partition("/")
        if only and not case_name.startswith(tuple(only)):
            continue
        platform = _http_platform(kind)
        event = platform.build(request, gateway_config(gateway), FIXED_META)
        say(_write(root, kind, case_name, description, {"gateway": gateway, platform.input_key: event}))
    for kind, table in (("aws-invoke", INVOKE_CASES), ("gcf-event", EVENT_CASES)):
        for name, (description, event) in table.items():
            if not only or name.startswith(tuple(only)):
                say(_write(root, kind, name, description, {"event": event}))
    return 0
