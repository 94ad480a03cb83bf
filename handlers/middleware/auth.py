"""Optional API-key authentication for every route but the open ones, alike on all platforms.

Keys come from one of two places. The environment, read once at cold start: ``API_KEYS`` (entries separated
by commas or newlines) and the file named by ``API_KEYS_FILE`` (how Cloud Run and Cloud Functions mount a
Secret Manager secret as a volume; ``--set-secrets API_KEYS=...`` puts one in ``API_KEYS`` itself); this is
what ``make serve`` and the tests use. Or a secret store (``handlers.secrets``, AWS Secrets Manager on
Lambda), whose ``API_KEYS`` entry is read at start-up and read again when a presented key is refused (at
most once a minute), so a key added by a rotation is accepted without a redeploy, and one removed stops
being accepted at that look-up. An entry is a key, or ``sha256:<64 hex digits>`` so that a deployment may
store only hashes.

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
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import UnauthorizedError
from handlers.errors import core_error_body, status_for
from handlers.responses import JSONBytesResponse
from handlers.secrets import CachedSecret, stored_secret

logger = logging.getLogger(__name__)

HEADER = "X-API-Key"
"""Not ``Authorization``: with platform IAM on, Cloud Run and API Gateway consume that header themselves."""

OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
"""Liveness must answer probes without a key; the schema and its docs hold nothing but this public code."""

OPEN_PREFIXES = ("/static/",)
"""Public files (plotly.js) that a browser fetches from a chart page without sending any header."""

QUERY_KEY = "key"
QUERY_KEY_PATHS = frozenset({"/pubsub/score"})
"""Routes whose caller cannot send a header: a Pub/Sub push subscription sends only its endpoint URL (and, with
IAM, its own OIDC token), so there the key may come as ``?key=`` in that URL. Our access line never holds a
query string; Cloud Run's own request log does, which is why no other route takes a key this way."""

CHALLENGE = f'ApiKey realm="serverless-ml", header="{HEADER}"'
MIN_KEY_LENGTH = 16
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def api_key_hashes(environ: Mapping[str, str], *, required: bool = False, origin: str = "") -> frozenset[str]:
    """The sha256 hex digests of the keys in ``API_KEYS`` and ``API_KEYS_FILE``.

    Raises ``ValueError`` at start-up for an unreadable file, a malformed entry, or no key at all when
    ``required``; messages name the variable (after ``origin``, the secret it came from, if any) and the
    entry's position, never its value.
    """
    sources = [(f"{origin}API_KEYS", environ.get("API_KEYS", ""))]
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
        raise ValueError(f"AUTH_REQUIRED is set but neither {origin}API_KEYS nor API_KEYS_FILE holds a key")
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
    """Every value the request sent as ``X-API-Key``, split where a platform joined repeated headers, and on a
    push route (``QUERY_KEY_PATHS``) every ``?key=`` of its URL."""
    wanted = HEADER.lower().encode()
    keys = [key for name, value in scope["headers"] if name == wanted for key in value.split(b",")]
    if _route_path(scope) in QUERY_KEY_PATHS:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        keys += [value.encode() for name, value in query if name == QUERY_KEY]
    return keys


def secret_key_hashes(secret: CachedSecret, *, required: bool = False) -> frozenset[str]:
    """The hashes of the keys in a secret's ``API_KEYS`` entry (read now if not yet held); errors name the secret."""
    return api_key_hashes(secret.values(), required=required, origin=f"secret {secret.store.name}: ")


class StoredKeys:
    """The accepted hashes of a secret store's ``API_KEYS``, derived again only when the secret's values change.

    A rotation that leaves the entry malformed or empty is logged and ignored: the keys held stay accepted,
    rather than the service refusing every client or, worse, opening to every caller.
    """

    def __init__(self, secret: CachedSecret) -> None:
        self.secret = secret
        self._version = secret.version
        self._hashes = tuple(secret_key_hashes(secret, required=True))

    def hashes(self) -> tuple[str, ...]:
        if self.secret.version != self._version:
            self._version = self.secret.version
            try:
                self._hashes = tuple(secret_key_hashes(self.secret, required=True))
            except ValueError as exc:
                logger.error("the rotated API keys are not used, the previous ones are kept: %s", exc)
        return self._hashes

    async def look_again(self) -> bool:
        """Read the secret again (at most once a minute, off the event loop); True if its values changed."""
        return await run_in_threadpool(self.secret.refresh)


class ApiKeyMiddleware:
    """Answers 401 with the one JSON error body unless the request carries an accepted ``X-API-Key``.

    ``hashes`` are the keys of the environment; with ``secret_id`` the keys are instead those of that secret
    in the store (``handlers.secrets``), looked up again when a presented key is refused.
    """

    def __init__(self, app: ASGIApp, *, hashes: frozenset[str], secret_id: str | None = None) -> None:
        self.app = app
        self.stored = StoredKeys(stored_secret(secret_id)) if secret_id else None
        self.fixed = tuple(hashes)

    @property
    def hashes(self) -> tuple[str, ...]:
        return self.stored.hashes() if self.stored is not None else self.fixed

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
        if len(keys) == 1 and (self.accepts(keys[0]) or await self._accepts_after_looking_again(keys[0])):
            await self.app(scope, receive, send)
            return
        where = f"the {HEADER} header" + (f" or ?{QUERY_KEY}=" if _route_path(scope) in QUERY_KEY_PATHS else "")
        reason = (
            f"send an API key in {where}"
            if not keys
            else f"send one key in {where}, not {len(keys)}"
            if len(keys) > 1
            else f"the {HEADER} is not accepted"
        )
        error = UnauthorizedError(f"unauthorized: {reason}", field=HEADER)
        headers = {"WWW-Authenticate": CHALLENGE}
        await JSONBytesResponse(core_error_body(error), status_code=status_for(error), headers=headers)(
            scope, receive, send
        )

    async def _accepts_after_looking_again(self, key: bytes) -> bool:
        """A refused key may be one a rotation just added: look at the store again (rate-limited) and retry."""
        return self.stored is not None and await self.stored.look_again() and self.accepts(key)
