"""The tweet every source returns, and the one interface a tweet source implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Tweet:
    """One tweet; ``created_at`` is timezone-aware UTC and ``id`` a string (tweet ids do not fit a double)."""

    screen_name: str
    created_at: dt.datetime
    text: str
    id: str | None = None


class TweetSource(Protocol):
    """Gives the last ``n`` tweets of each account.

    ``fetch`` returns, for each requested user in the order asked, the user's last ``n`` tweets by
    ``created_at`` (oldest first), keyed by the requested handle. It raises ``UnknownAccountError``
    naming the first account that does not exist or has no tweets, and ``UpstreamError`` subclasses
    for failures of a remote source. ``deadline`` is a ``time.monotonic()`` instant after which a
    remote source gives up with ``UpstreamTimeoutError`` instead of answering late or partially.
    """

    name: str

    def fetch(self, users: Sequence[str], n: int, *, deadline: float | None = None) -> dict[str, list[Tweet]]: ...
