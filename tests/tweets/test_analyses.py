"""The analyses reproduce the R service's numbers and refuse bad requests naming the field."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

import pytest

from core.analysis import analyses, service as analytics
from core.analysis.registry import analysis_spec, analysis_specs
from core.analysis.tweets.sources import source_from_setting
from core.analysis.tweets.types import Tweet
from core.errors import InvalidInputError, NotFoundError, UnknownAccountError
from tests.conftest import REFERENCE

LIMITS = analytics.Limits()
BUNDLED = source_from_setting("bundled")


class FakeSource:
    """A TweetSource over a dict, as the protocol says: per user, the last n tweets, oldest first."""

    name = "fake"

    def __init__(self, tweets: Sequence[Tweet]) -> None:
        self.tweets = sorted(tweets, key=lambda t: t.created_at)

    def fetch(self, users: Sequence[str], n: int, *, deadline: float | None = None) -> dict[str, list[Tweet]]:
        found = {}
        for user in users:
            mine = [t for t in self.tweets if t.screen_name.lower() == user.lower()]
            if not mine:
                raise UnknownAccountError(f"no tweets of account {user!r}", field="users")
            found[user] = mine[-n:]
        return found


def _tweet(user: str, when: str, text: str) -> Tweet:
    return Tweet(user, dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC), text)


FAKE = FakeSource(
    [
        _tweet("alice", "2024-01-01T10:00:00", "A great, wonderful day"),
        _tweet("alice", "2024-01-01T23:59:59", "Terrible traffic"),
        _tweet("alice", "2024-01-02T00:00:00", "nothing to say"),
        _tweet("alice", "2024-01-08T12:00:00", "happy happy"),
        _tweet("Bob_2", "2024-02-29T12:00:00", "bad, sad, awful"),
    ]
)


def _reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _api(name: str, query: dict[str, list[str]], source: object = BUNDLED) -> dict:
    return analytics.run(name, query, source, LIMITS)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [400, 3200])
def test_frequency_matches_r_day_for_day(n: int) -> None:
    (series,) = _api("frequency", {"users": ["realDonaldTrump"], "n": [str(n)]})["series"]
    reference = _reference(f"trump_last{n}_frequency_daily.csv")
    assert series["dates"] == [r["day"] for r in reference]
    assert series["tweets"] == [int(r["tweets"]) for r in reference]
    assert series["tweets_analyzed"] == n


@pytest.mark.parametrize("n", [400, 3200])
def test_sentiment_matches_r_day_for_day(n: int) -> None:
    (series,) = _api("sentiment", {"users": ["realDonaldTrump"], "n": [str(n)]})["series"]
    columns = (series[k] for k in ("dates", "positive", "negative", "sentiment"))
    ours = {d: (p, q, s) for d, p, q, s in zip(*columns, strict=True)}
    reference = {
        r["day"]: (int(r["positive"]), int(r["negative"]), int(r["sentiment"]))
        for r in _reference(f"trump_last{n}_sentiment_daily.csv")
    }
    same = sum(ours.get(day) == values for day, values in reference.items())
    assert set(ours) == set(reference)
    assert same >= 0.99 * len(reference)
    for k in (0, 1):
        ref_total = sum(v[k] for v in reference.values())
        assert abs(sum(v[k] for v in ours.values()) - ref_total) <= 0.005 * ref_total
    if n == 3200:
        assert (sum(series["positive"]), sum(series["negative"])) == (3681, 2348)
        assert same == len(reference)  # today every day matches; the floor is 99 %


def test_weekly_frequency_sums_rs_days_into_weeks_starting_monday() -> None:
    (series,) = _api("frequency", {"users": ["realDonaldTrump"], "n": ["3200"], "unit": ["week"]})["series"]
    weeks: Counter[str] = Counter()
    for row in _reference("trump_last3200_frequency_daily.csv"):
        day = dt.date.fromisoformat(row["day"])
        weeks[(day - dt.timedelta(days=day.weekday())).isoformat()] += int(row["tweets"])
    assert dict(zip(series["dates"], series["tweets"], strict=True)) == dict(weeks)
    assert all(dt.date.fromisoformat(d).weekday() == 0 for d in series["dates"])


def test_each_account_gets_its_own_series_in_request_order() -> None:
    result = _api("sentiment", {"users": ["bob_2,@Alice"], "n": ["3"]}, FAKE)
    assert [s["user"] for s in result["series"]] == ["Bob_2", "alice"]
    bob, alice = result["series"]
    assert (bob["dates"], bob["positive"], bob["negative"], bob["sentiment"]) == (["2024-02-29"], [0], [3], [-3])
    # the last 3 of alice's 4 tweets; the day without a Bing word is left out, as R's inner join leaves it
    assert alice["tweets_analyzed"] == 3
    assert (alice["dates"], alice["positive"], alice["negative"]) == (["2024-01-01", "2024-01-08"], [0, 2], [1, 0])
    assert result["title"] == "Sentiment per day, last up to 3 tweets of @bob_2, @Alice"


def test_days_are_utc_days_and_months_start_on_the_first() -> None:
    daily = _api("frequency", {"users": ["alice"]}, FAKE)["series"][0]
    assert dict(zip(daily["dates"], daily["tweets"], strict=True)) == {
        "2024-01-01": 2,
        "2024-01-02": 1,
        "2024-01-08": 1,
    }
    monthly = _api("frequency", {"users": ["alice"], "unit": ["month"]}, FAKE)["series"][0]
    assert (monthly["dates"], monthly["tweets"]) == (["2024-01-01"], [4])


def test_an_account_without_tweets_is_a_not_found_naming_it() -> None:
    with pytest.raises(UnknownAccountError, match="nobody") as caught:
        _api("frequency", {"users": ["alice,nobody"]}, FAKE)
    assert caught.value.field == "users"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "users", "users is required"),
        ({"users": [""]}, "users", "users is required"),
        ({"users": ["a,,b"]}, "users", "is not an X handle"),
        ({"users": ["way_too_long_handle"]}, "users", "is not an X handle"),
        ({"users": ["bad-handle"]}, "users", "is not an X handle"),
        ({"users": [",".join(f"u{i}" for i in range(11))]}, "users", "at most 10"),
        ({"users": ["a"], "n": ["0"]}, "n", "from 1 to 3200"),
        ({"users": ["a"], "n": ["3201"]}, "n", "from 1 to 3200"),
        ({"users": ["a"], "n": ["1.5"]}, "n", "whole number"),
        ({"users": ["a"], "n": ["-1"]}, "n", "whole number"),
        ({"users": ["a"], "n": ["1", "2"]}, "n", "given 2 times"),
        ({"users": ["a"], "unit": ["year"]}, "unit", "one of day, week, month"),
        ({"users": ["a"], "user": ["b"]}, "user", "unknown parameter"),
        ({"users": ["a"], "standalone": ["true"]}, "standalone", "unknown parameter"),
    ],
)
def test_bad_requests_name_the_field(query: dict[str, list[str]], field: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        _api("frequency", query, FAKE)
    assert caught.value.field == field


def test_limits_are_configurable() -> None:
    limits = analytics.Limits(max_users=2, max_tweets=50)
    spec = analysis_spec("sentiment")
    with pytest.raises(InvalidInputError, match="at most 2") as caught:
        analytics.parse_request(spec, {"users": ["a,b,c"]}, limits)
    assert caught.value.field == "users"
    with pytest.raises(InvalidInputError, match="from 1 to 50"):
        analytics.parse_request(spec, {"users": ["a"], "n": ["51"]}, limits)
    assert analytics.parse_request(spec, {"users": ["a"]}, limits).n == 50  # the default, capped


def test_repeated_handles_count_once_and_users_may_repeat() -> None:
    request = analytics.parse_request(analysis_spec("frequency"), {"users": ["a, A", "@b", "a"]}, LIMITS)
    assert request.users == ("a", "b")
    assert request.n == 400
    assert request.options == {"unit": "day"}


def test_the_registry_finds_every_analysis_module_and_names_the_known_ones() -> None:
    package = Path(analyses.__file__).parent
    declared = sorted(
        import_module(f"{analyses.__name__}.{p.stem}").SPEC.name for p in package.glob("*.py") if p.stem != "__init__"
    )
    assert list(analysis_specs()) == declared != []
    with pytest.raises(NotFoundError, match=re.escape(f"known analyses: {', '.join(declared)}")):
        analysis_spec("no-such-analysis")
