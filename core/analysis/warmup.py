"""Runs every analysis once, on one made-up tweet, through each output: what a first chart request would load.

The first PNG of a process imports matplotlib and scans the fonts (0.6-1.2 s here), the first sentiment
loads the tokenizer and the lexicon, the first page imports plotly. Where start-up time is free, or
snapshotted (Lambda SnapStart restores the INIT phase), paying it there keeps it off the first request.
Generic on purpose: an analysis added to ``core/analysis/analyses`` is warmed with no edit here.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence

from core.analysis import service as analytics
from core.analysis.registry import analysis_specs
from core.analysis.tweets.types import Tweet, TweetSource

logger = logging.getLogger(__name__)

ACCOUNT = "warmup"
TEXT = "A good day, a bad night: wonderful, terrible, great!"
"""Words on both sides of the lexicon, so that a sentiment chart has bars of both colours to draw."""


class _OneTweet:
    """A ``TweetSource`` holding one tweet of one account: no file, no network."""

    name = "warm-up"

    def fetch(self, users: Sequence[str], n: int, *, deadline: float | None = None) -> dict[str, list[Tweet]]:
        moment = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
        return {user: [Tweet(user, moment, TEXT, "1")] for user in users}


def warm_up(source: TweetSource | None = None) -> float:
    """Load what the analyses' first requests would, and ``source``'s tweets if it keeps them locally.

    Returns the seconds it took. The made-up results are thrown away; nothing is cached from them
    except what any request would have left behind (modules, fonts, the lexicon).
    """
    started = time.perf_counter()
    query = {"users": [ACCOUNT], "n": ["1"]}
    one = _OneTweet()
    for name in analysis_specs():
        analytics.png_chart(name, query, one, analytics.Limits())
        analytics.html_chart(name, query, one, analytics.Limits(), plotly_js="plotly.min.js")
    preload = getattr(source, "preload", None)
    if callable(preload):
        preload()
    seconds = time.perf_counter() - started
    logger.info("analyses warmed up in %.3f s", seconds)
    return seconds
