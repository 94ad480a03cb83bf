"""Keeps credential values out of the log records that tweepy and the OAuth libraries write at DEBUG.

At DEBUG, ``tweepy.client`` logs every request's headers (the bearer token among them), and
``requests_oauthlib``/``oauthlib`` log the OAuth 1.0a parameters (consumer key, access token) they
sign. A filter on those loggers rewrites each record before any handler sees it, replacing every
registered secret with a placeholder, whatever level or handlers the service configures.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

#: Loggers known to write credentials; a logger filter only sees records logged to that exact logger.
CREDENTIAL_LOGGERS = (
    "tweepy.client",
    "requests_oauthlib.oauth1_auth",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
    "urllib3.connectionpool",
)
PLACEHOLDER = "[redacted]"
_SHORTEST = 4  # a shorter "secret" would garble every record it happens to occur in


class SecretRedactor(logging.Filter):
    """A log filter that replaces registered secret values in a record's message with ``[redacted]``."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def add(self, values: Iterable[str]) -> None:
        with self._lock:
            self._secrets = self._secrets | {v for v in values if len(v) >= _SHORTEST}

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._secrets
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler's own error path
            return True
        redacted = message
        for secret in secrets:
            redacted = redacted.replace(secret, PLACEHOLDER)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REDACTOR = SecretRedactor()


def protect(secrets: Iterable[str]) -> None:
    """Register ``secrets`` and make sure the redactor filters every credential-writing logger."""
    REDACTOR.add(secrets)
    for name in CREDENTIAL_LOGGERS:
        target = logging.getLogger(name)
        if REDACTOR not in target.filters:
            target.addFilter(REDACTOR)
