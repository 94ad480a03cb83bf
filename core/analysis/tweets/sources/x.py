"""Tweets from the X API v2 through ``tweepy.Client``: handles resolved in one call, timelines paged to ``n``.

One time budget covers the whole fetch: the smaller of ``X_FETCH_DEADLINE_SECONDS`` and the caller's
``deadline``. Every request is sent with a timeout equal to what is left of it, and none starts once it
is spent, so a slow or silent X costs at most the budget. Failures become the core errors the edge maps:

* unknown, suspended or protected account -> ``UnknownAccountError`` naming it (404)
* rejected credentials (401/403) -> ``UpstreamAuthError`` naming the variables to check, never a value (502)
* rate limited (429) -> ``UpstreamRateLimitedError``, ``retry_after`` from ``x-rate-limit-reset`` (429)
* 5xx, connection failure, malformed or truncated body -> ``UpstreamError`` (502)
* budget spent or request timed out -> ``UpstreamTimeoutError`` (504)

A result is returned only when every page asked for arrived whole: a failing page fails the fetch.
tweepy (0.7 s to import) loads on the first fetch only.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence

from core.analysis.tweets.sources import redaction
from core.analysis.tweets.sources.common import account_key, check_request, last_n, shown
from core.analysis.tweets.sources.x_client import Conversation
from core.analysis.tweets.sources.x_credentials import DEFAULT_BUDGET_SECONDS, XCredentials, budget_from_environ
from core.analysis.tweets.sources.x_wire import Problem, TweetsBody, User
from core.analysis.tweets.types import Tweet
from core.errors import CoreError, InvalidInputError, UnknownAccountError, UpstreamError

logger = logging.getLogger(__name__)

PAGE_MIN, PAGE_MAX = 5, 100  # the timeline endpoint's bounds on max_results
LOOKUP_MAX = 100  # usernames per GET /2/users/by
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")


def _account_problem(handle: str, problem: Problem | None) -> CoreError:
    """The error for an account X did not give: suspended, protected, or not there."""
    text = f"{problem.title} {problem.detail} {problem.type}".casefold() if problem else ""
    if "suspended" in text or (problem is not None and problem.title.casefold() == "forbidden"):
        return UnknownAccountError(f"account {shown(handle)} is suspended on X", field="users")
    if "not-authorized" in text or "authorization" in text:
        return UnknownAccountError(f"the tweets of account {shown(handle)} are protected on X", field="users")
    if problem is None or "not-found" in text or "not found" in text:
        return UnknownAccountError(f"no account {shown(handle)} on X", field="users")
    return UpstreamError(f"the X API could not give account {shown(handle)}: {problem.title or 'unknown problem'}")


def _problem_for(key: str, problems: Sequence[Problem]) -> Problem | None:
    return next((p for p in problems if isinstance(p.value, str) and account_key(p.value) == key), None)


class XSource:
    """A ``TweetSource`` reading the X API v2 (the last 3200 tweets of an account are all the API gives).

    Parameters
    ----------
    credentials:
        Bearer token or OAuth 1.0a values; see ``XCredentials.from_environ``.
    budget_seconds:
        The longest one ``fetch`` may take, every request included.
    """

    name = "x"

    def __init__(self, credentials: XCredentials, *, budget_seconds: float = DEFAULT_BUDGET_SECONDS) -> None:
        self._credentials = credentials
        self.budget_seconds = budget_seconds
        redaction.protect(credentials.secrets())

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> XSource:
        return cls(XCredentials.from_environ(environ), budget_seconds=budget_from_environ(environ))

    def fetch(self, users: Sequence[str], n: int, *, deadline: float | None = None) -> dict[str, list[Tweet]]:
        """The last ``n`` tweets of each user, oldest first, or an error; never a partial result.

        Raises
        ------
        InvalidInputError
            ``field="users"`` for a name that cannot be an X handle; ``field="n"`` for ``n`` below 1.
        UnknownAccountError
            naming the first account that does not exist, is suspended or protected, or has no tweets.
        UpstreamError
            and its subclasses, as listed in the module docstring.
        """
        check_request(users, n)
        for user in users:
            if not _HANDLE.fullmatch(user):
                raise InvalidInputError(f"{shown(user)} is not an X handle (1-15 letters, digits or _)", field="users")
        started = time.monotonic()
        end = started + self.budget_seconds if deadline is None else min(deadline, started + self.budget_seconds)
        budget = max(0.0, end - started)
        conversation = Conversation(self._credentials, end, budget)
        try:
            accounts = self._resolve(conversation, users)
            timelines: dict[str, list[Tweet]] = {}
            for user in users:
                key = account_key(user)
                if key not in timelines:
                    timelines[key] = self._timeline(conversation, accounts[key], n)
        finally:
            conversation.close()
        count = sum(len(t) for t in timelines.values())
        logger.info(
            "fetched %d tweets of %d accounts from the X API in %.2f s (%d requests)",
            count,
            len(timelines),
            time.monotonic() - started,
            conversation.requests,
        )
        return {user: list(timelines[account_key(user)]) for user in users}

    @staticmethod
    def _resolve(conversation: Conversation, users: Sequence[str]) -> dict[str, User]:
        """Each distinct handle's user id and canonical username, up to 100 handles per request."""
        keys = list(dict.fromkeys(account_key(u) for u in users))
        first_spelling = {account_key(u): u for u in reversed(users)}
        found: dict[str, User] = {}
        problems: list[Problem] = []
        for start in range(0, len(keys), LOOKUP_MAX):
            body = conversation.users([first_spelling[k] for k in keys[start : start + LOOKUP_MAX]])
            found.update((account_key(u.username), u) for u in body.data)
            problems.extend(body.errors)
        for key in keys:
            if key not in found:
                raise _account_problem(first_spelling[key], _problem_for(key, problems))
        return found

    @staticmethod
    def _timeline(conversation: Conversation, user: User, n: int) -> list[Tweet]:
        """Pages of the user's timeline (newest first) until ``n`` tweets or no ``next_token``."""
        collected: list[Tweet] = []
        token: str | None = None
        seen: set[str] = set()
        while len(collected) < n:
            page = conversation.timeline_page(user, min(PAGE_MAX, max(PAGE_MIN, n - len(collected))), token)
            _check_page(page, user)
            collected.extend(Tweet(user.username, t.created_at, t.text, t.id) for t in page.data)
            token = page.meta.next_token if page.meta else None
            if token is None:
                break
            if token in seen:
                raise UpstreamError(f"the X API repeated a page of the timeline of {shown(user.username)}")
            seen.add(token)
        if not collected:
            raise UnknownAccountError(f"account {shown(user.username)} has no tweets on X", field="users")
        return last_n(collected, n)


def _check_page(page: TweetsBody, user: User) -> None:
    """A page is whole: no account problem, and as many tweets as its ``result_count`` says."""
    problems = [p for p in page.errors if p.section != "includes"]
    if problems:
        raise _account_problem(user.username, problems[0])
    if page.meta is None:
        raise UpstreamError(f"the X API sent a page of the timeline of {shown(user.username)} without its meta")
    if page.meta.result_count != len(page.data):
        raise UpstreamError(
            f"the X API sent a truncated page of the timeline of {shown(user.username)} "
            f"({len(page.data)} of {page.meta.result_count} tweets)"
        )
