"""Sentiment per day: Bing positive and negative words in an account's tweets (the R service's ``/sentiment``).

The words are tidytext's (``core.analysis.tweets.tokens``), joined with the Bing lexicon as R's ``inner_join``
does (``core.analysis.tweets.lexicon``); ``sentiment`` is ``positive - negative``. A period none of whose words
is in the lexicon is left out, as R's inner join leaves it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.analysis.charts import Chart
from core.analysis.periods import UNIT, period_starts
from core.analysis.spec import AnalysisSpec, Table
from core.analysis.tweets.types import Tweet


def sentiment_per_period(tweets: Sequence[Tweet], options: Mapping[str, str]) -> Table:
    """Positive and negative Bing words per period, and their difference."""
    from core.analysis.tweets.lexicon import bing_counts  # the regex tokenizer loads on the first sentiment request

    totals: dict[str, list[int]] = {}
    for start, tweet in zip(period_starts(tweets, options["unit"]), tweets, strict=True):
        positive, negative = bing_counts(tweet.text)
        if positive or negative:
            total = totals.setdefault(start, [0, 0])
            total[0] += positive
            total[1] += negative
    dates = sorted(totals)
    positives = [totals[d][0] for d in dates]
    negatives = [totals[d][1] for d in dates]
    return Table(
        dates=dates,
        values={
            "positive": positives,
            "negative": negatives,
            "sentiment": [p - n for p, n in zip(positives, negatives, strict=True)],
        },
    )


SPEC = AnalysisSpec(
    name="sentiment",
    title="Sentiment per {unit}",
    description="Words of each account's last n tweets, as R's tidytext splits them, matched with the Bing "
    "opinion lexicon: per day (or week, month; UTC) the positive and negative words and their difference.",
    measures=("positive", "negative", "sentiment"),
    compute=sentiment_per_period,
    chart=Chart(
        kind="bars", measure="sentiment", y_label="Bing positive - negative words", hover=("positive", "negative")
    ),
    parameters=(UNIT,),
)
