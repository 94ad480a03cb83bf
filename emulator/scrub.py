"""Remove secrets from a request and its answer before they are written to disk as a case.

Scrubbed by default:

* headers that carry credentials: ``Authorization``, ``Proxy-Authorization``, ``Cookie``,
  ``Set-Cookie``, ``X-API-Key``, and any header whose name mentions a token, key, secret, password,
  session, signature or credential;
* query parameters with such names (``api_key``, ``access_token``, ``sig``, ...);
* anywhere in the recorded text (path, query, headers, body, the answer): the value of every
  environment variable whose name looks secret (``*_TOKEN``, ``*_SECRET``, ``*_KEY``, ``API_KEYS``,
  ``*PASSWORD*``...), as it is, URL-encoded and base64-encoded.

Each value becomes ``REDACTED`` (or ``REDACTED:<VARIABLE>``), so a reader sees that something was there.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

from emulator.messages import HttpRequest, HttpResponse

REDACTED = "REDACTED"

SECRET_NAME = re.compile(
    r"auth|token|secret|passw|pwd|api[-_]?key|apikey|access[-_]?key|private|session|cookie|signature|credential"
    r"|^sig$|^key$|^code$",
    re.IGNORECASE,
)
"""Header, query-parameter and environment-variable names whose values are treated as secrets."""

MIN_SECRET_LENGTH = 6
"""Shorter environment values (``1``, ``true``) are too common to scrub from text without mangling it."""


def secret_values(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Secret-looking environment values -> the variable's name (comma-separated lists split into items)."""
    found: dict[str, str] = {}
    for name, value in (os.environ if environ is None else environ).items():
        if not SECRET_NAME.search(name):
            continue
        for item in {value, *value.split(",")}:
            item = item.strip()
            if len(item) >= MIN_SECRET_LENGTH:
                found[item] = name
    return found


def _forms(value: str) -> set[str]:
    raw = value.encode()
    return {value, quote(value, safe=""), quote_plus(value), base64.b64encode(raw).decode().rstrip("=")}


class Scrubber:
    """Scrubs with the secrets known when it was made (the environment's, by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.replacements: list[tuple[str, str]] = []
        for value, name in secret_values(environ).items():
            self.replacements += [(form, f"{REDACTED}:{name}") for form in _forms(value)]
        self.replacements.sort(key=lambda pair: -len(pair[0]))

    def learn(self, value: str, label: str = REDACTED) -> None:
        """Also scrub ``value`` (a credential just redacted from a header or the query) wherever it appears."""
        candidates = {value, *re.split(r"[\s;,=]+", value)}
        for item in candidates:
            if len(item) >= MIN_SECRET_LENGTH:
                self.replacements += [(form, label) for form in _forms(item)]
        self.replacements.sort(key=lambda pair: -len(pair[0]))

    def text(self, text: str) -> str:
        for secret, label in self.replacements:
            if secret in text:
                text = text.replace(secret, label)
        return text

    def _query(self, query: str) -> str:
        parts = []
        for part in query.split("&") if query else []:
            name, eq, value = part.partition("=")
            if eq and SECRET_NAME.search(unquote_plus(name)):
                self.learn(unquote_plus(value))
                part = f"{name}={REDACTED}"
            parts.append(part)
        return self.text("&".join(parts))

    def _headers(self, headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        for name, value in headers:
            if SECRET_NAME.search(name):
                self.learn(value)
        return tuple((k, REDACTED if SECRET_NAME.search(k) else self.text(v)) for k, v in headers)

    def _body(self, body: bytes) -> bytes:
        if not self.replacements or not body:
            return body
        try:
            return self.text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body

    def request(self, request: HttpRequest) -> HttpRequest:
        """The request with credentials redacted; their values are remembered for the answer and the event."""
        headers = self._headers(request.headers)
        query = self._query(request.query)
        return HttpRequest(request.method, self.text(request.path), query, headers, self._body(request.body))

    def response(self, response: HttpResponse) -> HttpResponse:
        return HttpResponse(response.status, self._headers(response.headers), self._body(response.body), response.extra)

    def json(self, value: Any) -> Any:
        """Every string inside a JSON value, and its keys' secret-named values, scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {
                k: REDACTED if SECRET_NAME.search(k) and isinstance(v, str) else self.json(v) for k, v in value.items()
            }
        return value
