"""Case files: one JSON file per case, ``tests/events/<platform>/<case>.json``, holding input and expectation.

The format is documented in ``tests/events/README.md``. A case's platform is its folder's name (or its
``platform`` key); its input sits under ``event`` or ``request`` as the platform's registry entry says;
``gateway`` overrides the deployment settings (binary media types, ALB multi-value headers, timeout).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from emulator.platforms import PLATFORMS, Platform
from emulator.platforms.base import GatewayConfig

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "events"

_GATEWAY_KEYS = {
    "binaryMediaTypes": "binary_media_types",
    "stage": "stage",
    "multiValueHeaders": "multi_value_headers",
    "timeout": "timeout_s",
    "memorySize": "memory_mb",
    "functionName": "function_name",
    "handler": "handler",
}
"""Case-file ``gateway`` keys (serverless.yml spelling) and the ``GatewayConfig`` fields they set."""


def gateway_config(raw: dict[str, Any] | None, base: GatewayConfig | None = None) -> GatewayConfig:
    base = base or GatewayConfig()
    changes: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        if key not in _GATEWAY_KEYS:
            raise ValueError(f"unknown gateway setting {key!r}; known: {', '.join(_GATEWAY_KEYS)}")
        changes[_GATEWAY_KEYS[key]] = tuple(value) if isinstance(value, list) else value
    return replace(base, **changes)


@dataclass
class Case:
    path: Path
    platform: Platform
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.platform.name}/{self.path.stem}"

    @property
    def input(self) -> Any:
        if self.platform.input_key not in self.data:
            raise ValueError(f"{self.path}: a {self.platform.name} case needs an {self.platform.input_key!r} key")
        return self.data[self.platform.input_key]

    @property
    def expected(self) -> dict[str, Any] | None:
        return self.data.get("expected")

    @property
    def gateway(self) -> GatewayConfig:
        return gateway_config(self.data.get("gateway"))

    def save(self) -> None:
        write_json(self.path, self.data)


def write_json(path: Path, data: Any) -> None:
    """Two-space indented JSON, non-ASCII kept readable, newline at the end: stable diffs for reviewers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def load_case(path: Path) -> Case:
    data = orjson.loads(path.read_bytes())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a case file holds one JSON object")
    name = data.get("platform") or path.parent.name
    if name not in PLATFORMS:
        raise ValueError(f"{path}: unknown platform {name!r}; known: {', '.join(PLATFORMS)}")
    return Case(path, PLATFORMS[name], data)


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``*.json`` under the given files and folders, sorted, so runs are deterministic."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*.json") if p.is_file())
        elif path.suffix == ".json":
            found.add(path)
        else:
            raise FileNotFoundError(f"{path}: not a case file or a folder of them")
    return sorted(found)


def load_cases(paths: Iterable[Path] | None = None) -> list[Case]:
    return [load_case(p) for p in case_files(list(paths or []) or [DEFAULT_CORPUS])]
