"""Runtime secrets from AWS Secrets Manager: fetched once per container, cached, read again when rotated.

Why at run time: a value that CloudFormation resolves into a function's environment is shown in plain text
to anyone allowed ``lambda:GetFunctionConfiguration`` (checkov CKV_AWS_173). Fetched here, the API keys and
the X token live only in the process's memory, and the function's role may read only its own secret.

``SECRETS_MANAGER_SECRET_ID`` names the secret (serverless.yml sets it per stage): a JSON object with
``API_KEYS`` and ``X_BEARER_TOKEN``. Unset (``make serve``, the tests, Cloud Run and Cloud Functions,
whose ``--set-secrets`` puts Secret Manager values in the environment without showing them), nothing
here runs and boto3 is never imported. boto3 is in Lambda's runtime, so no bundle carries it.

The secret is fetched at start-up (Lambda's INIT, which SnapStart snapshots) and then only when a
rotation may have happened: after a SnapStart restore (a snapshot can be weeks old), and when a caller
presents a key that is not accepted, at most once per ``MIN_REFRESH_SECONDS`` so that a flood of wrong
keys costs one Secrets Manager call a minute, not one per request. A failed look-up keeps the values
already held: an outage of Secrets Manager does not lock out the clients.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from handlers.snapstart import after_restore

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "SECRETS_MANAGER_SECRET_ID"  # pragma: allowlist secret
"""The variable holding the secret's name (not a credential: the scanner flags the word)."""
MIN_REFRESH_SECONDS = 60.0
"""The least time between two look-ups that a refused key triggers."""


class SecretUnavailableError(ValueError):
    """The secret cannot be read or is not a JSON object of strings; the message names the secret, never a value."""


class SecretStore(Protocol):
    """Where a secret's current values come from."""

    name: str

    def fetch(self) -> dict[str, str]: ...


class SecretsManagerStore:
    """One Secrets Manager secret holding a JSON object; boto3 honours ``AWS_ENDPOINT_URL`` (moto in the tests)."""

    def __init__(self, secret_id: str) -> None:
        self.name = secret_id
        self._client: Any = None

    def fetch(self) -> dict[str, str]:
        import boto3  # only where a secret store is configured: Lambda's runtime has it, no bundle does
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            self._client = boto3.client("secretsmanager")
        try:
            text = self._client.get_secret_value(SecretId=self.name)["SecretString"]
        except (BotoCoreError, ClientError, KeyError) as exc:  # unreachable, refused, missing, or not a string
            raise SecretUnavailableError(f"secret {self.name} cannot be read: {type(exc).__name__}") from None
        return parse_secret(self.name, text)


def parse_secret(name: str, text: str) -> dict[str, str]:
    """The secret's JSON object, every value a string; a malformed secret is named, its content never shown."""
    try:
        values = json.loads(text)
    except ValueError:
        raise SecretUnavailableError(f"secret {name} must hold a JSON object; it is not JSON") from None
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise SecretUnavailableError(f"secret {name} must hold a JSON object whose values are strings")
    return values


class CachedSecret:
    """A store's values, fetched once and kept; ``refresh`` looks again, at most once per ``min_interval``."""

    def __init__(
        self,
        store: SecretStore,
        *,
        min_interval: float = MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.min_interval = min_interval
        self._clock = clock
        self._values: dict[str, str] | None = None
        self._fetched_at = -float("inf")
        self._lock = threading.Lock()
        self.version = 0
        """Grows each time a look-up finds different values, so a user of them knows to derive them again."""

    def values(self) -> Mapping[str, str]:
        """The values held, fetched now on first use; raises ``SecretUnavailableError`` if that first fetch fails."""
        if self._values is None:
            with self._lock:
                if self._values is None:
                    self._store_values(self.store.fetch())
        assert self._values is not None
        return self._values

    def refresh(self, *, force: bool = False) -> bool:
        """Look again unless the last look-up was under ``min_interval`` ago; True if the values changed.

        A failed look-up is logged and keeps the values held (and still counts, so it is not retried at once).
        """
        with self._lock:
            now = self._clock()
            if not force and now - self._fetched_at < self.min_interval:
                return False
            self._fetched_at = now
            try:
                return self._store_values(self.store.fetch())
            except SecretUnavailableError as exc:
                logger.warning("keeping the secret values held: %s", exc)
                return False

    def _store_values(self, values: dict[str, str]) -> bool:
        self._fetched_at = self._clock()
        if values == self._values:
            return False
        self._values = values
        self.version += 1
        return True


@functools.cache
def stored_secret(secret_id: str) -> CachedSecret:
    """The one cached copy of ``secret_id`` per process, refreshed after a SnapStart restore where that exists."""
    secret = CachedSecret(SecretsManagerStore(secret_id))
    after_restore(lambda: secret.refresh(force=True))
    return secret
