"""Reads a tweet file's ``created_at``: ISO-8601, or X's own format as the v1.1 API and rtweet write it.

* ISO-8601, with ``T`` or a space, optional fractions: ``2018-10-10T20:19:24Z``, ``2018-10-10 20:19:24+02:00``,
  ``2018-10-10T20:19:24.000Z`` (the v2 API). A time without a zone is UTC, as R's ``ymd_hms(tz = "UTC")``
  reads it (rtweet's CSVs write UTC without a zone); a date alone is midnight UTC.
* X's v1.1 format: ``Wed Oct 10 20:19:24 +0000 2018``. Read without ``strptime``, whose ``%a``/``%b`` follow
  the process's locale: a server started under ``de_DE`` would refuse every English month name.
"""

from __future__ import annotations

import datetime as dt
import re

EXAMPLES = "2018-10-10T20:19:24Z or Wed Oct 10 20:19:24 +0000 2018"
"""One of each accepted form, for the messages that refuse a time."""

_MONTHS = {
    m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}
_X_FORMAT = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?P<month>[A-Z][a-z]{2}) (?P<day>\d{2}) "
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}) (?P<sign>[+-])(?P<oh>\d{2})(?P<om>\d{2}) (?P<year>\d{4})"
)


def utc(moment: dt.datetime) -> dt.datetime:
    """The same instant in UTC; a time without a zone is taken to be UTC already."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _x_time(value: str) -> dt.datetime:
    match = _X_FORMAT.fullmatch(value)
    if match is None or match["month"] not in _MONTHS:
        raise ValueError(value)
    offset = dt.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    zone = dt.timezone(-offset if match["sign"] == "-" else offset)
    parts = (int(match[name]) for name in ("year", "day", "hour", "minute", "second"))
    year, day, hour, minute, second = parts
    return dt.datetime(year, _MONTHS[match["month"]], day, hour, minute, second, tzinfo=zone)


def parse_time(value: str) -> dt.datetime:
    """``value`` (ISO-8601 or X's format, surrounding spaces ignored) as an aware time in UTC.

    Raises
    ------
    ValueError
        when it is neither, or names a day or time that does not exist (``2018-02-30``).
    """
    text = value.strip()
    return utc(_x_time(text) if text[:1].isalpha() else dt.datetime.fromisoformat(text))
