"""The X source's settings, read from the environment in one place: credentials and the time budget of a fetch."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

BEARER_VARIABLE = "X_BEARER_TOKEN"
OAUTH_VARIABLES = ("API_KEY", "API_SECRET_KEY", "ACCESS_TOKEN", "ACCESS_SECRET")
BUDGET_VARIABLE = "X_FETCH_DEADLINE_SECONDS"
DEFAULT_BUDGET_SECONDS = 10.0


@dataclass(frozen=True, repr=False)
class XCredentials:
    """An app-only bearer token, or OAuth 1.0a user context (the R service's four values); ``repr`` hides both."""

    bearer_token: str | None = None
    oauth1: tuple[str, str, str, str] | None = None

    def __repr__(self) -> str:
        return f"XCredentials({'bearer' if self.bearer_token else 'oauth1'})"

    @property
    def variables(self) -> str:
        """The environment variables to check when X rejects these credentials."""
        return BEARER_VARIABLE if self.bearer_token else ", ".join(OAUTH_VARIABLES[:3]) + " and " + OAUTH_VARIABLES[3]

    def secrets(self) -> tuple[str, ...]:
        return (self.bearer_token,) if self.bearer_token else (self.oauth1 or ())

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> XCredentials:
        """The one place the X credentials are read: ``X_BEARER_TOKEN`` if set, else all four OAuth 1.0a variables.

        Raises ``ValueError`` (a startup error) naming the variables that are missing, never a value.
        """
        bearer = environ.get(BEARER_VARIABLE, "").strip()
        if bearer:
            return cls(bearer_token=bearer)
        key, key_secret, token, token_secret = (environ.get(name, "").strip() for name in OAUTH_VARIABLES)
        missing = [name for name in OAUTH_VARIABLES if not environ.get(name, "").strip()]
        if not missing:
            return cls(oauth1=(key, key_secret, token, token_secret))
        if len(missing) < len(OAUTH_VARIABLES):
            raise ValueError(f"TWEETS_SOURCE=x: OAuth 1.0a needs all four variables; {', '.join(missing)} not set")
        raise ValueError(f"TWEETS_SOURCE=x needs {BEARER_VARIABLE}, or all four of {', '.join(OAUTH_VARIABLES)}")


def budget_from_environ(environ: Mapping[str, str]) -> float:
    """``X_FETCH_DEADLINE_SECONDS`` (default 10): the most one fetch may take, all pages included."""
    raw = environ.get(BUDGET_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_BUDGET_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"environment variable {BUDGET_VARIABLE} must be a positive number of seconds, got {raw!r}")
    return seconds
