"""Where tweets come from, chosen once at startup by ``TWEETS_SOURCE``: ``bundled`` (default), ``file:PATH`` or ``x``.

Use from the edge, once per process::

    source = source_from_setting(os.environ.get("TWEETS_SOURCE"))
    tweets = source.fetch(["realDonaldTrump"], 3200)   # {"realDonaldTrump": [Tweet, ...]} oldest first

* ``bundled``: ``data/trump_tweets.csv.gz`` (dslabs 0.7.4, see ``data/README.md``), account ``realDonaldTrump``.
* ``file:PATH``: a CSV or CSV.gz (UTF-8) with ``screen_name,created_at,text`` (``id`` optional, other columns
  ignored), any number of accounts. ``created_at`` is ISO-8601 (``2018-10-10T20:19:24Z``, an offset, or no
  zone, which means UTC) or X's own ``Wed Oct 10 20:19:24 +0000 2018`` (the v1.1 API, rtweet). A relative
  PATH is taken from the working directory. The file is read when the source is set up: a missing file or
  column stops the start; a bad row is logged then (file, row, line, reason) and each tweet request
  answers 503 with the same file name, row and reason.
* ``x``: the X API v2; credentials from ``X_BEARER_TOKEN`` or ``API_KEY``, ``API_SECRET_KEY``,
  ``ACCESS_TOKEN``, ``ACCESS_SECRET``; budget per fetch from ``X_FETCH_DEADLINE_SECONDS`` (default 10).

Only this module and the CSV reader load with it; the X source (and tweepy) load only when chosen.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.analysis.tweets.sources.csv_file import BUNDLED_LAYOUT, FILE_LAYOUT, CsvTweetSource, TweetFileError
from core.analysis.tweets.types import TweetSource
from core.paths import DATA_DIR

__all__ = ["BUNDLED_PATH", "SETTING_VARIABLE", "bundled_source", "file_source", "source_from_setting"]

SETTING_VARIABLE = "TWEETS_SOURCE"
BUNDLED_PATH = DATA_DIR / "trump_tweets.csv.gz"


def bundled_source() -> CsvTweetSource:
    """The tweets shipped with the project (20,761 of ``realDonaldTrump``, 2009-05-04 to 2018-01-01)."""
    return CsvTweetSource(BUNDLED_PATH, BUNDLED_LAYOUT, name="bundled")


def file_source(path: Path) -> CsvTweetSource:
    """Tweets of any accounts from a CSV or CSV.gz with ``screen_name,created_at,text`` (and optionally ``id``)."""
    return CsvTweetSource(path, FILE_LAYOUT, name="file")


def source_from_setting(value: str | None, *, environ: Mapping[str, str] | None = None) -> TweetSource:
    """The tweet source a ``TWEETS_SOURCE`` value names, checked now so a bad setting stops the service at startup.

    Parameters
    ----------
    value:
        ``None`` or blank means ``bundled``; the keywords are case-insensitive, a ``file:`` path is not.
    environ:
        Where the X source reads its credentials and budget (default ``os.environ``); only ``x`` reads it.

    Raises
    ------
    ValueError
        naming ``TWEETS_SOURCE`` for an unknown value, a ``file:`` path that is missing or lacks a column,
        or missing X credentials. A ``file:`` with a malformed row is logged, not raised (see above).
    """
    setting = (value or "").strip()
    keyword = setting.casefold()
    try:
        if keyword in ("", "bundled"):
            # Not opened here: the corpus is part of the build, not of the setting, and the Lambda function
            # that serves only predictions is deployed without it (a request for tweets there answers 503).
            return bundled_source()
        if keyword.startswith("file:") and setting[5:].strip():
            source = file_source(Path(setting[5:].strip()).expanduser().resolve())
            source.check()
            source.preload()  # the operator reads a bad row in the start-up log, not at the first request
            return source
        if keyword == "x":
            from core.analysis.tweets.sources.x import XSource  # only this value pays for the X client's imports

            return XSource.from_environ(os.environ if environ is None else environ)
    except TweetFileError as exc:
        raise ValueError(f"{SETTING_VARIABLE}={setting!r}: {exc}") from exc
    raise ValueError(f"{SETTING_VARIABLE} must be 'bundled', 'file:PATH' or 'x', got {value!r}")
