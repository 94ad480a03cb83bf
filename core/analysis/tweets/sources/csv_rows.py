"""The rows of a tweet CSV, read and checked: which columns hold what, and each problem named with the file,
the data row, its line and the reason.

Python's ``csv`` module reads lines split as ``newline=""`` splits them, so quoted line breaks and bare ``\\r``
inside texts come back byte for byte. ``created_at`` is ISO-8601 or X's own format (``times``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.analysis.tweets.sources.common import account_key, shown
from core.analysis.tweets.sources.times import EXAMPLES, parse_time, utc

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


@dataclass(frozen=True)
class TweetRows:
    """Every data row's account (one spelling per account), time in UTC, text and id, in the file's order."""

    names: list[str]
    times: list[dt.datetime]
    texts: list[str]
    ids: list[str | None]


def read_rows(path: Path, layout: CsvLayout) -> TweetRows:
    """The file's tweets as columns, every row checked.

    Raises
    ------
    TweetFileError
        for a missing or unreadable file, a missing column, or the first malformed row (named).
    """
    rows, columns = _records(path, layout)
    times = _times(path, rows, columns["created_at"])
    names = _names(path, rows, layout, columns)
    text_column, id_column = columns["text"], columns.get(layout.id_column)
    texts = [row[text_column] for row in rows]
    ids: list[str | None] = [row[id_column] or None for row in rows] if id_column is not None else [None] * len(rows)
    return TweetRows(names=names, times=times, texts=texts, ids=ids)
