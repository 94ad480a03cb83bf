"""Read the functions, routes and gateway settings of a Serverless Framework v3 ``serverless.yml``.

Only what a local gateway needs: each function's ``handler``, ``timeout`` and ``memorySize`` (falling
back to ``provider``'s, then to the framework's defaults of 6 s and 1024 MB), its ``httpApi`` and
``http`` events (``"GET /path"`` strings, ``{method, path}`` maps, ``"*"``), and
``provider.apiGateway``'s ``binaryMediaTypes`` and ``minimumCompressionSize`` (absent: no compression,
as AWS leaves a REST API without it). ``${self:...}``, ``${env:...}``, ``${param:...}`` (the
``params.default`` values), ``${sls:stage}`` and any ``${source:key, default}`` resolve, inner ones
first; other sources (``ssm``, ``cf``, ...) are left alone, since no AWS is reachable.
CloudFormation tags (``!Ref``, ``!GetAtt``) in ``resources`` load as plain values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from emulator.platforms.base import GatewayConfig

DEFAULT_TIMEOUT_S = 6.0
"""The Serverless Framework v3 default function timeout."""
DEFAULT_MEMORY_MB = 1024


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short-form tags instead of failing on them."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_Loader.add_multi_constructor("!", _any_tag)

_VARIABLE = re.compile(r"\$\{(\w+):([^${},]+)(?:,\s*['\"]?([^'\"{}]*)['\"]?)?\}")


@dataclass(frozen=True)
class Route:
    """One HTTP event of a function: ``method`` (``*`` for any) and a path template with ``{params}``."""

    function: str
    method: str
    path: str
    kind: str
    """``httpApi`` or ``http`` (REST API)."""

    @property
    def pattern(self) -> re.Pattern[str]:
        if self.path == "*":
            return re.compile(r"(?P<proxy>.*)")
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(regex)

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Exact paths first, then more literal segments, greedy ``{proxy+}`` and ``*`` last (as API Gateway)."""
        segments = [s for s in self.path.split("/") if s]
        literal = sum(not s.startswith("{") for s in segments)
        greedy = self.path == "*" or "+}" in self.path
        return (int(greedy), -literal, int(self.method == "*"))

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "*" else f"{'ANY' if self.method == '*' else self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("*", method.upper()):
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Function:
    name: str
    handler: str
    timeout_s: float
    memory_mb: int


@dataclass(frozen=True)
class Deployment:
    functions: dict[str, Function]
    routes: list[Route]
    binary_media_types: tuple[str, ...]
    service: str = "service"
    minimum_compression_size: int | None = None
    """REST APIs: ``provider.apiGateway.minimumCompressionSize``; None when the file sets none."""
    stage: str = "dev"
    extra: dict[str, Any] = field(default_factory=dict)

    def routes_for(self, kind: str) -> list[Route]:
        """A gateway's routes: its own events, else the other gateway's (so one config serves both locally)."""
        own = [r for r in self.routes if r.kind == kind]
        return sorted(own or self.routes, key=lambda r: r.specificity)

    def gateway(self, function: Function) -> GatewayConfig:
        return GatewayConfig(
            binary_media_types=self.binary_media_types,
            stage=self.stage,
            timeout_s=function.timeout_s,
            memory_mb=function.memory_mb,
            function_name=f"{self.service}-{self.stage}-{function.name}",
            handler=function.handler,
            minimum_compression_size=self.minimum_compression_size,
        )


