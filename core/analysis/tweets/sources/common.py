"""What every tweet source shares: the argument checks, the "last n" rule, and how handles compare and are quoted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from core.analysis.tweets.types import Tweet
from core.errors import EmptyInputError, InvalidInputError


def account_key(handle: str) -> str:
    """The form under which accounts are compared: X handles are case-insensitive."""
    return handle.casefold()


def sort_key(tweet: Tweet) -> tuple[dt.datetime, int, str]:
    """Oldest first; ties on ``created_at`` broken by id, numerically for digit ids (R's ``desc(id_str)`` order)."""
    ident = tweet.id or ""
    return tweet.created_at, len(ident), ident


def last_n(tweets: Sequence[Tweet], n: int) -> list[Tweet]:
    """The ``n`` latest tweets by ``created_at``, oldest first; ``tweets`` need not be sorted."""
    ordered = sorted(tweets, key=sort_key)
    return ordered[-n:] if n < len(ordered) else ordered


def check_request(users: Sequence[str], n: int) -> None:
    """The checks every source makes on its arguments before doing any work.

    Raises
    ------
    InvalidInputError
        ``field="n"`` when ``n`` is not a whole number of at least 1.
    EmptyInputError
        ``field="users"`` when no account is named.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"n must be a whole number of at least 1, got {n!r}", field="n")
    if not users:
        raise EmptyInputError("name at least one account", field="users")


def shown(handle: str) -> str:
    """A handle as an error message quotes it: bounded, so a huge input cannot make a huge message."""
    return repr(handle if len(handle) <= 40 else handle[:40] + "…")
