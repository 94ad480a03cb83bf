"""Tweets from a CSV or CSV.gz file (the bundled corpus or ``file:PATH``), read once and indexed per account.

One reader serves both sources; only the column layout differs. Python's ``csv`` module reads lines split
as ``newline=""`` splits them, so quoted line breaks and bare ``\\r`` inside texts come back byte for byte.
Accounts match case-insensitively, as X handles do. Each account's tweets are kept sorted oldest first, so the
last ``n`` is a slice: the cost of a warm fetch does not depend on the size of the file. ``created_at`` is
ISO-8601 or X's own format (``core.analysis.tweets.sources.times``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import gzip
import itertools
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.analysis.tweets.sources.common import account_key, check_request, shown
from core.analysis.tweets.sources.times import EXAMPLES, parse_time, utc
from core.analysis.tweets.types import Tweet
from core.errors import SourceUnavailableError, UnknownAccountError

logger = logging.getLogger(__name__)

BUNDLED_ACCOUNT = "realDonaldTrump"


class TweetFileError(ValueError):
    """The tweet file cannot be used: missing, unreadable, a required column absent, or a row malformed.

    A configuration error for the operator. ``str()`` names the whole path (for the log); ``public`` names
    only the file (for a client's 503): the operator chose that name, the directories are the server's.
    """

    def __init__(self, path: Path, reason: str, *, where: str = "") -> None:
        self.path, self.reason, self.where = path, reason, where
        super().__init__(self._told(str(path)))

    def _told(self, file: str) -> str:
        return f"{file}{', ' + self.where if self.where else ''}: {self.reason}"

    @property
    def public(self) -> str:
        """The file's name, where in it (``data row 3 (line 4)``) and what is wrong, without its directory."""
        return self._told(self.path.name)


@dataclass(frozen=True)
class CsvLayout:
    """Which columns hold what. ``screen_name_column=None`` means every row belongs to ``fixed_account``."""

    screen_name_column: str | None
    id_column: str
    id_required: bool
    fixed_account: str | None = None

    def required(self) -> tuple[str, ...]:
        names = (self.screen_name_column,) if self.screen_name_column else ()
        return (*names, "created_at", "text", *((self.id_column,) if self.id_required else ()))


#: ``data/trump_tweets.csv.gz`` (dslabs ``trump_tweets``): no account column, ids in ``id_str``.
BUNDLED_LAYOUT = CsvLayout(screen_name_column=None, id_column="id_str", id_required=True, fixed_account=BUNDLED_ACCOUNT)
#: ``file:PATH``: ``screen_name,created_at,text`` and an optional ``id``; several accounts per file.
FILE_LAYOUT = CsvLayout(screen_name_column="screen_name", id_column="id", id_required=False)


def _unreadable(path: Path, exc: BaseException) -> TweetFileError:
    """``exc`` as a reason that does not repeat the path (an ``OSError``'s ``str`` holds the whole of it)."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return TweetFileError(path, f"cannot be read ({reason})")


def _lines(path: Path) -> Iterator[str]:
    """The file's lines, gunzipped when its name ends in ``.gz``, split as ``newline=""`` splits them, ends kept.

    Each line is decoded on its own (UTF-8 never puts ``\n`` or ``\r`` inside a character): one emoji would
    otherwise make the whole 4 MB text a 16 MB four-bytes-per-character string, and the parse 20-25 % slower.
    """
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise _unreadable(path, exc) from exc
    return map(bytes.decode, raw.removeprefix(codecs.BOM_UTF8).splitlines(keepends=True))


def _columns(path: Path, header: Sequence[str], layout: CsvLayout) -> dict[str, int]:
    index = {name.strip(): i for i, name in reversed(list(enumerate(header)))}
    missing = [name for name in layout.required() if name not in index]
    if missing:
        raise TweetFileError(
            path,
            f"no column {', '.join(repr(m) for m in missing)}; it needs {', '.join(layout.required())} "
            f"(found: {', '.join(header) or 'no header'})",
            where="header",
        )
    return index


def check_header(path: Path, layout: CsvLayout) -> None:
    """Fail fast (at startup) on a missing file or a missing column, without reading every row."""
    if not path.is_file():
        raise TweetFileError(path, "no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as text:
            header = next(csv.reader(text), [])
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise _unreadable(path, exc) from exc
    _columns(path, header, layout)


def _row(path: Path, number: int) -> str:
    """Where data row ``number`` is, also as the line an editor shows (texts may hold line breaks).

    Only called to name a bad row, so the file is read a second time rather than every row's line kept.
    """
    reader = csv.reader(_lines(path))
    next(reader, None)
    seen, start = 0, reader.line_num + 1
    for row in reader:
        seen += bool(row)
        if seen == number:
            return f"data row {number} (line {start})"
        start = reader.line_num + 1
    return f"data row {number}"


def _records(path: Path, layout: CsvLayout) -> tuple[list[list[str]], dict[str, int]]:
    """The data rows (blank lines dropped) and the column index; every row long enough for the columns used."""
    reader = csv.reader(_lines(path))
    try:
        columns = _columns(path, next(reader, []), layout)
        rows = [row for row in reader if row]
    except csv.Error as exc:
        raise TweetFileError(path, f"not CSV ({exc})", where=f"line {reader.line_num}") from exc
    except UnicodeDecodeError as exc:  # raised while fetching the next line, before the reader counts it
        raise TweetFileError(path, f"not UTF-8 ({exc.reason})", where=f"line {reader.line_num + 1}") from exc
    width = 1 + max(columns[name] for name in layout.required())
    if rows and min(map(len, rows)) < width:
        short = next(number for number, row in enumerate(rows, 1) if len(row) < width)
        fields = len(rows[short - 1])
        raise TweetFileError(path, f"{fields} fields where {width} are needed", where=_row(path, short))
    return rows, columns


def _times(path: Path, rows: list[list[str]], at: int) -> list[dt.datetime]:
    """Every row's ``created_at`` in UTC; the fast path reads ISO-8601 in one pass, the slow one reads X's format
    too and names the first row that is neither."""
    try:
        times = [dt.datetime.fromisoformat(row[at]) for row in rows]
    except ValueError:
        times = []
        for number, row in enumerate(rows, 1):
            try:
                times.append(parse_time(row[at]))
            except ValueError:
                reason = f"created_at {shown(row[at])} is not a time: write it as {EXAMPLES}"
                raise TweetFileError(path, reason, where=_row(path, number)) from None
    return [t if t.tzinfo is dt.UTC else utc(t) for t in times]


def _names(path: Path, rows: list[list[str]], layout: CsvLayout, columns: dict[str, int]) -> list[str]:
    """Every row's account; one file may spell an account in several cases: its first spelling is kept."""
    if layout.screen_name_column is None:
        return [layout.fixed_account or ""] * len(rows)
    column = columns[layout.screen_name_column]
    spelling: dict[str, str] = {}
    names = []
    for number, row in enumerate(rows, 1):
        name = row[column].strip()
        if not name:
            raise TweetFileError(path, "empty screen_name", where=_row(path, number))
        names.append(spelling.setdefault(account_key(name), name))
    return names


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
    rows, columns = _records(path, layout)
    times = _times(path, rows, columns["created_at"])
    names = _names(path, rows, layout, columns)
    text_column, id_column = columns["text"], columns.get(layout.id_column)
    texts = [row[text_column] for row in rows]
    ids = [row[id_column] or None for row in rows] if id_column is not None else [None] * len(rows)
    id_keys = [i or "" for i in ids]
    keys = list(zip(times, map(len, id_keys), id_keys, strict=True))  # the order of common.sort_key
    groups: dict[str, list[int]] = {}
    if layout.screen_name_column is None:
        if rows:
            groups[names[0]] = list(range(len(rows)))
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