def _lookup(config: dict[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _source_value(config: dict[str, Any], source: str, key: str) -> Any:
    """What a variable source gives offline: ``self``, ``env``, ``param`` defaults, ``sls:stage``; else None."""
    if source == "self":
        return _lookup(config, key)
    if source == "env":
        return os.environ.get(key)
    if source == "param":
        return _lookup(config, f"params.default.{key}")
    if source == "sls" and key == "stage":
        stage = _lookup(config, "provider.stage")
        return stage if isinstance(stage, str) and "${" not in stage else None
    return None


def _resolve_text(value: str, config: dict[str, Any]) -> Any:
    for _ in range(5):  # inner references first: ${self:custom.${param:access}.x}
        whole = _VARIABLE.fullmatch(value)
        if whole:
            found = _source_value(config, whole.group(1), whole.group(2).strip())
            if found is not None and not isinstance(found, str):
                return found

        def one(match: re.Match[str]) -> str:
            found = _source_value(config, match.group(1), match.group(2).strip())
            if found is not None:
                return str(found)
            return match.group(3) if match.group(3) is not None else match.group(0)

        resolved = _VARIABLE.sub(one, value)
        if resolved == value:
            break
        value = resolved
    return value


def _resolve(value: Any, config: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, config) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, config) for v in value]
    return _resolve_text(value, config) if isinstance(value, str) else value


def _number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _event_routes(name: str, event: Any) -> list[Route]:
    if not isinstance(event, dict):
        return []
    routes = []
    for kind in ("httpApi", "http"):
        spec = event.get(kind)
        if spec is None:
            continue
        if isinstance(spec, str):
            method, _, path = spec.partition(" ") if spec.strip() != "*" else ("*", "", "*")
        else:
            method, path = str(spec.get("method", "*")), str(spec.get("path", "*"))
        method = "*" if method.lower() in ("*", "any") else method.upper()
        path = path if path == "*" or path.startswith("/") else "/" + path
        routes.append(Route(name, method, path.strip(), kind))
    return routes


MAX_COMPRESSION_SIZE = 10_485_760
"""The largest ``minimumCompressionSize`` API Gateway accepts (10 MB)."""


def _compression_size(path: Path, value: Any) -> int | None:
    """``minimumCompressionSize`` as an integer in AWS's range; None when unset; ``ValueError`` naming it otherwise."""
    if value is None or value == "":
        return None
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = -1
    if isinstance(value, bool) or not 0 <= size <= MAX_COMPRESSION_SIZE or str(size) != str(value).strip():
        raise ValueError(
            f"{path}: provider.apiGateway.minimumCompressionSize must be an integer from 0 to "
            f"{MAX_COMPRESSION_SIZE}, not {value!r}"
        )
    return size


def load(path: Path) -> Deployment:
    """The deployment ``path`` describes; ``ValueError`` naming the key when it cannot be used."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    if not isinstance(raw, dict) or not isinstance(raw.get("functions"), dict):
        raise ValueError(f"{path}: no 'functions' map; is this a Serverless Framework file?")
    config: dict[str, Any] = _resolve(raw, raw)
    provider = config.get("provider") or {}
    functions: dict[str, Function] = {}
    routes: list[Route] = []
    for name, spec in config["functions"].items():
        if not isinstance(spec, dict) or "handler" not in spec:
            raise ValueError(f"{path}: functions.{name}.handler is missing")
        functions[name] = Function(
            name,
            str(spec["handler"]),
            _number(spec.get("timeout", provider.get("timeout")), DEFAULT_TIMEOUT_S),
            int(_number(spec.get("memorySize", provider.get("memorySize")), DEFAULT_MEMORY_MB)),
        )
        for event in spec.get("events") or []:
            routes.extend(_event_routes(name, event))
    api_gateway = provider.get("apiGateway") or {}
    binary = api_gateway.get("binaryMediaTypes") or []
    return Deployment(
        functions,
        routes,
        tuple(str(t) for t in binary),
        service=str(config.get("service", "service")),
        stage=str(provider.get("stage", "dev")),
        minimum_compression_size=_compression_size(path, api_gateway.get("minimumCompressionSize")),
    )


def deployment_config(path: Path) -> GatewayConfig:
    """Gateway settings for parity: the file's binary media types and its first function's limits."""
    deployment = load(path)
    first = next(iter(deployment.functions.values()))
    return deployment.gateway(first)
