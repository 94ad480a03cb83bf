"""The service's settings, read from the environment once, at the edge; the core gets plain arguments."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from core.paths import MODELS_DIR
from handlers.middleware.auth import api_key_hashes, secret_key_hashes
from handlers.secrets import SECRET_VARIABLE, stored_secret

EXPORTED_SECRETS = ("X_BEARER_TOKEN",)
"""Entries of the secret store that the tweet sources read from the process's environment (never the function's
configuration, which ``lambda:GetFunctionConfiguration`` shows): set from the store at start-up."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"environment variable {name} must be positive, got {value}")
    return value


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"environment variable {name} must be a number of seconds, got {raw!r}") from None
    if not 0 < value < float("inf"):
        raise ValueError(f"environment variable {name} must be positive, got {raw!r}")
    return value


def _seconds_or_off(name: str, default: float) -> float:
    """A number of seconds, or 0 for "never"."""
    raw = os.environ.get(name, "").strip()
    if raw in ("0", "0.0", "off"):
        return 0.0
    return _seconds(name, default)


def _flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw not in ("", "0", "false", "no", "1", "true", "yes"):
        raise ValueError(f"environment variable {name} must be true or false, got {raw!r}")
    return raw in ("1", "true", "yes")


def _names(name: str) -> tuple[str, ...] | None:
    """A comma-separated list of lower-case names; ``None`` when the variable is unset or blank."""
    names = tuple(part.strip().lower() for part in os.environ.get(name, "").split(",") if part.strip())
    return names or None


def _secret_id() -> str | None:
    """``SECRETS_MANAGER_SECRET_ID``, refused beside ``API_KEYS``: keys come from one place, never half from each."""
    secret_id = os.environ.get(SECRET_VARIABLE, "").strip() or None
    if secret_id and (os.environ.get("API_KEYS", "").strip() or os.environ.get("API_KEYS_FILE", "").strip()):
        raise ValueError(f"set either {SECRET_VARIABLE} or API_KEYS/API_KEYS_FILE, not both")
    return secret_id


def _key_hashes(secret_id: str | None) -> frozenset[str]:
    """The accepted keys at start-up: the secret store's (exporting its X token too), else the environment's."""
    required = _flag("AUTH_REQUIRED")
    if secret_id is None:
        return api_key_hashes(os.environ, required=required)
    secret = stored_secret(secret_id)
    hashes = secret_key_hashes(secret, required=required)
    for name in EXPORTED_SECRETS:
        value = secret.values().get(name, "").strip()
        if value and not os.environ.get(name, "").strip():
            os.environ[name] = value
    return hashes


def _script_url(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    if raw and not (raw.startswith(("https://", "http://", "/")) and raw.endswith(".js")):
        raise ValueError(f"environment variable {name} must be an http(s) URL or a path ending in .js, got {raw!r}")
    return raw or None


@dataclass(frozen=True)
class Settings:
    models_dir: Path
    cors_origins: tuple[str, ...]
    max_batch_rows: int
    max_body_bytes: int
    api_key_hashes: frozenset[str] = field(default=frozenset(), repr=False)
    """sha256 hex digests of the accepted ``X-API-Key`` values; empty means the service is open."""
    secret_id: str | None = None
    """``SECRETS_MANAGER_SECRET_ID``: the secret whose ``API_KEYS`` the service accepts, read again on a refused
    key (``handlers.secrets``); ``api_key_hashes`` then holds its keys as they were at start-up."""
    request_timeout_seconds: float = 30.0
    """Each request's budget; on Lambda the invocation's remaining time lowers it."""
    access_log: bool = True
    google_cloud_project: str | None = None
    """Lets the access log link its lines to Cloud Trace; Cloud Run does not set it, the deploy does."""
    tweets_source: str = "bundled"
    """``TWEETS_SOURCE``: ``bundled``, ``file:PATH`` or ``x`` (see ``core.analysis.tweets.sources``)."""
    plotly_js_url: str | None = None
    """``PLOTLY_JS_URL``: where HTML charts load plotly.js from (a CDN); unset, the service serves its own copy."""
    max_users: int = 10
    max_tweets: int = 3200
    warm_analyses: bool = False
    """``WARM_ANALYSES``: run every analysis once at start-up (``core.analysis.warmup``), so no first request imports
    matplotlib; on where start-up is free or snapshotted (the Lambda tweets function), off where one server
    also answers predictions and should start fast (Cloud Run's default)."""

    models_uri: str | None = None
    """``MODELS_URI``: the models store (``file:DIR``, ``s3://bucket/prefix``, ``gs://bucket/prefix``); unset, the
    bundled ``models/`` are served (``models_dir``)."""
    models_alias: str = "prod"
    """``MODELS_ALIAS``: the alias whose version of each model the service answers with by default."""
    models_refresh_seconds: float = 60.0
    """``MODELS_REFRESH_SECONDS``: how often the aliases are checked for a new version; 0 turns it off."""
    models_store_timeout_seconds: float = 5.0
    """``MODELS_STORE_TIMEOUT_SECONDS``: how long one request to the models store may wait to connect, and then for
    data, with one retry: a refresh that runs inside a request (Lambda, Cloud Functions) is bounded by it when the
    store is out of reach, instead of by the SDKs' defaults (a minute a request, retried)."""

    lambda_event_kinds: tuple[str, ...] | None = None
    """``LAMBDA_EVENT_KINDS``: the event kinds a Lambda function serves (``http,direct``; unset: every kind in
    ``handlers.aws_lambda.EVENT_KINDS``). Set per function in serverless.yml: the app is built at INIT only
    where ``http`` is served, so a function for other kinds never imports FastAPI."""

    @classmethod
    def from_env(cls) -> Settings:
        origins = os.environ.get("CORS_ALLOW_ORIGINS", "*")
        secret_id = _secret_id()
        return cls(
            models_dir=Path(os.environ.get("MODELS_DIR") or MODELS_DIR),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            max_batch_rows=_int("MAX_BATCH_ROWS", 100_000),
            max_body_bytes=_int("MAX_BODY_BYTES", 32 * 1024 * 1024),
            api_key_hashes=_key_hashes(secret_id),
            secret_id=secret_id,
            request_timeout_seconds=_seconds("REQUEST_TIMEOUT_SECONDS", 30.0),
            access_log=os.environ.get("ACCESS_LOG", "on").strip().lower() not in ("off", "0", "false", "no"),
            google_cloud_project=os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCP_PROJECT") or None,
            tweets_source=os.environ.get("TWEETS_SOURCE", "").strip() or "bundled",
            plotly_js_url=_script_url("PLOTLY_JS_URL"),
            max_users=_int("MAX_USERS", 10),
            max_tweets=_int("MAX_TWEETS", 3200),
            warm_analyses=_flag("WARM_ANALYSES"),
            lambda_event_kinds=_names("LAMBDA_EVENT_KINDS"),
            models_uri=os.environ.get("MODELS_URI", "").strip() or None,
            models_alias=os.environ.get("MODELS_ALIAS", "").strip() or "prod",
            models_refresh_seconds=_seconds_or_off("MODELS_REFRESH_SECONDS", 60.0),
            models_store_timeout_seconds=_seconds("MODELS_STORE_TIMEOUT_SECONDS", 5.0),
        )


@functools.cache
def settings() -> Settings:
    return Settings.from_env()
