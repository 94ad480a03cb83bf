"""Days, weeks and months in UTC, as R's ``as_date`` and ``floor_date(week_start = 1)`` take them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from core.analysis.spec import Choice
from core.analysis.tweets.types import Tweet

UNIT = Choice(
    "unit",
    ("day", "week", "month"),
    "day",
    "the period counted together, in UTC; weeks start on Monday",
)


def _day(day: dt.date) -> dt.date:
    return day


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


_START: dict[str, Callable[[dt.date], dt.date]] = {"day": _day, "week": _week, "month": _month}


def period_starts(tweets: Sequence[Tweet], unit: str) -> list[str]:
    """The first day (ISO ``YYYY-MM-DD``, UTC) of the period each tweet falls in, in the tweets' order."""
    start = _START[unit]
    return [start(t.created_at.astimezone(dt.UTC).date()).isoformat() for t in tweets]
