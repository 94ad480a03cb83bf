"""What the charts draw beyond the JSON: periods without tweets as zeros, and no stray date in a corner."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from core.analysis import service as analytics
from core.analysis.charts import drawn, png
from core.analysis.registry import analysis_spec
from core.analysis.tweets.sources import file_source
from core.analysis.tweets.sources.csv_file import CsvTweetSource

TIMES = [  # one account's tweets: gaps of days, of weeks, and of months across a new year
    "2023-11-29T23:00:00Z",
    "2023-11-30T01:00:00Z",
    "2023-12-01T12:00:00Z",
    "2023-12-01T13:00:00Z",
    "2024-01-15T08:00:00Z",
    "2024-03-04T08:00:00Z",
    "2024-03-05T08:00:00Z",
]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> CsvTweetSource:
    path = tmp_path_factory.mktemp("charts") / "gaps.csv"
    rows = [f"ann,{t},tweet {i}" for i, t in enumerate(TIMES)] + ["bob,2024-03-01T10:00:00Z,one day only"]
    path.write_text("screen_name,created_at,text\n" + "\n".join(rows) + "\n")
    return file_source(path)


def _period(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1) if unit == "month" else day


def _expected(unit: str) -> tuple[list[str], list[int]]:
    """Every period from the first tweet's to the last's, by walking each calendar day: counts, zeros included."""
    days = [dt.datetime.fromisoformat(t).date() for t in TIMES]
    counts = Counter(_period(d, unit) for d in days)
    walk = (days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1))
    periods = sorted({_period(d, unit) for d in walk})
    return [p.isoformat() for p in periods], [counts[p] for p in periods]


def _traces(page: str) -> list[dict[str, object]]:
    start = page.index("[", page.index('"frequency-chart"', page.index("Plotly.newPlot(")))
    traces, _ = json.JSONDecoder().raw_decode(page, start)
    return list(traces)


@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_periods_without_tweets_are_zeros_in_the_page_and_left_out_of_the_json(
    source: CsvTweetSource, unit: str
) -> None:
    query = {"users": ["ann,bob"], "unit": [unit]}
    page = analytics.html_chart("frequency", query, source, analytics.Limits(), plotly_js="plotly.min.js")
    ann, bob = _traces(page)
    dates, counts = _expected(unit)
    assert (ann["x"], ann["y"]) == (dates, counts)
    assert 0 in counts
    assert (bob["x"], bob["y"]) == ([_period(dt.date(2024, 3, 1), unit).isoformat()], [1])  # its own span only

    series = analytics.run("frequency", query, source, analytics.Limits())["series"][0]
    assert series["dates"] == [d for d, c in zip(dates, counts, strict=True) if c]  # as R's count() lists them
    assert series["tweets"] == [c for c in counts if c]


def _pixels(content: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(content)) as image:
        return np.asarray(image.convert("RGB"))


def test_the_png_draws_the_zeros(source: CsvTweetSource) -> None:
    """The PNG is the chart of the result with its zeros written out, and not the chart without them."""
    spec = analysis_spec("frequency")
    request = analytics.parse_request(spec, {"users": ["ann"]}, analytics.Limits(), "png")
    result = analytics.analyze(spec, request, source)
    dates, counts = _expected("day")
    written_out = {**result, "series": [{**result["series"][0], "dates": dates, "tweets": counts}]}
    straight = dataclasses.replace(spec.chart, absent_is_zero=False)

    drawn_png = _pixels(analytics.png_chart("frequency", {"users": ["ann"]}, source, analytics.Limits()))
    assert np.array_equal(drawn_png, _pixels(png.render(straight, written_out)))
    assert not np.array_equal(drawn_png, _pixels(png.render(straight, result)))


def test_filling_leaves_the_result_it_is_given_alone(source: CsvTweetSource) -> None:
    result = analytics.run("frequency", {"users": ["ann"]}, source, analytics.Limits())
    before = json.dumps(result)
    assert drawn(analysis_spec("frequency").chart, result)["series"][0]["dates"] == _expected("day")[0]
    assert json.dumps(result) == before
    sentiment = analysis_spec("sentiment").chart
    assert drawn(sentiment, result) is result  # not declared a count: drawn as given


@pytest.mark.parametrize(
    ("name", "corners"),
    [
        ("frequency", [(500, 413, 640, 445)]),  # right of the x label, under the last ticks
        ("sentiment", [(330, 413, 420, 445), (700, 413, 800, 445)]),  # the same under each panel
    ],
)
def test_no_date_is_written_in_the_corner_under_the_axis(source: CsvTweetSource, name: str, corners: list) -> None:
    """matplotlib's offset text wrote ``2024-Apr`` there under a chart of March; the year is in the axis label."""
    content = analytics.png_chart(name, {"users": ["ann,bob"], "n": ["3"]}, source, analytics.Limits())
    pixels = _pixels(content)
    for left, top, right, bottom in corners:
        assert (pixels[top:bottom, left:right] < 200).sum() == 0, (left, top)


def test_the_axis_label_names_the_years(source: CsvTweetSource) -> None:
    one_year = analytics.run("frequency", {"users": ["ann"], "n": ["2"]}, source, analytics.Limits())
    two_years = analytics.run("frequency", {"users": ["ann"]}, source, analytics.Limits())
    assert png._axis_label("day", one_year) == "day (UTC), 2024"
    assert png._axis_label("week", two_years) == "week (UTC, from Monday), 2023 to 2024"
