"""One fetch's requests to the X API: tweepy's client on a session that keeps the time budget, failures mapped.

Every request carries a timeout of what is left of the budget and none starts once it is spent. Each
failure becomes a core error: timeouts and a spent budget ``UpstreamTimeoutError``; 429
``UpstreamRateLimitedError`` (``retry_after`` from ``x-rate-limit-reset``, else ``Retry-After``);
401/403 ``UpstreamAuthError`` naming the variables to check; 404 on a timeline ``UnknownAccountError``;
any other status, a connection failure or a body that is not the documented JSON ``UpstreamError``.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

import requests
import requests.adapters

from core.analysis.tweets.sources.common import shown
from core.analysis.tweets.sources.x_credentials import XCredentials
from core.analysis.tweets.sources.x_wire import BodyT, TweetsBody, User, UsersBody, decode
from core.errors import (
    CoreError,
    UnknownAccountError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
)

#: What a malformed body raises: msgspec's DecodeError (a ValueError) from us, or, from tweepy reading an
#: error body that is not the JSON object it expects, a JSON error, AttributeError, LookupError or TypeError.
_MALFORMED = (ValueError, LookupError, TypeError, AttributeError)


class _BudgetSpent(Exception):
    """Raised inside a request when the fetch's time budget is gone; becomes ``UpstreamTimeoutError``."""


@functools.cache
def connection_pool() -> requests.adapters.HTTPAdapter:
    """One connection pool per process, so a warm instance reuses its TLS connection to X across fetches."""
    return requests.adapters.HTTPAdapter(pool_maxsize=8)


class BudgetSession(requests.Session):
    """A session whose every request carries a timeout of what is left of the budget, and none starts past it.

    Each fetch gets its own session (the budget is per fetch); they share the process's connection pool.
    """

    def __init__(self, end: float) -> None:
        super().__init__()
        self.end = end
        self._shared = connection_pool()
        self.mount("https://", self._shared)

    def close(self) -> None:
        """Close this session's own adapters but keep the shared pool: the next fetch reuses its connections."""
        for adapter in self.adapters.values():
            if adapter is not self._shared:
                adapter.close()

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        left = self.end - time.monotonic()
        if left <= 0:
            raise _BudgetSpent
        kwargs["timeout"] = left  # requests applies it to the connect and to every read
        response = super().request(method, url, *args, **kwargs)
        if time.monotonic() > self.end:
            response.close()
            raise _BudgetSpent
        reset = response.headers.get("x-rate-limit-reset")
        if reset is not None and not reset.strip().isdigit():
            del response.headers["x-rate-limit-reset"]  # tweepy would int() it and fail: treat it as absent
        return response


def _retry_after(response: requests.Response | None, reset_time: int | None) -> int | None:
    """Seconds until the rate limit resets (at least 1), from ``x-rate-limit-reset`` or ``Retry-After``."""
    if reset_time is not None:
        return max(1, math.ceil(reset_time - time.time()))
    header = (response.headers.get("retry-after", "") if response is not None else "").strip()
    return max(1, int(header)) if header.isdigit() else None


class Conversation:
    """One fetch's requests to X: a tweepy client on a ``BudgetSession``, each failure mapped to a core error."""

    def __init__(self, credentials: XCredentials, end: float, budget: float) -> None:
        import tweepy  # lazily: 0.7 s of imports that only the X source needs

        self._tweepy = tweepy
        self._credentials = credentials
        self._budget = budget
        self.session = BudgetSession(end)
        if credentials.bearer_token:
            client = tweepy.Client(
                bearer_token=credentials.bearer_token, return_type=requests.Response, wait_on_rate_limit=False
            )
        else:
            key, key_secret, token, token_secret = credentials.oauth1 or ("", "", "", "")
            client = tweepy.Client(
                consumer_key=key,
                consumer_secret=key_secret,
                access_token=token,
                access_token_secret=token_secret,
                return_type=requests.Response,
                wait_on_rate_limit=False,
            )
        client.session.close()
        client.session = self.session
        self._client = client
        self._user_auth = credentials.bearer_token is None
        self.requests = 0

    def users(self, handles: list[str]) -> UsersBody:
        return self._send(UsersBody, None, self._client.get_users, usernames=handles)

    def timeline_page(self, user: User, max_results: int, token: str | None) -> TweetsBody:
        return self._send(
            TweetsBody,
            user.username,
            self._client.get_users_tweets,
            user.id,
            max_results=max_results,
            tweet_fields=["created_at"],
            pagination_token=token,
        )

    def _send(
        self, body_type: type[BodyT], handle: str | None, call: Callable[..., Any], *args: Any, **params: Any
    ) -> BodyT:
        tweepy = self._tweepy
        self.requests += 1
        try:
            response = call(*args, user_auth=self._user_auth, **params)
            return decode(response.content, body_type)
        except CoreError:
            raise
        except (_BudgetSpent, tweepy.TweepyException, requests.RequestException, *_MALFORMED) as exc:
            raise self._mapped(exc, handle) from exc

    def _mapped(self, exc: Exception, handle: str | None) -> CoreError:
        tweepy = self._tweepy
        if isinstance(exc, _BudgetSpent | requests.Timeout) or time.monotonic() >= self.session.end:
            return UpstreamTimeoutError(f"the X API did not answer in time (budget {self._budget:g} s)")
        if isinstance(exc, tweepy.TooManyRequests):
            retry_after = _retry_after(exc.response, exc.reset_time)
            return UpstreamRateLimitedError("the X API is rate limiting this service", retry_after=retry_after)
        if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
            status, names = exc.response.status_code, self._credentials.variables
            return UpstreamAuthError(f"the X API rejected this service's credentials ({status}); check {names}")
        if isinstance(exc, tweepy.NotFound) and handle is not None:
            return UnknownAccountError(f"no account {shown(handle)} on X", field="users")
        if isinstance(exc, tweepy.HTTPException):
            return UpstreamError(f"the X API failed ({exc.response.status_code})")
        if isinstance(exc, requests.ConnectionError):
            return UpstreamError("could not reach the X API (connection failed or was reset)")
        if isinstance(exc, requests.RequestException):
            return UpstreamError("the connection to the X API failed")
        return UpstreamError("the X API sent a response this service cannot read")

    def close(self) -> None:
        self.session.close()
