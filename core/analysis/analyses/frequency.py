"""How often an account tweets: tweets per day, week or month (the R service's ``/frequency``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from core.analysis.charts import Chart
from core.analysis.periods import UNIT, period_starts
from core.analysis.spec import AnalysisSpec, Table
from core.analysis.tweets.types import Tweet


def tweets_per_period(tweets: Sequence[Tweet], options: Mapping[str, str]) -> Table:
    """Tweets per period, for the periods with at least one tweet (as R's ``count`` gives them)."""
    counts = Counter(period_starts(tweets, options["unit"]))
    dates = sorted(counts)
    return Table(dates=dates, values={"tweets": [counts[d] for d in dates]})


SPEC = AnalysisSpec(
    name="frequency",
    title="Tweets per {unit}",
    description="How many of each account's last n tweets fall in each day, week or month (UTC). "
    "Periods without a tweet are left out of the JSON, as in the R service; the charts draw them as 0.",
    measures=("tweets",),
    compute=tweets_per_period,
    chart=Chart(kind="lines", measure="tweets", y_label="tweets", absent_is_zero=True),
    parameters=(UNIT,),
)
