"""Platform-neutral HTTP messages: what a client sends and what it receives, with their JSON form in case files.

Headers are kept as ordered ``(name, value)`` pairs, as on the wire, so repeated headers, their order and
their case survive until a platform's own rules (lower-casing, comma-joining) apply. ``path`` and
``query`` are the raw, percent-encoded strings a client puts on the request line.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Headers = tuple[tuple[str, str], ...]


def headers_from_json(raw: Any) -> Headers:
    """Headers as pairs from either ``[[name, value], ...]`` or ``{name: value | [values]}``."""
    if raw is None:
        return ()
    if isinstance(raw, Mapping):
        pairs: list[tuple[str, str]] = []
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((str(name), str(v)) for v in values)
        return tuple(pairs)
    return tuple((str(name), str(value)) for name, value in raw)


def body_to_json(body: bytes) -> dict[str, str]:
    """``{"body": text}`` when the bytes are UTF-8, else ``{"bodyBase64": ...}``; empty bodies give ``{}``."""
    if not body:
        return {}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"bodyBase64": base64.b64encode(body).decode("ascii")}


def body_from_json(raw: Mapping[str, Any]) -> bytes:
    if raw.get("bodyBase64") is not None:
        return base64.b64decode(raw["bodyBase64"])
    return str(raw.get("body") or "").encode("utf-8")


def header_values(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    """Every value of ``name`` (case-insensitive), in order."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request as a client sends it."""

    method: str
    path: str
    query: str = ""
    headers: Headers = ()
    body: bytes = b""

    @property
    def target(self) -> str:
        """The request target: path plus ``?query`` when there is one."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str) -> str | None:
        values = header_values(self.headers, name)
        return values[0] if values else None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> HttpRequest:
        path, _, query = str(raw.get("path", "/")).partition("?")
        return cls(
            method=str(raw.get("method", "GET")).upper(),
            path=path or "/",
            query=str(raw.get("query", query)),
            headers=headers_from_json(raw.get("headers")),
            body=body_from_json(raw),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.query:
            out["query"] = self.query
        out["headers"] = [list(pair) for pair in self.headers]
        out.update(body_to_json(self.body))
        return out


@dataclass(frozen=True)
class HttpResponse:
    """One HTTP response as a client receives it."""

    status: int
    headers: Headers = ()
    body: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)
    """Platform facts beside the HTTP message (Lambda's ``isBase64Encoded``, a CloudEvent function's logs)."""

    def header(self, name: str) -> str | None:
        values = header_values(self.headers, name)
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> HttpResponse:
        return cls(int(raw["status"]), headers_from_json(raw.get("headers")), body_from_json(raw))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "headers": [list(pair) for pair in self.headers]}
        out.update(body_to_json(self.body))
        return out
