"""Tweets from a CSV or CSV.gz file (the bundled corpus or ``file:PATH``), read once and indexed per account.

One reader serves both sources; only the column layout differs. Accounts match case-insensitively, as X
handles do. Each account's tweets are kept sorted oldest first, so the last ``n`` is a slice: the cost of a
warm fetch does not depend on the size of the file. Reading and checking the rows is ``csv_rows``'s job;
``created_at`` is ISO-8601 or X's own format (``times``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.analysis.tweets.sources.common import account_key, check_request, shown
from core.analysis.tweets.sources.csv_rows import (
    BUNDLED_LAYOUT,
    FILE_LAYOUT,
    CsvLayout,
    TweetFileError,
    check_header,
    read_rows,
)
from core.analysis.tweets.types import Tweet
from core.errors import SourceUnavailableError, UnknownAccountError

logger = logging.getLogger(__name__)

__all__ = [
    "BUNDLED_LAYOUT",
    "FILE_LAYOUT",
    "AccountTweets",
    "CsvTweetSource",
    "TweetFileError",
    "TweetIndex",
    "load_index",
]


class AccountTweets:
    """One account's tweets, oldest first, as columns; ``Tweet`` objects are made only for the slices asked for.

    Making 20,000 ``Tweet`` objects would cost more than parsing the times; a fetch makes its ``n`` once,
    keeps the longest suffix made so far, and later fetches of up to that many slice it.
    """

    def __init__(self, name: str, times: list[dt.datetime], texts: list[str], ids: list[str | None]) -> None:
        self.name = name
        self._times, self._texts, self._ids = times, texts, ids
        self._made: tuple[Tweet, ...] = ()

    def __len__(self) -> int:
        return len(self._times)

    def last(self, n: int) -> list[Tweet]:
        size = min(n, len(self._times))
        made = self._made
        if len(made) < size:
            start = len(self._times) - size
            names = itertools.repeat(self.name, size)
            made = tuple(map(Tweet, names, self._times[start:], self._texts[start:], self._ids[start:]))
            self._made = made  # a racing fetch may make the same tuple again: harmless
        return list(made[len(made) - size :])


@dataclass(frozen=True)
class TweetIndex:
    """Every account's tweets under ``account_key``, with the row count and the seconds the load took."""

    by_account: dict[str, AccountTweets]
    rows: int
    seconds: float


def _index(path: Path, layout: CsvLayout) -> dict[str, AccountTweets]:
    table = read_rows(path, layout)
    times, names, texts, ids = table.times, table.names, table.texts, table.ids
    id_keys = [i or "" for i in ids]
    keys = list(zip(times, map(len, id_keys), id_keys, strict=True))  # the order of common.sort_key
    groups: dict[str, list[int]] = {}
    if layout.screen_name_column is None:
        if times:
            groups[names[0]] = list(range(len(times)))
    else:
        for number, name in enumerate(names):  # names hold one spelling per account: group by it
            groups.setdefault(name, []).append(number)
    by_account = {}
    for name, members in groups.items():
        members.sort(key=keys.__getitem__)
        by_account[account_key(name)] = AccountTweets(
            name,
            list(map(times.__getitem__, members)),
            list(map(texts.__getitem__, members)),
            list(map(ids.__getitem__, members)),
        )
    return by_account


_LOAD_LOCK = threading.Lock()


def load_index(path: Path, layout: CsvLayout) -> TweetIndex:
    """Read and index the file once per process (cached by path and layout, and so is a failure).

    Concurrent first requests wait for one load instead of each reading the corpus: without the lock,
    16 requests on a cold server held 16 copies at once and left RSS at 258 MB instead of 92 MB. A file
    that cannot be used is read and logged once, not again on every request that asks for it.

    Raises
    ------
    TweetFileError
        naming the file, where in it (``data row 3 (line 4)``) and what is wrong.
    """
    with _LOAD_LOCK:
        loaded = _load_index(path, layout)
    if isinstance(loaded, TweetFileError):  # a new instance each time: re-raising one would grow its traceback
        raise TweetFileError(loaded.path, loaded.reason, where=loaded.where)
    return loaded


@functools.cache
def _load_index(path: Path, layout: CsvLayout) -> TweetIndex | TweetFileError:
    started = time.perf_counter()
    try:
        by_account = _index(path, layout)
    except TweetFileError as exc:
        logger.error("tweets cannot be read from %s", exc)  # the one log line of it, with the whole path
        return exc
    seconds = time.perf_counter() - started
    rows = sum(len(account) for account in by_account.values())
    logger.info("loaded %d tweets of %d accounts from %s in %.3f s", rows, len(by_account), path.name, seconds)
    return TweetIndex(by_account=by_account, rows=rows, seconds=seconds)


class CsvTweetSource:
    """A ``TweetSource`` over a CSV file: the bundled corpus or a ``file:PATH`` one.

    Parameters
    ----------
    path:
        The file; ``.gz`` means gzip.
    layout:
        ``BUNDLED_LAYOUT`` or ``FILE_LAYOUT``.
    name:
        What the source calls itself (``"bundled"`` or ``"file"``); never the path.
    """

    def __init__(self, path: Path, layout: CsvLayout, *, name: str) -> None:
        self.path = path
        self.layout = layout
        self.name = name

    def check(self) -> None:
        """Raise ``TweetFileError`` now if the file or a required column is missing."""
        check_header(self.path, self.layout)

    def preload(self) -> None:
        """Read and index the file now (at set-up, or ``core.analysis.warmup``), logging what makes it unusable.

        A file that cannot be used does not stop the start: predictions are still served, and every tweet
        request answers 503 with the same reason.
        """
        try:
            load_index(self.path, self.layout)
        except TweetFileError:
            pass  # logged once by load_index

    def _index(self) -> TweetIndex:
        try:
            return load_index(self.path, self.layout)
        except TweetFileError as exc:
            # The log has the whole path; the client gets the file's name, the row and the reason, which the
            # operator needs to fix it and which hold no secret (the directories, the server's layout, stay out).
            message = f"the {self.name} tweets cannot be read on this deployment: {exc.public}"
            raise SourceUnavailableError(message) from exc

    def fetch(self, users: Sequence[str], n: int, *, deadline: float | None = None) -> dict[str, list[Tweet]]:
        """The last ``n`` tweets of each user, oldest first; ``deadline`` is ignored (no remote calls).

        Raises
        ------
        UnknownAccountError
            naming the first requested account that has no tweets in the file (``field="users"``).
        InvalidInputError
            when ``n`` is below 1 or no account is named.
        SourceUnavailableError
            when the file is absent or malformed: its message names the file (not its directory), the row and
            the reason; the log line has the whole path.
        """
        check_request(users, n)
        by_account = self._index().by_account
        result: dict[str, list[Tweet]] = {}
        for user in users:
            account = by_account.get(account_key(user))
            if account is None:
                message = f"no tweets of account {shown(user)} in the {self.name} tweets"
                raise UnknownAccountError(message, field="users")
            result[user] = account.last(n)
        return result
