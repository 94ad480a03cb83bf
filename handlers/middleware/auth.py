"""Optional API-key authentication for every route but the open ones, alike on all platforms.

Keys come only from the environment, read once at cold start: ``API_KEYS`` (entries separated by commas
or newlines) and the file named by ``API_KEYS_FILE`` (how Cloud Run and Cloud Functions mount a Secret
Manager secret as a volume). ``--set-secrets API_KEYS=...`` on Google Cloud and ``${ssm:...}`` in
serverless.yml put a secret manager's value into ``API_KEYS`` itself, so no cloud SDK is needed.
An entry is a key, or ``sha256:<64 hex digits>`` so that a deployment may store only hashes.

Only hashes are kept in memory. A presented ``X-API-Key`` is hashed and compared with every accepted
hash by ``hmac.compare_digest``, without stopping at the first match, so the time taken says nothing
about which bytes matched. A request must send exactly one key: Lambda's gateways and WSGI servers join
repeated headers with commas while Cloud Run's ASGI server passes each one, so two ``X-API-Key`` headers
(or one holding a comma, which no configured key can, as ``API_KEYS`` splits on commas) are refused
with the same 401 everywhere rather than accepted on one platform by whichever came first.

No keys configured means the service is open (``make serve``); ``AUTH_REQUIRED=true`` makes a
deployment refuse to start without one instead of silently opening.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import UnauthorizedError
from handlers.errors import core_error_body, status_for
from handlers.responses import JSONBytesResponse

HEADER = "X-API-Key"
"""Not ``Authorization``: with platform IAM on, Cloud Run and API Gateway consume that header themselves."""

OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
"""Liveness must answer probes without a key; the schema and its docs hold nothing but this public code."""

OPEN_PREFIXES = ("/static/",)
"""Public files (plotly.js) that a browser fetches from a chart page without sending any header."""

CHALLENGE = f'ApiKey realm="serverless-ml", header="{HEADER}"'
MIN_KEY_LENGTH = 16
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def api_key_hashes(environ: Mapping[str, str], *, required: bool = False) -> frozenset[str]:
    """The sha256 hex digests of the keys in ``API_KEYS`` and ``API_KEYS_FILE``.

    Raises ``ValueError`` at start-up for an unreadable file, a malformed entry, or no key at all when
    ``required``; messages name the variable and the entry's position, never its value.
    """
    sources = [("API_KEYS", environ.get("API_KEYS", ""))]
    path = environ.get("API_KEYS_FILE", "").strip()
    if path:
        try:
            sources.append(("API_KEYS_FILE", Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            raise ValueError(f"API_KEYS_FILE names a file that cannot be read as text: {path}") from None
    hashes = frozenset(
        _entry_hash(entry, name, position)
        for name, text in sources
        for position, entry in enumerate((e.strip() for e in re.split(r"[,\n]", text) if e.strip()), start=1)
    )
    if required and not hashes:
        raise ValueError("AUTH_REQUIRED is set but neither API_KEYS nor API_KEYS_FILE holds a key")
    return hashes


def _entry_hash(entry: str, variable: str, position: int) -> str:
    if entry[:7].lower() == "sha256:":
        digest = entry[7:].lower()
        if not _HEX_DIGEST.fullmatch(digest):
            raise ValueError(f"{variable} entry {position}: a sha256: entry needs 64 hexadecimal digits")
        return digest
    if not (entry.isascii() and entry.isprintable()) or " " in entry:
        raise ValueError(f"{variable} entry {position}: a key must be printable ASCII without spaces")
    if len(entry) < MIN_KEY_LENGTH:
        raise ValueError(f"{variable} entry {position}: a key needs at least {MIN_KEY_LENGTH} characters")
    return hashlib.sha256(entry.encode()).hexdigest()


def is_open(path: str) -> bool:
    """Whether ``path`` (without the platform's root path) answers without a key."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _presented_keys(scope: Scope) -> list[bytes]:
    """Every value the request sent as ``X-API-Key``, split where a platform joined repeated headers."""
    wanted = HEADER.lower().encode()
    return [key for name, value in scope["headers"] if name == wanted for key in value.split(b",")]


class ApiKeyMiddleware:
    """Answers 401 with the one JSON error body unless the request carries an accepted ``X-API-Key``."""

    def __init__(self, app: ASGIApp, *, hashes: frozenset[str]) -> None:
        self.app = app
        self.hashes = tuple(hashes)

    def accepts(self, key: bytes) -> bool:
        digest = hashlib.sha256(key).hexdigest()
        accepted = False
        for candidate in self.hashes:  # every hash is compared, so the timing tells nothing
            accepted |= hmac.compare_digest(digest, candidate)
        return accepted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.hashes or is_open(_route_path(scope)):
            await self.app(scope, receive, send)
            return
        keys = _presented_keys(scope)
        if len(keys) == 1 and self.accepts(keys[0]):
            await self.app(scope, receive, send)
            return
        reason = (
            f"send an API key in the {HEADER} header"
            if not keys
            else f"send one key in the {HEADER} header, not {len(keys)}"
            if len(keys) > 1
            else f"the {HEADER} is not accepted"
        )
        error = UnauthorizedError(f"unauthorized: {reason}", field=HEADER)
        headers = {"WWW-Authenticate": CHALLENGE}
        await JSONBytesResponse(core_error_body(error), status_code=status_for(error), headers=headers)(
            scope, receive, send
        )
